import { parse as parseYaml } from 'yaml';
import type { ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import { DependencyError, InputError, NotFoundError } from '../../core/errors.js';
import type { ArtifactCredentials, Download, DownloadContext } from '../ArtifactCredentials.js';
import { basicAuthHeader } from '../authHeaders.js';
import type { HelmAccountConfig } from '../config.js';
import { httpGet, httpGetText, parseHttpUrl } from '../httpGet.js';
import { latestVersion } from '../versionOrder.js';

interface IndexEntry {
  readonly version: string;
  readonly urls: readonly string[];
}

/**
 * `HelmArtifactCredentials` + `IndexParser`: the account's `repository` has an `index.yaml`.
 * `helm/index` is that file; `helm/chart` is the chart `name` at `version` (the highest version by
 * Maven's order when blank), fetched from the entry's `urls` (relative ones resolved against the
 * repository), trying each in turn. Chart names and versions come from the same index.
 * Basic auth goes to the repository's own origin only (Clouddriver sends it to every chart URL).
 */
export function helmCredentials(account: HelmAccountConfig): ArtifactCredentials {
  const repository = account.repository.replace(/\/+$/, '');
  const indexUrl = parseHttpUrl(account.name, `${repository}/index.yaml`, 'repository');
  const origin = indexUrl.origin;
  const headers = async (): Promise<Record<string, string>> => {
    const auth = await basicAuthHeader(account.name, account);
    return auth === undefined ? {} : { Authorization: auth };
  };

  const readIndex = async (ctx: DownloadContext): Promise<Map<string, IndexEntry[]>> => {
    const text = await httpGetText(account.name, indexUrl, await headers(), ctx);
    return parseIndex(text, repository);
  };
  const entriesOf = (index: Map<string, IndexEntry[]>, name: string | null | undefined): IndexEntry[] => {
    if (!name) throw new InputError('Artifact name field should not be empty');
    const entries = index.get(name);
    if (entries === undefined || entries.length === 0) throw new NotFoundError(`Could not find correct entry with artifact name ${name} in the index of helm repository ${repository} (account '${account.name}')`);
    return entries;
  };

  return {
    name: account.name,
    type: 'artifacts-helm',
    types: ['helm/chart', 'helm/index'],
    handlesType: (t) => t === 'helm/chart' || t === 'helm/index',
    async download(artifact: ArtifactRequest, ctx): Promise<Download> {
      if (artifact.type === 'helm/index') return httpGet(account.name, indexUrl, await headers(), ctx);
      const entries = entriesOf(await readIndex(ctx), artifact.name);
      const version = artifact.version?.trim() ? artifact.version : latestVersion(entries.map((e) => e.version));
      const urls = entries.filter((e) => e.version === version).flatMap((e) => e.urls);
      if (urls.length === 0) throw new NotFoundError(`Could not find correct entry with artifact version ${String(version)} for chart ${String(artifact.name)} in helm repository ${repository} (account '${account.name}')`);
      let last: unknown;
      for (const raw of urls) {
        let url: URL;
        try {
          url = parseHttpUrl(account.name, new URL(raw, `${repository}/`).toString(), 'chart URL');
        } catch (err) {
          last = err;
          ctx.logger.warn({ account: account.name, chart: artifact.name }, 'skipping an invalid chart URL from the helm index');
          continue;
        }
        try {
          return await httpGet(account.name, url, url.origin === origin ? await headers() : {}, ctx);
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          last = err;
          ctx.logger.warn({ account: account.name, chart: artifact.name, host: url.host, err: err instanceof Error ? err.message : String(err) }, 'chart URL failed; trying the next one');
        }
      }
      throw last instanceof Error ? last : new DependencyError(502, `Unable to download chart ${String(artifact.name)} from helm repository ${repository}`);
    },
    names: async (ctx) => [...(await readIndex(ctx)).keys()],
    versions: async (name, ctx) => entriesOf(await readIndex(ctx), name).map((e) => e.version),
  };
}

/** `index.yaml`'s `entries`: chart name -> [{version, urls}]. */
function parseIndex(text: string, repository: string): Map<string, IndexEntry[]> {
  let doc: unknown;
  try {
    // Every scalar as a string, so `version: 1.10` stays "1.10" rather than the number 1.1.
    doc = parseYaml(text, { schema: 'failsafe' });
  } catch {
    doc = undefined;
  }
  const entries = typeof doc === 'object' && doc !== null ? (doc as { entries?: unknown }).entries : undefined;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new DependencyError(502, `Invalid index.yaml file in repository ${repository}`);
  const out = new Map<string, IndexEntry[]>();
  for (const [name, list] of Object.entries(entries as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    out.set(
      name,
      list.flatMap((e: unknown) => {
        if (typeof e !== 'object' || e === null) return [];
        const { version, urls } = e as { version?: unknown; urls?: unknown };
        if (typeof version !== 'string' && typeof version !== 'number') return [];
        return [{ version: String(version), urls: Array.isArray(urls) ? urls.filter((u): u is string => typeof u === 'string') : [] }];
      }),
    );
  }
  return out;
}

import type { ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import { InputError, NotFoundError } from '../../core/errors.js';
import type { ArtifactCredentials, Download, DownloadContext } from '../ArtifactCredentials.js';
import type { MavenAccountConfig } from '../config.js';
import { httpGet, httpGetText, parseHttpUrl } from '../httpGet.js';
import { compareVersions, versionConstraint } from '../versionOrder.js';

/** Maven coordinates (Aether's `DefaultArtifact`): `group:artifact[:extension[:classifier]]:version`. */
interface Coordinates {
  readonly groupId: string;
  readonly artifactId: string;
  readonly extension: string;
  readonly classifier: string;
  readonly version: string;
}

const COORDINATES = /^([^: ]+):([^: ]+)(?::([^: ]*)(?::([^: ]+))?)?:([^: ]+)$/;
/** A timestamped snapshot (`1.0-20240102.030405-7`), whose directory is `1.0-SNAPSHOT`. */
const TIMESTAMPED = /^(.*)-(\d{8}\.\d{6})-(\d+)$/;

/** Metadata from `maven-metadata.xml` (`Versioning`). */
interface Versioning {
  readonly latest?: string;
  readonly release?: string;
  readonly versions: string[];
  readonly snapshotVersions: { classifier: string; extension: string; value: string }[];
}

/**
 * `MavenArtifactCredentials`: `maven/file` takes coordinates in `reference`; the version may be
 * exact, a range (`[1.0,2.0)`), `RELEASE`/`latest.release` (metadata `release`), `LATEST`
 * (metadata `latest`), `SNAPSHOT`/`latest.integration` (the latest snapshot) or `x-SNAPSHOT`
 * (its newest timestamped build), resolved from `maven-metadata.xml` in the default layout.
 */
export function mavenCredentials(account: MavenAccountConfig): ArtifactCredentials {
  const base = account.repositoryUrl.replace(/\/+$/, '');
  const url = (path: string): URL => parseHttpUrl(account.name, `${base}/${path}`, 'repositoryUrl');

  const metadata = async (c: Coordinates, ctx: DownloadContext): Promise<Versioning> => {
    const dir = `${c.groupId.replaceAll('.', '/')}/${c.artifactId}`;
    const path = c.version.endsWith('-SNAPSHOT') ? `${dir}/${c.version}/maven-metadata.xml` : `${dir}/maven-metadata.xml`;
    return parseMetadata(await httpGetText(account.name, url(path), {}, ctx));
  };

  const resolve = async (c: Coordinates, ctx: DownloadContext): Promise<string | undefined> => {
    const v = c.version;
    const versioning = await metadata(c, ctx);
    if (v === 'RELEASE' || v === 'latest.release') return versioning.release;
    if (v === 'SNAPSHOT' || v === 'latest.integration') return versioning.latest === undefined ? undefined : resolve({ ...c, version: versioning.latest }, ctx);
    if (v === 'LATEST') return versioning.latest?.endsWith('-SNAPSHOT') ? resolve({ ...c, version: versioning.latest }, ctx) : versioning.latest;
    if (v.endsWith('-SNAPSHOT')) {
      return versioning.snapshotVersions.find((s) => s.classifier === c.classifier && (s.extension === '' || s.extension === c.extension))?.value;
    }
    let matches: (version: string) => boolean;
    try {
      matches = versionConstraint(v);
    } catch {
      throw new InputError(`Invalid version constraint '${v}' in maven/file reference`);
    }
    return versioning.versions.filter(matches).sort(compareVersions).at(-1);
  };

  return {
    name: account.name,
    type: 'artifacts-maven',
    types: ['maven/file'],
    handlesType: (t) => t === 'maven/file',
    async download(artifact: ArtifactRequest, ctx): Promise<Download> {
      const c = coordinatesOf(artifact);
      const version = await resolve(c, ctx);
      if (version === undefined) throw new NotFoundError(`No versions matching constraint '${c.version}' for '${artifact.reference ?? ''}' in maven repository of account '${account.name}'`);
      const baseVersion = version.replace(TIMESTAMPED, '$1-SNAPSHOT');
      const file = `${c.artifactId}-${version}${c.classifier === '' ? '' : `-${c.classifier}`}.${c.extension}`;
      return httpGet(account.name, url(`${c.groupId.replaceAll('.', '/')}/${c.artifactId}/${baseVersion}/${file}`), {}, ctx);
    },
  };
}

function coordinatesOf(artifact: ArtifactRequest): Coordinates {
  const reference = artifact.reference ?? '';
  // `group:artifact` with the version in `version` is accepted too.
  const spec = reference.split(':').length === 2 && artifact.version ? `${reference}:${artifact.version}` : reference;
  const m = COORDINATES.exec(spec);
  if (m === null) throw new InputError(`Bad maven/file reference '${reference}': expected <groupId>:<artifactId>[:<extension>[:<classifier>]]:<version>`);
  return { groupId: m[1] ?? '', artifactId: m[2] ?? '', extension: m[3] || 'jar', classifier: m[4] ?? '', version: m[5] ?? '' };
}

/** The few elements of `maven-metadata.xml` resolution reads. */
function parseMetadata(xml: string): Versioning {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '');
  const one = (tag: string, within = text): string | undefined => new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(within)?.[1];
  const all = (tag: string, within: string): string[] => [...within.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
  const versioning = all('versioning', text)[0] ?? '';
  const latest = one('latest', versioning);
  const release = one('release', versioning);
  return {
    ...(latest ? { latest } : {}),
    ...(release ? { release } : {}),
    versions: all('version', all('versions', versioning)[0] ?? '').map((v) => v.trim()),
    snapshotVersions: all('snapshotVersion', all('snapshotVersions', versioning)[0] ?? '').map((s) => ({
      classifier: one('classifier', s) ?? '',
      extension: one('extension', s) ?? '',
      value: one('value', s) ?? '',
    })),
  };
}

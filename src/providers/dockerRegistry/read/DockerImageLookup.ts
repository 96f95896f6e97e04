import type { Cache } from '../../../core/cache/Cache.js';
import type { CacheData } from '../../../core/cache/CacheData.js';
import type { DockerRegistryCredentials } from '../account/DockerRegistryCredentials.js';
import { IMAGE_ID, TAGGED_IMAGE, imageIdKey, parseTaggedImageKey, taggedImageKey, type TaggedImageKey } from '../keys.js';

/** `DockerRegistryImageLookupController.LookupOptions` (`region` is accepted by the route and ignored, as upstream). */
export interface LookupOptions {
  /** Matched as the glob `*q*` against image ids (`{registry}/{repository}:{tag}`). */
  readonly q?: string;
  readonly account?: string;
  readonly repository?: string;
  readonly tag?: string;
  /** At most this many images; 0 or absent = all. */
  readonly count?: number;
  readonly includeDetails?: boolean;
}

/** The `artifact` of a found image (`generateArtifact`). */
export interface DockerArtifact {
  readonly name: string;
  readonly type: 'docker';
  readonly version: string;
  readonly reference: string;
  readonly metadata: { readonly registry: string; readonly labels: unknown };
}

/**
 * One found image, in the shape Igor's `TaggedImage` and Deck's image pickers read:
 * `repository`, `tag`, `account`, `registry`, `digest`, `artifact`, and with `includeDetails`
 * `commitId`, `buildNumber` and `branch` from the image labels.
 */
export type FoundImage = Record<string, unknown> & { readonly account: string; readonly repository: string; readonly tag: string; readonly artifact: DockerArtifact };

/**
 * The image read API of the Docker registry provider (Clouddriver's
 * `DockerRegistryImageLookupController`), answered from the cache the caching agents fill.
 * Differences from upstream, each a fix of something upstream gets wrong:
 * - `repository` and `tag` filter every kind of lookup (upstream ignores them when no account
 *   tracks digests), and `tag` filters without `repository` too;
 * - `count` limits the filtered answer (upstream cuts first, then filters);
 * - with `includeDetails`, or when the account tracks or inspects digests, items are read with
 *   their attributes (upstream answers from keys alone whenever no account has `trackDigests`,
 *   so `inspectDigests` labels never reach Igor);
 * - answers are ordered by key (upstream: the cache's set order).
 */
export class DockerImageLookup {
  constructor(
    private readonly cache: Cache,
    private readonly accounts: () => ReadonlyMap<string, DockerRegistryCredentials>,
  ) {}

  /** Tags of one repository: newest first with `sortTagsByDate` (undated last), otherwise by key. Unknown account: none. */
  async tags(account: string, repository: string): Promise<string[]> {
    const credentials = this.accounts().get(account);
    if (credentials === undefined) return [];
    const ids = await this.cache.filterIdentifiers(TAGGED_IMAGE, taggedImageKey(escapeGlob(account), escapeGlob(repository), '*'));
    const keyed = ids.flatMap((id) => {
      const key = parseTaggedImageKey(id);
      return key === undefined || key.account !== account || key.repository !== repository ? [] : [{ id, key }];
    });
    if (!credentials.config.sortTagsByDate) return keyed.sort((a, b) => compare(a.id, b.id)).map((k) => k.key.tag);
    const dates = new Map((await this.cache.getAll(TAGGED_IMAGE, keyed.map((k) => k.id), [])).map((i) => [i.id, dateOf(i)]));
    return keyed
      .sort((a, b) => (dates.get(b.id) ?? -Infinity) - (dates.get(a.id) ?? -Infinity) || compare(a.id, b.id))
      .map((k) => k.key.tag);
  }

  async find(opts: LookupOptions): Promise<FoundImage[]> {
    const accounts = this.accounts();
    const account = opts.account || undefined;
    const repository = opts.repository || undefined;
    const tag = opts.tag || undefined;
    const wanted = (k: TaggedImageKey): boolean =>
      (account === undefined || k.account === account) && (repository === undefined || k.repository === repository) && (tag === undefined || k.tag === tag);

    let ids: string[];
    if (opts.q) {
      const idItems = await this.cache.getAll(IMAGE_ID, await this.cache.filterIdentifiers(IMAGE_ID, imageIdKey(`*${opts.q}*`)), []);
      ids = idItems.flatMap((i) => (typeof i.attributes.tagKey === 'string' && (account === undefined || i.attributes.account === account) ? [i.attributes.tagKey] : []));
    } else {
      ids = await this.cache.filterIdentifiers(TAGGED_IMAGE, taggedImageKey(glob(account), glob(repository), glob(tag)));
    }
    const keyed = [...new Set(ids)]
      .flatMap((id) => {
        const key = parseTaggedImageKey(id);
        return key !== undefined && wanted(key) && accounts.has(key.account) ? [{ id, key }] : [];
      })
      .sort((a, b) => compare(a.id, b.id));
    const limited = opts.count ? keyed.slice(0, opts.count) : keyed;

    const relevant = account === undefined ? [...accounts.values()] : [accounts.get(account)].filter((c) => c !== undefined);
    const needAttributes = opts.includeDetails === true || relevant.some((c) => c.config.trackDigests || c.config.inspectDigests);
    if (!needAttributes) {
      return limited.map(({ key }) => {
        const registry = (accounts.get(key.account) as DockerRegistryCredentials).registry;
        return { repository: key.repository, tag: key.tag, account: key.account, registry, artifact: artifact(registry, key.repository, key.tag, {}) };
      });
    }
    const items = new Map((await this.cache.getAll(TAGGED_IMAGE, limited.map((k) => k.id), [])).map((i) => [i.id, i]));
    return limited.flatMap(({ id, key }) => {
      const item = items.get(id);
      const credentials = accounts.get(key.account);
      if (item === undefined || credentials === undefined) return [];
      const registry = credentials.registry;
      const labels = labelsOf(item);
      const base = { repository: key.repository, tag: key.tag, account: key.account, registry, digest: item.attributes.digest ?? null };
      if (!opts.includeDetails) return [{ ...base, artifact: artifact(registry, key.repository, key.tag, {}) }];
      return [
        {
          ...base,
          commitId: labels?.commitId ?? null,
          buildNumber: labels?.buildNumber ?? null,
          branch: labels?.branch ?? null,
          artifact: artifact(registry, key.repository, key.tag, labels ?? null),
        },
      ];
    });
  }
}

function artifact(registry: string, repository: string, tag: string, labels: unknown): DockerArtifact {
  return { name: repository, type: 'docker', version: tag, reference: `${registry}/${repository}:${tag}`, metadata: { registry, labels } };
}

function labelsOf(item: CacheData): Record<string, unknown> | undefined {
  const labels = item.attributes.labels;
  return typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? (labels as Record<string, unknown>) : undefined;
}

function dateOf(item: CacheData): number | undefined {
  const date = item.attributes.date;
  const ms = typeof date === 'string' ? Date.parse(date) : typeof date === 'number' ? date * 1000 : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Java's `String.compareTo` order (UTF-16 code units). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A literal part of a key glob: `*`, `?` and `[` only match themselves. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[]/g, (ch) => `[${ch}]`);
}

function glob(part: string | undefined): string {
  return part === undefined ? '*' : escapeGlob(part);
}

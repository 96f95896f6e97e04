import type { AgentContext, CachingAgent } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheData, type CacheResult } from '../../../core/cache/CacheData.js';
import type { DockerRegistryCredentials } from '../account/DockerRegistryCredentials.js';
import { RegistryError, type ImageConfig, type Manifest } from '../client/DockerRegistryClient.js';
import { isRepositoryName, isTag } from '../client/names.js';
import { DOCKER_REGISTRY, IMAGE_ID, TAGGED_IMAGE, imageId, imageIdKey, parseTaggedImageKey, taggedImageKey } from '../keys.js';

/** Repositories listed at once by one agent run. */
const REPOSITORY_CONCURRENCY = 4;
/** Manifest / config reads at once per repository (trackDigests, inspectDigests, sortTagsByDate). */
const TAG_CONCURRENCY = 8;

/** The end of one agent run, as the health component shows it. */
export interface AgentOutcome {
  /** Epoch ms the run started (injected clock). */
  readonly at: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly [detail: string]: unknown;
}

/**
 * Java's `String.hashCode` (UTF-16 code units, 32-bit overflow), so repositories fall in the same
 * shard as in Clouddriver (`(repository.hashCode() % threadCount).abs() == index`).
 */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function shardOf(repository: string, threadCount: number): number {
  return Math.abs(javaStringHash(repository) % threadCount);
}

/**
 * One shard of a Docker registry account's images (Clouddriver's
 * `DockerRegistryImageCachingAgent`, agent type `{account}/DockerRegistryImageCachingAgent[i/N]`
 * with N = `cacheThreads`). Each run lists the account's repositories, keeps those of its
 * shard that `skip` does not name, lists each one's tags and writes, authoritatively:
 * - `taggedImage` `dockerRegistry:taggedImage:{account}:{repository}:{tag}` with attributes
 *   `name` (`repository:tag`), `account`, `digest`, `date` and, with `inspectDigests`, `labels`;
 * - `imageId` `dockerRegistry:imageId:{registry}/{repository}:{tag}` with `tagKey` and `account`.
 *
 * Per tag, `trackDigests` reads the manifest's digest (a tag whose manifest cannot be read is
 * not cached, as upstream); `inspectDigests` reads the image config, whose labels are kept and
 * whose digest (the image id) replaces the manifest digest, as upstream; `sortTagsByDate` keeps
 * the config's `created` time (ISO 8601). A repository the registry does not know (404) is
 * skipped with a warning, so its tags are evicted. Where upstream differs: a repository whose
 * tags cannot be listed for another reason keeps the entries of the previous run instead of
 * losing them, and a catalog that cannot be read fails the run (nothing is evicted) instead of
 * counting as empty, and so does a run in which no repository could be listed at all.
 */
export class DockerRegistryImageCachingAgent implements CachingAgent {
  readonly agentType: string;
  readonly providerName = DOCKER_REGISTRY;
  readonly accountName: string;
  readonly providedDataTypes = [
    { typeName: TAGGED_IMAGE, authority: 'AUTHORITATIVE' as const },
    { typeName: IMAGE_ID, authority: 'AUTHORITATIVE' as const },
  ];
  readonly schedule: { readonly intervalMs: number };
  private last: Record<string, unknown> = {};
  private outcome: AgentOutcome | undefined;

  constructor(
    private readonly credentials: DockerRegistryCredentials,
    private readonly index: number,
    private readonly threadCount: number,
  ) {
    this.accountName = credentials.name;
    this.agentType = `${credentials.name}/DockerRegistryImageCachingAgent[${index + 1}/${threadCount}]`;
    this.schedule = { intervalMs: credentials.config.cacheIntervalSeconds * 1000 };
  }

  introspectionDetails(): Record<string, unknown> {
    return { ...this.last };
  }

  /** How the last finished run went (for the provider's health component); undefined before the first. */
  lastOutcome(): AgentOutcome | undefined {
    return this.outcome;
  }

  async loadData(ctx: AgentContext): Promise<CacheResult> {
    const startedAt = ctx.clock.now();
    try {
      const result = await this.load(ctx);
      this.outcome = { at: startedAt, ok: true, ...this.last };
      return result;
    } catch (e) {
      if (!ctx.signal.aborted) this.outcome = { at: startedAt, ok: false, error: messageOf(e) };
      throw e;
    }
  }

  private async load(ctx: AgentContext): Promise<CacheResult> {
    const { signal } = ctx;
    const account = this.credentials.name;
    const skip = new Set(this.credentials.config.skip);
    const all = await this.credentials.repositories();
    const mine = [...new Set(all)].filter((r) => (this.threadCount === 1 || shardOf(r, this.threadCount) === this.index) && !skip.has(r));
    const tagged: CacheData[] = [];
    const ids: CacheData[] = [];
    const missing: string[] = [];
    const kept: string[] = [];
    let listed = 0;
    let firstError: string | undefined;
    await mapLimit(mine, REPOSITORY_CONCURRENCY, async (repository) => {
      if (!isRepositoryName(repository)) {
        ctx.logger.warn({ account, repository: repository.slice(0, 255) }, 'not a valid repository name; skipped');
        return;
      }
      let tags: string[];
      try {
        tags = await this.credentials.client.tags(repository, signal);
      } catch (e) {
        signal.throwIfAborted();
        if (e instanceof RegistryError && e.status === 404) {
          missing.push(repository);
          ctx.logger.warn({ account, repository, err: e.message }, 'repository not found in the registry; skipped');
          return;
        }
        kept.push(repository);
        firstError ??= messageOf(e);
        ctx.logger.warn({ account, repository, err: messageOf(e) }, 'could not list tags; keeping the tags cached before');
        const previous = await this.previous(ctx, repository);
        for (const item of previous) {
          tagged.push(item);
          const key = parseTaggedImageKey(item.id);
          if (key !== undefined) ids.push(this.imageIdItem(key.repository, key.tag, item.id));
        }
        return;
      }
      listed++;
      const items = await mapLimit([...new Set(tags)], TAG_CONCURRENCY, (tag) => this.describeTag(ctx, repository, tag));
      for (const described of items) {
        if (described === undefined) continue;
        tagged.push(described.item);
        ids.push(this.imageIdItem(repository, described.tag, described.item.id));
      }
    });
    // Nothing could be listed (refused credentials, a registry down after its catalog): a failed
    // run, so the account shows as failing; nothing is evicted either way.
    if (kept.length > 0 && listed === 0 && missing.length === 0) throw new Error(`no repository could be listed (${kept.length} failed), first: ${firstError ?? 'unknown error'}`);
    this.last = {
      repositories: mine.length,
      taggedImages: tagged.length,
      missingRepositories: missing.length,
      keptRepositories: kept.length,
      ...(firstError === undefined ? {} : { listingError: firstError }),
    };
    ctx.logger.debug({ account, ...this.last }, 'docker registry images loaded');
    return { cacheResults: { [TAGGED_IMAGE]: tagged, [IMAGE_ID]: ids }, introspectionDetails: this.last };
  }

  /** One tag's item, or undefined when the tag is not cached. */
  private async describeTag(ctx: AgentContext, repository: string, tag: string): Promise<{ tag: string; item: CacheData } | undefined> {
    const account = this.credentials.name;
    const { trackDigests, inspectDigests, sortTagsByDate } = this.credentials.config;
    if (!isTag(tag)) {
      ctx.logger.warn({ account, repository, tag: tag.slice(0, 140) }, 'empty or invalid tag; not cached');
      return undefined;
    }
    const key = taggedImageKey(account, repository, tag);
    let digest: string | null = null;
    let date: string | null = null;
    let labels: Record<string, unknown> | null | undefined;
    if (trackDigests || inspectDigests || sortTagsByDate) {
      let manifest: Manifest | undefined;
      try {
        manifest = await this.credentials.client.manifest(repository, tag, ctx.signal);
      } catch (e) {
        ctx.signal.throwIfAborted();
        if (trackDigests) {
          ctx.logger.warn({ account, repository, tag, err: messageOf(e) }, 'manifest could not be read; tag not cached');
          return undefined;
        }
        ctx.logger.warn({ account, repository, tag, err: messageOf(e) }, 'manifest could not be read; tag cached without details');
      }
      if (manifest !== undefined) {
        if (trackDigests) digest = manifest.digest;
        if (inspectDigests || sortTagsByDate) {
          let config: ImageConfig | undefined;
          try {
            config = await this.credentials.client.imageConfig(repository, manifest, ctx.signal);
          } catch (e) {
            ctx.signal.throwIfAborted();
            ctx.logger.warn({ account, repository, tag, err: messageOf(e) }, 'image config could not be read; tag cached without labels or date');
          }
          if (config !== undefined && inspectDigests) {
            digest = config.configDigest ?? digest;
            labels = config.labels;
          }
          if (config !== undefined && sortTagsByDate) date = validDate(config.created);
        }
      }
    }
    const attributes: Record<string, unknown> = { name: `${repository}:${tag}`, account, digest, date };
    if (labels !== undefined) attributes.labels = labels;
    return { tag, item: cacheData(key, attributes) };
  }

  private imageIdItem(repository: string, tag: string, tagKey: string): CacheData {
    return cacheData(imageIdKey(imageId(this.credentials.registry, repository, tag)), { tagKey, account: this.credentials.name });
  }

  /** The tagged images of a repository as the cache holds them now. */
  private async previous(ctx: AgentContext, repository: string): Promise<CacheData[]> {
    const keys = await ctx.cache.filterIdentifiers(TAGGED_IMAGE, taggedImageKey(this.credentials.name, repository, '*'));
    const items = await ctx.cache.getAll(TAGGED_IMAGE, keys, []);
    return items.map((i) => {
      const { cacheExpiry: _e, ...attributes } = i.attributes;
      return cacheData(i.id, attributes);
    });
  }
}

function validDate(created: string | undefined): string | null {
  if (created === undefined) return null;
  const ms = Date.parse(created);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ProviderCache } from '../../core/cache/Cache.js';
import type { CachingAgent } from '../../core/agents/CachingAgent.js';
import { EventLoopLag } from '../../core/EventLoopLag.js';
import { processForeground } from '../../core/ForegroundActivity.js';
import { processHeapSettler } from '../../core/memory/HeapSettler.js';
import type { ArtifactDownloader } from '../../core/artifacts/ArtifactDownloader.js';
import type { AccountOwnership, ReleaseReason } from '../../core/agents/AccountOwnership.js';
import type { ChangeFeed } from '../../core/cache/ChangeFeed.js';
import type { Logger } from '../../core/Logger.js';
import type { ProviderDeps, ProviderModule, ProviderRuntime } from '../../core/providers/ProviderModule.js';
import { KubernetesCredentials } from './account/KubernetesCredentials.js';
import { kubernetesAccountSchema } from './account/KubernetesAccountConfig.js';
import { kubernetesDefinitionProblems } from './account/submittedDefinition.js';
import type { KubernetesAccountConfig } from './account/KubernetesAccountConfig.js';
import { AccountStartQueue } from './caching/AccountStartQueue.js';
import { ConnectAhead } from './caching/ConnectAhead.js';
import { KubernetesAccountCache, cachedKinds, type AccountHealthDetail } from './caching/KubernetesAccountCache.js';
import { loadKubernetesClientLibrary } from './client/KubeClient.js';
import { APPLICATIONS, CLUSTERS, LOGICAL_TTL_SECONDS, accountClusterPattern, accountInfrastructurePattern } from './keys.js';
import { KubernetesReadService } from './read/KubernetesReadService.js';
import { modelReads } from './read/KubernetesReads.js';
import { KubernetesStoreReads } from './read/KubernetesStoreReads.js';
import { StoreItemCache } from './read/StoreItemCache.js';
import { registerManifestRoutes } from './api/manifestRoutes.js';
import { kubernetesReadContributor } from './read/KubernetesReadContributor.js';
import { registerJobRoutes } from './api/jobRoutes.js';
import { kubernetesOperations } from './ops/kubernetesOperations.js';
import { kubernetesConsole } from './console/KubernetesConsole.js';

export const KUBERNETES = 'kubernetes';

/** Change feed topic on which leaders announce the keys they wrote. */
const CHANGES_TOPIC = 'kubernetes:cache';
/** More messages than this for one write and followers are told to reload the account instead. */
const MAX_MESSAGES_PER_WRITE = 16;

/** `{a: account, k: keys}` (mirror these keys) or `{a: account, reload: true}` (reload the account). */
interface CacheChangeMessage {
  readonly a: string;
  readonly k?: readonly string[];
  readonly reload?: boolean;
}

/** Splits what a leader wrote into feed messages under the size limit; too many means "reload". */
export function changeMessages(account: string, keys: readonly string[], maxBytes: number): string[] {
  const out: string[] = [];
  let chunk: string[] = [];
  const encode = (k: readonly string[]): string => JSON.stringify({ a: account, k } satisfies CacheChangeMessage);
  // A message's size is the empty message's plus each key's JSON and a comma between keys,
  // counted as keys are added (re-encoding the chunk for every key was quadratic: ~1 s of CPU a
  // minute under 1,000 changes/s).
  const empty = Buffer.byteLength(encode([]));
  let size = empty;
  for (const key of keys) {
    const bytes = Buffer.byteLength(JSON.stringify(key));
    if (chunk.length > 0 && size + 1 + bytes > maxBytes) {
      out.push(encode(chunk));
      chunk = [];
      size = empty;
    }
    size += (chunk.length > 0 ? 1 : 0) + bytes;
    chunk.push(key);
    if (out.length >= MAX_MESSAGES_PER_WRITE) return [JSON.stringify({ a: account, reload: true } satisfies CacheChangeMessage)];
  }
  if (chunk.length > 0) out.push(encode(chunk));
  return out;
}

/**
 * Evicts everything the account ever wrote: its objects of every cached kind and its clusters,
 * found by key pattern (write-through items since the last snapshot are not in the snapshot
 * agent's bookkeeping, so its empty result alone would leave them behind).
 */
async function evictAccount(cache: ProviderCache, account: KubernetesAccountCache, name: string): Promise<void> {
  const patterns: [string, string][] = [
    ...cachedKinds(account.credentials, account.registry).map((k): [string, string] => [k.name, accountInfrastructurePattern(k.name, name)]),
    [CLUSTERS, accountClusterPattern(name)],
  ];
  for (const [type, pattern] of patterns) {
    const ids = await cache.filterIdentifiers(type, pattern);
    if (ids.length > 0) await cache.evictDeletedItems(type, ids);
  }
}

/** `evictAccount`, best effort: the account is removed either way; what could not be evicted is logged (and stays until the store is cleaned). */
async function evictAccountQuietly(cache: ProviderCache, account: KubernetesAccountCache, name: string, logger: Logger | undefined): Promise<void> {
  try {
    await evictAccount(cache, account, name);
  } catch (err) {
    logger?.warn({ account: name, err: err instanceof Error ? err.message : String(err) }, 'could not evict every object the removed account wrote');
  }
}

/** Default period of the full-snapshot agent that reconciles the cache store with the watch state. */
const SNAPSHOT_INTERVAL_SECONDS = 300;
/**
 * A snapshot with nothing to change is skipped while the last written one is younger than this:
 * half the logical items' TTL, since every snapshot rewrites them and their stored copies must
 * not expire in between.
 */
export const SNAPSHOT_SKIP_MAX_AGE_MS = (LOGICAL_TTL_SECONDS * 1000) / 2;
/**
 * Every item is written again (a full snapshot) at least this often by default: 30 minutes, six
 * default intervals (`kubernetes.fullSnapshotMinutes`).
 */
export const FULL_SNAPSHOT_MAX_AGE_MS = 30 * 60_000;
/** Default bound of the store-read item cache (`kubernetes.storeReadCacheItems`). */
const STORE_READ_CACHE_ITEMS = 20_000;

/**
 * Whether the snapshot run starting at `nowMs` may be skipped: the store was last known to hold
 * the whole model at `wholeAtMs` (a snapshot taken then was written, or the write-through had
 * stored every item of the term: see `KubernetesAccountCache.snapshotUpToDate`), less than
 * `SNAPSHOT_SKIP_MAX_AGE_MS` ago, and the account says it still does.
 */
export function snapshotMaySkip(wholeAtMs: number | undefined, nowMs: number, account: Pick<KubernetesAccountCache, 'snapshotUpToDate'>): boolean {
  return wholeAtMs !== undefined && nowMs - wholeAtMs < SNAPSHOT_SKIP_MAX_AGE_MS && account.snapshotUpToDate();
}

/**
 * Whether the snapshot run starting at `nowMs` writes every item (`full`) rather than only those
 * not confirmed in the store: when the last full one, or before any the first one written, was
 * taken `maxAgeMs` ago or more.
 */
export function snapshotIsFull(cycleStartMs: number | undefined, nowMs: number, maxAgeMs = FULL_SNAPSHOT_MAX_AGE_MS): boolean {
  return cycleStartMs !== undefined && nowMs - cycleStartMs >= maxAgeMs;
}

/** Provider-wide settings read from the `kubernetes` config section (besides `accounts`). */
export const kubernetesProviderSettings = z
  .object({
    /**
     * Clouddriver's `kubernetes.enabled` (Halyard writes it for a provider in use). Here the
     * provider is always there; `true` loads its client library once the service listens, so the
     * first account added at run time does not wait for it (~60 MB of RSS and a fraction of a
     * second to a second of CPU, paid at start-up instead: docs/benchmarks.md §1).
     */
    enabled: z.boolean().optional(),
    probeIntervalSeconds: z.number().positive().optional(),
    writeBatchMillis: z.number().int().positive().optional(),
    followerReads: z.enum(['memory', 'store']).optional(),
    storeReadCacheItems: z.number().int().nonnegative().optional(),
    /** Accounts doing their first LIST at the same time, at most (default 32; fewer while the event loop runs late). */
    startConcurrency: z.number().int().positive().optional(),
    /** Longest time between two snapshots that write every item (default 30). */
    fullSnapshotMinutes: z.number().positive().optional(),
  })
  .passthrough()
  .default({});

export interface KubernetesProviderOptions {
  /** Load the client library once the service listens instead of with the first account (`kubernetes.enabled`). */
  readonly preloadClientLibrary?: boolean;
  /** Write-through batching window. */
  readonly flushIntervalMs?: number;
  /** API server probe period (a failing probe marks the account unreachable). */
  readonly probeIntervalMs?: number;
  /** Accounts doing their first LIST at the same time, at most (the rest wait their turn; see `AccountStartQueue`). */
  readonly startConcurrency?: number;
  /**
   * Longest time between two snapshots that write every item (default `FULL_SNAPSHOT_MAX_AGE_MS`):
   * the bound on repairing data the cache store lost without this instance writing.
   */
  readonly fullSnapshotMaxAgeMs?: number;
  /** `caching.writeEnabled`: when false, this instance only reads the cache store (never writes it). */
  readonly writeEnabled?: boolean;
  /**
   * `kubernetes.followerReads`: how accounts another instance watches are read here. `memory`
   * (default): mirrored whole in memory through the change feed (fastest reads, memory grows
   * with every account's objects). `store`: read from the cache store on demand with a bounded
   * item cache (`storeReadCacheItems`, default 20,000), so memory grows with the accounts this
   * instance watches, not with the install.
   */
  readonly followerReads?: 'memory' | 'store';
  readonly storeReadCacheItems?: number;
}

/** Connections made ahead of their account's start-up turn at once, at most (`ConnectAhead`). */
const CONNECT_AHEAD_CONCURRENCY = 64;

/**
 * The Kubernetes provider: accounts from `kubernetes.accounts[]` or the account API, one
 * watch-based account cache per account (the read API answers from it), and per account one
 * scheduled agent, `{account}/KubernetesCoreCachingAgent`, that writes the full model to the
 * cache store authoritatively (evicting anything the incremental writes missed).
 */
export function createKubernetesProvider(options: KubernetesProviderOptions = {}): ProviderModule<KubernetesAccountConfig, KubernetesCredentials, FastifyInstance> {
  const caches = new Map<string, KubernetesAccountCache>();
  const lag = new EventLoopLag();
  const starter = new AccountStartQueue<KubernetesAccountCache>({
    concurrency: options.startConcurrency ?? 32,
    stillWanted: (a) => caches.get(a.account) === a && (ownership?.owns(a.account) ?? true),
    lagMs: () => lag.recentMs(),
    onBusy: (busy) => (busy ? lag.start() : lag.stop()),
  });
  const connector = new ConnectAhead(CONNECT_AHEAD_CONCURRENCY);
  const read = new KubernetesReadService(() => caches);
  const storeMode = options.followerReads === 'store';
  /** With `followerReads: store`: items read from the store, invalidated by the change feed. */
  const storeItems = storeMode ? new StoreItemCache(options.storeReadCacheItems ?? STORE_READ_CACHE_ITEMS) : undefined;
  let providerCache: ProviderCache | undefined;
  let ownership: AccountOwnership | undefined;
  let changes: ChangeFeed | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let log: Logger | undefined;

  /**
   * Accounts whose announcement could not be published (the feed's server unreachable, say):
   * followers would never learn of those writes, since a lost publish is no gap on their side.
   * Until a publish succeeds again they are told to reload these accounts, every second.
   */
  const unannounced = new Set<string>();
  let reannouncing: NodeJS.Timeout | undefined;
  const reannounce = (): void => {
    reannouncing = undefined;
    const feed = changes;
    if (feed === undefined) return;
    for (const account of [...unannounced]) {
      feed
        .publish(CHANGES_TOPIC, JSON.stringify({ a: account, reload: true } satisfies CacheChangeMessage))
        .then(() => unannounced.delete(account))
        .catch(() => undefined)
        .finally(() => {
          if (unannounced.size > 0 && reannouncing === undefined) reannouncing = setTimeout(reannounce, 1000).unref();
        });
    }
  };
  /** Tells followers to re-read the whole account (re-sent until the feed takes it). */
  const announceReload = (account: string): void => {
    unannounced.add(account);
    reannouncing ??= setTimeout(reannounce, 0).unref();
  };
  /** Announces to the other instances what a leader wrote (followers also re-read on gaps). */
  const announce = (account: string, keys: readonly string[]): void => {
    const feed = changes;
    if (feed === undefined || keys.length === 0) return;
    for (const message of changeMessages(account, keys, feed.maxMessageBytes)) {
      feed.publish(CHANGES_TOPIC, message).catch((e: unknown) => {
        log?.warn({ account, err: (e as Error).message }, 'could not announce cache changes; followers will be told to reload the account');
        unannounced.add(account);
        reannouncing ??= setTimeout(reannounce, 1000).unref();
      });
    }
  };
  const onFeedMessage = (raw: string): void => {
    let message: CacheChangeMessage;
    try {
      message = JSON.parse(raw) as CacheChangeMessage;
    } catch {
      return;
    }
    if (storeItems !== undefined) {
      if (message.reload === true) storeItems.invalidateAccount(message.a);
      else if (Array.isArray(message.k)) storeItems.invalidate(message.k);
      return;
    }
    const cache = caches.get(message.a);
    if (cache === undefined || cache.currentRole !== 'follower') return;
    if (message.reload === true) void cache.reload();
    else if (Array.isArray(message.k)) void cache.mirror(message.k);
  };
  const onAcquired = (account: string): void => {
    const cache = caches.get(account);
    if (cache === undefined) return;
    connector.enqueue(() => cache.connect());
    starter.enqueue(cache);
  };
  const onReleased = async (account: string, reason: ReleaseReason): Promise<void> => {
    const cache = caches.get(account);
    if (cache === undefined || reason === 'removed') return;
    await cache.follow({ flush: reason !== 'lost' });
  };
  let artifacts: ArtifactDownloader | undefined;

  /**
   * The account's `{account}/KubernetesCoreCachingAgent`: every interval it writes the model
   * authoritatively, which evicts what the incremental writes missed. Items the write-through
   * has confirmed in the store during this leadership term are vouched for as `unchanged`
   * instead of being serialized again (see `KubernetesAccountCache.snapshot`); every
   * `fullSnapshotMaxAgeMs` a full snapshot writes them all, which puts back what the store
   * lost without this instance writing (a flushed Redis, a restored database). A run is skipped
   * (`unchanged`) while the account cache says the store already holds the model as the last
   * snapshot and the write-through left it (`snapshotUpToDate`) and that snapshot is younger
   * than `SNAPSHOT_SKIP_MAX_AGE_MS`.
   */
  const snapshotAgent = (account: KubernetesAccountCache, credentials: KubernetesCredentials, agentType: string): CachingAgent => {
    /** Scheduler-clock time the snapshot in flight, and the last one written, were taken. */
    let takenAtMs: number | undefined;
    let writtenTakenAtMs: number | undefined;
    /** Whether the snapshot in flight is full; when the last full one (before any, the first) was taken. */
    let takenFull = false;
    let cycleStartMs: number | undefined;
    /**
     * When a run first found the store holding the model before any snapshot was written: an
     * account whose first LIST the write-through stored whole needs no snapshot straight after
     * (5,000 accounts starting used to run 5,000 of them inside the fill, each rewriting only
     * the applications and clusters just written).
     */
    let wholeBeforeFirstMs: number | undefined;
    return {
      agentType,
      providerName: KUBERNETES,
      accountName: credentials.name,
      providedDataTypes: [...cachedKinds(credentials, account.registry).map((k) => k.name), APPLICATIONS, CLUSTERS].map((typeName) => ({ typeName, authority: 'AUTHORITATIVE' as const })),
      schedule: { intervalMs: (credentials.config.cacheIntervalSeconds ?? SNAPSHOT_INTERVAL_SECONDS) * 1000 },
      unchanged: (nowMs) => {
        if (writtenTakenAtMs === undefined && account.snapshotUpToDate()) wholeBeforeFirstMs ??= nowMs;
        return snapshotMaySkip(writtenTakenAtMs ?? wholeBeforeFirstMs, nowMs, account);
      },
      async loadData(ctx) {
        const synced = ctx.signal.aborted ? false : await account.waitForInitialSync(10_000);
        const status = account.status();
        // Never let an unreachable cluster's empty state evict its last known data.
        if (!synced || status.state !== 'watching') throw new Error(`account ${credentials.name} is ${status.state}${status.lastError === undefined ? '' : `: ${status.lastError}`}`);
        await account.flush();
        // Only the account's leader may write it whole: a follower's copy can lag the cluster.
        if (account.currentRole !== 'leader') throw new Error(`account ${credentials.name} is led by another instance`);
        takenAtMs = ctx.clock.now();
        takenFull = snapshotIsFull(cycleStartMs, takenAtMs, options.fullSnapshotMaxAgeMs);
        return await account.snapshot({ full: takenFull });
      },
      resultWritten(written) {
        writtenTakenAtMs = takenAtMs;
        if (takenFull || cycleStartMs === undefined) cycleStartMs = takenAtMs;
        account.snapshotWritten();
        // Followers re-read only what the feed announces: objects the snapshot evicted (missed
        // deletions) would stay on them.
        if (written.evictions > 0) announceReload(credentials.name);
      },
      introspectionDetails: () => ({ ...account.status() }),
      syncState: () => {
        const { state, objects } = account.summary();
        return { state, objects };
      },
    };
  };

  const runtime: ProviderRuntime = {
    health: {
      name: 'kubernetes',
      // One unreachable cluster must not take the service out of rotation: always UP, per-account detail.
      check: async () => {
        // No prototype: an account may be named `__proto__`.
        const details = Object.create(null) as Record<string, AccountHealthDetail>;
        for (const [name, c] of caches) details[name] = c.healthDetail();
        return { status: 'UP', details };
      },
    },
    async onAccountRemoved(credentials) {
      const cache = caches.get(credentials.name);
      caches.delete(credentials.name);
      read.forgetAccount(credentials.name);
      await ownership?.remove(credentials.name);
      await cache?.stop();
      if (providerCache !== undefined && cache !== undefined) await evictAccountQuietly(providerCache, cache, credentials.name, log);
    },
    listening() {
      if (options.preloadClientLibrary !== true) return;
      // A turn after the first answers can be given: the first account would otherwise wait for it.
      setImmediate(() => {
        loadKubernetesClientLibrary().catch((e: unknown) => log?.warn({ err: (e as Error).message }, 'could not load the Kubernetes client library ahead of the first account'));
      });
    },
    async stop() {
      if (reannouncing !== undefined) clearTimeout(reannouncing);
      reannouncing = undefined;
      unannounced.clear();
      // Hands every led account off (pending writes first), then stops mirroring.
      await ownership?.stop();
      await unsubscribe?.();
      await Promise.all([...caches.values()].map((c) => c.stop({ flush: true })));
      caches.clear();
    },
  };

  return {
    id: KUBERNETES,
    cacheNamespace: KUBERNETES,
    configKey: KUBERNETES,
    accountSchema: kubernetesAccountSchema,
    // Artifact downloads arrive with attach(); deployManifest reads manifests from artifacts through them.
    operations: kubernetesOperations({ account: (name) => caches.get(name), artifacts: () => artifacts }),
    createCredentials: async (definition) => {
      await loadKubernetesClientLibrary();
      return new KubernetesCredentials(definition);
    },
    submittedDefinitionProblems: kubernetesDefinitionProblems,
    attach(ctx) {
      providerCache = ctx.cache;
      changes = ctx.cluster.changes;
      log = ctx.deps.logger;
      ownership = ctx.cluster.accountOwnership('kubernetes:watch', { onAcquired, onReleased });
      void changes
        .subscribe(CHANGES_TOPIC, {
          onMessage: onFeedMessage,
          // Messages may have been lost: every mirrored account reloads from the store.
          onGap: () => {
            storeItems?.clear();
            for (const cache of caches.values()) if (cache.currentRole === 'follower') void cache.reload();
          },
        })
        .then((off) => {
          unsubscribe = off;
        })
        .catch((e: unknown) => ctx.deps.logger.error({ err: (e as Error).message }, 'could not subscribe to the cache change feed; other instances’ changes reach this one only through the store'));
      ownership.start();
      artifacts = ctx.deps.artifacts;
      const reads =
        storeItems === undefined
          ? modelReads(read)
          : new KubernetesStoreReads({
              cache: ctx.cache,
              accounts: () => caches,
              // A model is kept (and read) only for an account this instance leads and has loaded.
              live: (a) => caches.get(a.account)?.servesFromModel ?? false,
              items: storeItems,
              liveGeneration: () => read.generation(),
            });
      registerManifestRoutes(ctx.server, { reads, accounts: () => caches });
      registerJobRoutes(ctx.server, { accounts: () => caches });
      return {
        ...runtime,
        read: kubernetesReadContributor(reads, () => caches, ctx.deps.clock),
        console: kubernetesConsole({ accounts: () => caches, cache: ctx.cache, ownership: () => ownership }),
      };
    },
    buildCachingAgents(credentials: KubernetesCredentials, deps: ProviderDeps): CachingAgent[] {
      if (providerCache === undefined) throw new Error('kubernetes provider used before attach()');
      const agentType = `${credentials.name}/KubernetesCoreCachingAgent`;
      const account = new KubernetesAccountCache({
        credentials,
        cache: providerCache,
        logger: deps.logger.child({ account: credentials.name }),
        agentType,
        writeEnabled: options.writeEnabled ?? true,
        // Every account starts by mirroring the store; the instance that owns it leads it.
        role: 'follower',
        mayWrite: () => ownership?.owns(credentials.name) ?? true,
        published: (keys) => announce(credentials.name, keys),
        mirrorStore: !storeMode,
        ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
        ...(options.probeIntervalMs === undefined ? {} : { probeIntervalMs: options.probeIntervalMs }),
        onChange: (keys) => read.invalidate(credentials.name, keys),
        bulkLoaded: (items) => processHeapSettler.loadedItems(items),
        foreground: processForeground,
      });
      caches.set(credentials.name, account);
      account.start();
      ownership?.add(credentials.name);
      // Runs only while this instance leads the account: until then (another instance leads it,
      // or it waits for a start-up turn) a run could only fail, as thousands did at every start.
      return [{ ...snapshotAgent(account, credentials, agentType), isActive: () => (ownership?.owns(credentials.name) ?? true) && account.currentRole === 'leader' }];
    },
  };
}

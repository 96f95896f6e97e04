import type { ProviderCache } from '../../../core/cache/Cache.js';
import type { CacheData } from '../../../core/cache/CacheData.js';
import { ServiceUnavailableError } from '../../../core/errors.js';
import { accountInfrastructurePattern, cacheTypeOfKey } from '../keys.js';
import type { AccountReadSource } from './CacheModelReader.js';
import type { KubernetesReads } from './KubernetesReads.js';
import { KubernetesReadService } from './KubernetesReadService.js';
import type { LogicalType, StoreItemCache } from './StoreItemCache.js';
import { StoreSlice, type StoreReadsSoFar } from './StoreSlice.js';

/** A read needs at most this many passes (the longest chain it follows: application → cluster → server group → load balancer → server group → pod, and a few to spare). */
const MAX_PASSES = 12;

export interface KubernetesStoreReadsOptions {
  readonly cache: ProviderCache;
  /** The accounts (a `KubernetesAccountCache` is one; only `live` ones' models are read). */
  readonly accounts: () => ReadonlyMap<string, AccountReadSource>;
  /** True for an account whose watch-fed model this instance keeps (it leads it and has listed it). */
  readonly live: (account: AccountReadSource) => boolean;
  readonly items: StoreItemCache;
  /** Moves when a live account's model changes. */
  readonly liveGeneration: () => number;
}

/**
 * Reads for a bounded-memory instance (`kubernetes.followerReads: store`): accounts this instance
 * does not watch are read from the cache store on demand, as Clouddriver's providers read CATS,
 * instead of being mirrored whole in memory. A read runs the same `KubernetesReadService` code
 * over `StoreSlice`s, fetches in one batch per cache type what a pass asked for and did not have,
 * and runs again until a pass misses nothing (a few passes: each follows one more hop of
 * relationships). Items fetched are kept in the bounded `StoreItemCache` until the change feed
 * says they changed.
 */
export class KubernetesStoreReads implements KubernetesReads {
  constructor(private readonly opts: KubernetesStoreReadsOptions) {}

  /** Moves when a store-read account may have changed (the feed said so) or a live model changed. */
  generation(): number {
    return this.opts.items.epoch + this.opts.liveGeneration();
  }

  async run<T>(read: (service: KubernetesReadService) => T): Promise<T> {
    const found = new RequestReads(this.opts.items);
    for (let pass = 1; ; pass++) {
      const slices: StoreSlice[] = [];
      const sources = new Map<string, AccountReadSource>();
      for (const [name, acct] of this.opts.accounts()) {
        if (this.opts.live(acct)) {
          sources.set(name, acct);
          continue;
        }
        const slice = new StoreSlice(name, found);
        slices.push(slice);
        sources.set(name, { account: name, model: slice, registry: acct.registry, credentials: acct.credentials });
      }
      const answer = read(new KubernetesReadService(() => sources));
      const missed = slices.filter((s) => s.missedAnything);
      if (missed.length === 0) return answer;
      if (pass === MAX_PASSES) throw new ServiceUnavailableError(`the read still needed cache items after ${MAX_PASSES} passes`);
      await found.fetch(this.opts.cache, missed);
    }
  }
}

/** What one read has fetched: its own copy (so it always progresses) over the shared cache. */
class RequestReads implements StoreReadsSoFar {
  private readonly items = new Map<string, CacheData | null>();
  /** `{account}\0{kind}` → identifiers. */
  private readonly keysByKind = new Map<string, readonly string[]>();
  private readonly logical = new Map<LogicalType, readonly string[]>();

  constructor(private readonly shared: StoreItemCache) {}

  item(key: string): CacheData | null | undefined {
    const own = this.items.get(key);
    return own !== undefined ? own : this.shared.get(key);
  }

  accountKeys(account: string, kind: string): readonly string[] | undefined {
    return this.keysByKind.get(`${account}\u0000${kind}`);
  }

  logicalIds(type: LogicalType): readonly string[] | undefined {
    return this.logical.get(type) ?? this.shared.logicalIds(type);
  }

  async fetch(cache: ProviderCache, slices: readonly StoreSlice[]): Promise<void> {
    const epoch = this.shared.epoch;
    const byType = new Map<string, Set<string>>();
    for (const slice of slices) {
      for (const key of slice.missingItems) {
        const type = cacheTypeOfKey(key);
        if (type === undefined) this.items.set(key, null);
        else (byType.get(type) ?? byType.set(type, new Set()).get(type))?.add(key);
      }
    }
    const logicalTypes = new Set(slices.flatMap((s) => [...s.missingLogical]));
    const scans = slices.flatMap((s) => [...s.missingKinds].map((kind) => [s.account, kind] as const));
    await Promise.all([
      ...[...byType].map(async ([type, keys]) => {
        const ids = [...keys];
        const stored = new Map((await cache.getAll(type, ids)).map((d) => [d.id, d]));
        for (const id of ids) {
          const value = stored.get(id) ?? null;
          this.items.set(id, value);
          this.shared.put(id, value, epoch);
        }
      }),
      ...[...logicalTypes].map(async (type) => {
        const ids = await cache.getIdentifiers(type);
        this.logical.set(type, ids);
        this.shared.putLogicalIds(type, ids, epoch);
      }),
      ...scans.map(async ([account, kind]) => {
        this.keysByKind.set(`${account}\u0000${kind}`, await cache.filterIdentifiers(kind, accountInfrastructurePattern(kind, account)));
      }),
    ]);
  }
}

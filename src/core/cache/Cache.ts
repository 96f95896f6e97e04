import type { CacheData, CacheResult, RelationshipFilter } from './CacheData.js';

/** Read view of cached data (Clouddriver's `Cache`). */
export interface Cache {
  get(type: string, id: string, filter?: RelationshipFilter): Promise<CacheData | undefined>;
  /** All items of a type, or those of `ids` that exist (in `ids` order). */
  getAll(type: string, ids?: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]>;
  getIdentifiers(type: string): Promise<string[]>;
  filterIdentifiers(type: string, glob: string): Promise<string[]>;
  existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]>;
}

/** Write side of one provider's cache, with Clouddriver's `ProviderCache` semantics (`DefaultProviderCache.putCacheResult`). */
export interface ProviderCache extends Cache {
  readonly namespace: string;
  /**
   * Writes an agent's full result. For each type in the result, the authoritative types and the
   * eviction types: items the agent wrote before for an authoritative type and did not write now
   * are evicted (a missing authoritative type evicts all of them); informative types never
   * auto-evict; explicit evictions always apply. A `partialResult` behaves like `addCacheResult`.
   * Returns counts for introspection.
   */
  putCacheResult(agentType: string, authoritativeTypes: readonly string[], result: CacheResult): Promise<WriteStats>;
  /** Writes a result without implicit evictions (explicit evictions still apply). */
  addCacheResult(agentType: string, authoritativeTypes: readonly string[], result: CacheResult): Promise<WriteStats>;
  /** Writes one item outside any agent's bookkeeping (e.g. on-demand records). */
  putCacheData(type: string, item: CacheData): Promise<void>;
  evictDeletedItems(type: string, ids: readonly string[]): Promise<void>;
  /**
   * A number that moves whenever this instance writes to the namespace (results, items,
   * evictions): what a reader may memoise on. Writes by other instances or processes sharing the
   * store do not move it.
   */
  localGeneration(): number;
}

export interface WriteStats {
  readonly additions: number;
  readonly evictions: number;
}

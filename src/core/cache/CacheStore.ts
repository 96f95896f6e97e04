import type { CacheData, RelationshipFilter } from './CacheData.js';

/**
 * An item as a store keeps it on behalf of one writing agent.
 * `expiresAt` (epoch ms) is absent for items that never expire.
 */
export interface StoredItem {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships: Readonly<Record<string, readonly string[]>>;
  readonly expiresAt?: number;
}

/**
 * The storage SPI under the cache engine, for one namespace (a provider's cache). Drivers keep
 * Clouddriver's data model; the authoritative/informative algorithm lives in the engine
 * (`DefaultProviderCache`), not here.
 *
 * Invariants every driver honours (checked by `describeCacheStoreContract`):
 * - `put` replaces each item's attributes (last writer wins) and replaces only the writing
 *   agent's relationships; other agents' relationships on the same item stay.
 * - Reads union relationships across agents (ids de-duplicated, first-seen order) and apply the
 *   filter; an item is visible only while it has been written with attributes and not expired
 *   (`expiresAt <= now` hides it).
 * - `evict` removes whole items (every agent's relationships); unknown ids are ignored.
 * - `agentIds`/`setAgentIds` keep the ids an agent last wrote per type (Clouddriver's `_ALL_`
 *   bookkeeping); they never appear among items.
 * - Types never contain `:`; ids are arbitrary strings up to 352 characters.
 */
export interface CacheStore {
  put(type: string, agent: string, items: readonly StoredItem[]): Promise<void>;
  evict(type: string, ids: readonly string[]): Promise<void>;
  /** Items for the ids that exist, in the order of `ids` (duplicates collapsed). */
  get(type: string, ids: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]>;
  getAll(type: string, filter?: RelationshipFilter): Promise<CacheData[]>;
  identifiers(type: string): Promise<string[]>;
  /** Ids matching a glob (see glob.ts). */
  filterIdentifiers(type: string, glob: string): Promise<string[]>;
  /** The subset of `ids` that exist. */
  existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]>;
  agentIds(type: string, agent: string): Promise<string[]>;
  setAgentIds(type: string, agent: string, ids: readonly string[]): Promise<void>;
  /** Every type that holds at least one item. */
  types(): Promise<string[]>;
}

/** A store driver: opens namespaced stores over one connection/file, closed once at shutdown. */
export interface CacheStoreDriver {
  readonly name: string;
  open(namespace: string): CacheStore;
  /** Round-trips to the backing server; throws when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

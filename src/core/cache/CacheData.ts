/**
 * One cached item (Clouddriver's `CacheData`).
 * - `id` is a provider key (see keys.ts); unique within its type.
 * - `attributes` are last-writer-wins: a write replaces the whole object.
 * - `relationships` map a relationship type (e.g. `pods`) to the ids of related items of that type.
 * - `ttlSeconds` > 0 makes the item expire; the engine adds attribute `cacheExpiry` (epoch ms).
 */
export interface CacheData {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships: Readonly<Record<string, readonly string[]>>;
  readonly ttlSeconds?: number;
}

/** What a caching agent hands to the framework. */
export interface CacheResult {
  /** Items by cache type (types may not contain `:`). */
  readonly cacheResults: Readonly<Record<string, readonly CacheData[]>>;
  /** Ids to evict explicitly, by type. */
  readonly evictions?: Readonly<Record<string, readonly string[]>>;
  /** A partial result adds items and never evicts implicitly. */
  readonly partialResult?: boolean;
  /**
   * Ids, by type, the agent still provides whose stored items are already current (it wrote
   * them itself since, and they have not changed): an authoritative write keeps them, as if they
   * were in `cacheResults`, without rewriting them. Not in Clouddriver's `CacheResult`: it lets
   * an agent whose incremental writes keep the store current confirm its items without
   * serializing each one again.
   */
  readonly unchanged?: Readonly<Record<string, readonly string[]>>;
  /** Free-form details shown at `GET /cache/introspection`. */
  readonly introspectionDetails?: Readonly<Record<string, unknown>>;
}

/**
 * Which relationships a read returns: `undefined` = all; otherwise only relationship types that
 * start with one of the prefixes (an empty list returns none), like `RelationshipCacheFilter`.
 */
export type RelationshipFilter = readonly string[] | undefined;

export type Authority = 'AUTHORITATIVE' | 'INFORMATIVE';

export interface DataTypeAuthority {
  readonly typeName: string;
  readonly authority: Authority;
}

export function cacheData(
  id: string,
  attributes: Record<string, unknown>,
  relationships: Record<string, readonly string[]> = {},
  ttlSeconds?: number,
): CacheData {
  return ttlSeconds === undefined ? { id, attributes, relationships } : { id, attributes, relationships, ttlSeconds };
}

/** Keeps the relationship types the filter allows. */
export function applyRelationshipFilter(
  relationships: Readonly<Record<string, readonly string[]>>,
  filter: RelationshipFilter,
): Record<string, readonly string[]> {
  if (filter === undefined) return { ...relationships };
  const out: Record<string, readonly string[]> = {};
  for (const [type, ids] of Object.entries(relationships)) {
    if (filter.some((prefix) => type.startsWith(prefix))) out[type] = ids;
  }
  return out;
}

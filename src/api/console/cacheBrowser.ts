import type { Cache } from '../../core/cache/Cache.js';
import type { CacheData } from '../../core/cache/CacheData.js';

/** A provider's cache as the browser reads it; `types()` where the store can list them. */
export interface BrowsableCache extends Cache {
  types?(): Promise<string[]>;
}

export interface TypeCount {
  readonly type: string;
  readonly count: number;
}

export interface KeyPage {
  readonly type: string;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly keys: readonly string[];
}

export interface ItemView {
  readonly type: string;
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** What the item points to: relationship type (= the related items' cache type) -> ids, each with whether it is cached. */
  readonly relationships: Readonly<Record<string, readonly { readonly id: string; readonly cached: boolean; readonly pointsBack: boolean }[]>>;
  /** What points to the item (only when asked: it scans types), by type. */
  readonly referencedBy: Readonly<Record<string, readonly string[]>> | null;
  /** Types not scanned for `referencedBy` because they hold too many items. */
  readonly unscannedTypes: readonly string[];
  readonly expiresAtMs: number | null;
}

/** Types holding more items than this are not scanned for references (the scan reads whole items). */
export const MAX_SCANNED_ITEMS = 5_000;
export const MAX_PAGE = 500;

/**
 * The provider's types (what its agents write, plus what the store holds) with their item counts,
 * by name; with `readable`, only the keys it lets through are counted.
 */
export async function typeCounts(cache: BrowsableCache, declared: readonly string[], readable?: (type: string, id: string) => boolean): Promise<TypeCount[]> {
  const stored = (await cache.types?.()) ?? [];
  const types = [...new Set([...declared, ...stored])].sort();
  return Promise.all(
    types.map(async (type) => {
      const ids = await cache.getIdentifiers(type);
      return { type, count: readable === undefined ? ids.length : ids.filter((id) => readable(type, id)).length };
    }),
  );
}

/**
 * One page of a type's keys, sorted, optionally those containing `q` (case-insensitive), among the
 * keys `readable` lets through.
 */
export async function keyPage(cache: Cache, type: string, opts: { q?: string; offset: number; limit: number }, readable: (id: string) => boolean): Promise<KeyPage> {
  const q = opts.q?.trim().toLowerCase() ?? '';
  const ids = (await cache.getIdentifiers(type)).filter((id) => (q === '' || id.toLowerCase().includes(q)) && readable(id)).sort();
  const limit = Math.max(1, Math.min(opts.limit, MAX_PAGE));
  const offset = Math.max(0, opts.offset);
  return { type, total: ids.length, offset, limit, keys: ids.slice(offset, offset + limit) };
}

/**
 * One item with its relationships resolved (each related id marked cached or not, and whether it
 * links back), and with `inbound`, the items of every other type that point to it. `redact` is
 * applied before anything is returned; related ids `readable` rejects are left out.
 */
export async function itemView(
  cache: BrowsableCache,
  type: string,
  id: string,
  opts: { redact: (item: CacheData) => CacheData; readable: (id: string) => boolean; inbound: boolean; types: readonly string[] },
): Promise<ItemView | undefined> {
  const raw = await cache.get(type, id);
  if (raw === undefined) return undefined;
  const item = opts.redact(raw);
  const relationships: Record<string, { id: string; cached: boolean; pointsBack: boolean }[]> = {};
  for (const [relType, ids] of Object.entries(item.relationships)) {
    const visible = ids.filter(opts.readable);
    const related = new Map((await cache.getAll(relType, visible, [type])).map((r) => [r.id, r]));
    relationships[relType] = visible.map((rid) => ({ id: rid, cached: related.has(rid), pointsBack: related.get(rid)?.relationships[type]?.includes(id) ?? false }));
  }
  let referencedBy: Record<string, string[]> | null = null;
  const unscannedTypes: string[] = [];
  if (opts.inbound) {
    referencedBy = {};
    for (const other of opts.types) {
      if ((await cache.getIdentifiers(other)).length > MAX_SCANNED_ITEMS) {
        unscannedTypes.push(other);
        continue;
      }
      const pointing = (await cache.getAll(other, undefined, [type])).filter((o) => o.relationships[type]?.includes(id) && opts.readable(o.id)).map((o) => o.id);
      if (pointing.length > 0) referencedBy[other] = pointing.sort();
    }
  }
  const expiry = item.attributes.cacheExpiry;
  return { type, id, attributes: item.attributes, relationships, referencedBy, unscannedTypes, expiresAtMs: typeof expiry === 'number' ? expiry : null };
}

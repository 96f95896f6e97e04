import { processBackground, type BackgroundTurns } from '../BackgroundTurns.js';
import type { Clock } from '../Clock.js';
import type { Cache, ProviderCache, WriteStats } from './Cache.js';
import type { CacheData, CacheResult, RelationshipFilter } from './CacheData.js';
import type { CacheStore, StoredItem } from './CacheStore.js';

/** Items per store write within one result. */
const WRITE_CHUNK = 1000;

/** Writer name used for items written outside an agent (`putCacheData`). */
const DIRECT_WRITER = '__direct__';

/** The cache engine: Clouddriver's `DefaultProviderCache` algorithm over a `CacheStore`. */
export class DefaultProviderCache implements ProviderCache {
  constructor(
    readonly namespace: string,
    private readonly store: CacheStore,
    private readonly clock: Clock,
    /** Shared by every writer of the process, so writes due together do not hold one turn. */
    private readonly turns: BackgroundTurns = processBackground,
  ) {}

  private writes = 0;

  localGeneration(): number {
    return this.writes;
  }

  putCacheResult(agentType: string, authoritativeTypes: readonly string[], result: CacheResult): Promise<WriteStats> {
    return this.counted(this.write(agentType, authoritativeTypes, result, result.partialResult !== true));
  }

  addCacheResult(agentType: string, authoritativeTypes: readonly string[], result: CacheResult): Promise<WriteStats> {
    return this.counted(this.write(agentType, authoritativeTypes, result, false));
  }

  async putCacheData(type: string, item: CacheData): Promise<void> {
    await this.counted(this.store.put(type, DIRECT_WRITER, [this.toStored(item)]));
  }

  async evictDeletedItems(type: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.counted(this.store.evict(type, ids));
  }

  /**
   * Moves the generation once a write has ended (failed ones too: part of it may be stored), so
   * an answer built while it ran is remembered under the generation before it and never reused.
   */
  private counted<T>(write: Promise<T>): Promise<T> {
    return write.finally(() => {
      this.writes++;
    });
  }

  get(type: string, id: string, filter?: RelationshipFilter): Promise<CacheData | undefined> {
    return this.store.get(type, [id], filter).then((items) => items[0]);
  }

  getAll(type: string, ids?: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    return ids === undefined ? this.store.getAll(type, filter) : this.store.get(type, ids, filter);
  }

  getIdentifiers(type: string): Promise<string[]> {
    return this.store.identifiers(type);
  }

  filterIdentifiers(type: string, glob: string): Promise<string[]> {
    return this.store.filterIdentifiers(type, glob);
  }

  existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    return this.store.existingIdentifiers(type, ids);
  }

  /** Every type holding at least one item (for introspection such as the console: may scan the store). */
  types(): Promise<string[]> {
    return this.store.types();
  }

  private async write(
    agentType: string,
    authoritativeTypes: readonly string[],
    result: CacheResult,
    cleanup: boolean,
  ): Promise<WriteStats> {
    const authoritative = new Set(authoritativeTypes);
    const evictions = result.evictions ?? {};
    const unchanged = result.unchanged ?? {};
    const types = new Set([...Object.keys(result.cacheResults), ...Object.keys(unchanged), ...authoritative, ...Object.keys(evictions)]);
    let additions = 0;
    let evicted = 0;
    for (const type of types) {
      if (type.includes(':')) throw new Error(`cache type may not contain ':' (${type})`);
      // Each type waits for a background turn. The SQLite store works synchronously (and any
      // store answers at once when it has nothing to write), so without this the writes of a
      // hundred agents due together ran as one task of seconds (thousands of accounts, each
      // snapshot agent writing some twenty types) with requests waiting behind it.
      await this.turns.next();
      const items = result.cacheResults[type] ?? [];
      // Kept by this write: the items written, and those the agent vouches are stored as they are.
      const written = new Set(items.map((i) => i.id));
      for (const id of unchanged[type] ?? []) written.add(id);
      // Large results go in chunks, yielding between them, so one big write never stalls the process.
      for (let i = 0; i < items.length; i += WRITE_CHUNK) {
        if (i > 0) await this.turns.next();
        await this.store.put(type, agentType, items.slice(i, i + WRITE_CHUNK).map((item) => this.toStored(item)));
      }
      additions += items.length;
      // Clouddriver order: previous - written, then + explicit evictions (an id both written and
      // explicitly evicted ends up evicted).
      const toEvict = new Set<string>();
      if (authoritative.has(type)) {
        const previous = await this.store.agentIds(type, agentType);
        const kept = new Set(cleanup ? written : [...previous, ...written]);
        if (cleanup) for (const id of previous) if (!written.has(id)) toEvict.add(id);
        for (const id of evictions[type] ?? []) kept.delete(id);
        // None before and none now: nothing to record (a snapshot agent's first run has a dozen such types).
        if (previous.length > 0 || kept.size > 0) await this.store.setAgentIds(type, agentType, [...kept]);
      }
      for (const id of evictions[type] ?? []) toEvict.add(id);
      if (toEvict.size > 0) {
        await this.store.evict(type, [...toEvict]);
        evicted += toEvict.size;
      }
    }
    return { additions, evictions: evicted };
  }

  private toStored(item: CacheData): StoredItem {
    const ttl = item.ttlSeconds ?? -1;
    if (ttl <= 0) return { id: item.id, attributes: item.attributes, relationships: item.relationships };
    const expiresAt = this.clock.now() + ttl * 1000;
    return {
      id: item.id,
      attributes: { ...item.attributes, cacheExpiry: expiresAt },
      relationships: item.relationships,
      expiresAt,
    };
  }
}

/**
 * The global read view over every provider's cache: the same id in several providers has its
 * attributes merged (later providers win per key) and relationships unioned.
 */
export class CompositeCache implements Cache {
  constructor(private readonly caches: () => readonly Cache[]) {}

  async get(type: string, id: string, filter?: RelationshipFilter): Promise<CacheData | undefined> {
    return (await this.getAll(type, [id], filter))[0];
  }

  async getAll(type: string, ids?: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    const parts = await Promise.all(this.caches().map((c) => c.getAll(type, ids, filter)));
    if (parts.length === 1) return parts[0] ?? [];
    const merged = new Map<string, CacheData>();
    for (const part of parts) {
      for (const item of part) {
        const prev = merged.get(item.id);
        merged.set(item.id, prev ? mergeItems(prev, item) : item);
      }
    }
    return [...merged.values()];
  }

  async getIdentifiers(type: string): Promise<string[]> {
    return union(await Promise.all(this.caches().map((c) => c.getIdentifiers(type))));
  }

  async filterIdentifiers(type: string, glob: string): Promise<string[]> {
    return union(await Promise.all(this.caches().map((c) => c.filterIdentifiers(type, glob))));
  }

  async existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    return union(await Promise.all(this.caches().map((c) => c.existingIdentifiers(type, ids))));
  }
}

function union(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())];
}

function mergeItems(a: CacheData, b: CacheData): CacheData {
  const relationships: Record<string, readonly string[]> = { ...a.relationships };
  for (const [type, ids] of Object.entries(b.relationships)) {
    relationships[type] = union([[...(relationships[type] ?? [])], [...ids]]);
  }
  return { id: a.id, attributes: { ...a.attributes, ...b.attributes }, relationships };
}

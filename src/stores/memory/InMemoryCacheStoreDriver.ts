import type { Clock } from '../../core/Clock.js';
import { applyRelationshipFilter, type CacheData, type RelationshipFilter } from '../../core/cache/CacheData.js';
import type { CacheStore, CacheStoreDriver, StoredItem } from '../../core/cache/CacheStore.js';
import { globMatcher } from '../../core/cache/glob.js';

interface MemItem {
  attributes: Readonly<Record<string, unknown>>;
  /** agent -> relationship type -> ids */
  relationships: Map<string, Readonly<Record<string, readonly string[]>>>;
  expiresAt: number | undefined;
}

interface MemType {
  items: Map<string, MemItem>;
  agentIds: Map<string, readonly string[]>;
}

/**
 * The in-memory cache store (Clouddriver's InMemoryCache, plus TTL). Items are frozen on write,
 * so readers can share them safely without copies.
 */
export class InMemoryCacheStoreDriver implements CacheStoreDriver {
  readonly name = 'memory';
  private readonly namespaces = new Map<string, InMemoryCacheStore>();

  constructor(private readonly opts: { clock: Clock }) {}

  open(namespace: string): CacheStore {
    let store = this.namespaces.get(namespace);
    if (!store) this.namespaces.set(namespace, (store = new InMemoryCacheStore(this.opts.clock)));
    return store;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.namespaces.clear();
  }
}

class InMemoryCacheStore implements CacheStore {
  private readonly byType = new Map<string, MemType>();

  constructor(private readonly clock: Clock) {}

  async put(type: string, agent: string, items: readonly StoredItem[]): Promise<void> {
    const t = this.type(type, true);
    for (const item of items) {
      let mem = t.items.get(item.id);
      if (!mem) t.items.set(item.id, (mem = { attributes: {}, relationships: new Map(), expiresAt: undefined }));
      mem.attributes = deepFreeze(structuredClone(item.attributes));
      mem.relationships.set(agent, Object.freeze(Object.fromEntries(Object.entries(item.relationships).map(([k, v]) => [k, Object.freeze([...v])]))));
      mem.expiresAt = item.expiresAt;
    }
  }

  async evict(type: string, ids: readonly string[]): Promise<void> {
    const t = this.type(type, false);
    if (t) for (const id of ids) t.items.delete(id);
  }

  async get(type: string, ids: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    const t = this.type(type, false);
    if (!t) return [];
    const out: CacheData[] = [];
    const now = this.clock.now();
    for (const id of new Set(ids)) {
      const mem = t.items.get(id);
      if (mem && live(mem, now)) out.push(toCacheData(id, mem, filter));
    }
    return out;
  }

  async getAll(type: string, filter?: RelationshipFilter): Promise<CacheData[]> {
    const t = this.type(type, false);
    if (!t) return [];
    const now = this.clock.now();
    const out: CacheData[] = [];
    for (const [id, mem] of t.items) if (live(mem, now)) out.push(toCacheData(id, mem, filter));
    return out;
  }

  async identifiers(type: string): Promise<string[]> {
    return this.liveIds(type);
  }

  async filterIdentifiers(type: string, glob: string): Promise<string[]> {
    const matches = globMatcher(glob);
    return this.liveIds(type).filter(matches);
  }

  async existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    const t = this.type(type, false);
    if (!t) return [];
    const now = this.clock.now();
    return [...new Set(ids)].filter((id) => {
      const mem = t.items.get(id);
      return mem !== undefined && live(mem, now);
    });
  }

  async agentIds(type: string, agent: string): Promise<string[]> {
    return [...(this.type(type, false)?.agentIds.get(agent) ?? [])];
  }

  async setAgentIds(type: string, agent: string, ids: readonly string[]): Promise<void> {
    this.type(type, true).agentIds.set(agent, Object.freeze([...ids]));
  }

  async types(): Promise<string[]> {
    const now = this.clock.now();
    return [...this.byType.entries()].filter(([, t]) => [...t.items.values()].some((m) => live(m, now))).map(([name]) => name);
  }

  private liveIds(type: string): string[] {
    const t = this.type(type, false);
    if (!t) return [];
    const now = this.clock.now();
    const out: string[] = [];
    for (const [id, mem] of t.items) if (live(mem, now)) out.push(id);
    return out;
  }

  private type(name: string, create: true): MemType;
  private type(name: string, create: false): MemType | undefined;
  private type(name: string, create: boolean): MemType | undefined {
    let t = this.byType.get(name);
    if (!t && create) this.byType.set(name, (t = { items: new Map(), agentIds: new Map() }));
    return t;
  }
}

function live(mem: MemItem, now: number): boolean {
  return mem.expiresAt === undefined || mem.expiresAt > now;
}

function toCacheData(id: string, mem: MemItem, filter: RelationshipFilter): CacheData {
  if (mem.relationships.size === 1) {
    const [only] = mem.relationships.values();
    return { id, attributes: mem.attributes, relationships: applyRelationshipFilter(only ?? {}, filter) };
  }
  const merged = new Map<string, Set<string>>();
  for (const rels of mem.relationships.values()) {
    for (const [type, ids] of Object.entries(rels)) {
      let set = merged.get(type);
      if (!set) merged.set(type, (set = new Set()));
      for (const rid of ids) set.add(rid);
    }
  }
  const relationships = Object.fromEntries([...merged].map(([type, set]) => [type, [...set]]));
  return { id, attributes: mem.attributes, relationships: applyRelationshipFilter(relationships, filter) };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

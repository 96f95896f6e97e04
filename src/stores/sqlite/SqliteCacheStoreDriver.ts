import { hash } from 'node:crypto';
import type { Clock } from '../../core/Clock.js';
import { applyRelationshipFilter, type CacheData, type RelationshipFilter } from '../../core/cache/CacheData.js';
import type { CacheStore, CacheStoreDriver, StoredItem } from '../../core/cache/CacheStore.js';
import { globLiteralPrefix, globMatcher } from '../../core/cache/glob.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';
import { TurnTransaction } from './TurnTransaction.js';

/** Rows per `IN (...)` lookup; well under SQLite's variable limit. */
const CHUNK = 500;

/**
 * The embedded cache store: one row per item (attributes JSON, expiry) and one row per
 * (item, writing agent) for relationships, so an agent's write replaces only its own
 * relationships. Unchanged rows are not rewritten. Prefix scans use the primary key order.
 * Writes of one event-loop turn are committed together (`TurnTransaction`); reads see what is
 * committed.
 */
export class SqliteCacheStoreDriver implements CacheStoreDriver {
  readonly name = 'sqlite';

  constructor(private readonly opts: { db: SqliteDatabase; clock: Clock }) {}

  open(namespace: string): CacheStore {
    return new SqliteCacheStore(this.opts.db, namespace, this.opts.clock);
  }

  async ping(): Promise<void> {
    this.opts.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {}
}

interface ItemRow {
  id: string;
  attributes: string;
}

class SqliteCacheStore implements CacheStore {
  private readonly s;
  private readonly memory: ConnectionMemory;
  /** Writes join the connection's transaction of the turn (`TurnTransaction`). */
  private readonly turn: TurnTransaction;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly ns: string,
    private readonly clock: Clock,
  ) {
    this.memory = ConnectionMemory.of(db);
    this.turn = TurnTransaction.of(db);
    this.s = {
      // An existing row equal to the new one is left untouched (no page written), in the same
      // statement: no read before each write.
      upsertItem: db.prepare(
        `INSERT INTO cache_items (namespace, type, id, attributes, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (namespace, type, id) DO UPDATE SET attributes = excluded.attributes, expires_at = excluded.expires_at
         WHERE cache_items.attributes IS NOT excluded.attributes OR cache_items.expires_at IS NOT excluded.expires_at`,
      ),
      upsertRel: db.prepare(
        `INSERT INTO cache_relationships (namespace, type, id, agent, relationships) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (namespace, type, id, agent) DO UPDATE SET relationships = excluded.relationships
         WHERE cache_relationships.relationships IS NOT excluded.relationships`,
      ),
      deleteItem: db.prepare('DELETE FROM cache_items WHERE namespace = ? AND type = ? AND id = ?'),
      deleteRels: db.prepare('DELETE FROM cache_relationships WHERE namespace = ? AND type = ? AND id = ?'),
      allItems: db.prepare<[string, string, number], ItemRow>(
        'SELECT id, attributes FROM cache_items WHERE namespace = ? AND type = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      allRels: db.prepare<[string, string], { id: string; relationships: string }>(
        'SELECT id, relationships FROM cache_relationships WHERE namespace = ? AND type = ?',
      ),
      allIds: db.prepare<[string, string, number], { id: string }>(
        'SELECT id FROM cache_items WHERE namespace = ? AND type = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      prefixIds: db.prepare<[string, string, string, string, number], { id: string }>(
        `SELECT id FROM cache_items WHERE namespace = ? AND type = ? AND id >= ? AND id < ?
         AND (expires_at IS NULL OR expires_at > ?)`,
      ),
      agentIds: db.prepare<[string, string, string], { ids: string }>(
        'SELECT ids FROM cache_agent_ids WHERE namespace = ? AND type = ? AND agent = ?',
      ),
      setAgentIds: db.prepare(
        `INSERT INTO cache_agent_ids (namespace, type, agent, ids) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, type, agent) DO UPDATE SET ids = excluded.ids`,
      ),
      types: db.prepare<[string, number], { type: string }>(
        'SELECT DISTINCT type FROM cache_items WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
    };
  }

  /** What this process last wrote to the namespace (forgotten when another connection has written the database). */
  private get written(): NamespaceMemory {
    return this.memory.of(this.ns);
  }

  async put(type: string, agent: string, items: readonly StoredItem[]): Promise<void> {
    const { s, ns } = this;
    const { items: written } = this.written;
    const committed: [string, string, string][] = [];
    await this.turn.run(() => {
      for (const item of items) {
        const attributes = JSON.stringify(item.attributes);
        const expiresAt = item.expiresAt ?? null;
        const rels = JSON.stringify(item.relationships);
        // Skip items this process last wrote the same (by digest); the statements themselves
        // leave a stored row that is already equal alone (written by an earlier process).
        const seen = written.get(type, item.id);
        // The expiry beside the digest, not hashed with the attributes: `${expiry}|${json}` would
        // copy every item's JSON once more (the largest allocation of a bulk write).
        const attrDigest = `${digest(attributes)}${expiresAt ?? ''}`;
        const relDigest = digest(rels);
        if (seen?.attributes !== attrDigest) s.upsertItem.run(ns, type, item.id, attributes, expiresAt);
        if (seen === undefined || relationshipsDigest(seen, agent) !== relDigest) s.upsertRel.run(ns, type, item.id, agent, rels);
        committed.push([item.id, attrDigest, relDigest]);
      }
    });
    for (const [id, attrDigest, relDigest] of committed) written.record(type, id, agent, attrDigest, relDigest);
  }

  async evict(type: string, ids: readonly string[]): Promise<void> {
    const { s, ns } = this;
    await this.turn.run(() => {
      for (const id of ids) {
        s.deleteItem.run(ns, type, id);
        s.deleteRels.run(ns, type, id);
      }
    });
    const { items: written } = this.written;
    for (const id of ids) written.forget(type, id);
  }

  async get(type: string, ids: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    const unique = [...new Set(ids)];
    const now = this.clock.now();
    const attrs = new Map<string, string>();
    const rels = new Map<string, string[]>();
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const marks = chunk.map(() => '?').join(',');
      const items = this.db
        .prepare<unknown[], ItemRow>(
          `SELECT id, attributes FROM cache_items WHERE namespace = ? AND type = ? AND id IN (${marks}) AND (expires_at IS NULL OR expires_at > ?)`,
        )
        .all(this.ns, type, ...chunk, now);
      for (const r of items) attrs.set(r.id, r.attributes);
      if (filter !== undefined && filter.length === 0) continue;
      const relRows = this.db
        .prepare<unknown[], { id: string; relationships: string }>(
          `SELECT id, relationships FROM cache_relationships WHERE namespace = ? AND type = ? AND id IN (${marks})`,
        )
        .all(this.ns, type, ...chunk);
      for (const r of relRows) push(rels, r.id, r.relationships);
    }
    const out: CacheData[] = [];
    for (const id of unique) {
      const a = attrs.get(id);
      if (a !== undefined) out.push(assemble(id, a, rels.get(id), filter));
    }
    return out;
  }

  async getAll(type: string, filter?: RelationshipFilter): Promise<CacheData[]> {
    const rels = new Map<string, string[]>();
    if (filter === undefined || filter.length > 0) for (const r of this.s.allRels.all(this.ns, type)) push(rels, r.id, r.relationships);
    return this.s.allItems.all(this.ns, type, this.clock.now()).map((r) => assemble(r.id, r.attributes, rels.get(r.id), filter));
  }

  async identifiers(type: string): Promise<string[]> {
    return this.s.allIds.all(this.ns, type, this.clock.now()).map((r) => r.id);
  }

  async filterIdentifiers(type: string, glob: string): Promise<string[]> {
    const matches = globMatcher(glob);
    const prefix = globLiteralPrefix(glob);
    const now = this.clock.now();
    const rows = prefix
      ? this.s.prefixIds.all(this.ns, type, prefix, `${prefix}\u{10FFFF}`, now)
      : this.s.allIds.all(this.ns, type, now);
    return rows.map((r) => r.id).filter(matches);
  }

  async existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    return (await this.get(type, ids, [])).map((i) => i.id);
  }

  async agentIds(type: string, agent: string): Promise<string[]> {
    const { agentIds } = this.written;
    const known = agentIds.get(type, agent);
    if (known !== undefined) return [...known.ids];
    const row = this.s.agentIds.get(this.ns, type, agent);
    return row ? (JSON.parse(row.ids) as string[]) : [];
  }

  /**
   * An agent's ids usually come back as they were (a snapshot agent writes some twenty types
   * every run, most of them empty or unchanged): a write equal to the one this process last made
   * is skipped, and the ids are kept for `agentIds`.
   */
  async setAgentIds(type: string, agent: string, ids: readonly string[]): Promise<void> {
    const { agentIds } = this.written;
    const json = JSON.stringify(ids);
    const idsDigest = digest(json);
    if (agentIds.get(type, agent)?.digest === idsDigest) return;
    await this.turn.run(() => this.s.setAgentIds.run(this.ns, type, agent, json));
    agentIds.set(type, agent, { digest: idsDigest, ids });
  }

  async types(): Promise<string[]> {
    return this.s.types.all(this.ns, this.clock.now()).map((r) => r.type);
  }
}

/** SHA-1 as a 20-character one-byte string: the smallest form a digest kept per cached item can take. */
function digest(text: string): string {
  return hash('sha1', text, 'binary'); // 20 one-byte characters
}

/**
 * What this process last wrote through one connection, per namespace: the stores opened on the
 * connection share it (two stores of one namespace see each other's writes), and it is forgotten
 * once another connection (another process on the same file) has committed anything, which
 * SQLite tells through `PRAGMA data_version`. That pragma costs ~5 µs (a snapshot agent's write
 * makes some fifty store calls), so it is read at most once per event-loop turn: another
 * process's commit is noticed from the next turn on. (Another process can commit between any
 * two statements of this one anyway: the memory is about skipping work, not about isolation.)
 */
class ConnectionMemory {
  private static readonly byConnection = new WeakMap<SqliteDatabase, ConnectionMemory>();
  private readonly version;
  private seen: unknown;
  private checkedThisTurn = false;
  private readonly namespaces = new Map<string, NamespaceMemory>();

  static of(db: SqliteDatabase): ConnectionMemory {
    let memory = ConnectionMemory.byConnection.get(db);
    if (memory === undefined) ConnectionMemory.byConnection.set(db, (memory = new ConnectionMemory(db)));
    return memory;
  }

  private constructor(db: SqliteDatabase) {
    this.version = db.prepare('PRAGMA data_version').pluck();
    this.seen = this.version.get();
  }

  of(ns: string): NamespaceMemory {
    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true;
      setImmediate(() => {
        this.checkedThisTurn = false;
      });
      const version = this.version.get();
      if (version !== this.seen) {
        this.seen = version;
        this.namespaces.clear();
      }
    }
    let memory = this.namespaces.get(ns);
    if (memory === undefined) this.namespaces.set(ns, (memory = { items: new WrittenDigests(), agentIds: new TypeAgentMap() }));
    return memory;
  }
}

interface NamespaceMemory {
  readonly items: WrittenDigests;
  /** The ids each agent last wrote per type, with the digest of their JSON. */
  readonly agentIds: TypeAgentMap<{ readonly digest: string; readonly ids: readonly string[] }>;
}

/** Values by type then agent (the caller's strings are kept as keys: no key is built per call). */
class TypeAgentMap<V> {
  private readonly byType = new Map<string, Map<string, V>>();

  get(type: string, agent: string): V | undefined {
    return this.byType.get(type)?.get(agent);
  }

  set(type: string, agent: string, value: V): void {
    let agents = this.byType.get(type);
    if (agents === undefined) this.byType.set(type, (agents = new Map()));
    agents.set(agent, value);
  }
}

/** What this process last wrote of one item: the attributes digest and, per writing agent, the relationships digest. */
interface Written {
  attributes: string;
  /** The first agent that wrote the item, and its relationships digest (almost every item has one agent). */
  readonly agent: string;
  rels: string;
  others?: Map<string, string>;
}

function relationshipsDigest(w: Written, agent: string): string | undefined {
  return w.agent === agent ? w.rels : w.others?.get(agent);
}

/**
 * Digests of what this process last wrote, by type then id (the id string is the one the caller
 * passed, which a cache model shares with its own structures), so unchanged rows are skipped
 * without reading them back.
 */
class WrittenDigests {
  private readonly byType = new Map<string, Map<string, Written>>();

  get(type: string, id: string): Written | undefined {
    return this.byType.get(type)?.get(id);
  }

  record(type: string, id: string, agent: string, attributes: string, rels: string): void {
    let ids = this.byType.get(type);
    if (ids === undefined) this.byType.set(type, (ids = new Map()));
    const w = ids.get(id);
    if (w === undefined) ids.set(id, { attributes, agent, rels });
    else {
      w.attributes = attributes;
      if (w.agent === agent) w.rels = rels;
      else (w.others ??= new Map()).set(agent, rels);
    }
  }

  forget(type: string, id: string): void {
    this.byType.get(type)?.delete(id);
  }
}

function push(map: Map<string, string[]>, id: string, value: string): void {
  const list = map.get(id);
  if (list) list.push(value);
  else map.set(id, [value]);
}

function assemble(id: string, attributes: string, relJson: string[] | undefined, filter: RelationshipFilter): CacheData {
  const merged = new Map<string, Set<string>>();
  for (const json of relJson ?? []) {
    for (const [type, ids] of Object.entries(JSON.parse(json) as Record<string, string[]>)) {
      let set = merged.get(type);
      if (!set) merged.set(type, (set = new Set()));
      for (const rid of ids) set.add(rid);
    }
  }
  const relationships = Object.fromEntries([...merged].map(([type, set]) => [type, [...set]]));
  return { id, attributes: JSON.parse(attributes) as Record<string, unknown>, relationships: applyRelationshipFilter(relationships, filter) };
}

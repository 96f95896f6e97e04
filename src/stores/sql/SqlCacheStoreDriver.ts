import { createHash } from 'node:crypto';
import type { Clock } from '../../core/Clock.js';
import { applyRelationshipFilter, type CacheData, type RelationshipFilter } from '../../core/cache/CacheData.js';
import type { CacheStore, CacheStoreDriver, StoredItem } from '../../core/cache/CacheStore.js';
import { globLiteralPrefix, globMatcher } from '../../core/cache/glob.js';
import { withRetries, type SqlClient, type SqlExecutor } from './SqlClient.js';
import { agentColumnValue, SqlNames } from './SqlNames.js';

export interface SqlCacheStoreOptions {
  readonly client: SqlClient;
  readonly clock: Clock;
  /** Clouddriver `sql.table-namespace`: tables become `cats_v1_{namespace}_{type}`. */
  readonly tableNamespace?: string;
  /** Rows per upsert (Clouddriver `sql.cache.write-batch-size`, 100). */
  readonly writeBatchSize?: number;
  /** Ids per `IN (...)` read (Clouddriver `sql.cache.read-batch-size`, 500). */
  readonly readBatchSize?: number;
}

interface Row {
  id: string;
  agent: string;
  body: string;
  last_updated: number;
  expires_at: number | null;
}

interface Body {
  attributes?: Record<string, unknown>;
  relationships?: Record<string, string[]>;
}

/**
 * The cache in Clouddriver's SQL layout (cats-sql SqlCache, SqlNames): a table per type,
 * `cats_v1_[{tableNamespace}_]{type}` with one row per (id, writing agent; long agent names
 * shortened as SqlNames.checkAgentName does on MySQL; text columns on PostgreSQL): `body` = JSON
 * `{id, attributes, relationships}`, `body_hash` = SHA-256 hex of the body (unchanged rows are not
 * rewritten), `application` from `attributes.application`, `last_updated` ms; the companion
 * `cats_v1_{type}_rel` table is created too. Tables are created when a type is first written.
 * Upserts go out `writeBatchSize` rows per statement, reads `readBatchSize` ids per query.
 *
 * Where it departs from the Java layout, because the CacheStore SPI requires it:
 * - A `namespace` column (the provider cache, part of the primary key) isolates providers; the
 *   Java service keys rows by (id, agent) across providers.
 * - Attributes are last-writer-wins: reads take them from the row with the newest
 *   `last_updated` (stamps are strictly increasing per process) instead of merging agents' rows;
 *   relationships are the union over every agent's row. An unchanged row is skipped only while
 *   it is still the newest for its id, so rewriting the same attributes still wins.
 * - An `expires_at` column (the SPI's expiry; the Java SQL cache ignores TTLs) hides rows whose
 *   time has passed; a write sets it on every agent's row of the id.
 * - Relationships are kept in each agent's body, not in `_rel` rows: the SPI does not say which
 *   types are informative, so no reverse rows are made (a Java reader merges bodies the same way).
 * - The ids each agent last wrote (`_ALL_` in Redis) live in `cdts_[{ns}_]cache_agent_ids`, and
 *   `cdts_[{ns}_]cache_types` lists the types that have tables (table names are not reversible).
 */
export class SqlCacheStoreDriver implements CacheStoreDriver {
  readonly name: string;
  readonly names: SqlNames;
  private readonly tables = new Map<string, Promise<void>>();
  private own: Promise<void> | undefined;
  private lastStamp = 0;

  constructor(readonly opts: SqlCacheStoreOptions) {
    this.name = opts.client.dialect.name;
    this.names = new SqlNames(opts.client.dialect.maxTableNameLength, opts.tableNamespace);
  }

  open(namespace: string): CacheStore {
    return new SqlCacheStore(this, namespace);
  }

  async ping(): Promise<void> {
    await this.opts.client.query('SELECT 1');
  }

  /** The client belongs to whoever opened it (openStores shares one per database). */
  async close(): Promise<void> {}

  /** A `last_updated` later than any this process handed out before. */
  stamp(): number {
    this.lastStamp = Math.max(this.opts.clock.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  ownTables(): Promise<void> {
    const { client } = this.opts;
    const d = client.dialect;
    this.own ??= (async () => {
      const c = d.cacheColumns;
      await createTable(client, `CREATE TABLE IF NOT EXISTS ${this.names.ownTable('cache_types')} (type ${c.text255} NOT NULL PRIMARY KEY)${d.tableOptions}`);
      await createTable(
        client,
        `CREATE TABLE IF NOT EXISTS ${this.names.ownTable('cache_agent_ids')} (
          namespace ${c.text255} NOT NULL, type ${c.text255} NOT NULL, agent ${c.agent} NOT NULL, ids ${d.longText} NOT NULL,
          PRIMARY KEY (namespace, type, agent))${d.tableOptions}`,
      );
    })().catch((err: unknown) => {
      this.own = undefined;
      throw err;
    });
    return this.own;
  }

  /** Creates the type's tables once per process (CREATE TABLE IF NOT EXISTS, as SqlCache.createTables). */
  ensureType(type: string): Promise<void> {
    let p = this.tables.get(type);
    if (!p) {
      const { client } = this.opts;
      const d = client.dialect;
      p = (async () => {
        await this.ownTables();
        const c = d.cacheColumns;
        await createTable(
          client,
          `CREATE TABLE IF NOT EXISTS ${this.names.resourceTable(type)} (
            id ${c.id} NOT NULL, agent ${c.agent} NOT NULL, application ${c.text255}, body_hash ${c.bodyHash} NOT NULL,
            body ${d.longText} NOT NULL, last_updated bigint NOT NULL, namespace ${c.text255} NOT NULL DEFAULT '', expires_at bigint,
            PRIMARY KEY (id, agent, namespace))${d.tableOptions}`,
        );
        await createTable(
          client,
          `CREATE TABLE IF NOT EXISTS ${this.names.relTable(type)} (
            uuid char(26) NOT NULL PRIMARY KEY, id ${c.id} NOT NULL, rel_id ${c.id} NOT NULL,
            rel_agent ${c.agent} NOT NULL, rel_type ${c.text255}, last_updated bigint)${d.tableOptions}`,
        );
        try {
          await client.query(`SELECT namespace, expires_at FROM ${this.names.resourceTable(type)} WHERE 1 = 0`);
        } catch (err) {
          throw new Error(
            `table ${this.names.resourceTable(type)} exists without the namespace/expires_at columns (written by the Java service?); give this service its own sql.tableNamespace or database`,
            { cause: err },
          );
        }
        await client.query(d.insertIgnore(this.names.ownTable('cache_types'), ['type'], ['type'], 1), [type]);
      })().catch((err: unknown) => {
        this.tables.delete(type);
        throw err;
      });
      this.tables.set(type, p);
    }
    return p;
  }
}

/**
 * Other agents' rows of an id are moved to the expiry just written, so the item expires as one
 * (as the Redis layout's single EXPIRE does) — but only when theirs is more than this much
 * earlier: every account writes the shared application and cluster items, and rewriting each
 * other's rows on every write made concurrent writers queue on those row locks for seconds.
 */
const RESYNC_GRACE_MS = 60_000;

/**
 * Item writes and evictions do not wait for the server's disk flush (PostgreSQL: `synchronous_commit
 * = off` per transaction; other sessions see them at commit all the same). A Kubernetes
 * write-through of one change is one transaction per type, in a row, before followers are told:
 * with every commit waiting on its fsync, a disk busy with other I/O (fsyncs of 300-450 ms) put
 * the cross-instance freshness p99 at ~700 ms. What a server crash could lose (its last fraction
 * of a second of writes) is cache: the account's next snapshot run writes it again.
 */
const CACHE_WRITE = { durable: false } as const;

function needsResync(theirs: number | null, ours: number | null): boolean {
  if (ours === null) return theirs !== null;
  return theirs === null || theirs < ours - RESYNC_GRACE_MS;
}

class SqlCacheStore implements CacheStore {
  private readonly client: SqlClient;
  private readonly writeBatch: number;
  private readonly readBatch: number;

  constructor(
    private readonly driver: SqlCacheStoreDriver,
    private readonly ns: string,
  ) {
    this.client = driver.opts.client;
    this.writeBatch = driver.opts.writeBatchSize ?? 100;
    this.readBatch = driver.opts.readBatchSize ?? 500;
  }

  async put(type: string, agent: string, items: readonly StoredItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.driver.ensureType(type);
    const table = this.driver.names.resourceTable(type);
    const agentCol = agentColumnValue(agent, this.client.dialect.maxAgentLength);
    const byId = new Map(items.map((i) => [i.id, i]));
    // One transaction per put (one commit, not one per batch); rows in id order, so concurrent
    // writers (the expiry resync also updates other agents' rows) take row locks in one order.
    const unique = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Agents writing one shared item (an application written by every account) also update each
    // other's rows when expiries differ, so two puts can still deadlock: the loser is retried.
    await withRetries(
      this.client.dialect,
      () =>
        this.client.transaction(async (tx) => {
          for (let i = 0; i < unique.length; i += this.writeBatch) await this.putBatch(tx, table, agentCol, unique.slice(i, i + this.writeBatch));
        }, CACHE_WRITE),
      6,
    );
  }

  private async putBatch(tx: SqlExecutor, table: string, agentCol: string, chunk: readonly StoredItem[]): Promise<void> {
    const d = this.client.dialect;
    const columns = ['id', 'agent', 'application', 'body_hash', 'body', 'last_updated', 'namespace', 'expires_at'];
    const { rows } = await tx.query<{ id: string; agent: string; body_hash: string; last_updated: number; expires_at: number | null }>(
      `SELECT id, agent, body_hash, last_updated, expires_at FROM ${table} WHERE namespace = ? AND id IN (${marks(chunk.length)})`,
      [this.ns, ...chunk.map((c) => c.id)],
    );
    const existing = groupBy(rows);
    const stamp = this.driver.stamp();
    const values: unknown[] = [];
    const resync: StoredItem[] = [];
    for (const item of chunk) {
      const body = JSON.stringify({ id: item.id, attributes: item.attributes, relationships: dedupe(item.relationships) });
      const hash = createHash('sha256').update(body, 'utf8').digest('hex');
      const expiresAt = item.expiresAt ?? null;
      const prior = existing.get(item.id) ?? [];
      const own = prior.find((r) => r.agent === agentCol);
      const others = prior.filter((r) => r !== own);
      const newest = Math.max(-Infinity, ...others.map((r) => Number(r.last_updated)));
      const unchanged = own !== undefined && own.body_hash === hash && nullableNumber(own.expires_at) === expiresAt && Number(own.last_updated) > newest;
      if (!unchanged) values.push(item.id, agentCol, applicationOf(item.attributes), hash, body, stamp, this.ns, expiresAt);
      if (others.some((r) => needsResync(nullableNumber(r.expires_at), expiresAt))) resync.push(item);
    }
    if (values.length > 0) {
      await tx.query(
        d.upsert(table, columns, ['id', 'agent', 'namespace'], ['application', 'body_hash', 'body', 'last_updated', 'expires_at'], values.length / columns.length),
        values,
      );
    }
    for (const item of resync) {
      await tx.query(`UPDATE ${table} SET expires_at = ? WHERE namespace = ? AND id = ? AND agent <> ?`, [item.expiresAt ?? null, this.ns, item.id, agentCol]);
    }
  }

  async evict(type: string, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    const table = this.driver.names.resourceTable(type);
    await this.tolerant(undefined, async () => {
      for (let i = 0; i < unique.length; i += this.readBatch) {
        const chunk = unique.slice(i, i + this.readBatch);
        await this.client.transaction((tx) => tx.query(`DELETE FROM ${table} WHERE namespace = ? AND id IN (${marks(chunk.length)})`, [this.ns, ...chunk]), CACHE_WRITE);
      }
    });
  }

  async get(type: string, ids: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    const unique = [...new Set(ids)];
    const rows: Row[] = [];
    await this.tolerant(undefined, async () => {
      for (let i = 0; i < unique.length; i += this.readBatch) {
        const chunk = unique.slice(i, i + this.readBatch);
        const r = await this.client.query<Row>(
          `SELECT id, agent, body, last_updated, expires_at FROM ${this.driver.names.resourceTable(type)} WHERE namespace = ? AND id IN (${marks(chunk.length)})`,
          [this.ns, ...chunk],
        );
        rows.push(...r.rows);
      }
    });
    const items = this.assemble(rows, filter);
    return unique.flatMap((id) => items.get(id) ?? []);
  }

  async getAll(type: string, filter?: RelationshipFilter): Promise<CacheData[]> {
    const rows = await this.tolerant([] as Row[], async () =>
      (
        await this.client.query<Row>(`SELECT id, agent, body, last_updated, expires_at FROM ${this.driver.names.resourceTable(type)} WHERE namespace = ?`, [
          this.ns,
        ])
      ).rows,
    );
    return [...this.assemble(rows, filter).values()];
  }

  async identifiers(type: string): Promise<string[]> {
    return this.liveIds(type, '', []);
  }

  async filterIdentifiers(type: string, glob: string): Promise<string[]> {
    const matches = globMatcher(glob);
    const prefix = globLiteralPrefix(glob);
    const ids = await this.liveIds(type, prefix === '' ? '' : ' AND id LIKE ?', prefix === '' ? [] : [`${prefix.replace(/[\\%_]/g, '\\$&')}%`]);
    return ids.filter(matches);
  }

  async existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += this.readBatch) {
      const chunk = unique.slice(i, i + this.readBatch);
      for (const id of await this.liveIds(type, ` AND id IN (${marks(chunk.length)})`, chunk)) found.add(id);
    }
    return unique.filter((id) => found.has(id));
  }

  async agentIds(type: string, agent: string): Promise<string[]> {
    await this.driver.ownTables();
    const { rows } = await this.client.query<{ ids: string }>(
      `SELECT ids FROM ${this.driver.names.ownTable('cache_agent_ids')} WHERE namespace = ? AND type = ? AND agent = ?`,
      [this.ns, type, agentColumnValue(agent, this.client.dialect.maxAgentLength)],
    );
    return rows[0] ? (JSON.parse(rows[0].ids) as string[]) : [];
  }

  async setAgentIds(type: string, agent: string, ids: readonly string[]): Promise<void> {
    await this.driver.ownTables();
    const d = this.client.dialect;
    await this.client.query(d.upsert(this.driver.names.ownTable('cache_agent_ids'), ['namespace', 'type', 'agent', 'ids'], ['namespace', 'type', 'agent'], ['ids'], 1), [
      this.ns,
      type,
      agentColumnValue(agent, this.client.dialect.maxAgentLength),
      JSON.stringify([...new Set(ids)]),
    ]);
  }

  async types(): Promise<string[]> {
    await this.driver.ownTables();
    const { rows } = await this.client.query<{ type: string }>(`SELECT type FROM ${this.driver.names.ownTable('cache_types')}`);
    const now = this.driver.opts.clock.now();
    const held = await Promise.all(
      rows.map(({ type }) =>
        this.tolerant(false, async () => {
          const r = await this.client.query(
            `SELECT 1 AS one FROM ${this.driver.names.resourceTable(type)} WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`,
            [this.ns, now],
          );
          return r.rows.length > 0;
        }),
      ),
    );
    return rows.filter((_, i) => held[i]).map((r) => r.type);
  }

  private async liveIds(type: string, condition: string, params: readonly unknown[]): Promise<string[]> {
    return this.tolerant([] as string[], async () => {
      const { rows } = await this.client.query<{ id: string }>(
        `SELECT DISTINCT id FROM ${this.driver.names.resourceTable(type)} WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?)${condition}`,
        [this.ns, this.driver.opts.clock.now(), ...params],
      );
      return rows.map((r) => r.id);
    });
  }

  /** A type never written has no table: reads find nothing. */
  private async tolerant<T>(fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (this.client.dialect.isUndefinedTable(err)) return fallback;
      throw err;
    }
  }

  private assemble(rows: readonly Row[], filter: RelationshipFilter): Map<string, CacheData> {
    const now = this.driver.opts.clock.now();
    const out = new Map<string, CacheData>();
    for (const [id, group] of groupBy(rows)) {
      const newest = group.reduce((a, b) => (Number(b.last_updated) > Number(a.last_updated) || (Number(b.last_updated) === Number(a.last_updated) && b.agent > a.agent) ? b : a));
      const expiresAt = nullableNumber(newest.expires_at);
      if (expiresAt !== null && expiresAt <= now) continue;
      const body = JSON.parse(newest.body) as Body;
      const merged = new Map<string, Set<string>>();
      if (filter === undefined || filter.length > 0) {
        for (const row of group) {
          const rels = row === newest ? body.relationships : (JSON.parse(row.body) as Body).relationships;
          for (const [rel, relIds] of Object.entries(rels ?? {})) {
            let set = merged.get(rel);
            if (!set) merged.set(rel, (set = new Set()));
            for (const r of relIds) set.add(r);
          }
        }
      }
      const relationships = Object.fromEntries([...merged].map(([rel, set]) => [rel, [...set]]));
      out.set(id, { id, attributes: body.attributes ?? {}, relationships: applyRelationshipFilter(relationships, filter) });
    }
    return out;
  }
}

/** PostgreSQL's IF NOT EXISTS can still fail (duplicate key or type) when two instances create a table at once. */
async function createTable(client: SqlClient, ddl: string): Promise<void> {
  try {
    await client.query(ddl);
  } catch (err) {
    if (!client.dialect.isAlreadyExists(err)) throw err;
  }
}

function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

function groupBy<R extends { id: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const list = out.get(row.id);
    if (list) list.push(row);
    else out.set(row.id, [row]);
  }
  return out;
}

function dedupe(relationships: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(relationships).map(([rel, ids]) => [rel, [...new Set(ids)]]));
}

function applicationOf(attributes: Readonly<Record<string, unknown>>): string | null {
  const app = attributes.application;
  return typeof app === 'string' ? app.slice(0, 255) : null;
}

function nullableNumber(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

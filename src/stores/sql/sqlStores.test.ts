import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureServer } from '../../../test/helpers/ensureServers.js';
import { describeAccountDefinitionStoreContract } from '../../testing/contracts/accountDefinitionStoreContract.js';
import { describeCacheStoreContract } from '../../testing/contracts/cacheStoreContract.js';
import { describeLeaseStoreContract } from '../../testing/contracts/leaseStoreContract.js';
import { describeReplicaRegistryContract } from '../../testing/contracts/replicaRegistryContract.js';
import { describeTaskRepositoryContract } from '../../testing/contracts/taskRepositoryContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { migrate } from './migrations.js';
import { murmur3x64Hex } from './murmur3.js';
import { SqlAccountDefinitionStore } from './SqlAccountDefinitionStore.js';
import { SqlCacheStoreDriver } from './SqlCacheStoreDriver.js';
import { openSqlClient, parseUrl, type SqlClient, type SqlExecutor, type TransactionOptions } from './SqlClient.js';
import type { SqlDialect } from './SqlDialect.js';
import { SqlLeaseStore } from './SqlLeaseStore.js';
import { SqlReplicaRegistry } from './SqlReplicaRegistry.js';
import { agentColumnValue, SqlNames } from './SqlNames.js';
import { SqlTaskRepository } from './SqlTaskRepository.js';
import { ulid } from './ulid.js';

const URLS: Record<SqlDialect['name'], string> = {
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};
/** Scratch schemas (PostgreSQL) / databases (MySQL) are named with their creation time, so a later run can drop stale ones. */
const SCRATCH = 'cdts_t_';
const STALE_AFTER_S = 600;

const admins = new Map<SqlDialect['name'], Promise<SqlClient>>();
function admin(dialect: SqlDialect['name']): Promise<SqlClient> {
  let p = admins.get(dialect);
  if (!p) {
    p = (async () => {
      await ensureServer(dialect);
      const client = await openSqlClient({ dialect, url: URLS[dialect], maxPoolSize: 4 });
      await dropStale(client);
      return client;
    })();
    admins.set(dialect, p);
  }
  return p;
}

async function dropStale(client: SqlClient): Promise<void> {
  const { rows } =
    client.dialect.name === 'postgres'
      ? await client.query<{ name: string }>("SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 'cdts\\_t\\_%'")
      : await client.query<{ name: string }>("SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 'cdts\\_t\\_%'");
  const cutoff = Date.now() / 1000 - STALE_AFTER_S;
  for (const { name } of rows) {
    if (Number(name.slice(SCRATCH.length).split('_')[0]) < cutoff) await dropScratch(client, name);
  }
}

async function dropScratch(client: SqlClient, name: string): Promise<void> {
  await client.query(client.dialect.name === 'postgres' ? `DROP SCHEMA IF EXISTS ${name} CASCADE` : `DROP DATABASE IF EXISTS ${name}`);
}

/** A migrated schema (PostgreSQL) or database (MySQL) of its own, dropped by `cleanup`. */
async function scratch(dialect: SqlDialect['name'], opts: { migrated?: boolean } = {}) {
  const root = await admin(dialect);
  const name = `${SCRATCH}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await root.query(dialect === 'postgres' ? `CREATE SCHEMA ${name}` : `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = dialect === 'postgres' ? URLS.postgres : URLS.mysql.replace(/\/[^/]*$/, `/${name}`);
  const clients: SqlClient[] = [];
  const connect = async () => {
    const c = await openSqlClient({ dialect, url, maxPoolSize: 10, ...(dialect === 'postgres' ? { schema: name } : {}) });
    clients.push(c);
    return c;
  };
  const client = await connect();
  if (opts.migrated !== false) await migrate(client);
  return {
    name,
    client,
    connect,
    cleanup: async () => {
      for (const c of clients) await c.close();
      await dropScratch(root, name);
    },
  };
}

/**
 * One migrated scratch schema per dialect for this file's run (creating one per test costs more
 * than the tests): cache tests isolate by a table namespace of their own, the others start from
 * emptied tables (tests in a file run one at a time).
 */
const shared = new Map<SqlDialect['name'], ReturnType<typeof scratch>>();
function runSchema(dialect: SqlDialect['name']) {
  let p = shared.get(dialect);
  if (!p) shared.set(dialect, (p = scratch(dialect)));
  return p;
}
let tableNamespaces = 0;

async function emptied(dialect: SqlDialect['name']) {
  const { client } = await runSchema(dialect);
  const clear = async () => {
    for (const table of ['tasks', 'task_states', 'task_results', 'task_outputs', 'cats_agent_locks', 'accounts', 'caching_replicas']) await client.query(`DELETE FROM ${table}`);
  };
  await clear();
  return { client, cleanup: clear };
}

afterAll(async () => {
  for (const p of shared.values()) await (await p).cleanup();
  for (const p of admins.values()) await (await p).close();
});

for (const dialect of ['postgres', 'mysql'] as const) {
  describeCacheStoreContract(dialect, async () => {
    const { client } = await runSchema(dialect);
    const clock = new ManualClock(1_000_000);
    const driver = new SqlCacheStoreDriver({ client, clock, tableNamespace: 'contract' });
    // Emptying the tables is much cheaper than creating new ones for every test.
    const empty = async () => {
      await driver.ownTables();
      const { rows } = await client.query<{ type: string }>(`SELECT type FROM ${driver.names.ownTable('cache_types')}`);
      for (const { type } of rows) await client.query(`DELETE FROM ${driver.names.resourceTable(type)}`);
      await client.query(`DELETE FROM ${driver.names.ownTable('cache_agent_ids')}`);
    };
    await empty();
    return { driver, clock, cleanup: empty };
  });

  describeTaskRepositoryContract(dialect, async () => {
    const { client, cleanup } = await emptied(dialect);
    return { repo: new SqlTaskRepository({ client }), cleanup };
  });

  describeLeaseStoreContract(dialect, async () => {
    const { client, cleanup } = await emptied(dialect);
    const clock = new ManualClock(1_000_000);
    return { leases: new SqlLeaseStore({ client, clock }), clock, cleanup };
  });

  describeReplicaRegistryContract(dialect, async () => {
    const { client, cleanup } = await emptied(dialect);
    const clock = new ManualClock(1_000_000);
    const ttlMs = 60_000;
    return { a: new SqlReplicaRegistry({ client, clock, ttlMs }), b: new SqlReplicaRegistry({ client, clock, ttlMs }), clock, ttlMs, cleanup };
  });

  describeAccountDefinitionStoreContract(dialect, async () => {
    const { client, cleanup } = await emptied(dialect);
    return { store: new SqlAccountDefinitionStore({ client }), reopen: () => new SqlAccountDefinitionStore({ client }), cleanup };
  });
}

describe('SQL naming and ids', () => {
  it("hashes like Guava's murmur3_128", () => {
    expect(murmur3x64Hex(Buffer.from(''))).toBe('00000000000000000000000000000000');
    expect(murmur3x64Hex(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe('6c1b07bc7bbc4be347939ac4a93c437a');
  });

  it("names cache tables as Clouddriver's SqlNames does", () => {
    expect(new SqlNames(64).resourceTable('serverGroups')).toBe('cats_v1_serverGroups');
    expect(new SqlNames(64).relTable('serverGroups')).toBe('cats_v1_serverGroups_rel');
    expect(new SqlNames(63, 'blue').resourceTable('a.b-c:d')).toBe('cats_v1_blue_a_b_c_d');
    const long = 'x'.repeat(80);
    const hash = murmur3x64Hex(Buffer.from(`${long}_rel`)).slice(0, 16);
    expect(new SqlNames(64).relTable(long)).toBe(`cats_v1_${'x'.repeat(64 - 8 - 4 - 16)}${hash}_rel`);
    expect(new SqlNames(63).resourceTable(long)).toHaveLength(63);
    expect(() => new SqlNames(64, 'n'.repeat(60)).resourceTable(long)).toThrow(/table-namespace/);
  });

  it("shortens long agent names as Clouddriver's SqlNames.checkAgentName does", () => {
    expect(agentColumnValue('acct/KubernetesCoreCachingAgent[0/1]', 127)).toBe('acct/KubernetesCoreCachingAgent[0/1]');
    const long = `pods:${'a'.repeat(200)}`;
    const hash = murmur3x64Hex(Buffer.from(long));
    expect(agentColumnValue(long, 127)).toBe(long.slice(0, 95) + hash);
    expect(agentColumnValue(long, Number.POSITIVE_INFINITY)).toBe(long);
    expect(() => agentColumnValue(`${'t'.repeat(130)}:x`, 127)).toThrow(/too long/);
  });

  it('reads JDBC and plain URLs', () => {
    expect(parseUrl('jdbc:mysql://db.local:3307/clouddriver?user=cd&password=s%40cret&useSSL=false')).toMatchObject({
      host: 'db.local',
      port: 3307,
      database: 'clouddriver',
      user: 'cd',
      password: 's@cret',
    });
    expect(parseUrl('postgres://u:p@10.0.0.1/cd')).toMatchObject({ host: '10.0.0.1', port: undefined, database: 'cd', user: 'u', password: 'p' });
  });

  it('makes ULIDs that sort in creation order within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`SQL stores on ${dialect}`, () => {
    it('applies migrations once, also when two instances start together', async () => {
      const { client, connect, cleanup } = await scratch(dialect, { migrated: false });
      try {
        const other = await connect();
        await Promise.all([migrate(client), migrate(other), migrate(client)]);
        await migrate(other);
        const { rows } = await client.query<{ version: number }>('SELECT version FROM cdts_schema_migrations');
        expect(rows.map((r) => Number(r.version)).sort((x, y) => x - y)).toEqual([1, 2, 3, 4]);
        await client.query('SELECT id, topic, message, created_at FROM cdts_change_feed');
        await client.query('SELECT id, request_id, owner_id, created_at, saga_ids FROM tasks');
        await client.query('SELECT agent_name, owner_id, lock_acquired, lock_expiry FROM cats_agent_locks');
      } finally {
        await cleanup();
      }
    });

    it('writes rows in the cats_v1 layout and skips unchanged bodies by SHA-256 while they are the newest', async () => {
      const { client } = await runSchema(dialect);
      const ns = `h${++tableNamespaces}`;
      const store = new SqlCacheStoreDriver({ client, clock: new ManualClock(5_000), tableNamespace: ns }).open('kubernetes');
      const item = { id: 'pod-1', attributes: { application: 'web', name: 'pod-1' }, relationships: { services: ['s1', 's1'] } };
      await store.put('pods', 'acct/KubernetesCoreCachingAgent[0/1]', [item]);
      const table = `cats_v1_${ns}_pods`;
      const { rows } = await client.query<{ id: string; agent: string; application: string; body_hash: string; body: string }>(
        `SELECT id, agent, application, body_hash, body FROM ${table}`,
      );
      expect(rows).toHaveLength(1);
      const row = rows[0] as (typeof rows)[number];
      expect(row).toMatchObject({ id: 'pod-1', agent: 'acct/KubernetesCoreCachingAgent[0/1]', application: 'web' });
      expect(JSON.parse(row.body)).toEqual({ id: 'pod-1', attributes: item.attributes, relationships: { services: ['s1'] } });
      expect(row.body_hash).toBe(createHash('sha256').update(row.body).digest('hex'));
      await client.query(`SELECT uuid, id, rel_id, rel_agent, rel_type, last_updated FROM ${table}_rel`);

      const tampered = JSON.stringify({ id: 'pod-1', attributes: { tampered: true }, relationships: {} });
      await client.query(`UPDATE ${table} SET body = ?`, [tampered]);
      await store.put('pods', 'acct/KubernetesCoreCachingAgent[0/1]', [item]);
      expect((await store.get('pods', ['pod-1']))[0]?.attributes).toEqual({ tampered: true });

      await store.put('pods', 'other-agent', [{ id: 'pod-1', attributes: { by: 'other' }, relationships: {} }]);
      await store.put('pods', 'acct/KubernetesCoreCachingAgent[0/1]', [item]);
      expect((await store.get('pods', ['pod-1']))[0]?.attributes).toEqual(item.attributes);
    });

    it('commits cache writes and evictions without waiting for the disk flush, other transactions as before', async () => {
      const { client } = await runSchema(dialect);
      const seen: (TransactionOptions | undefined)[] = [];
      const recording: SqlClient = { ...client, transaction: (fn, opts) => (seen.push(opts), client.transaction(fn, opts)) };
      const store = new SqlCacheStoreDriver({ client: recording, clock: new ManualClock(1), tableNamespace: `d${++tableNamespaces}` }).open('k8s');
      await store.put('pods', 'agent', [{ id: 'p1', attributes: { a: 1 }, relationships: {} }]);
      await store.evict('pods', ['p1']);
      expect(seen).toEqual([{ durable: false }, { durable: false }]);
      expect(await store.get('pods', ['p1'])).toEqual([]);
      if (dialect !== 'postgres') return;
      // The setting holds for that transaction only, not for the pooled connection afterwards.
      const single = await openSqlClient({ dialect, url: URLS.postgres, maxPoolSize: 1 });
      try {
        const setting = async (conn: SqlExecutor) => (await conn.query<{ v: string }>("SELECT current_setting('synchronous_commit') AS v")).rows[0]?.v;
        const initial = await setting(single);
        expect(await single.transaction(setting, { durable: false })).toBe('off');
        expect(await setting(single)).toBe(initial);
        expect(await single.transaction(setting)).toBe(initial);
      } finally {
        await single.close();
      }
    });

    it("creates a new type's tables once when two instances write it first at the same time", async () => {
      const { client, connect } = await runSchema(dialect);
      const other = await connect();
      const tableNamespace = `c${++tableNamespaces}`;
      const clock = new ManualClock(1);
      const stores = [client, other, client, other].map((c) => new SqlCacheStoreDriver({ client: c, clock, tableNamespace }).open('k8s'));
      await Promise.all(stores.map((s, i) => s.put('racing', `agent-${i}`, [{ id: 'x', attributes: { i }, relationships: { r: [`r${i}`] } }])));
      const [item] = await (stores[0] as (typeof stores)[number]).get('racing', ['x']);
      expect([...(item?.relationships.r ?? [])].sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    });

    it('takes concurrent overlapping writes from several agents on two connections', async () => {
      const { client, connect } = await runSchema(dialect);
      const other = await connect();
      const tableNamespace = `w${++tableNamespaces}`;
      const clock = new ManualClock(1);
      const ids = Array.from({ length: 300 }, (_, i) => `id-${i}`);
      await Promise.all(
        [client, other, client, other].map((c, a) => {
          const store = new SqlCacheStoreDriver({ client: c, clock, tableNamespace }).open('k8s');
          const mine = a % 2 === 0 ? ids : [...ids].reverse();
          return store.put('shared', `agent-${a}`, mine.map((id) => ({ id, attributes: { a }, relationships: { r: [`${id}-${a}`] } })));
        }),
      );
      const all = await new SqlCacheStoreDriver({ client, clock, tableNamespace }).open('k8s').getAll('shared');
      expect(all).toHaveLength(300);
      expect(all.every((i) => i.relationships.r?.length === 4)).toBe(true);
    });

    it('keeps leases consistent under concurrent acquire, extend and release from two instances', async () => {
      const { client } = await emptied(dialect);
      const second = await (await runSchema(dialect)).connect();
      const clock = new ManualClock(1_000_000);
      const stores = [new SqlLeaseStore({ client, clock }), new SqlLeaseStore({ client: second, clock })];
      const ops = Array.from({ length: 200 }, async (_, i) => {
        const leases = stores[i % 2] as SqlLeaseStore;
        const key = `agent-${i % 5}`;
        const owner = `n${i % 7}`;
        if (await leases.tryAcquire(key, owner, 10_000)) {
          expect(await leases.extend(key, owner, 10_000)).toBe(true);
          expect(await leases.release(key, owner)).toBe(true);
        }
      });
      await Promise.all(ops);
      for (let k = 0; k < 5; k++) expect(await stores[0]?.holder(`agent-${k}`)).toBeUndefined();
    });
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAccountDefinitionStoreContract } from '../../testing/contracts/accountDefinitionStoreContract.js';
import { describeCacheStoreContract } from '../../testing/contracts/cacheStoreContract.js';
import { describeLeaseStoreContract } from '../../testing/contracts/leaseStoreContract.js';
import { describeReplicaRegistryContract } from '../../testing/contracts/replicaRegistryContract.js';
import { SqliteReplicaRegistry } from './SqliteReplicaRegistry.js';
import { describeTaskRepositoryContract } from '../../testing/contracts/taskRepositoryContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import Database from 'better-sqlite3';
import { openSqliteDatabase, SQLITE_MIGRATIONS } from './openSqliteDatabase.js';
import { SqliteAccountDefinitionStore } from './SqliteAccountDefinitionStore.js';
import { SqliteCacheStoreDriver } from './SqliteCacheStoreDriver.js';
import { SqliteLeaseStore } from './SqliteLeaseStore.js';
import { SqliteTaskRepository } from './SqliteTaskRepository.js';

function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
  const path = join(dir, 'nested', 'test.db');
  const db = openSqliteDatabase(path);
  return {
    db,
    path,
    cleanup: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeCacheStoreContract('sqlite', async () => {
  const { db, cleanup } = tempDb();
  const clock = new ManualClock(1_000_000);
  return { driver: new SqliteCacheStoreDriver({ db, clock }), clock, cleanup };
});

describeTaskRepositoryContract('sqlite', async () => {
  const { db, cleanup } = tempDb();
  return { repo: new SqliteTaskRepository({ db }), cleanup };
});

describeLeaseStoreContract('sqlite', async () => {
  const { db, cleanup } = tempDb();
  const clock = new ManualClock(1_000_000);
  return { leases: new SqliteLeaseStore({ db, clock }), clock, cleanup };
});

describeReplicaRegistryContract('sqlite (two connections to one file)', async () => {
  const { db, path, cleanup } = tempDb();
  const other = openSqliteDatabase(path);
  const clock = new ManualClock(1_000_000);
  const ttlMs = 60_000;
  return {
    a: new SqliteReplicaRegistry({ db, clock, ttlMs }),
    b: new SqliteReplicaRegistry({ db: other, clock, ttlMs }),
    clock,
    ttlMs,
    cleanup: async () => {
      other.close();
      await cleanup();
    },
  };
});

describeAccountDefinitionStoreContract('sqlite', async () => {
  const { db, path, cleanup } = tempDb();
  const reopened: ReturnType<typeof openSqliteDatabase>[] = [];
  return {
    store: new SqliteAccountDefinitionStore({ db }),
    reopen: () => {
      const again = openSqliteDatabase(path);
      reopened.push(again);
      return new SqliteAccountDefinitionStore({ db: again });
    },
    cleanup: async () => {
      for (const r of reopened) r.close();
      await cleanup();
    },
  };
});

describe('SQLite file', () => {
  it('keeps tasks and cache items across close and reopen, and shares them between connections', async () => {
    const { db, path, cleanup } = tempDb();
    const clock = new ManualClock(0);
    const tasks = new SqliteTaskRepository({ db });
    const { task } = await tasks.create({
      requestId: 'persist',
      ownerId: 'o@h',
      startTimeMs: 5,
      first: { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', state: 'STARTED' },
    });
    await new SqliteCacheStoreDriver({ db, clock }).open('k8s').put('pods', 'agent', [{ id: 'p', attributes: { a: 1 }, relationships: { r: ['x'] } }]);

    const second = openSqliteDatabase(path);
    expect((await new SqliteTaskRepository({ db: second }).get(task.id))?.requestId).toBe('persist');
    second.close();
    db.close();

    const reopened = openSqliteDatabase(path);
    expect((await new SqliteTaskRepository({ db: reopened }).getByRequestId('persist'))?.id).toBe(task.id);
    expect(await new SqliteCacheStoreDriver({ db: reopened, clock }).open('k8s').get('pods', ['p'])).toEqual([
      { id: 'p', attributes: { a: 1 }, relationships: { r: ['x'] } },
    ]);
    reopened.close();
    await cleanup().catch(() => undefined);
  });

  it('leaves rows another process wrote alone when they are equal, and rewrites only what differs', async () => {
    const { db, path, cleanup } = tempDb();
    const clock = new ManualClock(0);
    const items = [
      { id: 'a', attributes: { v: 1 }, relationships: { r: ['x'] } },
      { id: 'b', attributes: { v: 2 }, relationships: { r: ['y'] } },
    ];
    await new SqliteCacheStoreDriver({ db, clock }).open('k8s').put('pods', 'agent', items);
    // Another connection has no digests of what is stored, like a restarted process.
    const second = openSqliteDatabase(path);
    const again = new SqliteCacheStoreDriver({ db: second, clock }).open('k8s');
    const changes = () => (second.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    await again.put('pods', 'agent', items);
    expect(changes() - before).toBe(0);
    await again.put('pods', 'agent', [items[0]!, { id: 'b', attributes: { v: 3 }, relationships: { r: ['y', 'z'] } }]);
    expect(changes() - before).toBe(2); // b's item row and its relationship row
    expect(await again.get('pods', ['b'])).toEqual([{ id: 'b', attributes: { v: 3 }, relationships: { r: ['y', 'z'] } }]);
    second.close();
    await cleanup();
  });

  it('skips writing an agent’s ids equal to the ones it last wrote, across the stores of one connection', async () => {
    const { db, cleanup } = tempDb();
    const clock = new ManualClock(0);
    const one = new SqliteCacheStoreDriver({ db, clock }).open('k8s');
    const two = new SqliteCacheStoreDriver({ db, clock }).open('k8s');
    const changes = () => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    await one.setAgentIds('pods', 'agent', ['a']);
    await one.setAgentIds('pods', 'agent', ['a']);
    expect(changes() - before).toBe(1);
    await two.setAgentIds('pods', 'agent', ['b']);
    expect(await one.agentIds('pods', 'agent')).toEqual(['b']);
    await one.setAgentIds('pods', 'agent', ['a']);
    expect(await two.agentIds('pods', 'agent')).toEqual(['a']);
    expect(changes() - before).toBe(3);
    await cleanup();
  });

  it('forgets what it wrote once another connection has written: its next equal write is not skipped', async () => {
    const { db, path, cleanup } = tempDb();
    const clock = new ManualClock(0);
    const mine = new SqliteCacheStoreDriver({ db, clock }).open('k8s');
    await mine.put('pods', 'agent', [{ id: 'a', attributes: { v: 1 }, relationships: {} }]);
    await mine.setAgentIds('pods', 'agent', ['a']);
    const other = openSqliteDatabase(path);
    const theirs = new SqliteCacheStoreDriver({ db: other, clock }).open('k8s');
    await theirs.put('pods', 'agent', [{ id: 'a', attributes: { v: 2 }, relationships: {} }]);
    await theirs.setAgentIds('pods', 'agent', ['b']);
    // Noticed from the next event-loop turn on.
    await new Promise((resolve) => setImmediate(resolve));

    expect(await mine.agentIds('pods', 'agent')).toEqual(['b']);
    await mine.put('pods', 'agent', [{ id: 'a', attributes: { v: 1 }, relationships: {} }]);
    await mine.setAgentIds('pods', 'agent', ['a']);
    expect(await theirs.get('pods', ['a'])).toEqual([{ id: 'a', attributes: { v: 1 }, relationships: {} }]);
    expect(await theirs.agentIds('pods', 'agent')).toEqual(['a']);
    other.close();
    await cleanup();
  });

  it('moves cache rows of a store made before the rowid tables into them, keys still unique', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-migrate-'));
    const path = join(dir, 'old.db');
    const old = new Database(path);
    for (const migration of SQLITE_MIGRATIONS.slice(0, 4)) old.exec(migration);
    old.pragma('user_version = 4');
    old.prepare('INSERT INTO cache_items VALUES (?, ?, ?, ?, ?)').run('k8s', 'pods', 'p', '{"a":1}', null);
    old.prepare('INSERT INTO cache_relationships VALUES (?, ?, ?, ?, ?)').run('k8s', 'pods', 'p', 'agent', '{"r":["x"]}');
    old.prepare('INSERT INTO cache_agent_ids VALUES (?, ?, ?, ?)').run('k8s', 'pods', 'agent', '["p"]');
    old.close();

    const db = openSqliteDatabase(path);
    const tables = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'cache_%'`).all() as { sql: string }[];
    expect(tables).toHaveLength(3);
    for (const t of tables) expect(t.sql).not.toMatch(/WITHOUT ROWID/i);
    const store = new SqliteCacheStoreDriver({ db, clock: new ManualClock(0) }).open('k8s');
    expect(await store.get('pods', ['p'])).toEqual([{ id: 'p', attributes: { a: 1 }, relationships: { r: ['x'] } }]);
    expect(await store.agentIds('pods', 'agent')).toEqual(['p']);
    await store.put('pods', 'agent', [{ id: 'p', attributes: { a: 2 }, relationships: { r: ['y'] } }]);
    await store.setAgentIds('pods', 'agent', ['p', 'q']);
    expect(await store.get('pods', ['p'])).toEqual([{ id: 'p', attributes: { a: 2 }, relationships: { r: ['y'] } }]);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('cache_items'), count('cache_relationships'), count('cache_agent_ids')]).toEqual([1, 1, 1]);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

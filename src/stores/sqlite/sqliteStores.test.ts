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
import { openSqliteDatabase } from './openSqliteDatabase.js';
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
});

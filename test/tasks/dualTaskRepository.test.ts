/**
 * Moving tasks from one store to another (Clouddriver's dual-task-repository): an instance on the
 * old store leaves a retryably failed task and a finished one behind; an instance configured with
 * `storage.tasks: postgres` and `storage.tasksPrevious: <old>` reads, lists and deduplicates
 * against the old store, resumes the old task to completion in the old store, and creates new
 * tasks in PostgreSQL only. Run from SQLite and from Redis, against the real servers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { currentEntry } from '../../src/core/tasks/Task.js';
import type { TaskRepository } from '../../src/core/tasks/TaskRepository.js';
import { InMemoryTaskRepository } from '../../src/stores/memory/InMemoryTaskRepository.js';
import { DualTaskRepository } from '../../src/stores/DualTaskRepository.js';
import { openRedis } from '../../src/stores/redis/openRedis.js';
import { RedisTaskRepository } from '../../src/stores/redis/RedisTaskRepository.js';
import { openSqlClient, type SqlClient } from '../../src/stores/sql/SqlClient.js';
import { openSqliteDatabase } from '../../src/stores/sqlite/openSqliteDatabase.js';
import { SqliteTaskRepository } from '../../src/stores/sqlite/SqliteTaskRepository.js';
import { describeTaskRepositoryContract } from '../../src/testing/contracts/taskRepositoryContract.js';
import { testProvider } from '../fixtures/testProvider.js';
import { ensureServer } from '../helpers/ensureServers.js';
import { waitFor } from '../helpers/waitFor.js';

describeTaskRepositoryContract('dual (in-memory primary, in-memory previous)', async () => ({
  repo: new DualTaskRepository(new InMemoryTaskRepository(), new InMemoryTaskRepository()),
  cleanup: async () => undefined,
}));

describe("Clouddriver's dual-task-repository properties", () => {
  it('become storage.tasks / storage.tasksPrevious by class or bean name; an unknown repository is named', () => {
    const config = parseConfig({
      'dual-task-repository': { enabled: true, 'primary-class': 'com.netflix.spinnaker.clouddriver.sql.SqlTaskRepository', 'previous-name': 'redisTaskRepository' },
      sql: { connectionPools: { default: { jdbcUrl: 'jdbc:mysql://db:3306/clouddriver' } } },
      redis: { connection: 'redis://redis:6379' },
    });
    expect([config.storage.tasks, config.storage.tasksPrevious]).toEqual(['mysql', 'redis']);
    expect(parseConfig({ 'dual-task-repository': { enabled: false, 'previous-class': 'x.RedisTaskRepository' } }).storage.tasksPrevious).toBeUndefined();
    expect(() => parseConfig({ 'dual-task-repository': { enabled: true, 'previous-name': 'cassandraTaskRepository' } })).toThrow(/storage.tasksPrevious: .*cassandraTaskRepository/);
    expect(() => parseConfig({ storage: { tasks: 'sqlite', tasksPrevious: 'sqlite' } })).toThrow(/storage.tasksPrevious: must differ from storage.tasks/);
  });
});

interface TaskJson {
  id: string;
  ownerId: string;
  status: { completed: boolean; failed: boolean; retryable: boolean };
  resultObjects: Record<string, unknown>[];
}

/** The store moved away from: its config section, and a direct reader of it. */
interface OldStore {
  readonly name: string;
  open(dir: string): Promise<{ storage: Record<string, unknown>; reader(): Promise<{ repo: TaskRepository; close(): Promise<void> }>; cleanup(): Promise<void> }>;
}

/** Redis database 13 belongs to this file (emptied before use). */
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/13`;
const oldStores: OldStore[] = [
  {
    name: 'SQLite',
    async open(dir) {
      const path = join(dir, 'old.db');
      return {
        storage: { tasks: 'sqlite', sqlite: { path } },
        async reader() {
          const db = openSqliteDatabase(path);
          return { repo: new SqliteTaskRepository({ db }), close: async () => void db.close() };
        },
        cleanup: async () => undefined,
      };
    },
  },
  {
    name: 'Redis',
    async open() {
      await ensureServer('redis');
      const redis = await openRedis({ connection: REDIS_URL });
      await redis.flushdb();
      return {
        storage: { tasks: 'redis', redis: { connection: REDIS_URL } },
        reader: async () => ({ repo: new RedisTaskRepository({ redis }), close: async () => undefined }),
        async cleanup() {
          await redis.flushdb();
          await redis.quit();
        },
      };
    },
  },
];

describe.each(oldStores)('moving tasks from $name to PostgreSQL', (old) => {
  let dir: string;
  let keyFile: string;
  let oldStorage: Record<string, unknown>;
  let reader: () => Promise<{ repo: TaskRepository; close(): Promise<void> }>;
  let cleanupOld: () => Promise<void>;
  let pg: SqlClient;
  let pgUrl: string;
  let schema: string;
  let after: App;
  const ids: { retryable: string; finished: string } = { retryable: '', finished: '' };

  const app = async (storage: Record<string, unknown>): Promise<App> => {
    const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, storage: { cache: 'memory', leases: 'memory', taskEncryption: { keyFile }, ...storage }, testProvider: { accounts: [{ name: 'acct', widgets: 0 }] } });
    const created = await createApp({ config, providers: [testProvider], logger: pino({ level: 'silent' }) });
    await created.server.ready();
    return created;
  };
  const call = async <T>(target: App, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> => {
    const res = await target.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const settled = (target: App, id: string) =>
    waitFor(async () => {
      const { body } = await call<TaskJson>(target, 'GET', `/task/${id}`);
      expect(body.status.completed).toBe(true);
      return body;
    });
  const inPostgres = async (id: string): Promise<boolean> => (await pg.query(`SELECT id FROM ${schema}.tasks WHERE id = ?`, [id])).rows.length > 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-dual-tasks-'));
    keyFile = join(dir, 'task-storage.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    ({ storage: oldStorage, reader, cleanup: cleanupOld } = await old.open(dir));
    await ensureServer('postgres');
    const base = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    schema = `cdts_dual_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    pg = await openSqlClient({ dialect: 'postgres', url: base });
    await pg.query(`CREATE SCHEMA ${schema}`);
    pgUrl = `${base}?currentSchema=${schema}`;

    // Before the switch: one task failed retryably, one finished (with a clientRequestId).
    const before = await app(oldStorage);
    ids.retryable = (await call<{ id: string }>(before, 'POST', '/test/ops', [{ testFlaky: { account: 'acct', marker: `dual-${old.name}-${randomBytes(4).toString('hex')}` } }])).body.id;
    ids.finished = (await call<{ id: string }>(before, 'POST', '/test/ops?clientRequestId=before-the-switch', [{ testEcho: { account: 'acct', message: 'old' } }])).body.id;
    expect((await settled(before, ids.retryable)).status.retryable).toBe(true);
    await settled(before, ids.finished);
    await before.stop();

    after = await app({ ...oldStorage, tasks: 'postgres', tasksPrevious: oldStorage.tasks, sql: { url: pgUrl } });
  }, 60_000);
  afterAll(async () => {
    await after.stop();
    await cleanupOld();
    await pg.query(`DROP SCHEMA ${schema} CASCADE`);
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('reads tasks of the previous store and keeps clientRequestId idempotency across the switch', async () => {
    expect((await call<TaskJson>(after, 'GET', `/task/${ids.retryable}`)).body.status).toMatchObject({ failed: true, retryable: true });
    expect((await call<TaskJson>(after, 'GET', `/task/${ids.finished}`)).body.resultObjects).toEqual([{ echoed: 'old', priorResults: 0 }]);
    const again = await call<{ id: string }>(after, 'POST', '/test/ops?clientRequestId=before-the-switch', [{ testEcho: { account: 'acct', message: 'new' } }]);
    expect(again.body.id).toBe(ids.finished);
    expect(await inPostgres(ids.finished)).toBe(false);
  });

  it('a task started before the switch finishes in the previous store and is readable after it', async () => {
    expect((await call(after, 'POST', `/task/${ids.retryable}:resume`)).status).toBe(200);
    const done = await settled(after, ids.retryable);
    expect(done).toMatchObject({ ownerId: after.ownerId, status: { failed: false } });
    expect(done.resultObjects).toContainEqual({ attempts: 2 });
    expect(await inPostgres(ids.retryable)).toBe(false);
    const direct = await reader();
    try {
      const stored = await direct.repo.get(ids.retryable);
      expect(stored && currentEntry(stored).state).toBe('COMPLETED');
      expect(stored?.execution).toBeUndefined();
    } finally {
      await direct.close();
    }
  });

  it('creates new tasks in the primary only, and lists running tasks of both stores', async () => {
    const direct = await reader();
    try {
      const { task: oldRunning } = await direct.repo.create({ requestId: `old-running-${randomBytes(4).toString('hex')}`, ownerId: after.ownerId, startTimeMs: 1, first: { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', state: 'STARTED' } });
      const fresh = await call<{ id: string }>(after, 'POST', '/test/ops', [{ testEcho: { account: 'acct', message: 'new', delayMs: 300 } }]);
      expect(await inPostgres(fresh.body.id)).toBe(true);
      expect(await direct.repo.get(fresh.body.id)).toBeUndefined();
      const listed = (await call<TaskJson[]>(after, 'GET', '/task')).body.map((t) => t.id);
      expect(listed).toEqual(expect.arrayContaining([oldRunning.id, fresh.body.id]));
      expect(listed.indexOf(oldRunning.id)).toBeLessThan(listed.indexOf(fresh.body.id)); // oldest first
      await settled(after, fresh.body.id);
    } finally {
      await direct.close();
    }
  });
});

/**
 * Tasks across a cluster: instances sharing a task repository and lease store (Redis, then
 * PostgreSQL) with one task storage key. Two in-process instances (A and B) read and list each
 * other's tasks and resume each other's retryably failed tasks; a third instance, a real
 * `npm start` process, is killed with SIGKILL mid-task, and the orphan sweep of a later instance
 * (its clock past the dead instance's liveness lease) resumes the task whose operations are all
 * retryable and fails the one that may not run twice (the orphan rule in docs/operations.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { openRedis } from '../../src/stores/redis/openRedis.js';
import { openSqlClient } from '../../src/stores/sql/SqlClient.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { testProvider } from '../fixtures/testProvider.js';
import { ensureServer } from '../helpers/ensureServers.js';
import { repoRoot, startService, type ServiceProcess } from '../helpers/serviceProcess.js';
import { registerTestSecret } from '../helpers/testSecrets.js';
import { waitFor } from '../helpers/waitFor.js';
import { taskTestProvider } from './fixtures/taskTestProvider.js';

interface TaskJson {
  id: string;
  ownerId: string;
  history: { phase: string; status: string }[];
  status: { completed: boolean; failed: boolean; retryable: boolean; status: string };
  resultObjects: Record<string, unknown>[];
}

/** A shared backend for tasks and leases, isolated for this file; `storage` is the config's section. */
interface Backend {
  readonly name: string;
  /** `dump` is every task row or key as text, for looking for values in the raw store. */
  open(): Promise<{ storage: Record<string, unknown>; dump(): Promise<string>; cleanup(): Promise<void> }>;
}

/** Redis database 12 belongs to this file (emptied before use): its sweeps must not meet other suites' tasks. */
const REDIS_URL = `${process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'}/12`;
const backends: Backend[] = [
  {
    name: 'Redis',
    async open() {
      await ensureServer('redis');
      const redis = await openRedis({ connection: REDIS_URL });
      await redis.flushdb();
      return {
        storage: { cache: 'memory', tasks: 'redis', leases: 'redis', redis: { connection: REDIS_URL } },
        async dump() {
          const out: unknown[] = [];
          for (const key of await redis.keys('*')) {
            const type = await redis.type(key);
            out.push(key, type === 'hash' ? await redis.hgetall(key) : type === 'list' ? await redis.lrange(key, 0, -1) : type === 'set' ? await redis.smembers(key) : type === 'string' ? await redis.get(key) : type);
          }
          return JSON.stringify(out);
        },
        async cleanup() {
          await redis.flushdb();
          await redis.quit();
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      await ensureServer('postgres');
      const base = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const schema = `cdts_tasks_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
      const admin = await openSqlClient({ dialect: 'postgres', url: base });
      await admin.query(`CREATE SCHEMA ${schema}`);
      return {
        storage: { cache: 'memory', tasks: 'postgres', leases: 'postgres', sql: { url: `${base}?currentSchema=${schema}` } },
        async dump() {
          const tables = ['tasks', 'task_states', 'task_results', 'task_outputs', 'task_executions'];
          return JSON.stringify(await Promise.all(tables.map(async (t) => (await admin.query(`SELECT * FROM ${schema}.${t}`)).rows)));
        },
        async cleanup() {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.close();
        },
      };
    },
  },
];

describe.each(backends)('tasks across instances sharing $name', (backend) => {
  let dir: string;
  let keyFile: string;
  let storage: Record<string, unknown>;
  let cleanup: () => Promise<void>;
  let dump: () => Promise<string>;
  const apps: App[] = [];
  let a: App;
  let b: App;
  let dead: ServiceProcess | undefined;

  const settings = () => ({
    server: { port: 0, host: '127.0.0.1' },
    storage: { ...storage, taskEncryption: { keyFile } },
    testProvider: { accounts: [{ name: 'acct', widgets: 0 }] },
    taskTest: { accounts: [{ name: 'slow' }] },
  });
  const instance = async (clock?: ManualClock): Promise<App> => {
    const app = await createApp({ config: parseConfig(settings()), providers: [testProvider, taskTestProvider], logger: pino({ level: 'silent' }), ...(clock ? { clock } : {}) });
    apps.push(app);
    await app.start();
    return app;
  };
  const call = async <T>(app: App, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: T }> => {
    const res = await app.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const task = async (app: App, id: string): Promise<TaskJson> => {
    const { status, body } = await call<TaskJson>(app, 'GET', `/task/${id}`);
    expect(status).toBe(200);
    return body;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-task-cluster-'));
    keyFile = join(dir, 'task-storage.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    ({ storage, cleanup, dump } = await backend.open());
    a = await instance();
    b = await instance();
  }, 60_000);
  afterAll(async () => {
    await dead?.stop('SIGKILL');
    for (const app of apps) await app.stop();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('a task submitted to one instance is read and listed from the other', async () => {
    const submitted = await call<{ id: string }>(a, 'POST', '/tasktest/ops', [{ slowIdempotent: { account: 'slow', label: 'shared', waitMs: 1_500 } }]);
    expect(submitted.status).toBe(200);
    const seen = await task(b, submitted.body.id);
    expect(seen).toMatchObject({ id: submitted.body.id, ownerId: a.ownerId, status: { completed: false } });
    expect(seen).not.toHaveProperty('execution'); // the sealed operations never leave the store
    const listed = await call<TaskJson[]>(b, 'GET', '/task');
    expect(listed.body.map((t) => t.id)).toContain(submitted.body.id);
    const done = await waitFor(async () => {
      const t = await task(b, submitted.body.id);
      expect(t.status.completed).toBe(true);
      return t;
    }, 10_000);
    expect(done.status.failed).toBe(false);
    expect(done.resultObjects).toContainEqual({ label: 'shared', pid: process.pid });
    expect((await call<TaskJson[]>(b, 'GET', '/task')).body.map((t) => t.id)).not.toContain(submitted.body.id);
  });

  it("keeps a running task's operations in the shared store only sealed, and drops them when it ends", async () => {
    const token = registerTestSecret(`tok-${randomBytes(12).toString('hex')}`, 'a task credential in the cluster test');
    const submitted = await call<{ id: string }>(a, 'POST', '/tasktest/ops', [{ slowIdempotent: { account: 'slow', label: 'sealed', waitMs: 1_000, token } }]);
    const whileRunning = await dump();
    expect(whileRunning).toContain(submitted.body.id);
    expect(whileRunning).toContain('aes-256-gcm:v1:');
    expect(whileRunning).not.toContain(token);
    expect(whileRunning).not.toContain(Buffer.from(token).toString('base64'));
    await waitFor(async () => expect((await task(b, submitted.body.id)).status.completed).toBe(true));
    expect(await dump()).not.toContain('aes-256-gcm:v1:');
  });

  it('a task that failed retryably on one instance is resumed through the other', async () => {
    const submitted = await call<{ id: string }>(a, 'POST', '/test/ops', [{ testFlaky: { account: 'acct', marker: `cluster-${backend.name}-${randomBytes(4).toString('hex')}` } }]);
    const failed = await waitFor(async () => {
      const t = await task(b, submitted.body.id);
      expect(t.status.failed).toBe(true);
      return t;
    });
    expect(failed.status.retryable).toBe(true);
    const resumed = await call<TaskJson>(b, 'POST', `/task/${submitted.body.id}:resume`);
    expect(resumed.status).toBe(200);
    const done = await waitFor(async () => {
      const t = await task(a, submitted.body.id);
      expect(t.status.completed && !t.status.failed).toBe(true);
      return t;
    });
    expect(done.ownerId).toBe(b.ownerId);
    expect(done.resultObjects).toContainEqual({ attempts: 2 });
    expect(done.history.map((h) => h.status)).toContain('Resuming Orchestration Task');
  });

  it('when an instance dies mid-task, a later instance resumes its retryable task and fails the one that may not run twice', async () => {
    const configFile = join(dir, 'dying.yml');
    writeFileSync(configFile, JSON.stringify({ ...settings(), server: { host: '127.0.0.1' }, testProvider: undefined, plugins: [join(repoRoot, 'test/tasks/fixtures/taskTestProvider.ts')] }));
    dead = await startService({ args: ['--config', configFile] });
    const submit = async (op: string, label: string): Promise<string> => {
      const res = await fetch(`${dead?.url ?? ''}/tasktest/ops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ [op]: { account: 'slow', label, waitMs: 600_000, quickInPid: process.pid } }]),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    const safe = await submit('slowIdempotent', 'safe');
    const once = await submit('slowOnce', 'once');
    const deadOwner = await waitFor(async () => {
      const [s, o] = [await task(b, safe), await task(b, once)];
      for (const t of [s, o]) expect(t.history.at(-1)?.status).toMatch(/^Waiting 600000 ms/);
      return s.ownerId;
    });
    expect(deadOwner).not.toBe(a.ownerId);
    await dead.stop('SIGKILL'); // no drain, no lease release: a crash

    // An instance whose clock is past the dead one's liveness lease (30 s) sweeps at start.
    const later = await instance(new ManualClock(Date.now() + 31_000));
    const resumed = await waitFor(async () => {
      const t = await task(later, safe);
      expect(t.status.completed).toBe(true);
      return t;
    });
    expect(resumed).toMatchObject({ ownerId: later.ownerId, status: { failed: false } });
    expect(resumed.history.map((h) => h.status)).toContain(`Resuming Orchestration Task: its instance (${deadOwner}) stopped before it finished`);
    expect(resumed.resultObjects).toContainEqual({ label: 'safe', pid: process.pid });
    const failed = await task(later, once);
    expect(failed.status).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(failed.resultObjects[0]).toMatchObject({ cause: 'TaskInterrupted', message: expect.stringContaining('slowOnce may not be run twice') });
  }, 60_000);
});

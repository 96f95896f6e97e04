import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureServer } from '../../test/helpers/ensureServers.js';
import { parseConfig } from '../config/loadConfig.js';
import { ManualClock } from '../testing/ManualClock.js';
import { openStores, type Stores } from './openStores.js';
import { openRedis } from './redis/openRedis.js';
import { openSqlClient } from './sql/SqlClient.js';

const clock = new ManualClock(Date.now());

/** Writes and reads through every concern of `stores`, then closes them; resolves the task id it made. */
async function exercise(stores: Stores, tag: string): Promise<string> {
  try {
    await stores.cache.ping();
    const cache = stores.cache.open(`openStores-${tag}`);
    await cache.put('pods', 'agent', [{ id: `p-${tag}`, attributes: { tag }, relationships: {} }]);
    expect((await cache.get('pods', [`p-${tag}`]))[0]?.attributes).toEqual({ tag });
    await cache.evict('pods', [`p-${tag}`]);
    const { task } = await stores.tasks.create({ requestId: `req-${tag}`, ownerId: 'o@h', startTimeMs: 1, first: { phase: 'P', status: 's', state: 'STARTED' } });
    expect((await stores.tasks.getByRequestId(`req-${tag}`))?.id).toBe(task.id);
    await stores.tasks.appendHistory(task.id, { phase: 'P', status: 'done', state: 'COMPLETED' });
    expect(await stores.leases.tryAcquire(`lease-${tag}`, 'me', 5_000)).toBe(true);
    expect(await stores.leases.release(`lease-${tag}`, 'me')).toBe(true);
    await stores.accounts.put(`acct-${tag}`, { type: 'kubernetes', name: `acct-${tag}` });
    expect(await stores.accounts.remove(`acct-${tag}`)).toBe(true);
    return task.id;
  } finally {
    await stores.close();
  }
}

describe('openStores', () => {
  it('keeps the embedded defaults: SQLite cache and tasks, in-memory leases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open-stores-'));
    try {
      const config = parseConfig({ storage: { sqlite: { path: join(dir, 'db.sqlite') } } });
      expect([config.storage.cache, config.storage.tasks, config.storage.leases]).toEqual(['sqlite', 'sqlite', 'memory']);
      const stores = await openStores(config.storage, clock);
      expect(stores.cache.name).toBe('sqlite');
      await exercise(stores, 'sqlite');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts every concern on Redis from Clouddriver's redis.connection", async () => {
    await ensureServer('redis');
    const config = parseConfig({ storage: { cache: 'redis', tasks: 'redis', leases: 'redis' }, redis: { connection: 'redis://127.0.0.1:6379', timeout: 1500 } });
    expect(config.storage.redis).toEqual({ connection: 'redis://127.0.0.1:6379', timeout: 1500 });
    const stores = await openStores(config.storage, clock);
    expect(stores.cache.name).toBe('redis');
    const tag = `redis-${randomBytes(4).toString('hex')}`;
    const taskId = await exercise(stores, tag);
    const redis = await openRedis({ connection: 'redis://127.0.0.1:6379' });
    try {
      expect(await redis.get(`kato:taskmap:req-${tag}`)).toBe(taskId);
      await redis.del(`kato:taskmap:req-${tag}`, `task:${taskId}`, `taskHistory:${taskId}`);
    } finally {
      await redis.quit();
    }
  });

  it("puts every concern on PostgreSQL from Clouddriver's sql.connectionPools JDBC URL", async () => {
    await ensureServer('postgres');
    const schema = `cdts_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    const admin = await openSqlClient({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const config = parseConfig({
        storage: { cache: 'postgres', tasks: 'postgres', leases: 'postgres' },
        sql: { 'table-namespace': 'ts', connectionPools: { default: { default: true, jdbcUrl: `jdbc:postgresql://127.0.0.1:5432/test?currentSchema=${schema}`, user: 'postgres' } } },
      });
      const stores = await openStores(config.storage, clock);
      expect(stores.cache.name).toBe('postgres');
      await exercise(stores, 'pg');
      const { rows } = await admin.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${schema}.cats_v1_ts_pods`);
      expect(Number(rows[0]?.n)).toBe(0);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    }
  });

  it('puts every concern on MySQL/MariaDB from a plain URL', async () => {
    await ensureServer('mysql');
    const database = `cdts_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    const admin = await openSqlClient({ dialect: 'mysql', url: 'mysql://root@127.0.0.1:3306/test' });
    await admin.query(`CREATE DATABASE ${database}`);
    try {
      const config = parseConfig({ storage: { cache: 'mysql', tasks: 'mysql', leases: 'mysql', accounts: 'mysql', sql: { url: `mysql://127.0.0.1:3306/${database}`, user: 'root' } } });
      const stores = await openStores(config.storage, clock);
      expect(stores.cache.name).toBe('mysql');
      await exercise(stores, 'my');
    } finally {
      await admin.query(`DROP DATABASE ${database}`);
      await admin.close();
    }
  });

  it('fails with the address when a server does not answer', async () => {
    const config = parseConfig({ storage: { tasks: 'redis' }, redis: { connection: 'redis://:hunter2@127.0.0.1:1', timeout: 500 } });
    const err = await openStores(config.storage, clock).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/cannot connect to Redis at redis:\/\/\*\*\*@127\.0\.0\.1:1/);
    expect(String(err)).not.toContain('hunter2');
  });

  it('rejects SQL storage without a connection, two SQL dialects at once, and non-Redis URLs', () => {
    expect(() => parseConfig({ storage: { cache: 'postgres' } })).toThrow(/storage\.sql: postgres storage needs sql\.url or sql\.connectionPools/);
    expect(() => parseConfig({ storage: { cache: 'postgres', tasks: 'mysql', sql: { url: 'postgres://x/y' } } })).toThrow(/postgres and mysql cannot both be used/);
    expect(() => parseConfig({ storage: { redis: { connection: 'http://x' } } })).toThrow(/storage\.redis\.connection: must be a redis/);
    expect(parseConfig({ storage: { cache: 'redis', redis: { connection: 'rediss://:pw@redis.example:6380/2' } } }).storage.redis?.connection).toBe('rediss://:pw@redis.example:6380/2');
  });
});

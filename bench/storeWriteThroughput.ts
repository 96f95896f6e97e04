/**
 * Cache write throughput per store, against the raw store ceiling measured in the same run.
 * For each backend (SQLite file, Redis, PostgreSQL, MariaDB) the cache engine
 * (`DefaultProviderCache.putCacheResult`, as an agent's result is written) stores N server-group
 * items of ~1.5 KB with a relationship to their cluster, three ways:
 *   - cold: into an empty store;
 *   - unchanged: the same result again (body hashes skip every write);
 *   - 10 % changed: the same result with one item in ten modified.
 * Raw ceiling: the same N bodies written the fastest plain way each backend has — pipelined SET
 * (Redis), multi-row INSERT of 500 rows (PostgreSQL, MariaDB), one transaction of prepared
 * INSERTs (SQLite) — into a scratch key space or table, no hashing, no relationships.
 *
 *   npm run bench:store-writes [-- items [backends]]     backends: sqlite,redis,postgres,mysql
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseConfig } from '../src/config/loadConfig.js';
import { systemClock } from '../src/core/Clock.js';
import { cacheData, type CacheData } from '../src/core/cache/CacheData.js';
import { DefaultProviderCache } from '../src/core/cache/DefaultProviderCache.js';
import { openStores } from '../src/stores/openStores.js';
import { ensureServer } from '../test/helpers/ensureServers.js';
import { report, round } from './lib.js';

const n = Number(process.argv[2] ?? '20000');
const backends = (process.argv[3] ?? 'sqlite,redis,postgres,mysql').split(',');
const DB = 'cdts_bench_writes';
const AGENT = 'bench/ClusterCachingAgent';

/** An item shaped like a cached server group (~1.5 KB of attributes). */
function item(i: number, version = 0): CacheData {
  const cluster = `app${i % 100}-main`;
  return cacheData(
    `bench:serverGroups:${cluster}:acct:us-east-1:${cluster}-v${String(i).padStart(5, '0')}`,
    {
      name: `${cluster}-v${String(i).padStart(5, '0')}`,
      region: 'us-east-1',
      account: 'acct',
      version,
      asg: {
        autoScalingGroupName: `${cluster}-v${i}`,
        minSize: 1,
        maxSize: 3,
        desiredCapacity: 2,
        availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        tags: Array.from({ length: 8 }, (_, t) => ({ key: `tag-${t}`, value: `value-${t}-${i}`, propagateAtLaunch: true })),
        suspendedProcesses: [],
        vpczoneIdentifier: 'subnet-0a1b2c3d,subnet-1a2b3c4d,subnet-2a3b4c5d',
        launchTemplate: { launchTemplateId: `lt-${i.toString(16).padStart(17, '0')}`, launchTemplateName: `${cluster}-v${i}`, version: '$Latest' },
        createdTime: 1_764_000_000_000 + i,
        healthCheckType: 'EC2',
        healthCheckGracePeriod: 300,
        targetGroupARNs: [`arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${cluster}-tg/${i.toString(16).padStart(16, '0')}`],
      },
      instances: Array.from({ length: 3 }, (_, k) => ({ instanceId: `i-${(i * 3 + k).toString(16).padStart(17, '0')}`, availabilityZone: 'us-east-1a', lifecycleState: 'InService', healthStatus: 'Healthy' })),
    },
    { clusters: [`bench:clusters:app${i % 100}:acct:${cluster}`] },
  );
}

interface Backend {
  readonly storage: Record<string, unknown>;
  raw(bodies: readonly [string, string][]): Promise<number>;
  cleanup(): Promise<void>;
}

async function openBackend(name: string): Promise<Backend> {
  const memoryRest = { tasks: 'memory', leases: 'memory', accounts: 'memory', changes: 'memory' };
  switch (name) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'cd-writes-'));
      return {
        storage: { ...memoryRest, cache: 'sqlite', sqlite: { path: join(dir, 'cache.db') } },
        raw: async (bodies) => {
          const db = new Database(join(dir, 'raw.db'));
          db.pragma('journal_mode = WAL');
          db.exec('CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT)');
          const insert = db.prepare('INSERT INTO raw (id, body) VALUES (?, ?)');
          const t0 = performance.now();
          db.transaction(() => {
            for (const [id, body] of bodies) insert.run(id, body);
          })();
          const ms = performance.now() - t0;
          db.close();
          return ms;
        },
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case 'redis': {
      await ensureServer('redis');
      const url = 'redis://127.0.0.1:6379/13';
      const admin = new Redis(url);
      await admin.flushdb();
      return {
        storage: { ...memoryRest, cache: 'redis', redis: { connection: url } },
        raw: async (bodies) => {
          const t0 = performance.now();
          for (let i = 0; i < bodies.length; i += 1000) {
            const p = admin.pipeline();
            for (const [id, body] of bodies.slice(i, i + 1000)) p.set(`raw:${id}`, body);
            await p.exec();
          }
          return performance.now() - t0;
        },
        cleanup: async () => {
          await admin.flushdb();
          admin.disconnect();
        },
      };
    }
    case 'postgres': {
      await ensureServer('postgres');
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${DB}`);
      const url = `postgres://postgres@127.0.0.1:5432/${DB}`;
      return {
        storage: { ...memoryRest, cache: 'postgres', sql: { url } },
        raw: async (bodies) => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query('CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT)');
          const t0 = performance.now();
          for (let i = 0; i < bodies.length; i += 500) {
            const batch = bodies.slice(i, i + 500);
            await c.query(`INSERT INTO raw (id, body) VALUES ${batch.map((_, k) => `($${2 * k + 1}, $${2 * k + 2})`).join(',')}`, batch.flat());
          }
          const ms = performance.now() - t0;
          await c.end();
          return ms;
        },
        cleanup: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
          await admin.end();
        },
      };
    }
    case 'mysql': {
      await ensureServer('mysql');
      const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
      await admin.query(`CREATE DATABASE ${DB}`);
      const url = `mysql://root@127.0.0.1:3306/${DB}`;
      return {
        storage: { ...memoryRest, cache: 'mysql', sql: { url } },
        raw: async (bodies) => {
          const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: DB });
          await c.query('CREATE TABLE raw (id VARCHAR(255) PRIMARY KEY, body LONGTEXT)');
          const t0 = performance.now();
          for (let i = 0; i < bodies.length; i += 500) await c.query('INSERT INTO raw (id, body) VALUES ?', [bodies.slice(i, i + 500)]);
          const ms = performance.now() - t0;
          await c.end();
          return ms;
        },
        cleanup: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
          await admin.end();
        },
      };
    }
    default:
      throw new Error(`unknown backend ${name}`);
  }
}

const items = Array.from({ length: n }, (_, i) => item(i));
const changed = items.map((it, i) => (i % 10 === 0 ? item(i, 1) : it));
const bodies: [string, string][] = items.map((it) => [it.id, JSON.stringify(it.attributes)]);
const perSecond = (ms: number) => Math.round((n / ms) * 1000);

for (const name of backends) {
  const backend = await openBackend(name);
  try {
    const rawMs = await backend.raw(bodies);
    const stores = await openStores(parseConfig({ storage: backend.storage }).storage, systemClock);
    const cache = new DefaultProviderCache('bench', stores.cache.open('bench'), systemClock);
    const timed = async (result: CacheData[]): Promise<number> => {
      const t0 = performance.now();
      await cache.putCacheResult(AGENT, ['serverGroups'], { cacheResults: { serverGroups: result } });
      return performance.now() - t0;
    };
    const coldMs = await timed(items);
    const unchangedMs = await timed(items);
    const tenPercentMs = await timed(changed);
    await stores.close();
    report('storeWriteThroughput', {
      backend: name,
      items: n,
      itemKb: round(bodies.reduce((s, [, b]) => s + b.length, 0) / n / 1024, 2),
      rawCeilingPerSecond: perSecond(rawMs),
      coldPerSecond: perSecond(coldMs),
      coldVsRaw: round(rawMs / coldMs, 2),
      unchangedPerSecond: perSecond(unchangedMs),
      tenPercentChangedPerSecond: perSecond(tenPercentMs),
      rawMs: round(rawMs),
      coldMs: round(coldMs),
      unchangedMs: round(unchangedMs),
      tenPercentChangedMs: round(tenPercentMs),
    });
  } finally {
    await backend.cleanup();
  }
}

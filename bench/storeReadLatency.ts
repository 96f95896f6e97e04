/**
 * Read latency of a big application per cache store: the AWS provider answers from the cache
 * store on every request (no in-memory model), so `/applications/{app}/serverGroups` of an
 * application of N Auto Scaling groups (3 instances each, behind target groups) reads the store
 * each time. For each backend (SQLite file, Redis, PostgreSQL, MariaDB) the service (compiled,
 * separate process) caches the same simulated estate, then 16 clients read for a few seconds.
 * Baseline, same service: `/credentials` (framework and HTTP cost only).
 *
 *   npm run bench:store-reads [-- serverGroups seconds [backends]]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startAwsSim } from '../src/testing/awsSim/index.js';
import { ensureServer } from '../test/helpers/ensureServers.js';
import { getJson, load, measureReads, report, startServiceWith, until } from './lib.js';

const [n, seconds] = [1000, 5].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number];
const backends = (process.argv[4] ?? 'sqlite,redis,postgres,mysql').split(',');
const CLIENTS = 16;
const REGION = 'us-east-1';

const aws = await startAwsSim({ accounts: 1, regions: [REGION], seed: 'demo' });
aws.seedFleet({ applications: 1, groupsPerApplication: n, instancesPerGroup: 3, targetGroups: true, appPrefix: 'big' });
const keys = aws.accounts[0];
if (keys === undefined) throw new Error('no simulator account');
process.env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
process.env.AWS_EC2_METADATA_DISABLED = 'true';

/** Cache storage for one backend, and its clean-up. */
async function storage(name: string): Promise<{ storage: Record<string, unknown>; cleanup(): Promise<void> }> {
  const db = `cdts_reads_${randomBytes(3).toString('hex')}`;
  // Only the cache on the backend measured; the rest in memory.
  const rest = { tasks: 'memory', leases: 'memory', accounts: 'memory', changes: 'memory' };
  switch (name) {
    case 'sqlite':
      return { storage: { ...rest, cache: 'sqlite', sqlite: { path: join(mkdtempSync(join(tmpdir(), 'cd-reads-')), 'cache.db') } }, cleanup: async () => undefined };
    case 'redis':
      await ensureServer('redis');
      return { storage: { ...rest, cache: 'redis', redis: { connection: 'redis://127.0.0.1:6379/12' } }, cleanup: async () => undefined };
    case 'postgres': {
      await ensureServer('postgres');
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db}`);
      return {
        storage: { ...rest, cache: 'postgres', sql: { url: `postgres://postgres@127.0.0.1:5432/${db}` } },
        cleanup: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
          await admin.end();
        },
      };
    }
    case 'mysql': {
      await ensureServer('mysql');
      const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
      await admin.query(`CREATE DATABASE ${db}`);
      return {
        storage: { ...rest, cache: 'mysql', sql: { url: `mysql://root@127.0.0.1:3306/${db}` } },
        cleanup: async () => {
          await admin.query(`DROP DATABASE IF EXISTS ${db}`);
          await admin.end();
        },
      };
    }
    default:
      throw new Error(`unknown backend ${name}`);
  }
}

try {
  for (const name of backends) {
    const store = await storage(name);
    if (name === 'redis') {
      const { Redis } = await import('ioredis');
      const r = new Redis('redis://127.0.0.1:6379/12');
      await r.flushdb();
      r.disconnect();
    }
    const service = await startServiceWith({ storage: store.storage, aws: { endpoint: aws.endpoint, accounts: [{ name: 'prod', accountId: keys.accountId, regions: [REGION], rateLimit: 0 }] } });
    try {
      await until(async () => (await getJson<{ components: { aws?: { details: Record<string, { state: string }> } } }>(`${service.url}/health`)).components.aws?.details.prod?.state === 'ok', 10 * 60_000, 200);
      const url = `${service.url}/applications/big0/serverGroups`;
      // Health turns ok when every agent has loaded once; their results are written just after.
      await until(async () => (await getJson<unknown[]>(url)).length === n, 5 * 60_000, 500);
      const baseline = await load(`${service.url}/credentials`, CLIENTS, seconds * 1000);
      const { first, figures } = await measureReads(url, CLIENTS, seconds * 1000, baseline);
      report('storeReadLatency', { backend: name, serverGroups: (first as unknown[]).length, instancesPerGroup: 3, ...figures });
    } finally {
      await service.stop();
      await store.cleanup();
    }
  }
} finally {
  await aws.close();
}

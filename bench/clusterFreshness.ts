/**
 * Cross-instance freshness: a change on the simulated cluster (a ReplicaSet's replicas) until it
 * is visible in `/applications/{app}/serverGroups` on an instance that does not watch the account
 * (a read-only instance mirroring it from the shared store through the change feed). Same-run
 * baseline: the time until the instance that watches the account shows it.
 *
 *   npm run bench:cluster-freshness [-- iterations [backend ...]]   (backends: redis postgres sqlite)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { freshnessCluster, percentile, report, round, sleep } from './lib.js';

const iterations = Number(process.argv[2] ?? '200');
const backends = process.argv.slice(3).length > 0 ? process.argv.slice(3) : ['redis', 'postgres', 'sqlite'];

async function storageFor(backend: string): Promise<{ storage: Record<string, unknown>; cleanup(): Promise<void> }> {
  const all = (driver: string) => ({ cache: driver, tasks: driver, leases: driver, accounts: driver, changes: driver });
  if (backend === 'redis') {
    const url = 'redis://127.0.0.1:6379/13';
    const r = await openRedis({ connection: url });
    await r.flushdb();
    return { storage: { ...all('redis'), redis: { connection: url } }, cleanup: async () => (await r.flushdb(), void (await r.quit())) };
  }
  if (backend === 'postgres') {
    const db = `cdts_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    return { storage: { ...all('postgres'), sql: { url: `postgres://postgres@127.0.0.1:5432/${db}` } }, cleanup: async () => (await admin.query(`DROP DATABASE ${db} WITH (FORCE)`), void (await admin.end())) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  return { storage: { ...all('sqlite'), sqlite: { path: join(dir, 'shared.db') } }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

const { sim, cluster, rsType, rsName, replicas: initialReplicas } = await freshnessCluster();

/** Milliseconds until `app` shows `replicas` as the desired capacity of the target. */
async function visible(app: App, replicas: number, t0: number): Promise<number> {
  for (;;) {
    const res = await app.server.inject({ method: 'GET', url: '/applications/fresh0/serverGroups' });
    const groups = JSON.parse(res.body) as { name: string; capacity: { desired: number } }[];
    if (groups.find((g) => g.name === `replicaSet ${rsName}`)?.capacity.desired === replicas) return performance.now() - t0;
    if (performance.now() - t0 > 10_000) throw new Error('change not visible within 10 s');
    await sleep(1);
  }
}

for (const backend of backends) {
  const { storage, cleanup } = await storageFor(backend);
  const base = { server: { port: 0, host: '127.0.0.1' }, storage, kubernetes: { accounts: [{ name: 'fresh', kubeconfigContents: sim.kubeconfigFor('sim-1') }] } };
  const logger = pino({ level: 'silent' });
  const leader = await createApp({ config: parseConfig(base), logger });
  await leader.start();
  const reader = await createApp({ config: parseConfig({ ...base, caching: { writeEnabled: false } }), logger });
  await reader.start();
  // Both show the account's server groups before measuring.
  for (const app of [leader, reader]) await visible(app, initialReplicas, performance.now()).catch(() => undefined);
  const onLeader: number[] = [];
  const onReader: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const replicas = 100 + i;
    const t0 = performance.now();
    cluster.patch(rsType, 'ns0', rsName, 'application/merge-patch+json', JSON.stringify({ spec: { replicas } }));
    const [l, r] = await Promise.all([visible(leader, replicas, t0), visible(reader, replicas, t0)]);
    onLeader.push(l);
    onReader.push(r);
    await sleep(20);
  }
  report(`cluster-freshness-${backend}`, {
    iterations,
    readerP50Ms: round(percentile(onReader, 50), 2),
    readerP99Ms: round(percentile(onReader, 99), 2),
    readerMaxMs: round(Math.max(...onReader), 2),
    baselineLeaderP50Ms: round(percentile(onLeader, 50), 2),
    baselineLeaderP99Ms: round(percentile(onLeader, 99), 2),
  });
  await reader.stop();
  await leader.stop();
  await cleanup();
}
await sim.stop();
process.exit(0);

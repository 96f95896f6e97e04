/**
 * Clustered agent scheduling across real service processes: three instances share a store
 * (Redis, then PostgreSQL) and run 200 probe agents on a 2 s interval plus Kubernetes accounts
 * on the simulator. Mid-run one instance is killed (-9), another frozen (SIGSTOP) past its
 * leases, and (Redis) the store server itself restarted. Measured from what the store holds
 * afterwards (every written run leaves one item naming its start, end and instance) and asserted:
 * no agent has two written runs that overlap; every agent runs again within interval + timeout
 * + the replica time to live (agents are sharded by account over the live replicas, as
 * Clouddriver's cache sharding does; plus the store's downtime); the load spreads evenly (max/min ≤ 1.5) while all three run; the
 * dead instance's Kubernetes accounts are watched elsewhere; a task submitted to one instance
 * is readable from all; a change on the cluster reaches every live instance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { parseConfig } from '../src/config/loadConfig.js';
import { systemClock } from '../src/core/Clock.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { openStores } from '../src/stores/openStores.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import type { ProbeRun } from './fixtures/probeProvider.js';
import { ensureServer } from './helpers/ensureServers.js';
import { killAll, startService, type ServiceProcess } from './helpers/serviceProcess.js';
import { waitFor } from './helpers/waitFor.js';

/** Agents are sharded by account (`abs(javaHashCode(account)) % replicas`): probe0..probe19 split 7/6/7. */
const PROBE_ACCOUNTS = 20;
const AGENTS_PER_ACCOUNT = 10;
const AGENTS = PROBE_ACCOUNTS * AGENTS_PER_ACCOUNT;
const INTERVAL_MS = 2000;
const TIMEOUT_MS = 4000;
/** `cacheSharding.replicaTtlSeconds`: a silent replica's agents go to the others once its entry expires. */
const REPLICA_TTL_MS = 3000;
/** Scheduling slack on a loaded 2-core machine: the lock poll (1 s), membership refresh (1 s), event-loop delays. */
const SLACK_MS = 3000;
/** Longest wait between two runs of one agent: its interval, a dead holder's lease (the timeout), the replica time to live. */
const BOUND_MS = INTERVAL_MS + TIMEOUT_MS + REPLICA_TTL_MS + SLACK_MS;
const KUBE_ACCOUNTS = ['k-east', 'k-west', 'k-north'];
const APP = 'agentsprocs';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

type Json = Record<string, unknown>;

interface Backend {
  readonly name: string;
  readonly storage: Json;
  /** Stops the store server and starts it again (keeping its data); resolves [down, up] wall-clock ms. Absent: not tested. */
  restart?(): Promise<[number, number]>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Redis server of the test's own (Debian's redis-server), so that restarting it disturbs no other suite. */
async function privateRedis(): Promise<Backend> {
  await ensureServer('redis');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-private-'));
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb'], { stdio: 'ignore' });
    await waitFor(async () => {
      const probe = await openRedis({ connection: `redis://127.0.0.1:${port}` });
      try {
        await probe.ping();
      } finally {
        probe.disconnect();
      }
    }, 10_000, 50);
  };
  await start();
  const connection = `redis://127.0.0.1:${port}`;
  return {
    name: 'redis',
    storage: { cache: 'redis', tasks: 'redis', leases: 'redis', accounts: 'redis', changes: 'redis', redis: { connection } },
    async restart() {
      const admin = await openRedis({ connection });
      const down = Date.now();
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      // SHUTDOWN SAVE writes the data set to disk and exits (the reply never comes).
      await admin.call('SHUTDOWN', 'SAVE').catch(() => undefined);
      admin.disconnect();
      await exited;
      await new Promise((r) => setTimeout(r, 2000));
      await start();
      return [down, Date.now()];
    },
    async close() {
      server?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(): Promise<Backend> {
  await ensureServer('postgres');
  const db = `cdts_agents_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  return {
    name: 'postgres',
    storage: { cache: 'postgres', tasks: 'postgres', leases: 'postgres', accounts: 'postgres', changes: 'postgres', sql: { url: `postgres://postgres@127.0.0.1:5432/${db}` } },
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Every run whose result reached the store. */
async function writtenRuns(storage: Json): Promise<ProbeRun[]> {
  const stores = await openStores(parseConfig({ storage }).storage, systemClock);
  try {
    return (await stores.cache.open('probe').getAll('runs')).map((d) => d.attributes as unknown as ProbeRun);
  } finally {
    await stores.close();
  }
}

async function kubeStates(p: ServiceProcess): Promise<Record<string, string>> {
  const body = (await (await fetch(`${p.url}/health`)).json()) as { components: { kubernetes: { details: Record<string, { state: string }> } } };
  return Object.fromEntries(Object.entries(body.components.kubernetes.details).map(([a, d]) => [a, d.state]));
}

/** Waits until every Kubernetes account is watched by exactly one of `running`. */
async function watchedOnce(running: readonly ServiceProcess[], timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => {
    const seen = await Promise.all(running.map((p) => kubeStates(p)));
    for (const account of KUBE_ACCOUNTS) {
      const watching = seen.filter((s) => s[account] === 'watching').length;
      if (watching !== 1) throw new Error(`${account} watched by ${watching} instances`);
    }
  }, timeoutMs, 200);
}

for (const open of [privateRedis, freshPostgres]) {
  describe(`200 agents on three service processes sharing ${open === privateRedis ? 'Redis' : 'PostgreSQL'}`, () => {
    let backend: Backend;
    let sim: KubeSim;
    let dir: string;
    const procs: ServiceProcess[] = [];

    beforeAll(async () => {
      backend = await open();
      sim = await startKubeSim({ tls: true });
      dir = mkdtempSync(join(tmpdir(), 'cluster-agents-'));
      const config = join(dir, 'clouddriver.yml');
      writeFileSync(
        config,
        toYaml({
          server: { host: '127.0.0.1' },
          storage: backend.storage,
          caching: { accountLeaseSeconds: 2 },
          cacheSharding: { replicaTtlSeconds: REPLICA_TTL_MS / 1000 },
          plugins: [fixture('probeProvider.ts'), fixture('testProvider.ts')],
          probeProvider: { accounts: Array.from({ length: PROBE_ACCOUNTS }, (_, i) => ({ name: `probe${i}`, agents: AGENTS_PER_ACCOUNT, intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS, runMs: 100 })) },
          testProvider: { accounts: [{ name: 'tasks', widgets: 1 }] },
          kubernetes: { accounts: KUBE_ACCOUNTS.map((name) => ({ name, kubeconfigContents: sim.kubeconfig, namespaces: ['default'] })) },
        }),
      );
      for (let i = 0; i < 3; i++) procs.push(await startService({ args: ['--config', config], env: { CLOUDDRIVER_LOGGING__LEVEL: 'warn' } }));
    }, 180_000);

    afterAll(async () => {
      await killAll(procs);
      await sim?.stop();
      await backend?.close();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it('never writes overlapping runs, reschedules every agent in time, spreads the load, loses no task', async () => {
      const [a, b, c] = procs as [ServiceProcess, ServiceProcess, ServiceProcess];
      const instanceOf = (p: ServiceProcess) => `:${p.child.pid ?? 0}`;

      // Steady state: every agent has run; then a window with all three instances.
      await waitFor(async () => {
        const ran = new Set((await writtenRuns(backend.storage)).map((r) => r.agentType));
        if (ran.size < AGENTS) throw new Error(`${ran.size}/${AGENTS} agents have run`);
      }, 60_000, 500);
      await watchedOnce(procs);
      // Membership settles (every replica has heartbeated and re-read it) before the window opens.
      await new Promise((r) => setTimeout(r, REPLICA_TTL_MS));
      const windowStart = Date.now();
      await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS + 2000));
      const windowEnd = Date.now();

      // A task submitted to one instance is readable, finished, from every instance.
      const submitted = (await (await fetch(`${a.url}/test/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ testEcho: { account: 'tasks', message: 'hello', delayMs: 200 } }]) })).json()) as { id: string };
      for (const p of procs) {
        await waitFor(async () => {
          const task = (await (await fetch(`${p.url}/task/${submitted.id}`)).json()) as { status: { completed: boolean; failed: boolean } };
          expect(task.status).toMatchObject({ completed: true, failed: false });
        }, 20_000, 100);
      }

      // kill -9 a: its agents and accounts go elsewhere.
      const killedAt = Date.now();
      await a.stop('SIGKILL');
      await watchedOnce([b, c]);
      const takeoverMs = Date.now() - killedAt;
      for (const p of [b, c]) expect(((await (await fetch(`${p.url}/task/${submitted.id}`)).json()) as { id: string }).id).toBe(submitted.id);

      // Freeze b past its leases (and the agents' timeout), then wake it.
      const frozenAt = Date.now();
      process.kill(b.child.pid ?? 0, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, TIMEOUT_MS + INTERVAL_MS + 2000));
      process.kill(b.child.pid ?? 0, 'SIGCONT');
      const wokeAt = Date.now();

      // A change on the cluster reaches both live instances.
      const cluster = sim.cluster(sim.clusterNames[0] ?? '');
      const createReplicaSet = (name: string) =>
        cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name, namespace: 'default', annotations: { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': `replicaSet ${name}` } },
          spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'm', image: 'm:1' }] } } },
        });
      const shownEverywhere = async (names: readonly string[]) => {
        const expected = KUBE_ACCOUNTS.flatMap((acct) => names.map((n) => `${acct}/replicaSet ${n}`)).sort();
        for (const p of [b, c]) {
          await waitFor(async () => {
            const list = (await (await fetch(`${p.url}/applications/${APP}/serverGroups`)).json()) as { account: string; name: string }[];
            expect(list.map((sg) => `${sg.account}/${sg.name}`).sort()).toEqual(expected);
          }, 30_000, 100).catch(async (err: unknown) => {
            for (const q of [b, c]) console.log(q.child.pid, JSON.stringify(await kubeStates(q)), q.output().split('\n').filter((l) => l.includes('DBG') || l.includes('lease')).slice(-80).join('\n'));
            throw err;
          });
        }
      };
      createReplicaSet('after-the-storm');
      await shownEverywhere(['after-the-storm']);

      // Restart the store server (Redis), keeping its data, and change the cluster at once: the
      // change reaches every instance (a follower whose re-read fails while its store client
      // reconnects reloads the account until a reload succeeds).
      const downtime = backend.restart === undefined ? undefined : await backend.restart();
      createReplicaSet('after-the-restart');

      // After it, every account is watched once again and both instances still answer the same.
      await watchedOnce([b, c]);
      await shownEverywhere(['after-the-storm', 'after-the-restart']);

      // Let every agent run again after the last disturbance.
      const settledFrom = downtime?.[1] ?? wokeAt;
      await new Promise((r) => setTimeout(r, BOUND_MS));
      const runs = await writtenRuns(backend.storage);
      const byAgent = new Map<string, ProbeRun[]>();
      for (const r of runs) byAgent.set(r.agentType, [...(byAgent.get(r.agentType) ?? []), r]);
      for (const list of byAgent.values()) list.sort((x, y) => x.startMs - y.startMs);

      // 1. No two written runs of one agent overlap.
      const overlaps: string[] = [];
      for (const [agent, list] of byAgent) {
        for (let i = 1; i < list.length; i++) {
          const prev = list[i - 1] as ProbeRun;
          const next = list[i] as ProbeRun;
          if (next.startMs < prev.endMs) overlaps.push(`${agent}: ${prev.instance} [${prev.startMs}, ${prev.endMs}] and ${next.instance} [${next.startMs}, ${next.endMs}]`);
        }
      }
      // 2. Every agent runs again within interval + timeout (+ the store's downtime, + slack).
      const downMs = downtime === undefined ? 0 : downtime[1] - downtime[0];
      let worstGapMs = 0;
      const late: string[] = [];
      for (const [agent, list] of byAgent) {
        for (let i = 1; i < list.length; i++) {
          const prev = list[i - 1] as ProbeRun;
          const next = list[i] as ProbeRun;
          const gap = next.startMs - prev.startMs;
          worstGapMs = Math.max(worstGapMs, gap);
          const spansDowntime = downtime !== undefined && prev.startMs < downtime[1] && next.startMs > downtime[0];
          if (gap > BOUND_MS + (spansDowntime ? downMs : 0)) late.push(`${agent}: ${gap} ms between runs at ${prev.startMs} and ${next.startMs}`);
        }
        const last = list[list.length - 1] as ProbeRun;
        if (last.startMs < settledFrom) late.push(`${agent}: no run since ${settledFrom} (last ${last.startMs})`);
      }
      // 3. Load spread while all three ran: the agents each instance ran (and, for the record, its runs).
      const inWindow = (p: ServiceProcess) => runs.filter((r) => r.instance.endsWith(instanceOf(p)) && r.startMs >= windowStart && r.startMs < windowEnd);
      const perInstance = procs.map((p) => new Set(inWindow(p).map((r) => r.agentType)).size);
      const runsPerInstance = procs.map((p) => inWindow(p).length);
      const spread = Math.max(...perInstance) / Math.max(1, Math.min(...perInstance));
      // The frozen instance wrote nothing while it was frozen and none of its pre-freeze runs after it woke.
      const frozenWrites = runs.filter((r) => r.instance.endsWith(instanceOf(b)) && r.startMs < frozenAt && r.endMs > frozenAt + TIMEOUT_MS);

      console.log(
        JSON.stringify({
          backend: backend.name,
          agents: AGENTS,
          writtenRuns: runs.length,
          overlappingWrittenRuns: overlaps.length,
          worstGapMs,
          boundMs: BOUND_MS,
          storeDowntimeMs: downMs,
          agentsPerInstanceInWindow: perInstance,
          runsPerInstanceInWindow: runsPerInstance,
          spread: Math.round(spread * 100) / 100,
          kubernetesTakeoverMs: takeoverMs,
          frozenRunsWrittenAfterWaking: frozenWrites.length,
        }),
      );
      expect(overlaps).toEqual([]);
      expect(frozenWrites).toEqual([]);
      expect(late).toEqual([]);
      expect(byAgent.size).toBe(AGENTS);
      expect(spread).toBeLessThanOrEqual(1.5);
      expect(takeoverMs).toBeLessThan(20_000);
    }, 240_000);
  });
}

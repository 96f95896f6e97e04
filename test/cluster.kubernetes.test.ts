/**
 * Several instances sharing one store, as a clustered install runs them: each Kubernetes account
 * is watched by exactly one instance; the others mirror it from the store through the change
 * feed and answer the same reads; when the instance that watches an account leaves, another
 * takes the account over. Runs once on Redis and once on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { ensureServer } from './helpers/ensureServers.js';
import { waitFor } from './helpers/waitFor.js';

/** Two accounts per shard of three replicas (`abs(javaHashCode(name)) % 3` is 0, 0, 1, 1, 2, 2). */
const ACCOUNTS = ['east', 'north', 'west', 'central', 'south', 'alpha'];
const INSTANCES = 3;
const APP = 'clustered';

type Json = Record<string, unknown>;
interface Instance {
  readonly name: string;
  readonly app: App;
}

interface Backend {
  readonly name: string;
  /** Storage config shared by every instance, and a clean-up for after the run. */
  open(): Promise<{ storage: Json; cleanup(): Promise<void> }>;
}

const REDIS: Backend = {
  name: 'redis',
  async open() {
    await ensureServer('redis');
    // A database of its own, emptied before and after.
    const url = 'redis://127.0.0.1:6379/11';
    const admin = await openRedis({ connection: url });
    await admin.flushdb();
    return {
      storage: { cache: 'redis', tasks: 'redis', leases: 'redis', accounts: 'redis', changes: 'redis', redis: { connection: url } },
      cleanup: async () => {
        await admin.flushdb();
        await admin.quit();
      },
    };
  },
};

const POSTGRES: Backend = {
  name: 'postgres',
  async open() {
    await ensureServer('postgres');
    const db = `cdts_cluster_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    return {
      storage: { cache: 'postgres', tasks: 'postgres', leases: 'postgres', accounts: 'postgres', changes: 'postgres', sql: { url: `postgres://postgres@127.0.0.1:5432/${db}` } },
      cleanup: async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        await admin.end();
      },
    };
  },
};

for (const backend of process.env.CLUSTER_BACKEND === 'postgres' ? [POSTGRES] : [REDIS, POSTGRES]) {
  describe(`a cluster of ${INSTANCES} instances sharing ${backend.name}`, () => {
    let sim: KubeSim;
    let cleanup: () => Promise<void>;
    let config: ReturnType<typeof parseConfig>;
    const instances: Instance[] = [];
    /** `caching.writeEnabled: false`: serves reads and operations, never watches (not a caching replica). */
    let reader: Instance;
    /** The same with `kubernetes.followerReads: store`: keeps no account in memory. */
    let storeReader: Instance;

    const get = async <T = Json>(instance: Instance, url: string): Promise<T> => {
      const res = await instance.app.server.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${instance.name} GET ${url}: ${res.statusCode} ${res.body}`);
      return JSON.parse(res.body) as T;
    };
    /** Account → state on each instance (`watching` where it is led, `following` elsewhere). */
    const states = async (instance: Instance): Promise<Record<string, string>> => {
      const health = await get<{ components: { kubernetes: { details: Record<string, { state: string }> } } }>(instance, '/health');
      return Object.fromEntries(Object.entries(health.components.kubernetes.details).map(([a, d]) => [a, d.state]));
    };
    /** Waits until every account is watched by exactly one running instance and mirrored by the rest. */
    const settled = async (running: readonly Instance[]): Promise<Map<string, string>> =>
      waitFor(async () => {
        const leaders = new Map<string, string>();
        const all = await Promise.all(running.map(async (i) => [i, await states(i)] as const));
        for (const account of ACCOUNTS) {
          const watching = all.filter(([, s]) => s[account] === 'watching').map(([i]) => i.name);
          const following = all.filter(([, s]) => s[account] === 'following').length;
          if (watching.length !== 1 || following !== running.length - 1) throw new Error(`${account}: watched by [${watching.join(', ')}], mirrored by ${following}`);
          leaders.set(account, watching[0] ?? '');
        }
        return leaders;
      }, 30_000, 50);

    /** The same config with `kubernetes.followerReads: store` (accounts led elsewhere are read from the store). */
    const storeReads = (c: ReturnType<typeof parseConfig>) => parseConfig({ ...c, kubernetes: { ...(c as Json).kubernetes as Json, followerReads: 'store' } });
    const start = async (name: string, followerReads: 'memory' | 'store' = 'memory'): Promise<Instance> => {
      const app = await createApp({ config: followerReads === 'store' ? storeReads(config) : config, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
      await app.start();
      const instance = { name, app };
      instances.push(instance);
      return instance;
    };

    beforeAll(async () => {
      sim = await startKubeSim({ tls: true });
      const opened = await backend.open();
      cleanup = opened.cleanup;
      config = parseConfig({
        server: { port: 0, host: '127.0.0.1' },
        storage: opened.storage,
        caching: { accountLeaseSeconds: 1.5 },
        cacheSharding: { replicaTtlSeconds: 2 },
        kubernetes: { accounts: ACCOUNTS.map((name) => ({ name, kubeconfigContents: sim.kubeconfig, namespaces: ['default'] })) },
      });
      // The last instance reads the accounts it does not watch from the store (bounded memory).
      for (let i = 0; i < INSTANCES; i++) await start(`instance-${i}`, i === INSTANCES - 1 ? 'store' : 'memory');
      const readOnly = parseConfig({ ...config, caching: { ...config.caching, writeEnabled: false } });
      reader = { name: 'reader', app: await createApp({ config: readOnly, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) }) };
      storeReader = { name: 'store-reader', app: await createApp({ config: storeReads(readOnly), logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) }) };
      await reader.app.start();
      await storeReader.app.start();
    }, 120_000);

    afterAll(async () => {
      for (const i of instances) await i.app.stop();
      await reader?.app.stop();
      await storeReader?.app.stop();
      await sim?.stop();
      await cleanup?.();
    });

    it('watches each account on exactly one instance and spreads the accounts by shard', async () => {
      // Replicas join one after the other: the first leads everything until the others heartbeat in.
      await waitFor(async () => {
        const leaders = await settled(instances);
        const load = instances.map((i) => [...leaders.values()].filter((l) => l === i.name).length);
        if (load.some((n) => n !== 2)) throw new Error(`accounts per instance: ${load.join(', ')}`);
      }, 30_000, 50);
    });

    it('shows a change on the cluster on every instance, with identical answers', async () => {
      const cluster = sim.cluster(sim.clusterNames[0] ?? '');
      const started = performance.now();
      cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'api-v001', namespace: 'default', annotations: { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': 'replicaSet api' } },
        spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } } },
      });
      const seenAfter = await Promise.all(
        instances.map((i) =>
          waitFor(async () => {
            const groups = await get<{ account: string }[]>(i, `/applications/${APP}/serverGroups`);
            if (groups.length !== ACCOUNTS.length) throw new Error(`${i.name} sees ${groups.length} of ${ACCOUNTS.length}`);
            return performance.now() - started;
          }, 10_000, 5),
        ),
      );
      expect(Math.max(...seenAfter)).toBeLessThan(5_000);
      // The pods keep changing (they become ready) for a moment: every instance converges on the same answer.
      await waitFor(async () => {
        const bodies = await Promise.all(instances.map((i) => get<{ account: string; instanceCounts: { up: number } }[]>(i, `/applications/${APP}/serverGroups`)));
        const normalized = bodies.map((b) => JSON.stringify([...b].sort((x, y) => x.account.localeCompare(y.account))));
        if (new Set(normalized).size !== 1) {
          const summary = bodies.map((b, n) => `${instances[n]?.name}: ${[...b].sort((x, y) => x.account.localeCompare(y.account)).map((sg) => `${sg.account}=${sg.instanceCounts.up}`).join(' ')}`);
          throw new Error(`instances answer differently:\n${summary.join('\n')}`);
        }
        if (bodies[0]?.some((sg) => sg.instanceCounts.up !== 1)) throw new Error('pods not up yet');
      }, 10_000, 20);
    });

    it('serves the same reads on read-only instances, which watch nothing; one reading the store keeps no objects in memory', async () => {
      const health = async (i: Instance) => Object.values((await get<{ components: { kubernetes: { details: Record<string, { state: string; objects: number }> } } }>(i, '/health')).components.kubernetes.details);
      expect((await health(reader)).map((d) => d.state)).toEqual(ACCOUNTS.map(() => 'following'));
      expect(await health(storeReader)).toEqual(ACCOUNTS.map(() => expect.objectContaining({ state: 'following', objects: 0 })));
      const urls = [`/applications/${APP}/serverGroups`, `/applications/${APP}`, `/applications/${APP}/clusters`, `/applications/${APP}/loadBalancers`, `/search?q=${APP}&type=serverGroups`, '/applications'];
      await waitFor(async () => {
        for (const url of urls) {
          const [watcher, mine, fromStore] = await Promise.all([instances[0] as Instance, reader, storeReader].map((i) => get(i, url)));
          expect(mine).toEqual(watcher);
          expect(fromStore).toEqual(watcher);
        }
        const groups = await get<unknown[]>(storeReader, `/applications/${APP}/serverGroups`);
        if (groups.length !== ACCOUNTS.length) throw new Error(`store reader has ${groups.length} server groups`);
      }, 10_000, 20);
    });

    it('hands an instance’s accounts to the others when it stops, and the survivors keep serving changes', async () => {
      const leaders = await settled(instances);
      const leaving = instances[0];
      if (leaving === undefined) throw new Error('no instance');
      const itsAccounts = [...leaders].filter(([, l]) => l === leaving.name).map(([a]) => a);
      expect(itsAccounts.length).toBeGreaterThan(0);
      await leaving.app.stop();
      instances.shift();
      const after = await settled(instances);
      for (const account of itsAccounts) expect(after.get(account)).not.toBe(leaving.name);
      const cluster = sim.cluster(sim.clusterNames[0] ?? '');
      cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'api-v002', namespace: 'default', annotations: { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': 'replicaSet api' } },
        spec: { replicas: 1, selector: { matchLabels: { app: 'api2' } }, template: { metadata: { labels: { app: 'api2' } }, spec: { containers: [{ name: 'api', image: 'api:2' }] } } },
      });
      for (const i of [...instances, reader, storeReader]) {
        await waitFor(async () => {
          const groups = await get<unknown[]>(i, `/applications/${APP}/serverGroups`);
          if (groups.length !== 2 * ACCOUNTS.length) throw new Error(`${i.name} sees ${groups.length}`);
        }, 10_000, 10);
      }
    });
  });
}

/**
 * Three service processes sharing Redis, as a clustered install runs them: each Kubernetes
 * account is watched by exactly one process; when one is killed (-9) its accounts are watched
 * elsewhere; when one is frozen (SIGSTOP) past its lease, the others take its accounts over, and
 * once it wakes it steps back to mirroring without writing what it held (the lease-lost path).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { ensureServer } from './helpers/ensureServers.js';
import { killAll, startService, type ServiceProcess } from './helpers/serviceProcess.js';
import { waitFor } from './helpers/waitFor.js';

/** Two accounts per shard of three replicas (`abs(javaHashCode(name)) % 3` is 0, 0, 1, 1, 2, 2). */
const ACCOUNTS = ['east', 'north', 'west', 'central', 'south', 'alpha'];
const REDIS = 'redis://127.0.0.1:6379/14';
const APP = 'procs';

type States = Record<string, string>;

async function states(p: ServiceProcess): Promise<States> {
  const res = await fetch(`${p.url}/health`);
  const body = (await res.json()) as { components: { kubernetes: { details: Record<string, { state: string }> } } };
  return Object.fromEntries(Object.entries(body.components.kubernetes.details).map(([a, d]) => [a, d.state]));
}

/** Waits until every account is watched by exactly one of `running` (and mirrored by the rest); returns account → process index. */
async function settled(running: readonly ServiceProcess[], all: readonly ServiceProcess[], timeoutMs = 30_000): Promise<Map<string, number>> {
  return waitFor(async () => {
    const seen = await Promise.all(running.map(async (p) => [all.indexOf(p), await states(p)] as const));
    const leaders = new Map<string, number>();
    for (const account of ACCOUNTS) {
      const watching = seen.filter(([, s]) => s[account] === 'watching').map(([i]) => i);
      const following = seen.filter(([, s]) => s[account] === 'following').length;
      if (watching.length !== 1 || following !== running.length - 1) throw new Error(`${account}: watched by [${watching.join(', ')}], mirrored by ${following}`);
      leaders.set(account, watching[0] ?? -1);
    }
    return leaders;
  }, timeoutMs, 100);
}

async function serverGroups(p: ServiceProcess): Promise<string[]> {
  const res = await fetch(`${p.url}/applications/${APP}/serverGroups`);
  const list = (await res.json()) as { account: string; name: string }[];
  return list.map((sg) => `${sg.account}/${sg.name}`).sort();
}

describe('a cluster of service processes sharing Redis', () => {
  let sim: KubeSim;
  let dir: string;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    await ensureServer('redis');
    const redis = await openRedis({ connection: REDIS });
    await redis.flushdb();
    await redis.quit();
    sim = await startKubeSim({ tls: true });
    dir = mkdtempSync(join(tmpdir(), 'cluster-procs-'));
    const config = join(dir, 'clouddriver.yml');
    writeFileSync(
      config,
      toYaml({
        server: { host: '127.0.0.1' },
        storage: { cache: 'redis', tasks: 'redis', leases: 'redis', accounts: 'redis', changes: 'redis', redis: { connection: REDIS } },
        caching: { accountLeaseSeconds: 2 },
        cacheSharding: { replicaTtlSeconds: 3 },
        kubernetes: { accounts: ACCOUNTS.map((name) => ({ name, kubeconfigContents: sim.kubeconfig, namespaces: ['default'] })) },
      }),
    );
    for (let i = 0; i < 3; i++) procs.push(await startService({ args: ['--config', config], env: { CLOUDDRIVER_LOGGING__LEVEL: 'warn' } }));
  }, 120_000);

  afterAll(async () => {
    await killAll(procs);
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
    const redis = await openRedis({ connection: REDIS });
    await redis.flushdb();
    await redis.quit();
  });

  it('spreads the accounts, takes a killed process’s accounts over, and fences a frozen one', async () => {
    const [a, b, c] = procs as [ServiceProcess, ServiceProcess, ServiceProcess];
    // Every process leads two accounts once all three have joined.
    await waitFor(async () => {
      const leaders = await settled(procs, procs);
      const load = procs.map((_, i) => [...leaders.values()].filter((l) => l === i).length);
      if (load.some((n) => n !== 2)) throw new Error(`accounts per process: ${load.join(', ')}`);
    }, 30_000, 200);

    // kill -9: its accounts are watched by the survivors within the replica and lease time to live.
    const killedAt = performance.now();
    await a.stop('SIGKILL');
    await settled([b, c], procs);
    const takeoverMs = performance.now() - killedAt;
    expect(takeoverMs).toBeLessThan(15_000);

    // SIGSTOP b past its lease: c takes everything; a change on the cluster reaches c.
    process.kill(b.child.pid ?? 0, 'SIGSTOP');
    await waitFor(async () => {
      const s = await states(c);
      if (ACCOUNTS.some((acct) => s[acct] !== 'watching')) throw new Error(`c watches ${ACCOUNTS.filter((acct) => s[acct] === 'watching').length}`);
    }, 20_000, 200);
    const cluster = sim.cluster(sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'made-while-frozen', namespace: 'default', annotations: { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': 'replicaSet made' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'made' } }, template: { metadata: { labels: { app: 'made' } }, spec: { containers: [{ name: 'm', image: 'm:1' }] } } },
    });
    const expected = ACCOUNTS.map((acct) => `${acct}/replicaSet made-while-frozen`).sort();
    await waitFor(async () => expect(await serverGroups(c)).toEqual(expected), 10_000, 50);

    // b wakes: it stops writing (its leases lapsed), mirrors again, and shows what c wrote.
    process.kill(b.child.pid ?? 0, 'SIGCONT');
    const leaders = await settled([b, c], procs);
    expect([...leaders.values()].every((l) => l === 1 || l === 2)).toBe(true);
    await waitFor(async () => expect(await serverGroups(b)).toEqual(expected), 10_000, 50);
    // What b held while frozen never overwrote the store: c's answer still has the new server groups.
    expect(await serverGroups(c)).toEqual(expected);
  }, 120_000);
});

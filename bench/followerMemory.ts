/**
 * Memory of an instance that serves reads for accounts another instance watches: mirrored in
 * memory (`kubernetes.followerReads: memory`, the default) against read from the cache store
 * (`store`, bounded item cache), with what each costs in read latency and freshness.
 *
 * A caching instance watches `accounts` accounts of ~10,000 objects each (one simulated cluster,
 * each account a view of it) and writes them to Redis; two read-only instances
 * (`caching.writeEnabled: false`) share the store, one per mode. Same-run baselines: the RSS of
 * a read-only instance with no accounts, and reads from the watching instance's own model.
 * Then both read-only modes are started again under a V8 heap limit below what mirroring needs.
 *
 *   npm run bench:follower-memory [-- accounts [heapLimitMb]]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { getJson, load, measureReads, memoryOf, percentile, report, round, sleep, startServiceWith, until, waitWatching, type HealthBody, type RunningService } from './lib.js';

const accounts = Number(process.argv[2] ?? '5');
// Below what mirroring 50,050 objects needs (160 MB until their repeated strings were shared, docs/benchmarks.md §17).
const heapLimitMb = Number(process.argv[3] ?? '130');
const REDIS = 'redis://127.0.0.1:6379/14';
const APP = 'app0';

const redis = await openRedis({ connection: REDIS });
await redis.flushdb();
const sim = await startKubeSim({ tls: true, controllers: false, bookmarkIntervalMs: 5000 });
sim.seed('sim-1', { namespaces: 10, deployments: 77, podsPerDeployment: 10, applications: 50 });
const cluster = sim.cluster('sim-1');
const perAccount = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((n, gr) => n + cluster.store.count(gr), 0);
const names = Array.from({ length: accounts }, (_, i) => `mem${i}`);
const storage = { cache: 'redis', tasks: 'redis', leases: 'redis', accounts: 'redis', changes: 'redis', redis: { connection: REDIS } };
const kubernetes = (followerReads?: 'memory' | 'store') => ({
  ...(followerReads === undefined ? {} : { followerReads }),
  accounts: names.map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor('sim-1') })),
});
const readOnly = async (followerReads: 'memory' | 'store', nodeOptions?: string): Promise<RunningService> => {
  const svc = await startServiceWith({ storage, caching: { writeEnabled: false }, kubernetes: kubernetes(followerReads) }, nodeOptions);
  return svc;
};
/** Waits until `svc` follows every account (holding `objects` each, when given); rejects if it exits. */
const following = (svc: RunningService, objects?: number) =>
  Promise.race([
    until(async () => {
      const d = (await getJson<HealthBody>(`${svc.url}/health`)).components.kubernetes?.details ?? {};
      return names.every((n) => d[n]?.state === 'following' && (objects === undefined || d[n]?.objects === objects));
    }, 600_000, 200),
    new Promise<never>((_, reject) => svc.process.child.once('exit', (code, signal) => reject(new Error(`exited: ${code ?? signal}`)))),
  ]);

const started: RunningService[] = [];
try {
  // Baseline: a read-only instance with no accounts.
  const idle = await startServiceWith({ storage, caching: { writeEnabled: false }, kubernetes: { accounts: [] } });
  started.push(idle);
  await sleep(3000);
  const idleRss = memoryOf(idle.pid).rssMb;

  const writer = await startServiceWith({ storage, kubernetes: kubernetes() });
  started.push(writer);
  const fillMs = await waitWatching(writer.url, names, 600_000, perAccount);
  await sleep(10_000); // write-through done

  const memory = await readOnly('memory');
  const store = await readOnly('store');
  started.push(memory, store);
  await following(memory, perAccount);
  await following(store);
  await sleep(5000);
  const rssBeforeReads = { memory: memoryOf(memory.pid).rssMb, store: memoryOf(store.pid).rssMb };

  // Reads: the application's server groups and a search, 16 clients, beside /credentials.
  const baseline = await load(`${writer.url}/credentials`, 16, 3000);
  const clusterName = (await getJson<Record<string, string[]>>(`${writer.url}/applications/${APP}/clusters`)).mem0?.[0] ?? '';
  const searchFor = clusterName.split(' ')[1] ?? APP;
  const reads: Record<string, Record<string, Record<string, number>>> = {};
  for (const [mode, svc] of [['watching', writer], ['memory', memory], ['store', store]] as const) {
    reads[mode] = {
      serverGroups: (await measureReads(`${svc.url}/applications/${APP}/serverGroups`, 16, 8000, baseline)).figures,
      cluster: (await measureReads(`${svc.url}/applications/${APP}/clusters/mem0/${encodeURIComponent(clusterName)}`, 16, 4000, baseline)).figures,
      search: (await measureReads(`${svc.url}/search?q=${encodeURIComponent(searchFor)}&type=serverGroups`, 16, 4000, baseline)).figures,
    };
  }
  const rssAfterReads = { memory: memoryOf(memory.pid), store: memoryOf(store.pid) };

  // Freshness: a ReplicaSet's replicas change until each read-only instance shows it.
  const rsType = cluster.type('apps', 'v1', 'replicasets');
  const target = cluster.store.list('apps/replicasets').find((rs) => rs.metadata.annotations?.['moniker.spinnaker.io/application'] === APP);
  if (target === undefined) throw new Error(`no replica set of ${APP}`);
  const rsName = target.metadata.name ?? '';
  const namespace = target.metadata.namespace ?? '';
  const fresh: Record<string, number[]> = { watching: [], memory: [], store: [] };
  for (let i = 1; i <= 30; i++) {
    const replicas = 100 + i;
    const t0 = performance.now();
    cluster.patch(rsType, namespace, rsName, 'application/merge-patch+json', JSON.stringify({ spec: { replicas } }));
    await Promise.all(
      ([['watching', writer], ['memory', memory], ['store', store]] as const).map(async ([mode, svc]) => {
        await until(async () => {
          const groups = await getJson<{ account: string; name: string; capacity: { desired: number } }[]>(`${svc.url}/applications/${APP}/serverGroups`);
          return groups.some((g) => g.account === 'mem0' && g.name === `replicaSet ${rsName}` && g.capacity.desired === replicas);
        }, 10_000, 2);
        fresh[mode]?.push(performance.now() - t0);
      }),
    );
    await sleep(150);
  }
  const freshness = Object.fromEntries(Object.entries(fresh).map(([mode, v]) => [mode, { p50Ms: round(percentile(v, 50)), p99Ms: round(percentile(v, 99)), maxMs: round(Math.max(...v)) }]));
  await memory.stop();
  await store.stop();

  // Under a heap limit below what mirroring takes: does each mode still serve?
  const limited: Record<string, unknown> = {};
  for (const mode of ['memory', 'store'] as const) {
    const svc = await readOnly(mode, `--max-old-space-size=${heapLimitMb}`);
    started.push(svc);
    const outcome = await following(svc, mode === 'memory' ? perAccount : undefined)
      .then(async () => {
        const r = await measureReads(`${svc.url}/applications/${APP}/serverGroups`, 4, 3000, baseline);
        return { served: r.figures.errors === 0 && (r.figures.requests ?? 0) > 0, p50Ms: r.figures.p50Ms, rssMb: memoryOf(svc.pid).rssMb };
      })
      .catch((e: unknown) => ({ served: false, error: (e as Error).message, lastOutput: svc.process.output().split('\n').filter((l) => /heap limit|out of memory/i.test(l)).slice(-1) }));
    limited[mode] = outcome;
    await svc.stop().catch(() => undefined);
  }

  report('follower-memory', {
    accounts,
    objectsPerAccount: perAccount,
    objects: perAccount * accounts,
    fillSeconds: round(fillMs / 1000),
    idleReadOnlyRssMb: idleRss,
    rssBeforeReadsMb: rssBeforeReads,
    rssAfterReadsMb: { memory: rssAfterReads.memory.rssMb, store: rssAfterReads.store.rssMb },
    peakRssMb: { memory: rssAfterReads.memory.peakRssMb, store: rssAfterReads.store.peakRssMb },
    kibPerObjectOverIdle: {
      memory: round(((rssAfterReads.memory.rssMb - idleRss) * 1024) / (perAccount * accounts), 2),
      store: round(((rssAfterReads.store.rssMb - idleRss) * 1024) / (perAccount * accounts), 2),
    },
    reads,
    freshness,
    heapLimitMb,
    underHeapLimit: limited,
  });
} finally {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  await sim.stop();
  await redis.flushdb();
  await redis.quit();
}

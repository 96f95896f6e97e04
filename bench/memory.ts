/**
 * Scenario 4, memory: service RSS per 10,000 cached objects (over its idle RSS, the same-run
 * baseline), and RSS across 1,000 update cycles (each patches 20 pods and one replica set), which
 * should stay flat (within 5 %) once warmed up.
 *
 *   npm run bench:memory [-- cycles]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, get, memoryOf, report, round, sleep, startServiceWith, waitWatching } from './lib.js';

/** V8 heap in use (MB), from the service's Prometheus metrics. */
async function heapUsedMb(url: string): Promise<number> {
  const text = (await get(`${url}/metrics`)).text;
  return round(Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN) / 1048576);
}

const cycles = Number(process.argv[2] ?? '1000');
const sim = await startKubeSim({ tls: true, controllers: false });
sim.seed('sim-1', { namespaces: 10, deployments: 77, podsPerDeployment: 10, applications: 50 });
const cluster = sim.cluster('sim-1');
const objects = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((n, gr) => n + cluster.store.count(gr), 0);
const service = await startServiceWith({ kubernetes: { accounts: [] } });
await sleep(2000);
const idle = memoryOf(service.pid);
await addAccount(service.url, 'mem', sim.kubeconfigFor('sim-1'));
await waitWatching(service.url, ['mem'], 120_000, objects);
await sleep(8000); // let the write-through and first snapshot finish
const loaded = memoryOf(service.pid);
const loadedHeap = await heapUsedMb(service.url);

const pods = cluster.store.list('/pods');
const sets = cluster.store.list('apps/replicasets');
const podType = cluster.type('', 'v1', 'pods');
const rsType = cluster.type('apps', 'v1', 'replicasets');
const samples: { cycle: number; rssMb: number; heapUsedMb: number }[] = [];
for (let c = 1; c <= cycles; c++) {
  for (let i = 0; i < 20; i++) {
    const p = pods[(c * 20 + i) % pods.length];
    if (p !== undefined) cluster.patch(podType, p.metadata.namespace, p.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { 'bench/cycle': String(c) } } }));
  }
  const rs = sets[c % sets.length];
  if (rs !== undefined) cluster.patch(rsType, rs.metadata.namespace, rs.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { 'bench/cycle': String(c) } } }));
  await sleep(5);
  if (c % 100 === 0) samples.push({ cycle: c, rssMb: memoryOf(service.pid).rssMb, heapUsedMb: await heapUsedMb(service.url) });
}
await sleep(3000);
const after = memoryOf(service.pid);
const afterHeap = await heapUsedMb(service.url);
const warm = samples.find((s) => s.cycle === Math.min(200, cycles))?.rssMb ?? loaded.rssMb;
report('memory', {
  objects,
  idleRssMb: idle.rssMb,
  loadedRssMb: loaded.rssMb,
  rssPer10kObjectsMb: round(((loaded.rssMb - idle.rssMb) / objects) * 10_000),
  cycles,
  rssAfterCyclesMb: after.rssMb,
  driftFromLoadedPct: round(((after.rssMb - loaded.rssMb) / loaded.rssMb) * 100),
  driftAfterWarmupPct: round(((after.rssMb - warm) / warm) * 100),
  peakRssMb: after.peakRssMb,
  loadedHeapUsedMb: loadedHeap,
  heapUsedAfterCyclesMb: afterHeap,
  samples,
});
await service.stop();
await sim.stop();
process.exit(0);

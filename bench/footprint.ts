/**
 * Cache footprint (issue "cache footprint and cold fill", docs/benchmarks.md §20): one account of
 * N objects (default 50,000 and 200,000) added through the account API. Per size and per build:
 * time to every object cached, peak RSS during the fill, and once the fill has settled (the
 * write-through done and the settle collection and its trim run, or 60 s for a build without) RSS, live
 * heap and external memory, with RSS per object over the same process's idle RSS (its same-run
 * baseline). With `BENCH_BEFORE_MAIN=/path/to/other/dist/main.js` the same scenario also runs
 * against that build in the same run, so a change is read as a ratio.
 *
 *   npm run bench:footprint [-- 50000 200000]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, get, memoryOf, report, round, sleep, startServiceWith, waitWatching } from './lib.js';

async function metric(url: string, name: string, unit = 1048576): Promise<number> {
  const text = (await get(`${url}/metrics`)).text;
  return round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / unit);
}

async function run(n: number, build: string, main: string | undefined): Promise<void> {
  const sim = await startKubeSim({ tls: true, controllers: false });
  try {
    sim.seed('sim-1', { namespaces: 10, deployments: Math.max(1, Math.round(n / 130)), podsPerDeployment: 10, applications: 50 });
    const cluster = sim.cluster('sim-1');
    const objects = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((s, gr) => s + cluster.store.count(gr), 0);
    if (main !== undefined) process.env.BENCH_SERVICE_MAIN = main;
    else delete process.env.BENCH_SERVICE_MAIN;
    const service = await startServiceWith({ kubernetes: { accounts: [] } });
    try {
      await sleep(2000);
      const idle = memoryOf(service.pid);
      const t0 = performance.now();
      await addAccount(service.url, 'big', sim.kubeconfigFor('sim-1'));
      await waitWatching(service.url, ['big'], 600_000, objects);
      const fillMs = performance.now() - t0;
      // Settled: the write-through done, the settle collection and its trim run (builds with
      // neither, or without the trim: 60 s).
      const settleStart = performance.now();
      while (performance.now() - settleStart < 60_000 && !((await metric(service.url, 'clouddriver_heap_settle_collections', 1)) >= 2)) await sleep(1000);
      await sleep(2000);
      const settled = memoryOf(service.pid);
      report('footprint', {
        build,
        objects,
        fillMs: round(fillMs),
        idleRssMb: idle.rssMb,
        peakRssMb: settled.peakRssMb,
        settledRssMb: settled.rssMb,
        // Over idle, by kind of mapping: anonymous / file-backed / shared memory.
        rssSplitOverIdleMb: { anon: round(settled.anonMb - idle.anonMb), file: round(settled.fileMb - idle.fileMb), shmem: round(settled.shmemMb - idle.shmemMb) },
        rssKiBPerObject: round(((settled.rssMb - idle.rssMb) * 1024) / objects, 2),
        peakRssKiBPerObject: round(((settled.peakRssMb - idle.rssMb) * 1024) / objects, 2),
        heapUsedMb: await metric(service.url, 'nodejs_heap_size_used_bytes'),
        heapTotalMb: await metric(service.url, 'nodejs_heap_size_total_bytes'),
        externalMb: await metric(service.url, 'nodejs_external_memory_bytes'),
      });
    } finally {
      await service.stop();
    }
  } finally {
    await sim.stop();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
const before = process.env.BENCH_BEFORE_MAIN;
for (const n of sizes.length > 0 ? sizes : [50_000, 200_000]) {
  if (before !== undefined) await run(n, 'before', before);
  await run(n, 'this', undefined);
}
process.exit(0);

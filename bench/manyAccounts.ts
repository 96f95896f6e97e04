/**
 * Scenario 5, many accounts: N accounts (default 1,000) of ~100 objects each, all in the config
 * file. Measures process start to `/health` UP, and to every account watching with all of its
 * objects, and the read latency of the first cached account while the rest fill. Same-run
 * baselines: the same service start with no accounts; the same reads once the fill is done.
 *
 * The simulator runs in a child process of its own (bench/simProcess.ts), so the service's
 * figures are not the simulator's; `BENCH_SIM_IN_PROCESS=1` runs it inside the bench process as
 * the first measurements did. The load average is sampled through the run (other work on the
 * machine shows there).
 *
 *   npm run bench:accounts [-- accounts]
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { env } from 'node:process';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { ensureBuilt } from '../test/helpers/serviceProcess.js';
import { cpuSecondsOf, getJson, mainThreadSchedOf, memoryOf, percentile, report, round, sleep, startServiceWith, until } from './lib.js';
import type { HealthBody } from './lib.js';
import { startSimProcess } from './simProcess.js';

const n = Number(process.argv[2] ?? '1000');
const names = Array.from({ length: n }, (_, i) => `acct-${i + 1}`);
const seed = { namespaces: 1, deployments: 7, podsPerDeployment: 12, applications: 3 };
const counted = ['apps/deployments', 'apps/replicasets', '/pods', '/services'];
const simOptions = { tls: true, controllers: false, bookmarkIntervalMs: 30_000 } as const;

const inProcess = env.BENCH_SIM_IN_PROCESS === '1';
const sim = inProcess
  ? await (async () => {
      const s = await startKubeSim({ ...simOptions, clusters: names });
      for (const name of names) s.seed(name, seed);
      return { pid: process.pid, perCluster: counted.reduce((t, gr) => t + s.cluster(names[0] ?? '').store.count(gr), 0), kubeconfigFor: (name: string) => s.kubeconfigFor(name), stop: () => s.stop() };
    })()
  : await startSimProcess({ names, seed, sim: simOptions, counted });
const perAccount = sim.perCluster;

const loads: number[] = [];
const sampleLoad = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000);
loads.push(loadavg()[0] ?? 0);

// Built before the baseline is timed (a stale dist/ would be compiled inside it).
ensureBuilt();
const t0 = performance.now();
const empty = await startServiceWith({ kubernetes: { accounts: [] } });
const baselineStartMs = performance.now() - t0;
await empty.stop();

const simCpu0 = cpuSecondsOf(sim.pid);
const t1 = performance.now();
const service = await startServiceWith({
  kubernetes: { probeIntervalSeconds: 30, ...(env.BENCH_START_CONCURRENCY === undefined ? {} : { startConcurrency: Number(env.BENCH_START_CONCURRENCY) }), accounts: names.map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor(name) })) },
});
const sched0 = mainThreadSchedOf(service.pid);
const healthUpMs = await until(async () => (await getJson<HealthBody>(`${service.url}/health`)).status === 'UP', 60_000).then(() => performance.now() - t1);

/**
 * Reads of a healthy account while the rest fill: once the first account is cached, one of its
 * clusters (the generator's first deployment) is read every 200 ms, as Deck's cluster pane and
 * Orca's server group lookups do, until every account is cached; then the same reads for 20 s
 * with the fill done (`BENCH_AFTER_FILL_MS`), the same-run baseline.
 */
const healthy = names[0] ?? '';
const clusterUrl = `${service.url}/applications/app0/clusters/${healthy}/${encodeURIComponent('deployment app0-d0x0')}/kubernetes`;
const readMs = async (): Promise<number> => {
  const r0 = performance.now();
  const res = await fetch(clusterUrl);
  const body = (await res.json()) as { serverGroups?: unknown[] };
  if (res.status !== 200 || body.serverGroups?.length !== 1) throw new Error(`cluster read answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return performance.now() - r0;
};
await until(async () => (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details[healthy]?.objects === perAccount, 120_000, 100);
let filling = true;
const duringFill: number[] = [];
// This process's own stalls over the fill: a read's time as measured here includes them.
const benchLag = monitorEventLoopDelay({ resolution: 10 });
benchLag.enable();
const sampling = (async () => {
  while (filling) {
    duringFill.push(await readMs());
    await sleep(200);
  }
})();
let watching = 0;
/** Accounts cached at each 30 s mark, for runs that do not finish. */
const progress: Record<string, number> = {};
const allCachedMs = await until(async () => {
  const d = (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details ?? {};
  watching = names.filter((name) => d[name]?.state === 'watching' && d[name]?.objects === perAccount).length;
  const mark = `${Math.floor((performance.now() - t1) / 30_000) * 30}s`;
  progress[mark] = watching;
  return watching === n;
}, Number(env.BENCH_TIMEOUT_MS ?? 300_000), 500).then(() => performance.now() - t1).catch(async (e: unknown) => {
  const d = (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details ?? {};
  const states: Record<string, number> = {};
  for (const v of Object.values(d)) states[v.state] = (states[v.state] ?? 0) + 1;
  process.stderr.write(`not all cached: ${watching}/${n} ${JSON.stringify({ states, progress })} ${JSON.stringify(Object.entries(d).filter(([, v]) => v.state !== 'watching' || v.objects !== perAccount).slice(0, 3))}\n`);
  if (env.BENCH_KEEP_GOING === '1') return NaN;
  throw e;
});
const serviceCpuS = cpuSecondsOf(service.pid);
const simCpuS = cpuSecondsOf(sim.pid) - simCpu0;
const sched1 = mainThreadSchedOf(service.pid);
filling = false;
await sampling;
benchLag.disable();
// The same reads as the service timed them (request received to response sent), before the after-fill reads add to the counts.
const serviceSide = await serviceReadBuckets();
const memAtFill = memoryOf(service.pid);
// Reads for 20 s after the fill: a reader would see the pauses of whatever collects the fill's
// garbage once loads go quiet (V8's own collections here: batches of ~100 items never start
// HeapSettler, which waits for loads of 1,000 or more).
const afterFill: number[] = [];
const afterFillUntil = performance.now() + Number(env.BENCH_AFTER_FILL_MS ?? 20_000);
while (performance.now() < afterFillUntil) {
  afterFill.push(await readMs());
  await sleep(50);
}
clearInterval(sampleLoad);
loads.push(loadavg()[0] ?? 0);
const mem = memoryOf(service.pid);
report('manyAccounts', {
  accounts: n,
  objectsPerAccount: perAccount,
  simulator: inProcess ? 'bench process' : 'own process',
  baselineStartNoAccountsMs: round(baselineStartMs),
  healthUpMs: round(healthUpMs),
  allCachedMs: round(allCachedMs),
  cachedAccounts: watching,
  progress,
  // CPU time over the fill (start to all cached, or to the time limit): less sensitive than wall
  // time to other work on the machine.
  serviceCpuS: round(serviceCpuS),
  simulatorCpuS: round(simCpuS),
  // The service's event loop over the fill: seconds on a CPU, and runnable but waiting for one.
  serviceMainThread: { runS: round(sched1.runS - sched0.runS), waitingForCpuS: round(sched1.waitS - sched0.waitS) },
  rssAtFillMb: memAtFill.rssMb,
  rssMb: mem.rssMb,
  peakRssMb: mem.peakRssMb,
  simulatorRssMb: memoryOf(sim.pid).rssMb,
  healthyAccountReads: {
    duringFill: { count: duringFill.length, p50Ms: round(percentile(duringFill, 50)), p99Ms: round(percentile(duringFill, 99)), maxMs: round(Math.max(...duringFill)) },
    duringFillServiceSide: serviceSide,
    benchProcessLoopDelayMs: { p99: round(benchLag.percentile(99) / 1e6), max: round(benchLag.max / 1e6) },
    afterFill: { count: afterFill.length, p50Ms: round(percentile(afterFill, 50)), p99Ms: round(percentile(afterFill, 99)), maxMs: round(Math.max(...afterFill)) },
  },
  // What an operator finds in the log after such a start (the service logs at warn here).
  warningsLogged: warningsByMessage(service.process.output()),
  loadAvg1mMean: round(loads.reduce((a, b) => a + b, 0) / loads.length, 2),
  loadAvg1mMax: round(Math.max(...loads), 2),
});
await service.stop();
await sim.stop();
process.exit(0);

/** Warning and error lines of the service's JSON log, counted by message. */
function warningsByMessage(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split('\n')) {
    const m = /^\{"level":(\d+).*"msg":"([^"]*)"/.exec(line);
    if (m !== null && Number(m[1]) >= 40) counts[m[2] ?? ''] = (counts[m[2] ?? ''] ?? 0) + 1;
  }
  return counts;
}

/**
 * The cluster reads as the service's own histogram (`clouddriver_http_request_duration_seconds`)
 * has them: how many took at most each bucket's bound. The time from the request's bytes arriving
 * to its `onRequest` hook (waiting for the event loop) is not in it; the gap to what this
 * process measured is that, the machine's scheduling and this process's own stalls.
 */
async function serviceReadBuckets(): Promise<Record<string, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^clouddriver_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/applications\/:app\/clusters\/:account\/:cluster\/:cp",status="200"\} (\d+)/.exec(line);
    if (m !== null) out[`le${m[1]}s`] = Number(m[2]);
  }
  return out;
}

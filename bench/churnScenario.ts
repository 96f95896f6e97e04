/**
 * Sustained churn against one account (docs/benchmarks.md §19): `rate` object changes per second
 * (pod annotations) for `seconds`, while a probe ReplicaSet's replicas change every `probeIntervalMs`.
 * Measures the probe's freshness in the read API (`/applications/{app}/serverGroups`) during
 * churn against the same probe before churn (same-run baseline), the service's RSS, heap and
 * event-loop lag over the run, and how far the cache store's copy lags the cluster (a marker
 * pod's annotation, read back through the console's cache-item API, which reads the store).
 * Used by `bench/churn.ts` (50k objects, 5 minutes) and by `test/churn.guard.test.ts` (small).
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, cpuSecondsOf, get, getJson, memoryOf, percentile, round, sleep, startServiceWith, until, waitWatching } from './lib.js';

export interface ChurnOptions {
  /** Changes per second (pods patched every 10 ms). */
  readonly rate: number;
  readonly seconds: number;
  /** Deployments per namespace (10 namespaces, 50 applications), each with a ReplicaSet and 10 pods. */
  readonly deployments: number;
  /** Probes before the churn starts (the baseline). */
  readonly baselineProbes: number;
  /** Milliseconds from one probe's start to the next's during the churn. */
  readonly probeIntervalMs: number;
  /** Seconds between samples of memory, event-loop lag and store lag. */
  readonly sampleSeconds: number;
  /** Seconds to wait after the fill before the baseline (the first write-through and snapshot). */
  readonly settleSeconds: number;
}

interface Sample {
  atS: number;
  rssMb: number;
  heapMb: number;
  lagMaxMs: number;
  lagP99Ms: number;
  storeLagMs: number;
}

interface Percentiles {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export type ChurnResult = {
  objects: number;
  targetRate: number;
  achievedRate: number;
  seconds: number;
  cpu: { fillS: number; churnS: number; perChangeOverFillPerObject: number };
  freshness: Percentiles & { maxMs: number; probes: number };
  baselineFreshness: Percentiles;
  storeLag: { baselineMs: number; p50Ms: number; maxMs: number; afterChurnMs: number };
  memory: { startRssMb: number; startHeapMb: number; firstHalfAvgRssMb: number; secondHalfAvgRssMb: number; firstHalfAvgHeapMb: number; secondHalfAvgHeapMb: number };
  eventLoopLag: { firstHalfAvgP99Ms: number; secondHalfAvgP99Ms: number; maxMs: number };
  samples: Sample[];
};

export async function measureChurn(opts: ChurnOptions): Promise<ChurnResult> {
  const { rate, seconds, deployments } = opts;
  const APP = 'app0';
  const sim = await startKubeSim({ tls: true, controllers: false, bookmarkIntervalMs: 5000 });
  sim.seed('sim-1', { namespaces: 10, deployments, podsPerDeployment: 10, applications: 50 });
  const cluster = sim.cluster('sim-1');
  const objects = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((n, gr) => n + cluster.store.count(gr), 0);
  const podType = cluster.type('', 'v1', 'pods');
  const rsType = cluster.type('apps', 'v1', 'replicasets');
  const pods = cluster.store.list('/pods');
  const probe = cluster.store.list('apps/replicasets').find((rs) => rs.metadata.annotations?.['moniker.spinnaker.io/application'] === APP);
  if (probe === undefined) throw new Error(`no replica set of ${APP}`);
  const probeName = probe.metadata.name ?? '';
  const probeNs = probe.metadata.namespace ?? '';
  const marker = pods[0];
  if (marker === undefined) throw new Error('no pods');
  const markerKey = `kubernetes.v2:infrastructure:pod:churn:${marker.metadata.namespace ?? ''}:${marker.metadata.name ?? ''}`;

  // The account is added once the service is up, so the CPU of its fill is the fill's alone.
  const service = await startServiceWith({ kubernetes: { accounts: [] } });
  /** One scrape of /metrics (which also resets the event-loop lag histogram): the values asked for. */
  const scrape = async (...names: string[]): Promise<number[]> => {
    const text = (await get(`${service.url}/metrics`)).text;
    return names.map((name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN));
  };

  let replicas = 1000;
  /** Changes the probe ReplicaSet and waits until the read API shows it; resolves the ms. */
  async function probeOnce(): Promise<number> {
    replicas++;
    const want = replicas;
    const t0 = performance.now();
    cluster.patch(rsType, probeNs, probeName, 'application/merge-patch+json', JSON.stringify({ spec: { replicas: want } }));
    await until(async () => {
      const groups = await getJson<{ name: string; capacity: { desired: number } }[]>(`${service.url}/applications/${APP}/serverGroups`);
      return groups.some((g) => g.name === `replicaSet ${probeName}` && g.capacity.desired === want);
    }, 30_000, 2);
    return performance.now() - t0;
  }

  /** Marks the marker pod and waits until the store's copy has the mark; resolves the ms. */
  async function storeLagOnce(mark: string): Promise<number> {
    const t0 = performance.now();
    cluster.patch(podType, marker?.metadata.namespace, marker?.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { 'bench/marker': mark } } }));
    await until(async () => (await get(`${service.url}/console/api/cache/kubernetes/pod/item?id=${encodeURIComponent(markerKey)}`)).text.includes(mark), 120_000, 20);
    return performance.now() - t0;
  }

  try {
    await sleep(1000); // start-up finished
    const cpuBeforeFill = cpuSecondsOf(service.pid);
    await addAccount(service.url, 'churn', sim.kubeconfigFor('sim-1'));
    await waitWatching(service.url, ['churn'], 600_000, objects);
    const fillCpuS = cpuSecondsOf(service.pid) - cpuBeforeFill;
    await sleep(opts.settleSeconds * 1000); // the first write-through and snapshot
    const baseline: number[] = [];
    for (let i = 0; i < opts.baselineProbes; i++) {
      baseline.push(await probeOnce());
      await sleep(200);
    }
    const baselineStoreLag = await storeLagOnce('baseline');
    const [startHeap = NaN] = await scrape('nodejs_heap_size_used_bytes'); // also resets the lag histogram
    const start = { ...memoryOf(service.pid), heapMb: round(startHeap / 1048576) };

    // Churn: every 10 ms, rate/100 pods get a new annotation value.
    let changes = 0;
    let running = true;
    const perTick = Math.max(1, Math.round(rate / 100));
    const churnStart = performance.now();
    const cpuBeforeChurn = cpuSecondsOf(service.pid);
    const churn = (async () => {
      let tick = 0;
      while (running) {
        for (let i = 0; i < perTick; i++) {
          const p = pods[(tick * perTick + i) % pods.length];
          if (p !== undefined) cluster.patch(podType, p.metadata.namespace, p.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { 'bench/churn': String(tick) } } }));
          changes++;
        }
        tick++;
        const due = churnStart + tick * 10;
        await sleep(Math.max(0, due - performance.now()));
      }
    })();
    const fresh: number[] = [];
    const samples: Sample[] = [];
    let nextSample = performance.now() + opts.sampleSeconds * 1000;
    while (performance.now() - churnStart < seconds * 1000) {
      fresh.push(await probeOnce());
      if (performance.now() >= nextSample) {
        nextSample += opts.sampleSeconds * 1000;
        const [heap = NaN, lagP99 = NaN, lagMax = NaN] = await scrape('nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds');
        samples.push({
          atS: round((performance.now() - churnStart) / 1000),
          rssMb: memoryOf(service.pid).rssMb,
          heapMb: round(heap / 1048576),
          lagP99Ms: round(lagP99 * 1000),
          lagMaxMs: round(lagMax * 1000),
          storeLagMs: round(await storeLagOnce(`s${samples.length}`)),
        });
      }
      await sleep(Math.max(0, opts.probeIntervalMs - (fresh[fresh.length - 1] ?? 0)));
    }
    running = false;
    const churnCpuS = cpuSecondsOf(service.pid) - cpuBeforeChurn;
    await churn;
    const achievedRate = changes / ((performance.now() - churnStart) / 1000);
    const drainMs = await storeLagOnce('after');
    const firstHalf = samples.slice(0, Math.ceil(samples.length / 2));
    const secondHalf = samples.slice(Math.ceil(samples.length / 2));
    const avg = (xs: Sample[], f: (s: Sample) => number) => round(xs.reduce((n, s) => n + f(s), 0) / Math.max(1, xs.length));
    return {
      objects,
      targetRate: rate,
      achievedRate: round(achievedRate),
      // Service CPU per change during the churn (probes and samples included) over its CPU per
      // object of the fill: work a change does beyond its own object's shows here.
      cpu: { fillS: round(fillCpuS, 2), churnS: round(churnCpuS, 2), perChangeOverFillPerObject: round(churnCpuS / changes / (fillCpuS / objects), 2) },
      seconds,
      freshness: { p50Ms: round(percentile(fresh, 50)), p90Ms: round(percentile(fresh, 90)), p99Ms: round(percentile(fresh, 99)), maxMs: round(Math.max(...fresh)), probes: fresh.length },
      baselineFreshness: { p50Ms: round(percentile(baseline, 50)), p90Ms: round(percentile(baseline, 90)), p99Ms: round(percentile(baseline, 99)) },
      storeLag: { baselineMs: round(baselineStoreLag), p50Ms: round(percentile(samples.map((s) => s.storeLagMs), 50)), maxMs: round(Math.max(...samples.map((s) => s.storeLagMs))), afterChurnMs: round(drainMs) },
      memory: { startRssMb: start.rssMb, startHeapMb: start.heapMb, firstHalfAvgRssMb: avg(firstHalf, (s) => s.rssMb), secondHalfAvgRssMb: avg(secondHalf, (s) => s.rssMb), firstHalfAvgHeapMb: avg(firstHalf, (s) => s.heapMb), secondHalfAvgHeapMb: avg(secondHalf, (s) => s.heapMb) },
      eventLoopLag: { firstHalfAvgP99Ms: avg(firstHalf, (s) => s.lagP99Ms), secondHalfAvgP99Ms: avg(secondHalf, (s) => s.lagP99Ms), maxMs: Math.max(...samples.map((s) => s.lagMaxMs)) },
      samples,
    };
  } finally {
    await service.stop();
    await sim.stop();
  }
}

/**
 * Scenario 18, idle CPU: the service's CPU time while nothing changes on a cluster of ~53,000
 * objects in one account, as % of one core, beside the same run's baseline (the same service
 * with no accounts). CPU is process time (utime + stime from /proc/{pid}/stat, every thread:
 * GC and the SQLite work included), never wall time, so a loaded machine does not inflate it.
 *
 * Phases: baseline (no accounts) → account added, filled, first snapshot written → `settle`
 * seconds → the idle window (no snapshot may run in it; checked) → snapshot windows, each from
 * just before the account's `{account}/KubernetesCoreCachingAgent` is due until its run has
 * ended plus 2 s: the first with nothing changed (skipped: the last snapshot is recent and the
 * store holds the model), then each after one pod was patched, until both a partial run (that
 * pod and the logical items) and a full one (every item) were measured. A run's own CPU is its
 * window's CPU minus the idle rate over the window's length.
 *
 * Amortized snapshot cost, per the production defaults (every 300 s, a full one every 30 min):
 * a run is never skipped at 300 s (the skip bound is half the logical items' 600 s TTL), so per
 * 1,800 s there are 5 partial runs (a quiet account's writes its logical items; the patched pod
 * adds one item) and 1 full one: (5 × partial + 1 × full) / 1,800 s.
 *
 * The bench shortens the account's `cacheIntervalSeconds` (default 130 here) and
 * `kubernetes.fullSnapshotMinutes` (2.5 intervals) only so the run does not wait 30 minutes;
 * amortization uses the production defaults.
 *
 *   npm run bench:idle [-- objects windowSeconds snapshotIntervalSeconds settleSeconds]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { cpuSecondsOf, getJson, report, round, sleep, startServiceWith, waitWatching } from './lib.js';
import { loadavg } from 'node:os';

interface Introspection {
  id: string;
  runs: number;
  failures: number;
  running: boolean;
  lastExecutionStartMs: number | null;
  lastExecutionDurationMs: number | null;
  totalAdditions: number;
  totalEvictions: number;
  lastError: string | null;
}

const DEFAULT_SNAPSHOT_INTERVAL_S = 300;
const DEFAULT_FULL_SNAPSHOT_S = 1800;
const [objectsWanted = 53_000, windowS = 60, intervalS = 130, settleS = 60] = process.argv.slice(2).map(Number);

/** % of one core used by `pid` over `seconds` of wall time (CPU time / wall time). */
async function cpuOver(pid: number, seconds: number): Promise<{ cpuS: number; wallS: number; pct: number }> {
  const c0 = cpuSecondsOf(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpuS = cpuSecondsOf(pid) - c0;
  const wallS = (performance.now() - t0) / 1000;
  return { cpuS, wallS, pct: (cpuS / wallS) * 100 };
}

async function snapshotAgent(url: string, account: string): Promise<Introspection> {
  const all = await getJson<Introspection[]>(`${url}/cache/introspection`);
  const agent = all.find((a) => a.id === `${account}/KubernetesCoreCachingAgent`);
  if (agent === undefined) throw new Error(`no snapshot agent for ${account}`);
  return agent;
}

const sim = await startKubeSim({ tls: true, controllers: false });
const deployments = Math.max(1, Math.round(objectsWanted / 13 / 10));
sim.seed('sim-1', { namespaces: 10, deployments, podsPerDeployment: 10, applications: 50 });
const cluster = sim.cluster('sim-1');
const objects = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((n, gr) => n + cluster.store.count(gr), 0);
const service = await startServiceWith({ kubernetes: { accounts: [], fullSnapshotMinutes: (2.5 * intervalS) / 60 } });
try {
  await sleep(5000); // start-up finished
  const baseline = await cpuOver(service.pid, windowS);

  const account = 'idle';
  const added = await fetch(`${service.url}/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'kubernetes', name: account, kubeconfigContents: sim.kubeconfigFor('sim-1'), cacheIntervalSeconds: intervalS }),
  });
  if (added.status !== 200) throw new Error(`account not added: ${added.status} ${await added.text()}`);
  await waitWatching(service.url, [account], 300_000, objects);
  // The first snapshot runs once the account is synced (earlier runs fail: not watching yet);
  // the idle clock starts after the first successful one.
  for (let a = await snapshotAgent(service.url, account); a.runs < 1 || a.running || a.lastError !== null; a = await snapshotAgent(service.url, account)) await sleep(500);
  await sleep(settleS * 1000);
  // The idle window must fit before the next run (the first run may have waited for the sync).
  let before = await snapshotAgent(service.url, account);
  if ((before.lastExecutionStartMs ?? 0) + intervalS * 1000 - Date.now() < (windowS + 3) * 1000) {
    const ran = before.runs;
    while (before.runs === ran || before.running) {
      await sleep(500);
      before = await snapshotAgent(service.url, account);
    }
  }
  const idle = await cpuOver(service.pid, windowS);
  const afterIdle = await snapshotAgent(service.url, account);
  if (afterIdle.runs !== before.runs) throw new Error(`a snapshot ran in the idle window; use a longer snapshot interval (${JSON.stringify({ before, afterIdle })})`);

  const idleRate = idle.cpuS / idle.wallS;
  /** CPU of the next snapshot run (its window's CPU minus the idle rate), and what it wrote. */
  const nextSnapshotRun = async (previous: Introspection): Promise<{ cpuS: number; additions: number; durationMs: number | null; error: string | null; last: Introspection }> => {
    const dueAt = (previous.lastExecutionStartMs ?? Date.now()) + intervalS * 1000;
    await sleep(Math.max(0, dueAt - Date.now() - 2000));
    const c0 = cpuSecondsOf(service.pid);
    const t0 = performance.now();
    let snap = await snapshotAgent(service.url, account);
    while (snap.runs === previous.runs || snap.running) {
      await sleep(200);
      snap = await snapshotAgent(service.url, account);
      if (performance.now() - t0 > 10 * 60_000) throw new Error('the snapshot did not run');
    }
    await sleep(2000);
    const cpuS = Math.max(0, cpuSecondsOf(service.pid) - c0 - idleRate * ((performance.now() - t0) / 1000));
    return { cpuS, additions: snap.totalAdditions - previous.totalAdditions, durationMs: snap.lastExecutionDurationMs, error: snap.lastError, last: snap };
  };
  const patchPod = (i: number): void => {
    const pod = cluster.store.list('/pods')[i];
    cluster.patch(cluster.type('', 'v1', 'pods'), pod?.metadata.namespace, pod?.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ metadata: { annotations: { 'bench/idle': 'changed' } } }));
  };
  const unchanged = await nextSnapshotRun(afterIdle);
  // Runs after a patched pod each, until one partial and one full were measured (which comes
  // first depends on when the first snapshot ran); a full one writes every object's item.
  type Run = Awaited<ReturnType<typeof nextSnapshotRun>>;
  let partial: Run | undefined;
  let full: Run | undefined;
  for (let i = 0, last = unchanged.last; (partial === undefined || full === undefined) && i < 4; i++) {
    patchPod(i);
    const run = await nextSnapshotRun(last);
    if (run.additions >= objects) full ??= run;
    else partial ??= run;
    last = run.last;
  }
  if (partial === undefined || full === undefined) throw new Error('no partial and full snapshot runs within four intervals');
  const runsPerCycle = DEFAULT_FULL_SNAPSHOT_S / DEFAULT_SNAPSHOT_INTERVAL_S;
  const amortizedPct = (((runsPerCycle - 1) * partial.cpuS + full.cpuS) / DEFAULT_FULL_SNAPSHOT_S) * 100;
  report('idleCpu', {
    objects,
    windowS,
    baselineNoAccountsPct: round(baseline.pct, 2),
    idlePct: round(idle.pct, 2),
    idleOverBaselinePct: round(idle.pct - baseline.pct, 2),
    unchangedSnapshotSkipped: unchanged.additions === 0,
    unchangedSnapshotCpuS: round(unchanged.cpuS, 3),
    partialSnapshotCpuS: round(partial.cpuS, 3),
    partialSnapshotDurationMs: partial.durationMs,
    partialSnapshotAdditions: partial.additions,
    fullSnapshotCpuS: round(full.cpuS, 3),
    fullSnapshotDurationMs: full.durationMs,
    fullSnapshotAdditions: full.additions,
    snapshotErrors: [unchanged.error, partial.error, full.error].filter((e) => e !== null),
    snapshotAmortizedPct: round(amortizedPct, 2),
    idleWithSnapshotPct: round(idle.pct + amortizedPct, 2),
    ratioToBaseline: round((idle.pct + amortizedPct) / baseline.pct, 2),
    loadAverage: loadavg().map((l) => round(l, 2)),
  });
} finally {
  await service.stop();
  await sim.stop();
}
process.exit(0);

/**
 * Shared benchmark harness: the simulator in this process, the service as a real child process
 * (`npm start` with a generated config), HTTP timing helpers, percentiles, process RSS, and a
 * results line per scenario (JSON on stdout, appended to bench/results/).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { env } from 'node:process';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { startService } from '../test/helpers/serviceProcess.js';
import type { ServiceProcess } from '../test/helpers/serviceProcess.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * CPU time (user + system, seconds) a process has used so far, every thread included, from
 * /proc/{pid}/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
 */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: fields[0] is state (field 3), so utime (14) is fields[11], stime (15) fields[12].
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * A process's main thread (the event loop) as the scheduler saw it, in seconds since it started:
 * time running on a CPU, and time runnable but waiting for one (`/proc/{pid}/task/{pid}/schedstat`).
 * Waiting time is what other processes and the process's own helper threads (V8's GC) took from
 * the event loop on a busy machine.
 */
export function mainThreadSchedOf(pid: number): { runS: number; waitS: number } {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return { runS: (run ?? NaN) / 1e9, waitS: (wait ?? NaN) / 1e9 };
  } catch {
    return { runS: NaN, waitS: NaN }; // a kernel without scheduler statistics
  }
}

/** `getconf CLK_TCK`: 100 on every Linux the benchmarks run on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** RSS and peak RSS (MB) of a process, from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number; anonMb: number; fileMb: number; shmemMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  // RSS split as the kernel counts it: anonymous (heaps), file-backed (binary, libraries), shared memory (SQLite's -shm).
  return { rssMb: round(kb('VmRSS') / 1024), peakRssMb: round(kb('VmHWM') / 1024), anonMb: round(kb('RssAnon') / 1024), fileMb: round(kb('RssFile') / 1024), shmemMb: round(kb('RssShmem') / 1024) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** GET with a keep-alive agent; resolves status, body text and latency in ms. */
export function get(url: string): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const r = await get(url);
  return JSON.parse(r.text) as T;
}

export interface RunningService {
  readonly url: string;
  readonly pid: number;
  readonly process: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * Starts the service with `config` (merged over an embedded-SQLite default in a temp dir);
 * `nodeOptions` (else `BENCH_SERVICE_NODE_OPTIONS`) becomes the process's NODE_OPTIONS.
 */
export async function startServiceWith(config: Record<string, unknown>, nodeOptions = env.BENCH_SERVICE_NODE_OPTIONS): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-bench-'));
  const file = join(dir, 'clouddriver.yml');
  // Accounts added through the API are sealed at rest, as an operator would run it: their kubeconfigs hold tokens.
  const keyFile = join(dir, 'account-storage.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64'));
  const storage = { enabled: true, allow: { servers: ['*'] }, encryption: { keyFile } };
  writeFileSync(file, toYaml({ storage: { sqlite: { path: join(dir, 'cd.db') } }, logging: { level: 'warn' }, account: { storage }, ...config }));
  const process = await startService({
    args: ['--config', file],
    ...(nodeOptions === undefined ? {} : { env: { NODE_OPTIONS: nodeOptions } }),
    // Another entry point: a profiler wrapper or another build (docs/benchmarks.md, "Profiling").
    ...(env.BENCH_SERVICE_MAIN === undefined ? {} : { main: env.BENCH_SERVICE_MAIN }),
  });
  const pid = await waitForPid(process).catch(async (e: unknown) => {
    await process.stop(); // not left running behind a failed bench
    throw e;
  });
  return { url: process.url, pid, process, stop: async () => void (await process.stop()) };
}

async function waitForPid(service: ServiceProcess): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const pid = Number(/"pid":(\d+)/.exec(service.output())?.[1]);
    if (pid) return pid;
    // Logging is at warn: ask the process tree instead.
    const child = service.child.pid;
    if (child !== undefined) {
      const found = findNodeDescendant(child);
      if (found !== undefined) return found;
    }
    await sleep(100);
  }
  throw new Error('could not find the service pid');
}

/** The deepest descendant of `pid` whose command line runs the service (dist/main.js, src/main.ts under tsx, or `BENCH_SERVICE_MAIN`). */
function findNodeDescendant(pid: number): number | undefined {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const queue = [pid];
  const main = env.BENCH_SERVICE_MAIN;
  let best: number | undefined;
  while (queue.length > 0) {
    const p = queue.shift() ?? 0;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if ((cmd.includes('dist/main.js') || cmd.includes('src/main.ts') || (main !== undefined && cmd.includes(main))) && !cmd.includes('npm')) best = p;
    } catch {
      // gone
    }
    queue.push(...children(p));
  }
  return best;
}

/** Polls `fn` every `intervalMs` until it returns true; resolves the elapsed ms. */
export async function until(fn: () => Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await fn().catch(() => false)) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

export interface HealthBody {
  status: string;
  components: { kubernetes?: { details: Record<string, { state: string; objects: number }> } };
}

/** Records a scenario result: one JSON line on stdout and in bench/results/{scenario}.jsonl. */
export function report(scenario: string, result: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, at: new Date().toISOString(), node: process.version, ...result });
  process.stdout.write(`${line}\n`);
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  appendFileSync(new URL(`${scenario}.jsonl`, dir), `${line}\n`);
}

/** Runs `clients` concurrent request loops for `durationMs`; returns latencies. */
export async function load(url: string, clients: number, durationMs: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const r = await get(url).catch(() => undefined);
        if (r === undefined || r.status !== 200) errors++;
        else latencies.push(r.ms);
      }
    }),
  );
  return { latencies, errors };
}

/** Adds a Kubernetes account through the account API. */
export async function addAccount(serviceUrl: string, name: string, kubeconfigContents: string): Promise<void> {
  const res = await fetch(`${serviceUrl}/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'kubernetes', name, kubeconfigContents }) });
  if (res.status !== 200) throw new Error(`account ${name} not added: ${res.status} ${await res.text()}`);
}

/** Waits until every named account is watching (and, when given, holds `objects` objects). */
export async function waitWatching(serviceUrl: string, names: readonly string[], timeoutMs: number, objects?: number): Promise<number> {
  return until(async () => {
    const h = await getJson<HealthBody>(`${serviceUrl}/health`);
    const d = h.components.kubernetes?.details ?? {};
    return names.every((n) => d[n]?.state === 'watching' && (objects === undefined || d[n]?.objects === objects));
  }, timeoutMs, 50);
}

/** The freshness scenarios' cluster: `sim-1` with 50 deployments (250 pods) of 10 applications, and the ReplicaSet of `fresh0` they patch. */
export async function freshnessCluster(): Promise<{ sim: KubeSim; cluster: ReturnType<KubeSim['cluster']>; rsType: ReturnType<ReturnType<KubeSim['cluster']>['type']>; rsName: string; replicas: number }> {
  const sim = await startKubeSim({ tls: true, controllers: false, bookmarkIntervalMs: 5000 });
  sim.seed('sim-1', { namespaces: 2, deployments: 50, podsPerDeployment: 5, applications: 10, appPrefix: 'fresh' });
  const cluster = sim.cluster('sim-1');
  const target = cluster.store.list('apps/replicasets', 'ns0').find((rs) => rs.metadata.annotations?.['moniker.spinnaker.io/application'] === 'fresh0');
  if (target === undefined) throw new Error('no replica set for fresh0');
  return { sim, cluster, rsType: cluster.type('apps', 'v1', 'replicasets'), rsName: target.metadata.name ?? '', replicas: (target.spec as { replicas: number }).replicas };
}

/**
 * The read-latency figures every read scenario reports: the first request alone, then `clients`
 * concurrent loops on `url` for `durationMs`, beside the same clients' `baseline` (see `load`).
 * Returns the parsed first answer too.
 */
export async function measureReads(url: string, clients: number, durationMs: number, baseline: { latencies: number[] }): Promise<{ first: unknown; figures: Record<string, number> }> {
  const first = await get(url);
  const { latencies, errors } = await load(url, clients, durationMs);
  return {
    first: JSON.parse(first.text) as unknown,
    figures: {
      clients,
      requests: latencies.length,
      errors,
      responseKb: round(first.text.length / 1024),
      firstRequestMs: round(first.ms, 2),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      baselineCredentialsP50Ms: round(percentile(baseline.latencies, 50), 2),
      baselineCredentialsP99Ms: round(percentile(baseline.latencies, 99), 2),
    },
  };
}

/**
 * The cold-fill seed for about `n` objects (§1): ten namespaces, per deployment 1 deployment +
 * 1 replica set + 1 service + 10 pods, spread over 50 applications.
 */
export function coldFillSeed(n: number): { namespaces: number; deployments: number; podsPerDeployment: number; applications: number } {
  const perDeployment = 13;
  const deployments = Math.max(1, Math.round(n / perDeployment / 10));
  return { namespaces: 10, deployments, podsPerDeployment: 10, applications: 50 };
}

/**
 * Scenario 7, deploy throughput: TOTAL deployManifest tasks (a versioned ReplicaSet and a
 * Service each) submitted to the real service with CONCURRENCY in flight, each polled on
 * `/task/{id}` as Orca does (every 50 ms here instead of Orca's seconds) → tasks per minute and
 * task latency (submit → completed seen). Same-run baseline: the same manifests written straight
 * to the simulator with server-side apply at the same concurrency (the API server's own cost).
 * Then 20 concurrent submissions with one `clientRequestId`: exactly one task and one ReplicaSet.
 *
 *   npm run bench:deploy [-- total concurrency]
 */
import http2 from 'node:http2';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, getJson, percentile, report, round, sleep, startServiceWith, waitWatching } from './lib.js';

const TOTAL = Number(process.argv[2] ?? '300');
const CONCURRENCY = Number(process.argv[3] ?? '50');

const replicaSet = (i: number, ns: string) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: `app${i}`, namespace: ns },
  spec: { replicas: 1, selector: { matchLabels: { app: `app${i}` } }, template: { metadata: { labels: { app: `app${i}` } }, spec: { containers: [{ name: 'c', image: `registry.example/app${i}` }] } } },
});
const service = (i: number, ns: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `app${i}`, namespace: ns }, spec: { selector: { [`serve-app${i}`]: 'true' }, ports: [{ port: 80 }] } });

const sim = await startKubeSim({ tls: true });
for (const ns of ['bench', 'baseline']) sim.cluster('sim-1').create(sim.cluster('sim-1').typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
const svc = await startServiceWith({ kubernetes: { accounts: [] } });
await addAccount(svc.url, 'bench', sim.kubeconfigFor('sim-1'));
await waitWatching(svc.url, ['bench'], 60_000);

async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
  return performance.now() - t0;
}

async function submit(description: Record<string, unknown>, clientRequestId?: string): Promise<string> {
  const res = await fetch(`${svc.url}/kubernetes/ops${clientRequestId === undefined ? '' : `?clientRequestId=${clientRequestId}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ deployManifest: description }]),
  });
  if (res.status !== 200) throw new Error(`submit: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

interface TaskStatus {
  status: { completed: boolean; failed: boolean };
  resultObjects: unknown[];
}

// Service: deploy tasks, polled to completion.
const latencies: number[] = [];
let failed = 0;
const causes = new Map<string, number>();
const serviceMs = await pool(TOTAL, CONCURRENCY, async (i) => {
  const t0 = performance.now();
  const id = await submit({ account: 'bench', cloudProvider: 'kubernetes', moniker: { app: `app${i}` }, manifests: [replicaSet(i, 'bench'), service(i, 'bench')], services: [`service app${i}`], requiredArtifacts: [{ type: 'docker/image', name: `registry.example/app${i}`, reference: `registry.example/app${i}:1` }] });
  for (;;) {
    const task = await getJson<TaskStatus>(`${svc.url}/task/${id}`);
    if (task.status.completed) {
      if (task.status.failed) {
        failed++;
        const message = String((task.resultObjects[0] as { message?: unknown } | undefined)?.message).replace(/app\d+/g, 'appN').slice(0, 200);
        causes.set(message, (causes.get(message) ?? 0) + 1);
      }
      break;
    }
    await sleep(50);
  }
  latencies.push(performance.now() - t0);
});

// Baseline: the same writes straight to the API server (server-side apply over one HTTP/2 connection).
const kubeconfig = sim.kubeconfigFor('sim-1');
const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? '';
const session = http2.connect(sim.serverUrl('sim-1'), { rejectUnauthorized: false });
const ssa = (path: string, body: unknown): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'PATCH', ':path': `${new URL(sim.serverUrl('sim-1')).pathname}${path}?fieldManager=bench&force=true`, authorization: `Bearer ${token}`, 'content-type': 'application/apply-patch+yaml' });
    req.on('response', (h) => {
      req.resume();
      req.on('end', () => ((h[':status'] ?? 500) < 300 ? resolve() : reject(new Error(`baseline ${path}: ${h[':status']}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
const baselineMs = await pool(TOTAL, CONCURRENCY, async (i) => {
  await ssa(`/apis/apps/v1/namespaces/baseline/replicasets/app${i}-v000`, { ...replicaSet(i, 'baseline'), metadata: { name: `app${i}-v000`, namespace: 'baseline' } });
  await ssa(`/api/v1/namespaces/baseline/services/app${i}`, service(i, 'baseline'));
});
session.close();

// Idempotency: one clientRequestId submitted 20 times at once.
const ids = await Promise.all(Array.from({ length: 20 }, () => submit({ account: 'bench', moniker: { app: 'idem' }, manifests: [replicaSet(99_999, 'bench')] }, 'bench-idempotency-1')));
await sleep(1000);
const rsList = await getJson<unknown[]>(`${svc.url}/applications/idem/serverGroups`).catch(() => []);

report('deployThroughput', {
  tasks: TOTAL,
  concurrency: CONCURRENCY,
  failed,
  ...(failed > 0 ? { failureCauses: Object.fromEntries(causes) } : {}),
  tasksPerMinute: round((TOTAL / serviceMs) * 60_000, 0),
  p50TaskMs: round(percentile(latencies, 50), 0),
  p99TaskMs: round(percentile(latencies, 99), 0),
  baselineSsaPerMinute: round((TOTAL / baselineMs) * 60_000, 0),
  ratio: round(serviceMs / baselineMs, 1),
  sameClientRequestIdSubmissions: ids.length,
  distinctTasks: new Set(ids).size,
  replicaSetsCreatedByThem: Array.isArray(rsList) ? rsList.length : -1,
});
await svc.stop();
await sim.stop();
process.exit(0);

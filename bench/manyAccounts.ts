/**
 * Scenario 5, many accounts: N accounts (default 1,000) of ~100 objects each, all in the config
 * file. Measures process start to `/health` UP, and to every account watching with all of its
 * objects. Same-run baseline: the same service start with no accounts.
 *
 *   npm run bench:accounts [-- accounts]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { getJson, memoryOf, report, round, startServiceWith, until } from './lib.js';
import type { HealthBody } from './lib.js';

const n = Number(process.argv[2] ?? '1000');
const names = Array.from({ length: n }, (_, i) => `acct-${i + 1}`);
const sim = await startKubeSim({ tls: true, clusters: names, controllers: false, bookmarkIntervalMs: 30_000 });
for (const name of names) sim.seed(name, { namespaces: 1, deployments: 7, podsPerDeployment: 12, applications: 3 });
const perAccount = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((s, gr) => s + sim.cluster(names[0] ?? '').store.count(gr), 0);

const t0 = performance.now();
const empty = await startServiceWith({ kubernetes: { accounts: [] } });
const baselineStartMs = performance.now() - t0;
await empty.stop();

const t1 = performance.now();
const service = await startServiceWith({
  kubernetes: { probeIntervalSeconds: 30, accounts: names.map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor(name) })) },
});
const healthUpMs = await until(async () => (await getJson<HealthBody>(`${service.url}/health`)).status === 'UP', 60_000).then((ms) => performance.now() - t1 - ms + ms);
let watching = 0;
const allCachedMs = await until(async () => {
  const d = (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details ?? {};
  watching = names.filter((name) => d[name]?.state === 'watching' && d[name]?.objects === perAccount).length;
  return watching === n;
}, Number(process.env.BENCH_TIMEOUT_MS ?? 300_000), 500).then(() => performance.now() - t1).catch(async (e: unknown) => {
  const d = (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details ?? {};
  process.stderr.write(`${JSON.stringify(Object.entries(d).filter(([, v]) => v.state !== "watching" || v.objects !== perAccount).slice(0, 3))}\n`);
  throw e;
});
const mem = memoryOf(service.pid);
report('manyAccounts', {
  accounts: n,
  objectsPerAccount: perAccount,
  baselineStartNoAccountsMs: round(baselineStartMs),
  healthUpMs: round(healthUpMs),
  allCachedMs: round(allCachedMs),
  rssMb: mem.rssMb,
  peakRssMb: mem.peakRssMb,
});
await service.stop();
await sim.stop();
process.exit(0);

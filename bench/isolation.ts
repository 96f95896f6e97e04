/**
 * Scenario 6, isolation: 50 accounts, once all healthy (the same-run baseline) and once with
 * one account's API server black-holed from the start. For a healthy account: freshness of a
 * change (p50/p99) and read latency of `/applications/{app}/serverGroups` (16 clients, p50/p99).
 *
 *   npm run bench:isolation [-- accounts]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { get, load, percentile, report, round, sleep, startServiceWith, waitWatching } from './lib.js';

const n = Number(process.argv[2] ?? '50');
const names = Array.from({ length: n }, (_, i) => `iso-${i + 1}`);
const sim = await startKubeSim({ tls: true, clusters: names, controllers: false });
for (const name of names) sim.seed(name, { namespaces: 1, deployments: 20, podsPerDeployment: 5, applications: 2, appPrefix: name.replace('-', '') });
const probe = names[0] ?? '';
const dead = names[n - 1] ?? '';

async function measure(blackHoled: boolean): Promise<Record<string, number>> {
  sim.setFaults(dead, blackHoled ? { blackHole: true } : {});
  const service = await startServiceWith({
    kubernetes: { probeIntervalSeconds: 5, accounts: names.map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor(name), kubectlRequestTimeoutSeconds: 5 })) },
  });
  try {
    await waitWatching(service.url, names.filter((x) => !blackHoled || x !== dead), 120_000);
    await sleep(3000);
    const cluster = sim.cluster(probe);
    const rsType = cluster.type('apps', 'v1', 'replicasets');
    const app = `${probe.replace('-', '')}0`;
    const rs = cluster.store.list('apps/replicasets').find((r) => r.metadata.annotations?.['moniker.spinnaker.io/application'] === app);
    const rsName = rs?.metadata.name ?? '';
    const url = `${service.url}/applications/${app}/serverGroups`;
    const fresh: number[] = [];
    for (let i = 0; i < 50; i++) {
      const replicas = 6 + (i % 2);
      const t0 = performance.now();
      cluster.patch(rsType, rs?.metadata.namespace, rsName, 'application/merge-patch+json', JSON.stringify({ spec: { replicas } }));
      for (;;) {
        const groups = JSON.parse((await get(url)).text) as { name: string; capacity: { desired: number } }[];
        if (groups.find((g) => g.name === `replicaSet ${rsName}`)?.capacity.desired === replicas) break;
        if (performance.now() - t0 > 10_000) throw new Error('change not visible within 10 s');
        await sleep(1);
      }
      fresh.push(performance.now() - t0);
      await sleep(20);
    }
    const reads = await load(url, 16, 5000);
    return {
      freshP50Ms: round(percentile(fresh, 50), 2),
      freshP99Ms: round(percentile(fresh, 99), 2),
      readP50Ms: round(percentile(reads.latencies, 50), 2),
      readP99Ms: round(percentile(reads.latencies, 99), 2),
      readErrors: reads.errors,
    };
  } finally {
    await service.stop();
  }
}

const healthy = await measure(false);
const withDead = await measure(true);
report('isolation', {
  accounts: n,
  baselineAllHealthy: healthy,
  oneBlackHoled: withDead,
  freshP99Ratio: round((withDead.freshP99Ms ?? 0) / (healthy.freshP99Ms ?? 1), 2),
  readP99Ratio: round((withDead.readP99Ms ?? 0) / (healthy.readP99Ms ?? 1), 2),
});
await sim.stop();
process.exit(0);

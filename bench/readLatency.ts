/**
 * Scenario 3, read latency: applications with K = 10 / 100 / 1,000 server groups (3 pods each),
 * 16 concurrent clients on `/applications/{app}/serverGroups` for a few seconds per K.
 * Same-run baseline: the same clients on `/credentials` (framework and HTTP cost only).
 *
 *   npm run bench:reads [-- seconds]
 */
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, load, measureReads, report, startServiceWith, waitWatching } from './lib.js';

const seconds = Number(process.argv[2] ?? '5');
const CLIENTS = 16;
const sizes = [10, 100, 1000];
const sim = await startKubeSim({ tls: true, controllers: false });
for (const k of sizes) sim.seed('sim-1', { namespaces: 1, namespacePrefix: `k${k}-`, deployments: k, podsPerDeployment: 3, applications: 1, appPrefix: `app${k}x` });
const service = await startServiceWith({ kubernetes: { accounts: [] } });
await addAccount(service.url, 'reads', sim.kubeconfigFor('sim-1'));
await waitWatching(service.url, ['reads'], 120_000);
// Let the write-through and the first snapshot finish so they do not skew the first size.
await new Promise((r) => setTimeout(r, 5000));

const baseline = await load(`${service.url}/credentials`, CLIENTS, seconds * 1000);
for (const k of sizes) {
  const { first, figures } = await measureReads(`${service.url}/applications/app${k}x0/serverGroups`, CLIENTS, seconds * 1000, baseline);
  report('readLatency', { serverGroups: (first as unknown[]).length, instancesPerGroup: 3, ...figures });
}
await service.stop();
await sim.stop();
process.exit(0);

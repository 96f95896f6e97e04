/**
 * Scenario 2, freshness: a change applied on the simulated cluster (a ReplicaSet's replicas) until
 * it is visible in `/applications/{app}/serverGroups`. Same-run baseline: the time until a bare
 * watch client (no cache, no API) sees the same change.
 *
 *   npm run bench:freshness [-- iterations]
 */
import https from 'node:https';
import { addAccount, freshnessCluster, get, percentile, report, round, sleep, startServiceWith, waitWatching } from './lib.js';

const iterations = Number(process.argv[2] ?? '200');
const { sim, cluster, rsType, rsName } = await freshnessCluster();

// Baseline watcher: records when each resourceVersion of the target arrives.
const seenAt = new Map<string, number>();
https.get(`${sim.serverUrl('sim-1')}/apis/apps/v1/namespaces/ns0/replicasets?watch=true&fieldSelector=metadata.name%3D${rsName}&resourceVersion=${cluster.store.resourceVersion}`, { rejectUnauthorized: false, headers: { authorization: 'Bearer sim-token-sim-1' } }, (res) => {
  let buf = '';
  res.on('data', (d: Buffer) => {
    const now = performance.now();
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const e = JSON.parse(buf.slice(0, nl)) as { object: { metadata: { resourceVersion: string } } };
      seenAt.set(e.object.metadata.resourceVersion, now);
      buf = buf.slice(nl + 1);
    }
  });
});

const service = await startServiceWith({ kubernetes: { accounts: [] } });
await addAccount(service.url, 'fresh', sim.kubeconfigFor('sim-1'));
await waitWatching(service.url, ['fresh'], 60_000);
const url = `${service.url}/applications/fresh0/serverGroups`;
const fresh: number[] = [];
const watchOnly: number[] = [];
for (let i = 0; i < iterations; i++) {
  const replicas = 5 + (i % 2) + 1;
  const t0 = performance.now();
  const updated = cluster.patch(rsType, 'ns0', rsName, 'application/merge-patch+json', JSON.stringify({ spec: { replicas } }));
  for (;;) {
    const r = await get(url);
    const groups = JSON.parse(r.text) as { name: string; capacity: { desired: number } }[];
    if (groups.find((g) => g.name === `replicaSet ${rsName}`)?.capacity.desired === replicas) break;
    if (performance.now() - t0 > 10_000) throw new Error('change not visible within 10 s');
    await sleep(1);
  }
  fresh.push(performance.now() - t0);
  const seen = seenAt.get(updated.metadata.resourceVersion ?? '');
  if (seen !== undefined) watchOnly.push(seen - t0);
  await sleep(20);
}
report('freshness', {
  iterations,
  p50Ms: round(percentile(fresh, 50), 2),
  p99Ms: round(percentile(fresh, 99), 2),
  maxMs: round(Math.max(...fresh), 2),
  baselineWatchP50Ms: round(percentile(watchOnly, 50), 2),
  baselineWatchP99Ms: round(percentile(watchOnly, 99), 2),
});
await service.stop();
await sim.stop();
process.exit(0);

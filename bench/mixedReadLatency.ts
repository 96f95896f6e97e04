/**
 * Read latency of a big application that spans Kubernetes and AWS: 16 concurrent clients for a
 * few seconds each on `/applications/{app}/serverGroups` of three applications of N server groups
 * (3 instances or pods each), same run:
 *   - `kube0`: N Kubernetes server groups (ReplicaSets) on the Kubernetes simulator;
 *   - `aws0`: N Auto Scaling groups on the AWS simulator;
 *   - `mixed0`: N/2 of each, merged by the read layer.
 * Baseline: the same clients on `/credentials` (framework and HTTP cost only).
 *
 *   npm run bench:mixed-reads [-- serverGroups seconds]
 */
import { startAwsSim } from '../src/testing/awsSim/index.js';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { addAccount, get, getJson, load, percentile, report, round, sleep, startServiceWith, until, waitWatching } from './lib.js';

const [n, seconds] = [1000, 5].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number];
const CLIENTS = 16;
const REGION = 'us-east-1';

const kube = await startKubeSim({ tls: true, controllers: false });
kube.seed('sim-1', { namespaces: 1, namespacePrefix: 'kube-', deployments: n, podsPerDeployment: 3, applications: 1, appPrefix: 'kube' });
kube.seed('sim-1', { namespaces: 1, namespacePrefix: 'mixed-', deployments: n / 2, podsPerDeployment: 3, applications: 1, appPrefix: 'mixed' });
const aws = await startAwsSim({ accounts: 1, regions: [REGION], seed: 'demo' });
aws.seedFleet({ applications: 1, groupsPerApplication: n, instancesPerGroup: 3, targetGroups: true, appPrefix: 'aws' });
aws.seedFleet({ applications: 1, groupsPerApplication: n / 2, instancesPerGroup: 3, targetGroups: true, appPrefix: 'mixed' });
const keys = aws.accounts[0];
if (keys === undefined) throw new Error('no simulator account');
process.env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const service = await startServiceWith({ kubernetes: { accounts: [] }, aws: { endpoint: aws.endpoint, accounts: [{ name: 'prod', accountId: keys.accountId, regions: [REGION], rateLimit: 0 }] } });
try {
  await addAccount(service.url, 'k8s', kube.kubeconfigFor('sim-1'));
  await waitWatching(service.url, ['k8s'], 120_000);
  await until(async () => (await getJson<{ components: { aws?: { details: Record<string, { state: string }> } } }>(`${service.url}/health`)).components.aws?.details.prod?.state === 'ok', 10 * 60_000, 200);
  // Let the write-through and first snapshots settle.
  await sleep(5000);
  const baseline = await load(`${service.url}/credentials`, CLIENTS, seconds * 1000);
  for (const app of ['kube0', 'aws0', 'mixed0']) {
    const url = `${service.url}/applications/${app}/serverGroups`;
    const first = await get(url);
    const groups = JSON.parse(first.text) as { type?: string; cloudProvider?: string }[];
    const { latencies, errors } = await load(url, CLIENTS, seconds * 1000);
    report('mixedReadLatency', {
      application: app,
      serverGroups: groups.length,
      byProvider: groups.reduce<Record<string, number>>((m, g) => ({ ...m, [g.cloudProvider ?? g.type ?? '?']: (m[g.cloudProvider ?? g.type ?? '?'] ?? 0) + 1 }), {}),
      clients: CLIENTS,
      requests: latencies.length,
      errors,
      responseKb: round(first.text.length / 1024),
      firstRequestMs: round(first.ms, 2),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      baselineCredentialsP50Ms: round(percentile(baseline.latencies, 50), 2),
      baselineCredentialsP99Ms: round(percentile(baseline.latencies, 99), 2),
    });
  }
} finally {
  await service.stop();
  await kube.stop();
  await aws.close();
}

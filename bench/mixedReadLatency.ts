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
import { addAccount, getJson, load, measureReads, report, sleep, startServiceWith, until, waitWatching } from './lib.js';

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
    const { first, figures } = await measureReads(`${service.url}/applications/${app}/serverGroups`, CLIENTS, seconds * 1000, baseline);
    const groups = first as { type?: string; cloudProvider?: string }[];
    const byProvider: Record<string, number> = {};
    for (const g of groups) byProvider[g.cloudProvider ?? g.type ?? '?'] = (byProvider[g.cloudProvider ?? g.type ?? '?'] ?? 0) + 1;
    report('mixedReadLatency', { application: app, serverGroups: groups.length, byProvider, ...figures });
  }
} finally {
  await service.stop();
  await kube.stop();
  await aws.close();
}

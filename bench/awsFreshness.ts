/**
 * AWS freshness: a change made with the real AWS CLI (`aws autoscaling
 * update-auto-scaling-group --desired-capacity N`) → visible as `capacity.desired` in
 * `/applications/{app}/serverGroups` of the service (compiled, separate process), two ways:
 *   - polling: nothing tells the service; it sees the change when ClusterCachingAgent next runs
 *     (every 60 s, as Clouddriver's AWS agents), so the figure is bounded by the interval;
 *   - on-demand: the client then asks `POST /cache/aws/serverGroup` (what Orca's
 *     ServerGroupCacheForceRefreshTask does after an operation) and reads once.
 * Baselines, same run: the CLI call itself, and a bare SDK DescribeAutoScalingGroups of the group
 * right after it (AWS's own read of the change). The region holds G groups (`fleet` apps of 10).
 *
 *   npm run bench:aws-freshness [-- pollingIterations onDemandIterations groups]
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { startAwsSim } from '../src/testing/awsSim/index.js';
import { awsCliFor } from '../test/helpers/awsCli.js';
import { ensureBuilt } from '../test/helpers/serviceProcess.js';
import { get, getJson, percentile, report, round, sleep, startServiceWith, until } from './lib.js';

const [pollingIterations, onDemandIterations, groups] = [5, 50, 200].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number, number];
const REGION = 'us-east-1';
const APP = 'fleet0';
const GROUP = `${APP}-main-v000`;

ensureBuilt();
const sim = await startAwsSim({ accounts: 1, regions: [REGION], seed: 'demo', autoTickMs: 200 });
sim.seedFleet({ regions: [REGION], applications: Math.max(1, groups / 10), groupsPerApplication: Math.min(10, groups), instancesPerGroup: 1, targetGroups: true, appPrefix: 'fleet' });
const keys = sim.accounts[0];
if (keys === undefined) throw new Error('no simulator account');
process.env.AWS_ACCESS_KEY_ID = keys.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = keys.secretAccessKey;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
const cli = awsCliFor(sim.endpoint, keys, REGION);
const sdk = new AutoScalingClient({ endpoint: sim.endpoint, region: REGION, credentials: keys });

const svc = await startServiceWith({ logging: { level: 'error' }, aws: { endpoint: sim.endpoint, accounts: [{ name: 'prod', accountId: keys.accountId, regions: [REGION] }] } });
const desiredOf = async (): Promise<number | undefined> => {
  const list = await getJson<{ name: string; capacity: { desired: number } }[]>(`${svc.url}/applications/${APP}/serverGroups`);
  return list.find((g) => g.name === GROUP)?.capacity.desired;
};

/** One change with the CLI; returns its own duration and the bare SDK read's. */
async function change(desired: number): Promise<{ cliMs: number; sdkMs: number }> {
  const t0 = performance.now();
  await cli.json(['autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', GROUP, '--min-size', '0', '--max-size', '10', '--desired-capacity', String(desired)]);
  const t1 = performance.now();
  const r = await sdk.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
  if (r.AutoScalingGroups?.[0]?.DesiredCapacity !== desired) throw new Error('AWS did not show the change at once');
  return { cliMs: t1 - t0, sdkMs: performance.now() - t1 };
}

try {
  await until(async () => (await desiredOf()) !== undefined, 5 * 60_000, 200);
  const polling: number[] = [];
  const onDemand: number[] = [];
  const cli: number[] = [];
  const bare: number[] = [];
  let desired = 1;
  for (let i = 0; i < pollingIterations; i++) {
    desired = desired === 1 ? 2 : 1;
    // Changes land at arbitrary points of the agent's 60 s cycle (the previous one ended right after a run).
    await sleep(Math.random() * 60_000);
    const t0 = performance.now();
    const c = await change(desired);
    cli.push(c.cliMs);
    bare.push(c.sdkMs);
    const target = desired;
    await until(async () => (await desiredOf()) === target, 5 * 60_000, 50);
    polling.push(performance.now() - t0 - c.cliMs);
  }
  for (let i = 0; i < onDemandIterations; i++) {
    desired = desired === 1 ? 2 : 1;
    const c = await change(desired);
    cli.push(c.cliMs);
    bare.push(c.sdkMs);
    const t0 = performance.now();
    const res = await fetch(`${svc.url}/cache/aws/serverGroup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: 'prod', region: REGION, serverGroupName: GROUP }) });
    if (res.status !== 200) throw new Error(`on-demand answered ${res.status}: ${await res.text()}`);
    const seen = await desiredOf();
    if (seen !== desired) throw new Error(`on-demand refresh did not show the change (${seen} != ${desired})`);
    onDemand.push(performance.now() - t0);
  }
  const stats = (v: number[]) => ({ p50: round(percentile(v, 50)), p99: round(percentile(v, 99)), max: round(Math.max(...v)) });
  const readOnce = await get(`${svc.url}/applications/${APP}/serverGroups`);
  report('aws-freshness', {
    groups,
    agentIntervalSeconds: 60,
    polling: { iterations: pollingIterations, ...stats(polling) },
    onDemand: { iterations: onDemandIterations, ...stats(onDemand) },
    baselineCli: stats(cli),
    baselineSdkDescribe: stats(bare),
    readApplicationServerGroupsMs: round(readOnce.ms),
  });
} finally {
  sdk.destroy();
  await svc.stop();
  await sim.close();
}

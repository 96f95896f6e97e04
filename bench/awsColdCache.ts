/**
 * AWS cold cache: the service (compiled, separate process, embedded SQLite store) starts with
 * N accounts × R regions on the AWS simulator, each region holding G Auto Scaling groups of I
 * instances (one launch template per group, one ALB + target group per 10 groups), under the
 * simulator's per-account, per-service rate limit (a token bucket, like AWS's API throttling).
 * Measured: spawn → every account's agents have all run once (`/health`: state `ok`) and every
 * server group is in the read API.
 *
 * Baseline, same run: the bare describe calls the agents make (the same calls, page sizes and
 * per-item calls, one sequence per agent, all agents at once), through the same SDK clients with
 * the same per-account rate limiter (`AwsClients`), with no transformation, store or scheduler.
 *
 *   npm run bench:aws-coldcache [-- accounts regions groups instances]
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AutoScalingClient} from '@aws-sdk/client-auto-scaling';
import { DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand, DescribePoliciesCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand, DescribeInstanceHealthCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { AwsClients } from '../src/providers/aws/client/AwsClients.js';
import { allPages } from '../src/providers/aws/caching/AwsAgentBase.js';
import { startAwsSim } from '../src/testing/awsSim/index.js';
import { ensureBuilt } from '../test/helpers/serviceProcess.js';
import { getJson, memoryOf, report, round, startServiceWith, until } from './lib.js';

const [accounts, regionCount, groups, instances] = [20, 3, 500, 3].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number, number, number];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'].slice(0, regionCount);
/** The simulator's limit per account and service (AWS's EC2 non-mutating bucket refills at 20/s). */
const SIM_LIMIT = { requestsPerSecond: 20, burst: 100 };
/** The service's own per-account, per-service limit (`aws.accounts[].rateLimit`, default 10/s). */
const CLIENT_RATE = 10;
const GROUPS_PER_APP = 10;

ensureBuilt();
const sim = await startAwsSim({ accounts, regions: REGIONS, seed: 'demo' });
const t0 = performance.now();
for (const a of sim.accounts) {
  sim.seedFleet({ accounts: [a.accountId], regions: REGIONS, applications: Math.max(1, Math.floor(groups / GROUPS_PER_APP)), groupsPerApplication: Math.min(groups, GROUPS_PER_APP), instancesPerGroup: instances, targetGroups: true, appPrefix: 'fleet' });
}
const seedMs = performance.now() - t0;
sim.faults.set({ rateLimit: SIM_LIMIT });
const first = sim.accounts[0];
if (first === undefined) throw new Error('no simulator account');
process.env.AWS_ACCESS_KEY_ID = first.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = first.secretAccessKey;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
const accountName = (i: number) => `acct${String(i).padStart(2, '0')}`;

/** The describe calls of one account's agents in one region, as the agents page them; returns the request count. */
async function bareDescribes(clients: AwsClients, region: string): Promise<number> {
  let requests = 0;
  const count = <T>(p: Promise<T>): Promise<T> => {
    requests++;
    return p;
  };
  const ec2: EC2Client = clients.ec2(region);
  const as: AutoScalingClient = clients.autoScaling(region);
  const elbv2 = clients.elbv2(region);
  const elb = clients.elb(region);
  const cw: CloudWatchClient = clients.cloudWatch(region);
  const sequences: (() => Promise<unknown>)[] = [
    // ClusterCachingAgent
    async () => {
      await allPages(async (NextToken) => { const r = await count(as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100, NextToken }))); return { items: r.AutoScalingGroups, next: r.NextToken }; });
      await allPages(async (NextToken) => { const r = await count(as.send(new DescribePoliciesCommand({ MaxRecords: 100, NextToken }))); return { items: r.ScalingPolicies, next: r.NextToken }; });
      await allPages(async (NextToken) => { const r = await count(as.send(new DescribeScheduledActionsCommand({ MaxRecords: 100, NextToken }))); return { items: r.ScheduledUpdateGroupActions, next: r.NextToken }; });
      await allPages(async (NextToken) => { const r = await count(cw.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken }))); return { items: r.MetricAlarms, next: r.NextToken }; });
      await allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeSubnetsCommand({ MaxResults: 1000, NextToken }))); return { items: r.Subnets, next: r.NextToken }; });
    },
    // LaunchConfigCachingAgent
    () => allPages(async (NextToken) => { const r = await count(as.send(new DescribeLaunchConfigurationsCommand({ MaxRecords: 100, NextToken }))); return { items: r.LaunchConfigurations, next: r.NextToken }; }),
    // AmazonLaunchTemplateCachingAgent: the templates, then every template's $Default and $Latest versions
    async () => {
      await allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken }))); return { items: r.LaunchTemplates, next: r.NextToken }; });
      await allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Default', '$Latest'], MaxResults: 200, NextToken }))); return { items: r.LaunchTemplateVersions, next: r.NextToken }; });
    },
    // InstanceCachingAgent
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken }))); return { items: r.Reservations, next: r.NextToken }; }),
    // AmazonLoadBalancerCachingAgent + AmazonLoadBalancerInstanceStateCachingAgent (no classic ELBs in the fleet: one call each)
    () => count(elb.send(new DescribeClassicCommand({ PageSize: 400 }))),
    async () => {
      const r = await count(elb.send(new DescribeClassicCommand({ PageSize: 400 })));
      for (const lb of r.LoadBalancerDescriptions ?? []) await count(elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lb.LoadBalancerName })));
    },
    // AmazonApplicationLoadBalancerCachingAgent
    async () => {
      const lbs = await allPages(async (Marker) => { const r = await count(elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }))); return { items: r.LoadBalancers, next: r.NextMarker }; });
      const tgs = await allPages(async (Marker) => { const r = await count(elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 400, Marker }))); return { items: r.TargetGroups, next: r.NextMarker }; });
      const arns = [...lbs.map((l) => l.LoadBalancerArn ?? ''), ...tgs.map((t) => t.TargetGroupArn ?? '')];
      for (let i = 0; i < arns.length; i += 20) await count(elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) })));
      for (const lb of lbs) {
        await count(elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn })));
        const listeners = await allPages(async (Marker) => { const r = await count(elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn, PageSize: 400, Marker }))); return { items: r.Listeners, next: r.NextMarker }; });
        for (const l of listeners) await allPages(async (Marker) => { const r = await count(elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn, PageSize: 400, Marker }))); return { items: r.Rules, next: r.NextMarker }; });
      }
      for (const tg of tgs) {
        await count(elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn })));
        await count(elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn })));
      }
    },
    // AmazonSecurityGroupCachingAgent, ImageCachingAgent, Subnet/Vpc/KeyPair/InstanceType/ElasticIp/Certificate agents
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken }))); return { items: r.SecurityGroups, next: r.NextToken }; }),
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000, NextToken }))); return { items: r.Images, next: r.NextToken }; }),
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeSubnetsCommand({ MaxResults: 1000, NextToken }))); return { items: r.Subnets, next: r.NextToken }; }),
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken }))); return { items: r.Vpcs, next: r.NextToken }; }),
    () => count(ec2.send(new DescribeKeyPairsCommand({}))),
    () => allPages(async (NextToken) => { const r = await count(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 100, NextToken }))); return { items: r.InstanceTypes, next: r.NextToken }; }),
    () => count(ec2.send(new DescribeAddressesCommand({}))),
    () => allPages(async (Marker) => { const r = await count(clients.iam(region).send(new ListServerCertificatesCommand({ Marker }))); return { items: r.ServerCertificateMetadataList, next: r.IsTruncated === true ? r.Marker : undefined }; }),
  ];
  await Promise.all(sequences.map((s) => s()));
  return requests;
}

async function baseline(): Promise<{ ms: number; requests: number }> {
  const start = performance.now();
  const counts = await Promise.all(
    sim.accounts.map(async (a, i) => {
      const clients = new AwsClients({ endpoint: sim.endpoint, accountId: a.accountId, ...(i === 0 ? {} : { assumeRole: 'role/spinnakerManaged' }), rateLimit: CLIENT_RATE, maxAttempts: 10 });
      try {
        return (await Promise.all(REGIONS.map((r) => bareDescribes(clients, r)))).reduce((x, y) => x + y, 0);
      } finally {
        clients.close();
      }
    }),
  );
  return { ms: performance.now() - start, requests: counts.reduce((x, y) => x + y, 0) };
}

interface AwsHealth {
  components: { aws?: { details: Record<string, { state: string; agents: number; failingAgents: number; lastError?: string }> } };
}

async function service(): Promise<Record<string, unknown>> {
  const spawned = performance.now();
  const svc = await startServiceWith({
    logging: { level: 'error' },
    aws: {
      endpoint: sim.endpoint,
      accounts: sim.accounts.map((a, i) => ({ name: accountName(i), accountId: a.accountId, regions: REGIONS, rateLimit: CLIENT_RATE, maxAttempts: 10, ...(i === 0 ? {} : { assumeRole: 'role/spinnakerManaged' }) })),
    },
  });
  let peakRss = 0;
  try {
    let last: Record<string, { state: string }> = {};
    await until(async () => {
      peakRss = Math.max(peakRss, memoryOf(svc.pid).rssMb);
      last = (await getJson<AwsHealth>(`${svc.url}/health`)).components.aws?.details ?? {};
      return Object.keys(last).length === accounts && Object.values(last).every((d) => d.state === 'ok');
    }, 30 * 60_000, 250);
    const cachedMs = performance.now() - spawned;
    const apps = await getJson<{ name: string }[]>(`${svc.url}/applications`);
    const one = await getJson<unknown[]>(`${svc.url}/applications/${apps[0]?.name ?? 'fleet0'}/serverGroups`);
    const failing = Object.values(last).filter((d) => d.state !== 'ok').length;
    return { cachedSeconds: round(cachedMs / 1000, 2), applications: apps.length, serverGroupsOfFirstApp: one.length, failingAccounts: failing, peakRssMb: round(peakRss, 0), rssAfterMb: round(memoryOf(svc.pid).rssMb, 0) };
  } finally {
    await svc.stop();
  }
}

try {
  const base = await baseline();
  const svc = await service();
  const ratio = round(Number(svc.cachedSeconds) / (base.ms / 1000), 2);
  report('aws-coldcache', {
    accounts,
    regions: REGIONS.length,
    groupsPerRegion: groups,
    instancesPerGroup: instances,
    totalGroups: accounts * REGIONS.length * groups,
    totalInstances: accounts * REGIONS.length * groups * instances,
    seedSeconds: round(seedMs / 1000, 2),
    simRateLimit: SIM_LIMIT,
    clientRateLimit: CLIENT_RATE,
    baselineSeconds: round(base.ms / 1000, 2),
    baselineRequests: base.requests,
    ...svc,
    ratio,
  });
} finally {
  await sim.close();
}

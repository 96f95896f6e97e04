/**
 * Clouddriver's `ClusterCachingAgent` (clouddriver-aws `provider/agent/ClusterCachingAgent`):
 * Auto Scaling groups of one account and region, with their scaling policies (and the CloudWatch
 * alarms behind them), scheduled actions and the VPC of their subnets, cached as server groups
 * (authoritative) and the clusters and applications their Frigga names imply (informative, as
 * upstream). Server groups link to their instances, launch configuration or template, classic
 * load balancers and target groups.
 */
import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand, DescribeScheduledActionsCommand, type AutoScalingGroup, type ScalingPolicy, type ScheduledUpdateGroupAction } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeSubnetsCommand, type Subnet } from '@aws-sdk/client-ec2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { tagMap, toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { parseName } from '../names.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

/** `ArnUtils.extractTargetGroupName`: `...:targetgroup/{name}/{hash}`. */
export function targetGroupNameOf(arn: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m?.[1] ?? arn;
}

/** The `purpose` in a subnet's `immutable_metadata` tag (Clouddriver's subnet type). */
export function subnetPurpose(subnet: Subnet): string | undefined {
  const raw = tagMap(subnet.Tags).immutable_metadata;
  if (raw === undefined) return undefined;
  try {
    const purpose = (JSON.parse(raw) as { purpose?: unknown }).purpose;
    return typeof purpose === 'string' ? purpose : undefined;
  } catch {
    return undefined;
  }
}

export class ClusterCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [
    { typeName: T.serverGroups, authority: 'AUTHORITATIVE' },
    { typeName: T.clusters, authority: 'INFORMATIVE' },
    { typeName: T.applications, authority: 'INFORMATIVE' },
  ];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'ClusterCachingAgent');
  }

  protected async load(ctx: AgentContext): Promise<CacheResult> {
    const { signal } = ctx;
    const as = this.credentials.clients.autoScaling(this.region);
    const opts = { abortSignal: signal };
    const groups = await allPages<AutoScalingGroup>(async (NextToken) => {
      const r = await as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100, NextToken }), opts);
      return { items: r.AutoScalingGroups, next: r.NextToken };
    }, signal);
    const policies = await allPages<ScalingPolicy>(async (NextToken) => {
      const r = await as.send(new DescribePoliciesCommand({ MaxRecords: 100, NextToken }), opts);
      return { items: r.ScalingPolicies, next: r.NextToken };
    }, signal);
    const scheduled = await allPages<ScheduledUpdateGroupAction>(async (NextToken) => {
      const r = await as.send(new DescribeScheduledActionsCommand({ MaxRecords: 100, NextToken }), opts);
      return { items: r.ScheduledUpdateGroupActions, next: r.NextToken };
    }, signal);
    const cw = this.credentials.clients.cloudWatch(this.region);
    const alarms = policies.some((p) => (p.Alarms ?? []).length > 0)
      ? await allPages<MetricAlarm>(async (NextToken) => {
          const r = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken }), opts);
          return { items: r.MetricAlarms, next: r.NextToken };
        }, signal)
      : [];
    const ec2 = this.credentials.clients.ec2(this.region);
    const subnets = await allPages<Subnet>(async (NextToken) => {
      const r = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 1000, NextToken }), opts);
      return { items: r.Subnets, next: r.NextToken };
    }, signal);

    const alarmsByName = new Map(alarms.map((a) => [a.AlarmName ?? '', a]));
    const policiesByGroup = groupBy(policies, (p) => p.AutoScalingGroupName);
    const scheduledByGroup = groupBy(scheduled, (s) => s.AutoScalingGroupName);
    const subnetsById = new Map(subnets.map((s) => [s.SubnetId ?? '', s]));

    const serverGroups: CacheData[] = [];
    const clusters = new Map<string, { app: string; cluster: string; serverGroups: string[]; loadBalancers: Set<string>; targetGroups: Set<string> }>();
    const applications = new Map<string, { serverGroups: string[]; clusters: Set<string>; loadBalancers: Set<string> }>();

    for (const asg of groups) {
      const name = asg.AutoScalingGroupName;
      if (name === undefined) continue;
      const names = parseName(name);
      const app = names.app.toLowerCase();
      const groupSubnets = (asg.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      const vpcId = groupSubnets.map((s) => subnetsById.get(s)?.VpcId).find((v) => v !== undefined);
      const subnetType = groupSubnets.map((s) => subnetsById.get(s)).map((s) => (s === undefined ? undefined : subnetPurpose(s))).find((p) => p !== undefined);
      const sgKey = awsKeys.serverGroup(name, this.account, this.region);
      const clusterKey = awsKeys.cluster(app, this.account, names.cluster);
      const appKey = awsKeys.application(app);
      const lbKeys = (asg.LoadBalancerNames ?? []).map((lb) => awsKeys.loadBalancer(this.account, this.region, lb, vpcId));
      const tgNames = (asg.TargetGroupARNs ?? []).map(targetGroupNameOf);
      // Upstream assumes instance targets for a group's target groups (`TargetTypeEnum.Instance`).
      const tgKeys = tgNames.map((tg) => awsKeys.targetGroup(this.account, this.region, tg, 'instance', vpcId));
      const lt = asg.LaunchTemplate ?? asg.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
      const launchKeys: Record<string, string[]> = asg.LaunchConfigurationName
        ? { [T.launchConfigs]: [awsKeys.launchConfig(this.account, this.region, asg.LaunchConfigurationName)] }
        : lt?.LaunchTemplateName
          ? { [T.launchTemplates]: [awsKeys.launchTemplate(this.account, this.region, lt.LaunchTemplateName)] }
          : {};
      const scalingPolicies = (policiesByGroup.get(name) ?? []).map((p) => ({
        ...(toBean(p) as Record<string, unknown>),
        alarms: (p.Alarms ?? []).map((a) => alarmsByName.get(a.AlarmName ?? '')).filter((a) => a !== undefined).map((a) => toBean(a)),
      }));
      serverGroups.push(
        cacheData(
          sgKey,
          {
            name,
            application: app,
            cluster: names.cluster,
            account: this.account,
            region: this.region,
            asg: toBean(asg),
            ...(asg.LaunchConfigurationName ? { launchConfigName: asg.LaunchConfigurationName } : {}),
            ...(lt ? { launchTemplate: toBean(lt) } : {}),
            ...(asg.MixedInstancesPolicy ? { mixedInstancesPolicy: toBean(asg.MixedInstancesPolicy) } : {}),
            ...(vpcId ? { vpcId } : {}),
            ...(subnetType ? { subnetType } : {}),
            scalingPolicies,
            scheduledActions: (scheduledByGroup.get(name) ?? []).map((s) => toBean(s)),
            targetGroupNames: tgNames,
            loadBalancerNames: asg.LoadBalancerNames ?? [],
          },
          {
            [T.applications]: [appKey],
            [T.clusters]: [clusterKey],
            [T.instances]: (asg.Instances ?? []).map((i) => awsKeys.instance(this.account, this.region, i.InstanceId ?? '')),
            [T.loadBalancers]: lbKeys,
            [T.targetGroups]: tgKeys,
            ...launchKeys,
          },
        ),
      );
      let cluster = clusters.get(clusterKey);
      if (!cluster) clusters.set(clusterKey, (cluster = { app, cluster: names.cluster, serverGroups: [], loadBalancers: new Set(), targetGroups: new Set() }));
      cluster.serverGroups.push(sgKey);
      lbKeys.forEach((k) => cluster.loadBalancers.add(k));
      tgKeys.forEach((k) => cluster.targetGroups.add(k));
      let application = applications.get(appKey);
      if (!application) applications.set(appKey, (application = { serverGroups: [], clusters: new Set(), loadBalancers: new Set() }));
      application.serverGroups.push(sgKey);
      application.clusters.add(clusterKey);
      lbKeys.forEach((k) => application.loadBalancers.add(k));
    }

    return {
      cacheResults: {
        [T.serverGroups]: serverGroups,
        [T.clusters]: [...clusters].map(([key, c]) =>
          cacheData(key, { name: c.cluster, application: c.app, accountName: this.account }, { [T.applications]: [awsKeys.application(c.app)], [T.serverGroups]: c.serverGroups, [T.loadBalancers]: [...c.loadBalancers], [T.targetGroups]: [...c.targetGroups] }),
        ),
        [T.applications]: [...applications].map(([key, a]) =>
          cacheData(key, { name: parseAppFromKey(key) }, { [T.clusters]: [...a.clusters], [T.serverGroups]: a.serverGroups, [T.loadBalancers]: [...a.loadBalancers] }),
        ),
      },
      introspectionDetails: { serverGroups: serverGroups.length, scalingPolicies: policies.length },
    };
  }
}

function parseAppFromKey(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

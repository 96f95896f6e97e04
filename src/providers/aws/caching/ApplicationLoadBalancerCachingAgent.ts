/**
 * Clouddriver's `AmazonApplicationLoadBalancerCachingAgent`: application and network load
 * balancers with attributes, tags, listeners and their rules (actions naming target groups by
 * name, zones as names with their subnets beside); target groups with attributes and
 * the health of their targets; and `TargetGroup` health per instance (healthy → Up, initial →
 * Starting, draining → Draining, unused → OutOfService, else Down).
 */
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type Listener,
  type LoadBalancer,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { tagMap, toBean } from '../javaBean.js';
import { HEALTH, awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages, chunks } from './AwsAgentBase.js';

export function targetHealthState(state: string | undefined): string {
  switch (state) {
    case 'healthy':
      return 'Up';
    case 'initial':
      return 'Starting';
    case 'draining':
      return 'Draining';
    case 'unused':
      return 'OutOfService';
    default:
      return 'Down';
  }
}

/** Listener and rule actions as upstream caches them: `targetGroupArn` replaced by `targetGroupName`. */
function withTargetGroupNames(actions: unknown): unknown {
  if (!Array.isArray(actions)) return actions;
  return actions.map((a) => {
    if (typeof a !== 'object' || a === null) return a;
    const { targetGroupArn, ...rest } = a as Record<string, unknown>;
    if (typeof targetGroupArn !== 'string') return a;
    return { ...rest, targetGroupName: targetGroupArn.split('/')[1] ?? targetGroupArn };
  });
}

/** `deletionProtection`, `loadBalancingCrossZone` and `idleTimeout`, read from the attributes when AWS reports them. */
function loadBalancerAttributeFields(attributes: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const protection = attributes['deletion_protection.enabled'];
  if (protection !== undefined) out.deletionProtection = protection.toLowerCase() === 'true';
  const crossZone = attributes['load_balancing.cross_zone.enabled'];
  if (crossZone !== undefined) out.loadBalancingCrossZone = crossZone.toLowerCase() === 'true';
  const idle = attributes['idle_timeout.timeout_seconds'];
  if (idle !== undefined && /^\d+$/.test(idle)) out.idleTimeout = Number(idle);
  return out;
}

export class ApplicationLoadBalancerCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [
    { typeName: T.loadBalancers, authority: 'AUTHORITATIVE' },
    { typeName: T.targetGroups, authority: 'AUTHORITATIVE' },
    { typeName: T.health, authority: 'AUTHORITATIVE' },
  ];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonApplicationLoadBalancerCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const elb = this.credentials.clients.elbv2(this.region);
    const opts = { abortSignal: signal };
    const lbs = await allPages<LoadBalancer>(async (Marker) => {
      const r = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }), opts);
      return { items: r.LoadBalancers, next: r.NextMarker };
    }, signal);
    const tgs = await allPages<TargetGroup>(async (Marker) => {
      const r = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 400, Marker }), opts);
      return { items: r.TargetGroups, next: r.NextMarker };
    }, signal);
    const arns = [...lbs.map((l) => l.LoadBalancerArn), ...tgs.map((t) => t.TargetGroupArn)].filter((a): a is string => a !== undefined);
    const tags = new Map<string, Record<string, string>>();
    for (const batch of chunks(arns, 20)) {
      const r = await elb.send(new DescribeTagsCommand({ ResourceArns: batch }), opts);
      for (const d of r.TagDescriptions ?? []) if (d.ResourceArn) tags.set(d.ResourceArn, tagMap(d.Tags));
    }
    const lbByArn = new Map(lbs.map((l) => [l.LoadBalancerArn ?? '', l]));

    const loadBalancers: CacheData[] = [];
    for (const lb of lbs) {
      if (lb.LoadBalancerArn === undefined || lb.LoadBalancerName === undefined) continue;
      const attrs = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }), opts);
      const listeners = await allPages<Listener>(async (Marker) => {
        const r = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn, PageSize: 400, Marker }), opts);
        return { items: r.Listeners, next: r.NextMarker };
      }, signal);
      const listenerBeans = [];
      for (const l of listeners) {
        const rules = await allPages<Rule>(async (Marker) => {
          const r = await elb.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn, PageSize: 400, Marker }), opts);
          return { items: r.Rules, next: r.NextMarker };
        }, signal);
        const { loadBalancerArn: _arn, ...listener } = toBean(l) as Record<string, unknown>;
        listenerBeans.push({ ...listener, loadBalancerName: lb.LoadBalancerName, defaultActions: withTargetGroupNames(listener.defaultActions), rules: rules.map((r) => { const rule = toBean(r) as Record<string, unknown>; return { ...rule, actions: withTargetGroupNames(rule.actions) }; }) });
      }
      const myTgs = tgs.filter((t) => (t.LoadBalancerArns ?? []).includes(lb.LoadBalancerArn ?? ''));
      const attributes = Object.fromEntries((attrs.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? '']));
      loadBalancers.push(
        cacheData(
          awsKeys.loadBalancer(this.account, this.region, lb.LoadBalancerName, lb.VpcId, lb.Type),
          {
            ...(toBean(lb) as Record<string, unknown>),
            account: this.account,
            region: this.region,
            // Upstream caches zone names and the subnets beside them ("the format we expect").
            availabilityZones: (lb.AvailabilityZones ?? []).map((z) => z.ZoneName ?? null),
            subnets: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? null),
            attributes,
            ...loadBalancerAttributeFields(attributes),
            listeners: listenerBeans,
            targetGroups: myTgs.map((t) => t.TargetGroupName),
            tags: tags.get(lb.LoadBalancerArn) ?? {},
          },
          { [T.targetGroups]: myTgs.map((t) => awsKeys.targetGroup(this.account, this.region, t.TargetGroupName ?? '', t.TargetType ?? 'instance', t.VpcId)) },
        ),
      );
    }

    const targetGroups: CacheData[] = [];
    const healthByInstance = new Map<string, Record<string, unknown>[]>();
    for (const tg of tgs) {
      if (tg.TargetGroupArn === undefined || tg.TargetGroupName === undefined) continue;
      const attrs = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }), opts);
      const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }), opts);
      const targets = health.TargetHealthDescriptions ?? [];
      const instanceIds = targets.map((t) => t.Target?.Id).filter((i): i is string => i !== undefined);
      if ((tg.TargetType ?? 'instance') === 'instance') {
        for (const t of targets) {
          const id = t.Target?.Id;
          if (id === undefined) continue;
          const list = healthByInstance.get(id) ?? [];
          list.push({ targetGroupName: tg.TargetGroupName, port: t.Target?.Port ?? null, state: t.TargetHealth?.State ?? 'unavailable', reason: t.TargetHealth?.Reason ?? null, description: t.TargetHealth?.Description ?? null, healthState: targetHealthState(t.TargetHealth?.State) });
          healthByInstance.set(id, list);
        }
      }
      const lbNames = (tg.LoadBalancerArns ?? []).map((a) => lbByArn.get(a)).filter((l) => l !== undefined);
      targetGroups.push(
        cacheData(
          awsKeys.targetGroup(this.account, this.region, tg.TargetGroupName, tg.TargetType ?? 'instance', tg.VpcId),
          {
            ...(toBean(tg) as Record<string, unknown>),
            account: this.account,
            region: this.region,
            attributes: Object.fromEntries((attrs.Attributes ?? []).map((a) => [a.Key ?? '', a.Value ?? ''])),
            loadBalancerNames: lbNames.map((l) => l.LoadBalancerName),
            instances: instanceIds,
            targetHealthDescriptions: targets.map((t) => toBean(t)),
            tags: tags.get(tg.TargetGroupArn) ?? {},
          },
          {
            [T.loadBalancers]: lbNames.map((l) => awsKeys.loadBalancer(this.account, this.region, l.LoadBalancerName ?? '', l.VpcId, l.Type)),
            [T.instances]: instanceIds.map((i) => awsKeys.instance(this.account, this.region, i)),
          },
        ),
      );
    }

    const health = [...healthByInstance].map(([id, groups]) =>
      cacheData(awsKeys.health(id, this.account, this.region, HEALTH.targetGroup), {
        type: 'TargetGroup',
        instanceId: id,
        targetGroups: groups,
        state: worst(groups.map((g) => String(g.healthState))),
      }),
    );
    return { cacheResults: { [T.loadBalancers]: loadBalancers, [T.targetGroups]: targetGroups, [T.health]: health }, introspectionDetails: { loadBalancers: loadBalancers.length, targetGroups: targetGroups.length } };
  }
}

/** An instance's state over its target groups: any Down wins, then Draining, OutOfService, Starting; Up only when all are. */
function worst(states: readonly string[]): string {
  for (const s of ['Down', 'Draining', 'OutOfService', 'Starting']) if (states.includes(s)) return s;
  return 'Up';
}

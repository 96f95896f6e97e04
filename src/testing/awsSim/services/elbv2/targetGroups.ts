/**
 * ELBv2 target groups and targets: Create/Describe/Modify/DeleteTargetGroup, target group
 * attributes, RegisterTargets/DeregisterTargets and DescribeTargetHealth with the documented
 * states and reason codes (initial/Elb.RegistrationInProgress, healthy, unhealthy/
 * Target.FailedHealthChecks or Target.InvalidState, unused/Target.NotInUse or
 * Target.NotRegistered, draining/Target.DeregistrationInProgress).
 * docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 */
import { AwsError, validationError } from '../../errors.js';
import { bool, int, obj, objects, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { RegisteredTarget, TargetGroup } from '../../state.js';
import { deregisterTarget, registerTarget } from '../lbMembership.js';
import { NAME, loadBalancersOf, markerPage, setTags, targetGroup } from './common.js';

const TG_ATTRIBUTE_DEFAULTS: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'slow_start.duration_seconds': '0',
  'load_balancing.algorithm.type': 'round_robin',
  'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
};

/** Network (TCP, UDP, TCP_UDP, TLS) target groups have their own attributes, as do Lambda ones. */
const NETWORK_TG_ATTRIBUTE_DEFAULTS: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'deregistration_delay.connection_termination.enabled': 'false',
  'proxy_protocol_v2.enabled': 'false',
  'preserve_client_ip.enabled': 'true',
  'stickiness.enabled': 'false',
  'stickiness.type': 'source_ip',
  'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
};
const LAMBDA_TG_ATTRIBUTE_DEFAULTS: Record<string, string> = { 'lambda.multi_value_headers.enabled': 'false' };

function attributeDefaults(tg: TargetGroup): Record<string, string> {
  if (tg.targetType === 'lambda') return LAMBDA_TG_ATTRIBUTE_DEFAULTS;
  return ['TCP', 'UDP', 'TCP_UDP', 'TLS'].includes(tg.protocol ?? '') ? NETWORK_TG_ATTRIBUTE_DEFAULTS : TG_ATTRIBUTE_DEFAULTS;
}

export function renderTargetGroup(ctx: RequestContext, tg: TargetGroup): Record<string, unknown> {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    ...tg.health,
    LoadBalancerArns: loadBalancersOf(ctx.region.elbv2, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: 'ipv4',
  };
}

const REASONS: Record<string, { Reason?: string; Description?: string }> = {
  initial: { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' },
  healthy: {},
  unhealthy: { Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
  unused: { Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' },
  draining: { Reason: 'Target.DeregistrationInProgress', Description: 'Target deregistration is in progress' },
};

function describeTarget(ctx: RequestContext, tg: TargetGroup, t: RegisteredTarget): Record<string, unknown> {
  const instance = ctx.region.ec2.instances.get(t.id);
  const invalid = t.state === 'unhealthy' && instance !== undefined && instance.state !== 'running';
  return {
    Target: { Id: t.id, Port: t.port },
    HealthCheckPort: tg.health.HealthCheckPort === 'traffic-port' ? String(t.port) : tg.health.HealthCheckPort,
    TargetHealth: { State: t.state, ...(invalid ? { Reason: 'Target.InvalidState', Description: `Target is in the ${instance.state === 'terminated' ? 'terminated' : 'stopped'} state` } : REASONS[t.state]) },
  };
}

export const targetGroupActions: Record<string, ActionHandler> = {
  CreateTargetGroup: (ctx, p) => {
    const name = str(p, 'Name') ?? '';
    if (!NAME.test(name)) throw validationError(`Target group name '${name}' can have a maximum of 32 characters, can contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen`);
    const targetType = str(p, 'TargetType') ?? 'instance';
    const protocol = str(p, 'Protocol');
    const port = int(p, 'Port');
    const vpcId = str(p, 'VpcId');
    if (targetType !== 'lambda' && (protocol === undefined || port === undefined || vpcId === undefined)) throw validationError('A protocol, port and VPC ID must be specified for this target type');
    if (vpcId !== undefined && !ctx.region.ec2.vpcs.has(vpcId)) throw validationError(`The VPC ID '${vpcId}' is not found`);
    const http = protocol === 'HTTP' || protocol === 'HTTPS';
    const health: TargetGroup['health'] = {
      HealthCheckProtocol: str(p, 'HealthCheckProtocol') ?? (http ? protocol : 'TCP'),
      HealthCheckPort: str(p, 'HealthCheckPort') ?? 'traffic-port',
      HealthCheckEnabled: bool(p, 'HealthCheckEnabled') ?? true,
      HealthCheckIntervalSeconds: int(p, 'HealthCheckIntervalSeconds') ?? 30,
      HealthCheckTimeoutSeconds: int(p, 'HealthCheckTimeoutSeconds') ?? (http ? 5 : 10),
      HealthyThresholdCount: int(p, 'HealthyThresholdCount') ?? 5,
      UnhealthyThresholdCount: int(p, 'UnhealthyThresholdCount') ?? 2,
      ...(http ? { HealthCheckPath: str(p, 'HealthCheckPath') ?? '/', Matcher: { HttpCode: str(obj(p, 'Matcher') ?? {}, 'HttpCode') ?? '200' } } : {}),
    };
    const existing = [...ctx.region.elbv2.targetGroups.values()].find((t) => t.name === name);
    if (existing !== undefined) {
      if (existing.protocol === protocol && existing.port === port && existing.vpcId === vpcId) return { TargetGroups: [renderTargetGroup(ctx, existing)] };
      throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
    }
    const tg: TargetGroup = {
      arn: `arn:aws:elasticloadbalancing:${ctx.region.name}:${ctx.account.id}:targetgroup/${name}/${ctx.world.hex(16)}`,
      name,
      ...(protocol === undefined ? {} : { protocol }),
      ...(port === undefined ? {} : { port }),
      ...(vpcId === undefined ? {} : { vpcId }),
      targetType,
      ...(http ? { protocolVersion: str(p, 'ProtocolVersion') ?? 'HTTP1' } : {}),
      health,
      attributes: new Map(),
      targets: new Map(),
    };
    ctx.region.elbv2.targetGroups.set(tg.arn, tg);
    setTags(ctx.region.elbv2, tg.arn, objects(p, 'Tags'));
    return { TargetGroups: [renderTargetGroup(ctx, tg)] };
  },

  DescribeTargetGroups: (ctx, p) => {
    const arns = strings(p, 'TargetGroupArns');
    const names = strings(p, 'Names');
    const lbArn = str(p, 'LoadBalancerArn');
    let groups = [...ctx.region.elbv2.targetGroups.values()];
    if (arns.length > 0) groups = arns.map((a) => targetGroup(ctx, a));
    if (names.length > 0) groups = names.map((n) => targetGroup(ctx, groups.find((g) => g.name === n)?.arn));
    if (lbArn !== undefined) {
      if (!ctx.region.elbv2.loadBalancers.has(lbArn)) throw new AwsError('LoadBalancerNotFound', `One or more load balancers not found`);
      groups = groups.filter((g) => loadBalancersOf(ctx.region.elbv2, g.arn).includes(lbArn));
    }
    const page = markerPage(ctx, p, groups);
    return { TargetGroups: page.items.map((g) => renderTargetGroup(ctx, g)), NextMarker: page.next };
  },

  ModifyTargetGroup: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    const h = tg.health;
    h.HealthCheckProtocol = str(p, 'HealthCheckProtocol') ?? h.HealthCheckProtocol;
    h.HealthCheckPort = str(p, 'HealthCheckPort') ?? h.HealthCheckPort;
    h.HealthCheckPath = str(p, 'HealthCheckPath') ?? h.HealthCheckPath;
    h.HealthCheckEnabled = bool(p, 'HealthCheckEnabled') ?? h.HealthCheckEnabled;
    h.HealthCheckIntervalSeconds = int(p, 'HealthCheckIntervalSeconds') ?? h.HealthCheckIntervalSeconds;
    h.HealthCheckTimeoutSeconds = int(p, 'HealthCheckTimeoutSeconds') ?? h.HealthCheckTimeoutSeconds;
    h.HealthyThresholdCount = int(p, 'HealthyThresholdCount') ?? h.HealthyThresholdCount;
    h.UnhealthyThresholdCount = int(p, 'UnhealthyThresholdCount') ?? h.UnhealthyThresholdCount;
    const matcher = obj(p, 'Matcher');
    if (matcher !== undefined) h.Matcher = { HttpCode: str(matcher, 'HttpCode') ?? '200' };
    return { TargetGroups: [renderTargetGroup(ctx, tg)] };
  },

  DeleteTargetGroup: (ctx, p) => {
    const arn = str(p, 'TargetGroupArn') ?? '';
    if (!ctx.region.elbv2.targetGroups.has(arn)) return {};
    if (loadBalancersOf(ctx.region.elbv2, arn).length > 0) throw new AwsError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    ctx.region.elbv2.targetGroups.delete(arn);
    ctx.region.elbv2.tags.delete(arn);
    return {};
  },

  DescribeTargetGroupAttributes: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    return { Attributes: Object.entries({ ...attributeDefaults(tg), ...Object.fromEntries(tg.attributes) }).map(([Key, Value]) => ({ Key, Value })) };
  },

  ModifyTargetGroupAttributes: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    const attrs = objects(p, 'Attributes');
    for (const a of attrs) {
      const key = str(a, 'Key') ?? '';
      if (!(key in attributeDefaults(tg))) throw validationError(`Target group attribute key '${key}' is not recognized`);
    }
    for (const a of attrs) tg.attributes.set(str(a, 'Key') ?? '', str(a, 'Value') ?? '');
    return { Attributes: Object.entries({ ...attributeDefaults(tg), ...Object.fromEntries(tg.attributes) }).map(([Key, Value]) => ({ Key, Value })) };
  },

  RegisterTargets: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    const targets = objects(p, 'Targets');
    if (targets.length === 0) throw validationError("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
    if (tg.targetType === 'instance') {
      const invalid = targets.map((t) => str(t, 'Id') ?? '').filter((id) => ctx.region.ec2.instances.get(id) === undefined || ctx.region.ec2.instances.get(id)?.state === 'terminated');
      if (invalid.length > 0) throw new AwsError('InvalidTarget', `The following targets are not valid: '${invalid.join("', '")}'`);
      const stopped = targets.map((t) => str(t, 'Id') ?? '').filter((id) => ctx.region.ec2.instances.get(id)?.state !== 'running' && ctx.region.ec2.instances.get(id)?.state !== 'pending');
      if (stopped.length > 0) throw new AwsError('InvalidTarget', `The following targets are not in a running state and cannot be registered: '${stopped.join("', '")}'`);
    }
    for (const t of targets) registerTarget(ctx.region, tg.arn, str(t, 'Id') ?? '', int(t, 'Port'), ctx.world.tickCount);
    return {};
  },

  DeregisterTargets: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    const targets = objects(p, 'Targets');
    const unknown = targets.map((t) => str(t, 'Id') ?? '').filter((id) => ![...tg.targets.values()].some((x) => x.id === id));
    if (unknown.length > 0) throw new AwsError('InvalidTarget', `The following targets are not registered in target group '${tg.arn}': '${unknown.join("', '")}'`);
    for (const t of targets) deregisterTarget(ctx.region, tg.arn, str(t, 'Id') ?? '', int(t, 'Port'), ctx.world.tickCount);
    return {};
  },

  DescribeTargetHealth: (ctx, p) => {
    const tg = targetGroup(ctx, str(p, 'TargetGroupArn'));
    const asked = objects(p, 'Targets');
    if (asked.length === 0) return { TargetHealthDescriptions: [...tg.targets.values()].map((t) => describeTarget(ctx, tg, t)) };
    return {
      TargetHealthDescriptions: asked.flatMap((a) => {
        const id = str(a, 'Id') ?? '';
        const port = int(a, 'Port');
        const found = [...tg.targets.values()].filter((t) => t.id === id && (port === undefined || t.port === port));
        if (found.length > 0) return found.map((t) => describeTarget(ctx, tg, t));
        if (tg.targetType === 'instance' && ctx.region.ec2.instances.get(id) === undefined) throw new AwsError('InvalidTarget', `The following targets are not valid: '${id}'`);
        return [{ Target: { Id: id, Port: port ?? tg.port }, HealthCheckPort: String(port ?? tg.port), TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' } }];
      }),
    };
  },
};

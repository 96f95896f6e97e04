/**
 * Application and network load balancers (`UpsertAmazonLoadBalancerV2AtomicOperation`, phase
 * `CREATE_ELB_V2`, and `LoadBalancerV2UpsertHandler`, phase `UPSERT_ELB_V2`): per region, create
 * the load balancer or find it by name, then converge it on the description — security groups,
 * attributes (idle timeout, deletion protection, cross-zone), target groups (a changed port or
 * protocol means delete and recreate; health checks and attributes modified in place),
 * listeners by port (created, modified with their default actions and certificates, removed)
 * and their rules (replaced when they differ). Failures are collected and reported together.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  SetIpAddressTypeCommand,
  SetSecurityGroupsCommand,
  type Action,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type ProtocolEnum,
  type Rule,
  type RuleCondition,
  type TargetGroup,
  type TargetGroupAttribute,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import type { LoadBalancerResult } from './classicLoadBalancer.js';
import { loadBalancerNameOf, v2Listeners, type UpsertLoadBalancerDescription, type V2Action, type V2Listener, type V2TargetGroup } from './loadBalancerDescriptions.js';
import { SecurityGroupLookup } from './securityGroupLookup.js';
import { defaultSubnetIdsForZones, securityGroupIds, subnetIdsForZones } from './subnets.js';
import { AwsOperationError, awsErrorCode, awsErrorMessage } from './support.js';

const PHASE = 'CREATE_ELB_V2';
const HANDLER_PHASE = 'UPSERT_ELB_V2';

type Status = (s: string) => Promise<void>;

interface Run {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly lb: LoadBalancer;
  readonly ctx: OperationContext;
  readonly status: Status;
  readonly errors: string[];
  readonly opts: { abortSignal: AbortSignal };
}

const errorText = (err: unknown): string => `${awsErrorCode(err) ?? 'Error'}: ${awsErrorMessage(err)}`;

async function fail(run: Run, message: string): Promise<void> {
  run.errors.push(message);
  await run.status(message);
}

/** Target group attributes from the description (`createTargetGroupAttributes` fills defaults on create; `modifyTargetGroupAttributes` sends only what is set). */
function targetGroupAttributes(tg: V2TargetGroup, lbType: string | undefined, creating: boolean): TargetGroupAttribute[] {
  const a = tg.attributes;
  if (a == null) return [];
  const out: TargetGroupAttribute[] = [];
  const put = (Key: string, value: string | number | boolean | null | undefined, fallback: string | undefined): void => {
    const v = value ?? (creating ? fallback : undefined);
    if (v !== undefined && v !== null) out.push({ Key, Value: String(v) });
  };
  if (tg.targetType.toLowerCase() === 'lambda') {
    put('lambda.multi_value_headers.enabled', a.multiValueHeadersEnabled, 'false');
    return out;
  }
  put('deregistration_delay.timeout_seconds', a.deregistrationDelay, '300');
  if (lbType === 'application') {
    put('stickiness.enabled', a.stickinessEnabled, 'false');
    put('stickiness.type', a.stickinessType, 'lb_cookie');
    put('stickiness.lb_cookie.duration_seconds', a.stickinessDuration, '86400');
  }
  if (lbType === 'network') {
    put('proxy_protocol_v2.enabled', a.proxyProtocolV2, 'false');
    put('deregistration_delay.connection_termination.enabled', a.deregistrationDelayConnectionTermination, 'false');
  }
  return out;
}

async function applyTargetGroupAttributes(run: Run, tg: TargetGroup, attributes: TargetGroupAttribute[]): Promise<void> {
  if (attributes.length === 0) return;
  try {
    await run.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: attributes }), run.opts);
    await run.status(`Modified target group ${tg.TargetGroupName ?? ''} attributes.`);
  } catch (err) {
    await fail(run, `Failed to modify attributes for target group ${tg.TargetGroupName ?? ''} - reason: ${errorText(err)}.`);
  }
}

/** Health check settings of a target group; HTTP(S) checks of TCP groups take no matcher or timeout and equal thresholds. */
function healthCheck(tg: V2TargetGroup): Record<string, unknown> {
  const protocol = tg.healthCheckProtocol?.toUpperCase();
  const out: Record<string, unknown> = {
    HealthCheckIntervalSeconds: tg.healthCheckInterval,
    ...(tg.healthCheckPort == null ? {} : { HealthCheckPort: tg.healthCheckPort }),
    ...(protocol === undefined ? {} : { HealthCheckProtocol: protocol as ProtocolEnum }),
    HealthyThresholdCount: tg.healthyThreshold,
    UnhealthyThresholdCount: tg.unhealthyThreshold,
  };
  if (protocol === 'HTTP' || protocol === 'HTTPS') {
    if (tg.healthCheckPath != null) out.HealthCheckPath = tg.healthCheckPath;
    if (tg.protocol?.toUpperCase() === 'TCP') out.UnhealthyThresholdCount = tg.healthyThreshold;
    else Object.assign(out, { Matcher: { HttpCode: tg.healthCheckMatcher }, HealthCheckTimeoutSeconds: tg.healthCheckTimeout });
  }
  return out;
}

async function createTargetGroups(run: Run, wanted: readonly V2TargetGroup[]): Promise<TargetGroup[]> {
  const name = run.lb.LoadBalancerName ?? '';
  const created: TargetGroup[] = [];
  for (const tg of wanted) {
    const lambda = tg.targetType.toLowerCase() === 'lambda';
    try {
      const input = lambda
        ? { Name: tg.name ?? '', TargetType: 'lambda' as const, HealthCheckIntervalSeconds: tg.healthCheckInterval, HealthCheckTimeoutSeconds: tg.healthCheckTimeout, HealthyThresholdCount: tg.healthyThreshold, UnhealthyThresholdCount: tg.unhealthyThreshold, Matcher: { HttpCode: tg.healthCheckMatcher }, ...(tg.healthCheckPath == null ? {} : { HealthCheckPath: tg.healthCheckPath }) }
        : { Name: tg.name ?? '', Protocol: tg.protocol?.toUpperCase() as ProtocolEnum, Port: tg.port ?? undefined, VpcId: run.lb.VpcId, TargetType: tg.targetType as TargetGroup['TargetType'], ...healthCheck(tg) };
      const out = (await run.elbv2.send(new CreateTargetGroupCommand(input), run.opts)).TargetGroups?.[0];
      await run.status(lambda ? `Lambda Target group created in ${name} (${tg.name ?? ''}).` : `Target group created in ${name} (${tg.name ?? ''}:${tg.port ?? ''}:${tg.protocol ?? ''}).`);
      if (out === undefined) continue;
      created.push(out);
      await applyTargetGroupAttributes(run, out, targetGroupAttributes(tg, run.lb.Type, true));
    } catch (err) {
      await fail(run, `Failed to create target group ${tg.name ?? ''} for ${name} - reason: ${errorText(err)}.`);
    }
  }
  return created;
}

/**
 * An action config as Deck sends it (the AWS SDK v1 bean: `statusCode`, `clientId`, ...) in the
 * SDK v3 member names (`StatusCode`, `ClientId`); values, including maps such as
 * `authenticationRequestExtraParams`, are kept as they are.
 */
function sdkMembers(config: Record<string, unknown> | null | undefined): Record<string, unknown> | undefined {
  if (config == null) return undefined;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]));
}

/** Actions with target group names resolved to ARNs, ordered as given (`getAmazonActionsFromDescription`). */
async function actionsOf(run: Run, actions: readonly V2Action[], groups: readonly TargetGroup[]): Promise<Action[]> {
  const out: Action[] = [];
  for (const [i, a] of actions.entries()) {
    if (a.type === 'forward') {
      const tg = groups.find((g) => g.TargetGroupName === a.targetGroupName);
      if (tg === undefined) await fail(run, `Target group name ${a.targetGroupName ?? ''} not found when trying to create action`);
      else out.push({ Type: 'forward', TargetGroupArn: tg.TargetGroupArn, Order: i + 1 });
    } else if (a.type === 'authenticate-oidc') {
      out.push({ Type: 'authenticate-oidc', AuthenticateOidcConfig: sdkMembers(a.authenticateOidcActionConfig) as Action['AuthenticateOidcConfig'], Order: i + 1 });
    } else if (a.type === 'redirect') {
      out.push({ Type: 'redirect', RedirectConfig: sdkMembers(a.redirectActionConfig) as Action['RedirectConfig'], Order: i + 1 });
    }
  }
  return out;
}

interface WantedRule {
  readonly priority: number;
  readonly actions: Action[];
  readonly conditions: RuleCondition[];
}

const conditionKey = (c: RuleCondition): string => JSON.stringify([c.Field, [...(c.Values ?? c.HttpRequestMethodConfig?.Values ?? c.HostHeaderConfig?.Values ?? c.PathPatternConfig?.Values ?? [])].sort()]);
const actionKey = (a: Action): string => JSON.stringify([a.Type, a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? null, a.Order ?? null]);
const ruleKey = (priority: string | number | undefined, actions: readonly Action[], conditions: readonly RuleCondition[]): string =>
  JSON.stringify([String(priority), actions.map(actionKey).sort(), conditions.map(conditionKey).sort()]);

async function createRules(run: Run, listenerArn: string, listener: V2Listener, rules: readonly WantedRule[]): Promise<boolean> {
  for (const r of rules) {
    try {
      await run.elbv2.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: r.priority, Actions: r.actions, Conditions: r.conditions }), run.opts);
    } catch (err) {
      await fail(run, `Failed to add rule to listener ${run.lb.LoadBalancerName ?? ''} (${listener.port ?? ''}:${listener.protocol ?? ''}) reason: ${errorText(err)}.`);
      return false;
    }
  }
  return true;
}

async function removeListeners(run: Run, listeners: readonly Listener[]): Promise<void> {
  for (const l of listeners) {
    try {
      await run.elbv2.send(new DeleteListenerCommand({ ListenerArn: l.ListenerArn }), run.opts);
      await run.status(`Listener removed from ${run.lb.LoadBalancerName ?? ''} (${l.Port ?? ''}:${l.Protocol ?? ''}).`);
    } catch (err) {
      if (awsErrorCode(err) !== 'ListenerNotFound') throw err;
      await run.status(`Failed to delete listener ${l.ListenerArn ?? ''}. Listener could not be found. ${errorText(err)}`);
    }
  }
}

const certificatesOf = (l: V2Listener) => (l.certificates ?? []).filter((c) => c.certificateArn != null).map((c) => ({ CertificateArn: c.certificateArn ?? '' }));

/** `LoadBalancerV2UpsertHandler.updateLoadBalancer`. */
async function converge(run: Run, d: UpsertLoadBalancerDescription, groups: readonly string[]): Promise<void> {
  const { elbv2, lb, opts } = run;
  const name = lb.LoadBalancerName ?? '';
  const arn = lb.LoadBalancerArn ?? '';
  const handlerStatus = run.status;
  if (lb.Type === 'application') {
    if (lb.VpcId && groups.length === 0) {
      const err = new Error(`Load balancer ${name} must have at least one security group`);
      err.name = 'IllegalArgumentException';
      throw err;
    }
    if (groups.length > 0) {
      await elbv2.send(new SetSecurityGroupsCommand({ LoadBalancerArn: arn, SecurityGroups: [...groups] }), opts);
      await handlerStatus(`Security groups updated on ${name}.`);
    }
  }
  if (d.ipAddressType !== lb.IpAddressType && (lb.Type === 'application' || lb.Type === 'network')) {
    await elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: arn, IpAddressType: (lb.Scheme === 'internal' ? 'ipv4' : d.ipAddressType) as 'ipv4' }), opts);
    await handlerStatus(`IP Address type updated ${name}.`);
  }

  const current = (await elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }), opts)).Attributes ?? [];
  const currentValue = (key: string) => current.find((a) => a.Key === key)?.Value;
  const attributes: { Key: string; Value: string }[] = [];
  if (lb.Type === 'application' && currentValue('idle_timeout.timeout_seconds') !== String(d.idleTimeout)) {
    await handlerStatus(`Setting idle timeout on ${name} to ${d.idleTimeout}.`);
    attributes.push({ Key: 'idle_timeout.timeout_seconds', Value: String(d.idleTimeout) });
  }
  const protection = String(d.deletionProtection ?? false);
  if (currentValue('deletion_protection.enabled') !== protection) {
    await handlerStatus(`Setting deletion protection on ${name} to ${protection}.`);
    attributes.push({ Key: 'deletion_protection.enabled', Value: protection });
  }
  if (lb.Type === 'network' && d.loadBalancingCrossZone != null && currentValue('load_balancing.cross_zone.enabled') !== String(d.loadBalancingCrossZone)) {
    await handlerStatus(`Setting Cross-Zone Load Balancing on ${name} to ${d.loadBalancingCrossZone}.`);
    attributes.push({ Key: 'load_balancing.cross_zone.enabled', Value: String(d.loadBalancingCrossZone) });
  }
  if (attributes.length > 0) await elbv2.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: attributes }), opts);

  const existingGroups = (await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn }), opts)).TargetGroups ?? [];
  let existingListeners = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: arn }), opts)).Listeners ?? [];
  const rulesOf = new Map<string, Rule[]>();
  for (const l of existingListeners) rulesOf.set(l.ListenerArn ?? '', (await elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }), opts)).Rules ?? []);

  // A target group's port and protocol cannot change: one that differs is deleted and recreated.
  const sameGroup = (w: V2TargetGroup, g: TargetGroup) => w.name === g.TargetGroupName && w.port === g.Port && (w.protocol ?? '').toUpperCase() === (g.Protocol ?? '');
  const groupsToRemove = existingGroups.filter((g) => !d.targetGroups.some((w) => sameGroup(w, g)));
  const groupsToUpdate = existingGroups.filter((g) => d.targetGroups.some((w) => sameGroup(w, g)));
  const groupsToCreate = d.targetGroups.filter((w) => !existingGroups.some((g) => sameGroup(w, g)));
  const removedArns = new Set(groupsToRemove.map((g) => g.TargetGroupArn));
  const usingRemoved = existingListeners.filter((l) => (rulesOf.get(l.ListenerArn ?? '') ?? []).some((r) => (r.Actions ?? []).some((a) => removedArns.has(a.TargetGroupArn))));
  await removeListeners(run, usingRemoved);
  existingListeners = existingListeners.filter((l) => !usingRemoved.includes(l));

  const liveGroups = [...existingGroups];
  for (const g of groupsToRemove) {
    try {
      await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: g.TargetGroupArn }), opts);
      liveGroups.splice(liveGroups.indexOf(g), 1);
      await handlerStatus(`Target group removed from ${name} (${g.TargetGroupName ?? ''}:${g.Port ?? ''}:${g.Protocol ?? ''}).`);
    } catch (err) {
      if (awsErrorCode(err) !== 'ResourceInUse') throw err;
      await fail(run, `Failed to delete target group ${g.TargetGroupName ?? ''} from ${name} - reason: ${errorText(err)}.`);
    }
  }
  liveGroups.push(...(await createTargetGroups(run, groupsToCreate)));
  for (const g of groupsToUpdate) {
    const w = d.targetGroups.find((t) => t.name === g.TargetGroupName);
    if (w === undefined) continue;
    await elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: g.TargetGroupArn, ...healthCheck(w) }), opts);
    await handlerStatus(`Target group updated in ${name} (${g.TargetGroupName ?? ''}:${g.Port ?? ''}:${g.Protocol ?? ''}).`);
    await applyTargetGroupAttributes(run, g, targetGroupAttributes(w, lb.Type, false));
  }

  const { listeners } = v2Listeners(d);
  const defaultActions = new Map<V2Listener, Action[]>();
  const wantedRules = new Map<V2Listener, WantedRule[]>();
  for (const l of listeners) {
    defaultActions.set(l, await actionsOf(run, l.defaultActions, liveGroups));
    const rules: WantedRule[] = [];
    for (const r of l.rules) {
      const conditions = r.conditions.map((c): RuleCondition => (c.field === 'http-request-method' ? { Field: c.field, HttpRequestMethodConfig: { Values: c.values } } : { Field: c.field, Values: c.values }));
      rules.push({ priority: Number(r.priority), actions: await actionsOf(run, r.actions, liveGroups), conditions });
    }
    wantedRules.set(l, rules);
  }

  const listenersToRemove = existingListeners.filter((e) => !listeners.some((l) => l.port === e.Port));
  const listenersToUpdate = existingListeners.filter((e) => listeners.some((l) => l.port === e.Port));
  for (const l of listeners.filter((w) => !existingListeners.some((e) => e.Port === w.port))) {
    try {
      const created = await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: arn,
          Port: l.port ?? undefined,
          Protocol: l.protocol?.toUpperCase() as ProtocolEnum,
          ...(certificatesOf(l).length > 0 ? { Certificates: certificatesOf(l) } : {}),
          ...(l.sslPolicy == null ? {} : { SslPolicy: l.sslPolicy }),
          DefaultActions: defaultActions.get(l) ?? [],
        }),
        opts,
      );
      await handlerStatus(`Listener added to ${name} (${l.port ?? ''}:${l.protocol ?? ''}).`);
      const listenerArn = created.Listeners?.[0]?.ListenerArn;
      if (listenerArn !== undefined) await createRules(run, listenerArn, l, wantedRules.get(l) ?? []);
    } catch (err) {
      await fail(run, `Failed to add listener to ${name} (${l.port ?? ''}:${l.protocol ?? ''}) - reason: ${errorText(err)}.`);
    }
  }
  for (const e of listenersToUpdate) {
    const l = listeners.find((w) => w.port === e.Port);
    if (l === undefined) continue;
    const listenerArn = e.ListenerArn ?? '';
    try {
      await elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: listenerArn,
          Protocol: l.protocol?.toUpperCase() as ProtocolEnum,
          ...(certificatesOf(l).length > 0 ? { Certificates: certificatesOf(l) } : {}),
          ...(l.sslPolicy == null ? {} : { SslPolicy: l.sslPolicy }),
          DefaultActions: defaultActions.get(l) ?? [],
        }),
        opts,
      );
      await handlerStatus(`Listener ${listenerArn} updated (${l.port ?? ''}:${l.protocol ?? ''}).`);
    } catch (err) {
      await fail(run, `Failed to modify listener ${listenerArn} (${l.port ?? ''}:${l.protocol ?? ''}) - reason: ${errorText(err)}.`);
    }
    // Rules are compared as a set; any difference replaces them all.
    const existingRules = (rulesOf.get(listenerArn) ?? []).filter((r) => r.IsDefault !== true);
    const wanted = wantedRules.get(l) ?? [];
    const have = existingRules.map((r) => ruleKey(r.Priority, r.Actions ?? [], r.Conditions ?? [])).sort();
    const want = wanted.map((r) => ruleKey(r.priority, r.actions, r.conditions)).sort();
    if (JSON.stringify(have) !== JSON.stringify(want)) {
      for (const r of existingRules) {
        try {
          await elbv2.send(new DeleteRuleCommand({ RuleArn: r.RuleArn }), opts);
        } catch {
          // Already gone: the new rules can still be created.
        }
      }
      await createRules(run, listenerArn, l, wanted);
    }
  }
  if (run.errors.length === 0) await removeListeners(run, listenersToRemove);
  if (run.errors.length > 0) throw new AwsOperationError('Failed to apply all load balancer updates', run.errors);
}

async function findV2(elbv2: ElasticLoadBalancingV2Client, name: string, signal: AbortSignal): Promise<LoadBalancer | undefined> {
  try {
    return (await elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }), { abortSignal: signal })).LoadBalancers?.[0];
  } catch (err) {
    if (awsErrorCode(err) === 'LoadBalancerNotFound') return undefined;
    throw err;
  }
}

/** `UpsertAmazonLoadBalancerV2AtomicOperation.operate` for one region. */
export async function upsertV2InRegion(deps: AwsOperationDeps, creds: AwsCredentials, d: UpsertLoadBalancerDescription, region: string, zones: readonly string[], ctx: OperationContext): Promise<LoadBalancerResult> {
  const status = (s: string) => ctx.task.updateStatus(PHASE, s);
  const handlerStatus = (s: string) => ctx.task.updateStatus(HANDLER_PHASE, s);
  const opts = { abortSignal: ctx.signal };
  const name = loadBalancerNameOf(d);
  const isInternal = d.isInternal ?? d.subnetType?.includes('internal') ?? false;
  await status(`Beginning deployment to ${region} in [${zones.join(', ')}] for ${name}`);
  const elbv2 = creds.clients.elbv2(region);
  const ec2 = creds.clients.ec2(region);
  const vpcId = await new SecurityGroupLookup(deps, region, ctx.signal).vpcFor(d.account, d.vpcId);
  const groups = await securityGroupIds(ec2, d.securityGroups ?? [], vpcId, ctx.signal);

  let lb = await findV2(elbv2, name, ctx.signal);
  const errors: string[] = [];
  if (lb === undefined) {
    await status(`Creating ${name} of type ${d.loadBalancerType} in ${d.account}:${region}...`);
    const subnetIds = d.subnetType == null ? await defaultSubnetIdsForZones(ec2, zones, vpcId) : await subnetIdsForZones(ec2, zones, d.subnetType);
    if (subnetIds.length > 0) await handlerStatus(`Subnets: [${subnetIds.join(', ')}]`);
    await handlerStatus('Creating load balancer.');
    try {
      const out = await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: name,
          Type: d.loadBalancerType === 'network' ? 'network' : 'application',
          IpAddressType: (isInternal ? 'ipv4' : d.ipAddressType) as 'ipv4',
          ...(subnetIds.length > 0 ? { Subnets: subnetIds } : {}),
          ...(isInternal ? { Scheme: 'internal' } : {}),
          ...(d.loadBalancerType === 'application' && groups.length > 0 ? { SecurityGroups: groups } : {}),
        }),
        opts,
      );
      lb = out.LoadBalancers?.[0];
    } catch (err) {
      throw new AwsOperationError('Failed to create load balancer.', [errorText(err)]);
    }
    if (lb === undefined) throw new AwsOperationError('Failed to create load balancer.', ['CreateLoadBalancer returned no load balancer']);
  } else {
    await status(`Found existing load balancer named ${name} in ${region}... Using that.`);
  }
  await converge({ elbv2, lb, ctx, status: handlerStatus, errors, opts }, d, groups);
  await status(`Done deploying ${name} to ${d.account} in ${region}.`);
  return { name, dnsName: lb.DNSName ?? '' };
}

/**
 * Classic load balancers (`UpsertAmazonLoadBalancerAtomicOperation`, phase `CREATE_ELB`, and
 * `LoadBalancerUpsertHandler`, phase `UPSERT_ELB`): per region of `availabilityZones`, create the
 * ELB (in subnets of `subnetType`, else in the zones) or update an existing one (security
 * groups, listeners added and removed, with the removed ones restored if an add fails), then the
 * health check and the cross-zone, draining and idle-timeout attributes.
 */
import {
  ApplySecurityGroupsToLoadBalancerCommand,
  ConfigureHealthCheckCommand,
  CreateLoadBalancerCommand,
  CreateLoadBalancerListenersCommand,
  DeleteLoadBalancerListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  ModifyLoadBalancerAttributesCommand,
  SetLoadBalancerPoliciesOfListenerCommand,
  type ElasticLoadBalancingClient,
  type Listener,
  type LoadBalancerAttributes,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import { classicListeners, loadBalancerNameOf, type UpsertLoadBalancerDescription } from './loadBalancerDescriptions.js';
import { SecurityGroupLookup } from './securityGroupLookup.js';
import { securityGroupIds, subnetIdsForZones } from './subnets.js';
import { AwsOperationError, awsErrorCode, awsErrorMessage } from './support.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

const PHASE = 'CREATE_ELB';
const HANDLER_PHASE = 'UPSERT_ELB';

/** `DeployDefaults.LoadBalancerDefaults`. */
const DEFAULTS = { crossZoneBalancing: true, connectionDraining: false, idleTimeout: 60 } as const;

export interface LoadBalancerResult {
  readonly name: string;
  readonly dnsName: string;
}

/** `new Listener(...)` equality: protocol, ports and certificate. */
const sameListener = (a: Listener, b: Listener): boolean =>
  a.Protocol === b.Protocol && a.LoadBalancerPort === b.LoadBalancerPort && a.InstanceProtocol === b.InstanceProtocol && a.InstancePort === b.InstancePort && (a.SSLCertificateId ?? null) === (b.SSLCertificateId ?? null);
/** The `:0 => :0` listener AWS added to ELBs created before 2012-09-26 is left alone. */
const notLegacy = (l: Listener): boolean => l.InstancePort !== 0 && l.LoadBalancerPort !== 0 && l.Protocol !== undefined && l.Protocol !== '';
const listenerText = (l: Listener): string => `${l.LoadBalancerPort ?? ''}:${l.Protocol ?? ''}:${l.InstancePort ?? ''}`;

async function findClassic(elb: ElasticLoadBalancingClient, name: string, signal: AbortSignal): Promise<LoadBalancerDescription | undefined> {
  try {
    return (await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [name] }), { abortSignal: signal })).LoadBalancerDescriptions?.[0];
  } catch (err) {
    if (awsErrorCode(err) === 'LoadBalancerNotFound' || awsErrorCode(err) === 'AccessPointNotFound') return undefined;
    throw err;
  }
}

/** `LoadBalancerUpsertHandler.updateLoadBalancer`. */
async function updateClassic(elb: ElasticLoadBalancingClient, existing: LoadBalancerDescription, wanted: Listener[], groups: string[], ctx: OperationContext): Promise<void> {
  const status = (s: string) => ctx.task.updateStatus(HANDLER_PHASE, s);
  const name = existing.LoadBalancerName ?? '';
  const opts = { abortSignal: ctx.signal };
  const errors: string[] = [];
  if (existing.VPCId && groups.length === 0) {
    const err = new Error(`Load balancer ${name} must have at least one security group`);
    err.name = 'IllegalArgumentException';
    throw err;
  }
  if (groups.length > 0) await elb.send(new ApplySecurityGroupsToLoadBalancerCommand({ LoadBalancerName: name, SecurityGroups: groups }), opts);
  await status(`Security groups updated on ${name}.`);
  if (wanted.length > 0) {
    const desired = wanted.filter(notLegacy);
    const descriptions = existing.ListenerDescriptions ?? [];
    const current = descriptions.map((d) => d.Listener).filter((l): l is Listener => l !== undefined && notLegacy(l));
    const toRemove = current.filter((l) => !desired.some((w) => sameListener(w, l)));
    const toCreate = desired.filter((w) => !current.some((l) => sameListener(w, l)));
    const removedDescriptions = descriptions.filter((d) => d.Listener !== undefined && toRemove.some((r) => sameListener(r, d.Listener as Listener)));
    const create = async (listener: Listener, policyNames: readonly string[], rollback: boolean): Promise<boolean> => {
      try {
        await elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName: name, Listeners: [listener] }), opts);
        if (policyNames.length > 0) {
          try {
            await elb.send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: name, LoadBalancerPort: listener.LoadBalancerPort, PolicyNames: [...policyNames] }), opts);
          } catch (err) {
            ctx.logger.warn({ loadBalancer: name, err: awsErrorMessage(err) }, 'failed to set listener policies');
          }
        }
        await status(`Listener ${rollback ? 'rolled back on' : 'added to'} ${name} (${listenerText(listener)}).`);
        return true;
      } catch (err) {
        const message = `Failed to ${rollback ? 'roll back' : 'add'} listener to ${name} (${listenerText(listener)}) - reason: ${awsErrorMessage(err)}.`;
        await status(message);
        errors.push(message);
        return false;
      }
    };
    for (const d of removedDescriptions) {
      const l = d.Listener as Listener;
      try {
        await elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName: name, LoadBalancerPorts: [l.LoadBalancerPort ?? 0] }), opts);
        await status(`Listener removed from ${name} (${listenerText(l)}).`);
      } catch (err) {
        await status(`Failed to remove listener ${listenerText(l)}: ${awsErrorMessage(err)}.`);
        errors.push(awsErrorMessage(err));
      }
    }
    let rollback = false;
    for (const l of toCreate) {
      // Policies of a listener on the same port and protocol carry over (stickiness, SSL negotiation).
      const policies = descriptions.find((d) => d.Listener?.LoadBalancerPort === l.LoadBalancerPort && d.Listener?.Protocol === l.Protocol)?.PolicyNames ?? [];
      if (!(await create(l, policies, false))) rollback = true;
    }
    if (errors.length > 0 || rollback) for (const d of removedDescriptions) await create(d.Listener as Listener, d.PolicyNames ?? [], true);
  }
  if (errors.length > 0) throw new AwsOperationError('Failed to apply all load balancer updates', errors);
}

/** `UpsertAmazonLoadBalancerAtomicOperation.operate` for one region. */
export async function upsertClassicInRegion(deps: AwsOperationDeps, creds: AwsCredentials, d: UpsertLoadBalancerDescription, region: string, zones: readonly string[], ctx: OperationContext): Promise<LoadBalancerResult> {
  const status = (s: string) => ctx.task.updateStatus(PHASE, s);
  const opts = { abortSignal: ctx.signal };
  const name = loadBalancerNameOf(d);
  const isInternal = d.isInternal ?? d.subnetType?.includes('internal') ?? false;
  await status(`Beginning deployment to ${region} in [${zones.join(', ')}] for ${name}`);
  const elb = creds.clients.elb(region);
  const ec2 = creds.clients.ec2(region);

  await status(`Setting up listeners for ${name} in ${region}...`);
  const listeners: Listener[] = [];
  for (const l of classicListeners(d).listeners) {
    const listener: Listener = {
      Protocol: l.externalProtocol,
      LoadBalancerPort: l.externalPort,
      InstanceProtocol: l.internalProtocol != null && l.internalProtocol !== l.externalProtocol ? l.internalProtocol : l.externalProtocol,
      InstancePort: l.internalPort,
      ...(l.sslCertificateId == null || l.sslCertificateId === '' ? {} : { SSLCertificateId: l.sslCertificateId }),
    };
    if (listener.SSLCertificateId !== undefined) await status(`Attaching listener with SSL ServerCertificate: ${listener.SSLCertificateId}`);
    listeners.push(listener);
    await status(`Appending listener ${listener.Protocol ?? ''}:${listener.LoadBalancerPort ?? ''} -> ${listener.InstanceProtocol ?? ''}:${listener.InstancePort ?? ''}`);
  }

  const existing = await findClassic(elb, name, ctx.signal);
  if (existing !== undefined) await status(`Found existing load balancer named ${name} in ${region}... Using that.`);
  const vpcId = await new SecurityGroupLookup(deps, region, ctx.signal).vpcFor(d.account, d.vpcId);
  const groups = await securityGroupIds(ec2, d.securityGroups ?? [], vpcId, ctx.signal);

  let dnsName: string;
  if (existing === undefined) {
    await status(`Creating ${name} in ${d.account}:${region}...`);
    const subnetIds = d.subnetType == null ? [] : await subnetIdsForZones(ec2, zones, d.subnetType);
    if (subnetIds.length > 0) await ctx.task.updateStatus(HANDLER_PHASE, `Subnets: [${subnetIds.join(', ')}]`);
    await ctx.task.updateStatus(HANDLER_PHASE, 'Creating load balancer.');
    const created = await elb.send(
      new CreateLoadBalancerCommand({
        LoadBalancerName: name,
        Listeners: listeners,
        ...(subnetIds.length > 0 ? { Subnets: subnetIds, ...(isInternal ? { Scheme: 'internal' } : {}) } : { AvailabilityZones: [...zones] }),
        ...(groups.length > 0 ? { SecurityGroups: groups } : {}),
      }),
      opts,
    );
    dnsName = created.DNSName ?? '';
  } else {
    dnsName = existing.DNSName ?? '';
    await updateClassic(elb, existing, listeners, groups, ctx);
  }

  if (d.healthCheck != null && d.healthCheck !== '') {
    await status(`Configuring healthcheck for ${name} in ${region}...`);
    await elb.send(
      new ConfigureHealthCheckCommand({ LoadBalancerName: name, HealthCheck: { Target: d.healthCheck, Interval: d.healthInterval, Timeout: d.healthTimeout, UnhealthyThreshold: d.unhealthyThreshold, HealthyThreshold: d.healthyThreshold } }),
      opts,
    );
    await status('Healthcheck configured.');
  }

  const attributes: LoadBalancerAttributes = {};
  if (existing !== undefined) {
    const current = (await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }), opts)).LoadBalancerAttributes;
    const crossZone = d.crossZoneBalancing ?? current?.CrossZoneLoadBalancing?.Enabled ?? DEFAULTS.crossZoneBalancing;
    if (crossZone !== current?.CrossZoneLoadBalancing?.Enabled) attributes.CrossZoneLoadBalancing = { Enabled: crossZone };
    const draining = d.connectionDraining ?? current?.ConnectionDraining?.Enabled ?? DEFAULTS.connectionDraining;
    const delay = d.deregistrationDelay ?? current?.ConnectionDraining?.Timeout;
    if (draining !== current?.ConnectionDraining?.Enabled || delay !== current?.ConnectionDraining?.Timeout) attributes.ConnectionDraining = { Enabled: draining, ...(delay == null ? {} : { Timeout: delay }) };
    if (d.idleTimeout !== current?.ConnectionSettings?.IdleTimeout) attributes.ConnectionSettings = { IdleTimeout: d.idleTimeout };
  } else {
    attributes.CrossZoneLoadBalancing = { Enabled: d.crossZoneBalancing ?? DEFAULTS.crossZoneBalancing };
    attributes.ConnectionDraining = { Enabled: d.connectionDraining ?? DEFAULTS.connectionDraining, ...(d.deregistrationDelay == null ? {} : { Timeout: d.deregistrationDelay }) };
    attributes.ConnectionSettings = { IdleTimeout: d.idleTimeout };
  }
  if (Object.keys(attributes).length > 0) await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerName: name, LoadBalancerAttributes: attributes }), opts);

  await status(`Done deploying ${name} to ${d.account} in ${region}.`);
  return { name, dnsName };
}

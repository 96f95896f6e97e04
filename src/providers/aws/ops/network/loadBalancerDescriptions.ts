/**
 * The `upsertLoadBalancer` description (`UpsertAmazonLoadBalancerDescription` and its classic and
 * V2 subclasses) with upstream's defaults, and its validation
 * (`CreateAmazonLoadBalancerDescriptionValidator`). One schema carries every field; which ones
 * apply depends on `loadBalancerType` (`classic` when absent, as the converter defaults it).
 */
import { z } from 'zod';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { AwsValidator, boolField, boundedRecord, intField, nameField, withAccount } from './support.js';

/** `UpsertAmazonLoadBalancerClassicDescription.Listener` (protocols HTTP, HTTPS, TCP, SSL). */
const classicListenerSchema = z
  .object({
    externalProtocol: z.enum(['HTTP', 'HTTPS', 'TCP', 'SSL']),
    internalProtocol: z.enum(['HTTP', 'HTTPS', 'TCP', 'SSL']).nullish(),
    externalPort: intField,
    internalPort: intField,
    sslCertificateId: nameField.nullish(),
    policyNames: z.array(nameField).max(100).nullish(),
  })
  .passthrough();

/** `UpsertAmazonLoadBalancerV2Description.Action`: forward (by target group name), authenticate-oidc or redirect. */
const actionSchema = z
  .object({
    type: nameField.default('forward'),
    targetGroupName: nameField.nullish(),
    authenticateOidcActionConfig: z.record(z.unknown()).nullish(),
    redirectActionConfig: z.record(z.unknown()).nullish(),
  })
  .passthrough();

/** `UpsertAmazonLoadBalancerV2Description.Rule` and `RuleCondition`. */
const ruleSchema = z
  .object({
    priority: z.union([intField, nameField]),
    actions: z.array(actionSchema).max(20).default([]),
    conditions: z.array(z.object({ field: nameField, values: z.array(nameField).max(100).default([]) }).passthrough()).max(20).default([]),
  })
  .passthrough();

/** `UpsertAmazonLoadBalancerV2Description.Listener`. */
const v2ListenerSchema = z
  .object({
    protocol: nameField.nullish(),
    port: intField.nullish(),
    sslPolicy: nameField.nullish(),
    certificates: z.array(z.object({ certificateArn: nameField.nullish(), isDefault: boolField.nullish() }).passthrough()).max(100).nullish(),
    defaultActions: z.array(actionSchema).max(20).default([]),
    rules: z.array(ruleSchema).max(100).default([]),
  })
  .passthrough();

/** `UpsertAmazonLoadBalancerV2Description.Attributes` (target group attributes). */
const targetGroupAttributesSchema = z
  .object({
    deregistrationDelay: intField.nullish(),
    stickinessEnabled: boolField.nullish(),
    stickinessType: nameField.nullish(),
    stickinessDuration: intField.nullish(),
    proxyProtocolV2: boolField.nullish(),
    deregistrationDelayConnectionTermination: boolField.nullish(),
    multiValueHeadersEnabled: boolField.nullish(),
  })
  .passthrough();

/** `UpsertAmazonLoadBalancerV2Description.TargetGroup` with its health check defaults (10/5/2/10, `200-299`). */
const targetGroupSchema = z
  .object({
    name: nameField.nullish(),
    protocol: nameField.nullish(),
    port: intField.nullish(),
    attributes: targetGroupAttributesSchema.nullish(),
    targetType: nameField.default('instance'),
    healthCheckProtocol: nameField.nullish(),
    healthCheckPath: nameField.nullish(),
    healthCheckPort: z.union([nameField, intField.transform(String)]).nullish(),
    healthCheckInterval: intField.default(10),
    healthCheckTimeout: intField.default(5),
    unhealthyThreshold: intField.default(2),
    healthyThreshold: intField.default(10),
    healthCheckMatcher: nameField.default('200-299'),
  })
  .passthrough();

export const upsertLoadBalancerSchema = withAccount({
  loadBalancerType: nameField.default('classic'),
  clusterName: nameField.nullish(),
  name: nameField.nullish(),
  vpcId: nameField.nullish(),
  isInternal: boolField.nullish(),
  subnetType: nameField.nullish(),
  idleTimeout: intField.default(60),
  securityGroups: z.array(nameField).max(100).nullish(),
  availabilityZones: boundedRecord(z.array(nameField).max(20).nullish(), 50).nullish(),
  shieldProtectionEnabled: boolField.nullish(),
  // classic
  listeners: z.array(z.record(z.unknown())).max(100).nullish(),
  healthCheck: nameField.nullish(),
  healthCheckPort: intField.nullish(),
  healthInterval: intField.default(10),
  healthTimeout: intField.default(5),
  unhealthyThreshold: intField.default(2),
  healthyThreshold: intField.default(10),
  crossZoneBalancing: boolField.nullish(),
  connectionDraining: boolField.nullish(),
  deregistrationDelay: intField.nullish(),
  // application / network
  targetGroups: z.array(targetGroupSchema).max(100).default([]),
  deletionProtection: boolField.nullish(),
  loadBalancingCrossZone: boolField.nullish(),
  ipAddressType: nameField.default('ipv4'),
});

export type UpsertLoadBalancerDescription = z.infer<typeof upsertLoadBalancerSchema>;
export type ClassicListener = z.infer<typeof classicListenerSchema>;
export type V2Listener = z.infer<typeof v2ListenerSchema>;
export type V2TargetGroup = z.infer<typeof targetGroupSchema>;
export type V2Action = z.infer<typeof actionSchema>;

/** Listeners are typed by load balancer kind, so they are parsed after `loadBalancerType` is known. */
export function classicListeners(d: UpsertLoadBalancerDescription): { listeners: ClassicListener[]; problems: string[] } {
  return parseList(d.listeners ?? [], classicListenerSchema);
}
export function v2Listeners(d: UpsertLoadBalancerDescription): { listeners: V2Listener[]; problems: string[] } {
  return parseList(d.listeners ?? [], v2ListenerSchema);
}

function parseList<T>(raw: readonly Record<string, unknown>[], schema: z.ZodType<T, z.ZodTypeDef, unknown>): { listeners: T[]; problems: string[] } {
  const listeners: T[] = [];
  const problems: string[] = [];
  raw.forEach((item, i) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) listeners.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.push(`listeners.${[i, ...issue.path].join('.')}: ${issue.message}`);
  });
  return { listeners, problems };
}

export const loadBalancerNameOf = (d: UpsertLoadBalancerDescription): string => d.name ?? `${d.clusterName ?? ''}-frontend`;

/** `CreateAmazonLoadBalancerDescriptionValidator`. */
export function validateUpsertLoadBalancer(deps: AwsOperationDeps, d: UpsertLoadBalancerDescription): string[] {
  const v = new AwsValidator('createAmazonLoadBalancerDescription', deps);
  if (d.name == null && d.clusterName == null) v.reject('missing.name.or.clusterName', 'name or clusterName is required');
  if (d.subnetType == null && d.availabilityZones == null) v.reject('missing.subnetType.or.availabilityZones', 'subnetType or availabilityZones is required');
  const creds = v.credentials(d.account);
  const zonesMap = d.availabilityZones ?? {};
  if (Object.keys(zonesMap).length === 0 && d.availabilityZones != null) v.reject('availabilityZones.empty', 'availabilityZones names no region');
  for (const [region, zones] of Object.entries(zonesMap)) {
    const configured = creds?.regions.find((r) => r.name === region);
    if (creds !== undefined && configured === undefined) v.reject('region.not.configured', `region ${region} is not configured for account ${d.account}`);
    if (d.subnetType == null && zones == null) {
      v.reject('missing.subnetType.or.availabilityZones', `no zones for ${region} and no subnetType`);
      break;
    }
    const known = configured?.availabilityZones;
    if (d.subnetType == null && known !== undefined && (zones ?? []).some((z) => !known.includes(z))) v.reject('zone.not.configured', `zones ${(zones ?? []).filter((z) => !known.includes(z)).join(', ')} are not configured for ${region}`);
  }
  switch (d.loadBalancerType) {
    case 'classic': {
      const { listeners, problems } = classicListeners(d);
      problems.forEach((p) => v.reject('listeners.invalid', p));
      if (listeners.length === 0 && problems.length === 0) v.reject('listeners.empty', 'at least one listener is required');
      if (d.deregistrationDelay != null && (d.deregistrationDelay < 1 || d.deregistrationDelay > 3600)) v.reject('deregistrationDelay.invalid', 'deregistrationDelay must be between 1 and 3600 seconds');
      break;
    }
    case 'application':
    case 'network': {
      if (d.targetGroups.length === 0) v.reject('targetGroups.empty', 'at least one target group is required');
      const all = new Set<string>();
      for (const tg of d.targetGroups) {
        if (tg.name == null || tg.name === '') v.reject('targetGroups.name.missing', 'every target group needs a name');
        else all.add(tg.name);
        if (tg.targetType.toLowerCase() === 'lambda') {
          if (d.loadBalancerType !== 'application') v.reject('loadBalancerType.invalid', 'lambda target groups need an application load balancer');
        } else {
          if (tg.protocol == null) v.reject('targetGroups.protocol.missing', `target group ${tg.name ?? ''} needs a protocol`);
          if (tg.port == null) v.reject('targetGroups.port.missing', `target group ${tg.name ?? ''} needs a port`);
        }
      }
      const { listeners, problems } = v2Listeners(d);
      problems.forEach((p) => v.reject('listeners.invalid', p));
      const unused = new Set(all);
      const actions = (list: readonly V2Action[]) => {
        for (const a of list) {
          if (a.type === 'forward') {
            if (!all.has(a.targetGroupName ?? '')) v.reject('listeners.invalid.targetGroup', `no target group named ${a.targetGroupName ?? ''} in this description`);
            unused.delete(a.targetGroupName ?? '');
          }
          if (a.type === 'authenticate-oidc' && a.authenticateOidcActionConfig?.clientId == null) v.reject('listeners.invalid.oidcConfig', 'authenticate-oidc actions need a clientId');
        }
      };
      for (const l of listeners) {
        if (l.defaultActions.length === 0) v.reject('listeners.missing.defaultAction', `listener on port ${l.port ?? ''} has no default action`);
        actions(l.defaultActions);
        for (const r of l.rules) actions(r.actions);
      }
      if (unused.size > 0) v.reject('targetGroups.unused', `target groups not used by any listener: ${[...unused].join(', ')}`);
      const ports = listeners.map((l) => l.port);
      if (new Set(ports).size !== ports.length) v.reject('listeners.duplicate.port', 'Multiple listeners cannot use the same port');
      break;
    }
    default:
      v.reject('loadBalancerType.invalid', `loadBalancerType must be classic, application or network, not ${d.loadBalancerType}`);
  }
  return v.problems;
}

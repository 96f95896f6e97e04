/**
 * Classic Elastic Load Balancing (awsQuery, API version 2012-06-01): Create/Describe/DeleteLoadBalancer,
 * Create/DeleteLoadBalancerListeners, ConfigureHealthCheck, Register/DeregisterInstances,
 * DescribeInstanceHealth (OutOfService "Instance registration is still in progress." until the
 * next tick, then InService), attributes, security groups and tags. A load balancer created with
 * zones only goes into the default VPC's default subnets (EC2-Classic is retired).
 * docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/
 */
import { AwsError, validationError } from '../errors.js';
import { paginate } from '../pagination.js';
import { bool, int, obj, objects, str, strings } from '../params.js';
import type { Params } from '../params.js';
import type { ActionHandler, RequestContext, ServiceDefinition } from '../service.js';
import type { ClassicListener, ClassicLoadBalancer } from '../state.js';
import { hostedZone } from './elbv2/loadBalancers.js';
import { deregisterFromClassic, registerWithClassic } from './lbMembership.js';

function find(ctx: RequestContext, name: string | undefined): ClassicLoadBalancer {
  const lb = name === undefined ? undefined : ctx.region.elb.loadBalancers.get(name);
  if (lb === undefined) throw new AwsError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name ?? ''}'`);
  return lb;
}

function parseListeners(ctx: RequestContext, p: Params): ClassicListener[] {
  return objects(p, 'Listeners').map((l) => {
    const protocol = (str(l, 'Protocol') ?? '').toUpperCase();
    const lbPort = int(l, 'LoadBalancerPort');
    const instancePort = int(l, 'InstancePort');
    if (!['HTTP', 'HTTPS', 'TCP', 'SSL'].includes(protocol) || lbPort === undefined || instancePort === undefined) throw validationError('Listener must specify Protocol (HTTP, HTTPS, TCP or SSL), LoadBalancerPort and InstancePort');
    const cert = str(l, 'SSLCertificateId');
    if ((protocol === 'HTTPS' || protocol === 'SSL') && cert === undefined) throw new AwsError('CertificateNotFound', 'Server Certificate not found for the key: listener requires a SSLCertificateId');
    if (cert !== undefined && (cert.startsWith('arn:aws:iam::') ? ![...ctx.account.iam.serverCertificates.values()].some((c) => c.Arn === cert) : !cert.startsWith('arn:aws:acm:'))) {
      throw new AwsError('CertificateNotFound', `Server Certificate not found for the key: ${cert}`);
    }
    return { Protocol: protocol, LoadBalancerPort: lbPort, InstanceProtocol: (str(l, 'InstanceProtocol') ?? protocol).toUpperCase(), InstancePort: instancePort, ...(cert === undefined ? {} : { SSLCertificateId: cert }) };
  });
}

function render(ctx: RequestContext, lb: ClassicLoadBalancer): Record<string, unknown> {
  const sg = ctx.region.ec2.securityGroups.get(lb.securityGroups[0] ?? '');
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.scheme === 'internal' ? undefined : lb.dnsName,
    CanonicalHostedZoneNameID: lb.canonicalHostedZoneNameId,
    ListenerDescriptions: lb.listeners.map((l) => ({ Listener: l, PolicyNames: lb.listenerPolicies.get(l.LoadBalancerPort) ?? [] })),
    Policies: {
      AppCookieStickinessPolicies: [...lb.policies].filter(([, x]) => x.type === 'AppCookieStickinessPolicyType').map(([PolicyName, x]) => ({ PolicyName, CookieName: x.attributes.CookieName })),
      LBCookieStickinessPolicies: [...lb.policies].filter(([, x]) => x.type === 'LBCookieStickinessPolicyType').map(([PolicyName, x]) => ({ PolicyName, CookieExpirationPeriod: x.attributes.CookieExpirationPeriod === undefined ? undefined : Number(x.attributes.CookieExpirationPeriod) })),
      OtherPolicies: [...lb.policies].filter(([, x]) => x.type !== 'AppCookieStickinessPolicyType' && x.type !== 'LBCookieStickinessPolicyType').map(([name]) => name),
    },
    BackendServerDescriptions: [],
    AvailabilityZones: lb.availabilityZones,
    Subnets: lb.subnets,
    VPCId: lb.vpcId,
    Instances: [...lb.instances.keys()].map((InstanceId) => ({ InstanceId })),
    HealthCheck: lb.healthCheck,
    SourceSecurityGroup: sg === undefined ? undefined : { OwnerAlias: ctx.account.id, GroupName: sg.groupName },
    SecurityGroups: lb.securityGroups,
    CreatedTime: lb.createdTime,
    Scheme: lb.scheme,
  };
}

function instanceState(ctx: RequestContext, lb: ClassicLoadBalancer, id: string): Record<string, unknown> {
  const reg = lb.instances.get(id);
  const instance = ctx.region.ec2.instances.get(id);
  if (reg === undefined) throw new AwsError('InvalidInstance', `Could not find EC2 instance ${id}.`);
  if (instance === undefined || instance.state !== 'running') {
    return { InstanceId: id, State: 'OutOfService', ReasonCode: 'Instance', Description: `Instance is in ${instance?.state ?? 'terminated'} state.` };
  }
  if (reg.failed === true) return { InstanceId: id, State: 'OutOfService', ReasonCode: 'Instance', Description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' };
  return reg.state === 'InService'
    ? { InstanceId: id, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }
    : { InstanceId: id, State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance registration is still in progress.' };
}

function createPolicy(ctx: RequestContext, p: Params, type: string, attributes: Record<string, string>): Record<string, unknown> {
  const lb = find(ctx, str(p, 'LoadBalancerName'));
  const name = str(p, 'PolicyName') ?? '';
  if (!/^[a-zA-Z0-9-]{1,255}$/.test(name)) throw validationError(`Policy name '${name}' must contain only alphanumeric characters or hyphens`);
  if (lb.policies.has(name)) throw new AwsError('DuplicatePolicyName', `Policy ${name} already exists for load balancer ${lb.name}`);
  lb.policies.set(name, { type, attributes });
  return {};
}

const actions: Record<string, ActionHandler> = {
  CreateLoadBalancer: (ctx, p) => {
    const name = str(p, 'LoadBalancerName') ?? '';
    if (!/^(?!-)[a-zA-Z0-9-]{1,32}(?<!-)$/.test(name)) throw validationError(`LoadBalancerName '${name}' must be 1 to 32 alphanumeric characters or hyphens, and must not begin or end with a hyphen`);
    const listeners = parseListeners(ctx, p);
    if (listeners.length === 0) throw validationError("1 validation error detected: Value null at 'listeners' failed to satisfy constraint: Member must not be null");
    const scheme = str(p, 'Scheme') ?? 'internet-facing';
    let subnets = strings(p, 'Subnets');
    let zones = strings(p, 'AvailabilityZones');
    if (subnets.length === 0 && zones.length === 0) throw validationError('Either AvailabilityZones or SubnetIds must be specified');
    if (subnets.length > 0) {
      for (const s of subnets) if (!ctx.region.ec2.subnets.has(s)) throw new AwsError('SubnetNotFound', `The subnet ID '${s}' is not valid`);
      zones = subnets.map((s) => ctx.region.ec2.subnets.get(s)?.availabilityZone ?? '');
    } else {
      const known = ctx.world.zones(ctx.region.name).map((z) => z.zoneName);
      for (const z of zones) if (!known.includes(z)) throw validationError(`Invalid Availability Zone: ${z}`);
      subnets = zones.map((z) => [...ctx.region.ec2.subnets.values()].find((s) => s.defaultForAz && s.availabilityZone === z)?.subnetId ?? '').filter((s) => s !== '');
    }
    const vpcId = ctx.region.ec2.subnets.get(subnets[0] ?? '')?.vpcId;
    let securityGroups = strings(p, 'SecurityGroups');
    for (const sg of securityGroups) if (!ctx.region.ec2.securityGroups.has(sg)) throw new AwsError('InvalidSecurityGroup', `One or more security groups are invalid: ${sg}`);
    if (securityGroups.length === 0) {
      const dflt = [...ctx.region.ec2.securityGroups.values()].find((g) => g.vpcId === vpcId && g.groupName === 'default');
      securityGroups = dflt === undefined ? [] : [dflt.groupId];
    }
    const existing = ctx.region.elb.loadBalancers.get(name);
    if (existing !== undefined) {
      if (JSON.stringify(existing.listeners) === JSON.stringify(listeners) && existing.scheme === scheme) return { DNSName: existing.dnsName };
      throw new AwsError('DuplicateLoadBalancerName', `Load Balancer named '${name}' already exists and it is configured with different parameters.`);
    }
    const dnsName = `${scheme === 'internal' ? 'internal-' : ''}${name}-${Number.parseInt(ctx.world.hex(8), 16)}.${ctx.region.name}.elb.amazonaws.com`;
    const tags = new Map(objects(p, 'Tags').map((t) => [str(t, 'Key') ?? '', str(t, 'Value') ?? ''] as const));
    ctx.region.elb.loadBalancers.set(name, {
      name,
      dnsName,
      canonicalHostedZoneNameId: hostedZone(ctx.region.name, false),
      scheme,
      ...(vpcId === undefined ? {} : { vpcId }),
      createdTime: ctx.world.now(),
      listeners,
      availabilityZones: [...new Set(zones)],
      subnets,
      securityGroups,
      healthCheck: { Target: `TCP:${listeners[0]?.InstancePort ?? 80}`, Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
      instances: new Map(),
      attributes: {
        CrossZoneLoadBalancing: { Enabled: false },
        AccessLog: { Enabled: false },
        ConnectionDraining: { Enabled: false, Timeout: 300 },
        ConnectionSettings: { IdleTimeout: 60 },
      },
      tags,
      policies: new Map(),
      listenerPolicies: new Map(),
    });
    return { DNSName: dnsName };
  },

  DescribeLoadBalancers: (ctx, p) => {
    const names = strings(p, 'LoadBalancerNames');
    const lbs = names.length > 0 ? names.map((n) => find(ctx, n)) : [...ctx.region.elb.loadBalancers.values()];
    const page = paginate(lbs, {
      token: str(p, 'Marker'),
      size: int(p, 'PageSize'),
      min: 1,
      max: 400,
      scope: `${ctx.account.id}/${ctx.region.name}/elb/${ctx.action}`,
      invalidTokenCode: 'InvalidNextToken',
      invalidSize: (n) => validationError(`1 validation error detected: Value '${n}' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400`),
    });
    return { LoadBalancerDescriptions: page.items.map((lb) => render(ctx, lb)), NextMarker: page.next };
  },

  DeleteLoadBalancer: (ctx, p) => {
    ctx.region.elb.loadBalancers.delete(str(p, 'LoadBalancerName') ?? '');
    return {};
  },

  CreateLoadBalancerListeners: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const listeners = parseListeners(ctx, p);
    for (const l of listeners) {
      const existing = lb.listeners.find((x) => x.LoadBalancerPort === l.LoadBalancerPort);
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(l)) {
        throw new AwsError('DuplicateListener', `A listener already exists for ${lb.name} with LoadBalancerPort ${l.LoadBalancerPort}, but with a different InstancePort, Protocol, or SSLCertificateId`);
      }
    }
    for (const l of listeners) if (!lb.listeners.some((x) => x.LoadBalancerPort === l.LoadBalancerPort)) lb.listeners.push(l);
    return {};
  },

  DeleteLoadBalancerListeners: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const ports = strings(p, 'LoadBalancerPorts').map(Number);
    lb.listeners = lb.listeners.filter((l) => !ports.includes(l.LoadBalancerPort));
    for (const port of ports) lb.listenerPolicies.delete(port);
    return {};
  },

  ConfigureHealthCheck: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const hc = obj(p, 'HealthCheck');
    if (hc === undefined) throw validationError("1 validation error detected: Value null at 'healthCheck' failed to satisfy constraint: Member must not be null");
    const target = str(hc, 'Target') ?? '';
    if (!/^(TCP|SSL):\d+$|^(HTTP|HTTPS):\d+\/.*$/.test(target)) throw validationError(`Invalid health check target: ${target}`);
    lb.healthCheck = {
      Target: target,
      Interval: int(hc, 'Interval') ?? 30,
      Timeout: int(hc, 'Timeout') ?? 5,
      UnhealthyThreshold: int(hc, 'UnhealthyThreshold') ?? 2,
      HealthyThreshold: int(hc, 'HealthyThreshold') ?? 10,
    };
    return { HealthCheck: lb.healthCheck };
  },

  RegisterInstancesWithLoadBalancer: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const ids = objects(p, 'Instances').map((i) => str(i, 'InstanceId') ?? '');
    for (const id of ids) {
      const instance = ctx.region.ec2.instances.get(id);
      if (instance === undefined || instance.state === 'terminated') throw new AwsError('InvalidInstance', `The requested instance id ${id} is not valid`);
    }
    for (const id of ids) registerWithClassic(ctx.region, lb.name, id, ctx.world.tickCount);
    return { Instances: [...lb.instances.keys()].map((InstanceId) => ({ InstanceId })) };
  },

  DeregisterInstancesFromLoadBalancer: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const ids = objects(p, 'Instances').map((i) => str(i, 'InstanceId') ?? '');
    for (const id of ids) if (!lb.instances.has(id)) throw new AwsError('InvalidInstance', `The requested instance id ${id} is not registered with LoadBalancer ${lb.name}`);
    for (const id of ids) deregisterFromClassic(ctx.region, lb.name, id);
    return { Instances: [...lb.instances.keys()].map((InstanceId) => ({ InstanceId })) };
  },

  DescribeInstanceHealth: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const asked = objects(p, 'Instances').map((i) => str(i, 'InstanceId') ?? '');
    const ids = asked.length > 0 ? asked : [...lb.instances.keys()];
    return { InstanceStates: ids.map((id) => instanceState(ctx, lb, id)) };
  },

  DescribeLoadBalancerAttributes: (ctx, p) => ({ LoadBalancerAttributes: find(ctx, str(p, 'LoadBalancerName')).attributes }),

  ModifyLoadBalancerAttributes: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const attrs = obj(p, 'LoadBalancerAttributes') ?? {};
    for (const key of ['CrossZoneLoadBalancing', 'AccessLog', 'ConnectionDraining', 'ConnectionSettings']) {
      const given = obj(attrs, key);
      if (given === undefined) continue;
      const merged: Record<string, unknown> = { ...lb.attributes[key] };
      for (const [k, v] of Object.entries(given)) merged[k] = k === 'Enabled' ? bool(given, k) : /^(Timeout|IdleTimeout|EmitInterval)$/.test(k) ? Number(v) : v;
      lb.attributes[key] = merged;
    }
    return { LoadBalancerName: lb.name, LoadBalancerAttributes: lb.attributes };
  },

  ApplySecurityGroupsToLoadBalancer: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const groups = strings(p, 'SecurityGroups');
    for (const sg of groups) if (!ctx.region.ec2.securityGroups.has(sg)) throw new AwsError('InvalidSecurityGroup', `One or more security groups are invalid: ${sg}`);
    lb.securityGroups = groups;
    return { SecurityGroups: groups };
  },

  EnableAvailabilityZonesForLoadBalancer: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    for (const z of strings(p, 'AvailabilityZones')) {
      const subnet = [...ctx.region.ec2.subnets.values()].find((s) => s.defaultForAz && s.availabilityZone === z && s.vpcId === lb.vpcId);
      if (subnet === undefined) throw validationError(`Invalid Availability Zone: ${z}`);
      if (!lb.subnets.includes(subnet.subnetId)) lb.subnets.push(subnet.subnetId);
      if (!lb.availabilityZones.includes(z)) lb.availabilityZones.push(z);
    }
    return { AvailabilityZones: lb.availabilityZones };
  },

  DisableAvailabilityZonesForLoadBalancer: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const zones = strings(p, 'AvailabilityZones');
    const remaining = lb.availabilityZones.filter((z) => !zones.includes(z));
    if (remaining.length === 0) throw validationError('Cannot remove all Availability Zones from a load balancer');
    lb.availabilityZones = remaining;
    lb.subnets = lb.subnets.filter((s) => remaining.includes(ctx.region.ec2.subnets.get(s)?.availabilityZone ?? ''));
    return { AvailabilityZones: lb.availabilityZones };
  },

  AttachLoadBalancerToSubnets: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    for (const id of strings(p, 'Subnets')) {
      const subnet = ctx.region.ec2.subnets.get(id);
      if (subnet === undefined) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
      if (subnet.vpcId !== lb.vpcId) throw new AwsError('InvalidSubnet', `Subnet ${id} is not in VPC ${lb.vpcId ?? ''}`);
      if (lb.subnets.some((s) => ctx.region.ec2.subnets.get(s)?.availabilityZone === subnet.availabilityZone && s !== id)) throw new AwsError('InvalidConfigurationRequest', `Only one subnet per Availability Zone is allowed: ${subnet.availabilityZone}`);
      if (!lb.subnets.includes(id)) lb.subnets.push(id);
      if (!lb.availabilityZones.includes(subnet.availabilityZone)) lb.availabilityZones.push(subnet.availabilityZone);
    }
    return { Subnets: lb.subnets };
  },

  DetachLoadBalancerFromSubnets: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const ids = strings(p, 'Subnets');
    if (lb.subnets.every((s) => ids.includes(s))) throw validationError('Cannot detach the load balancer from all of its subnets');
    lb.subnets = lb.subnets.filter((s) => !ids.includes(s));
    lb.availabilityZones = [...new Set(lb.subnets.map((s) => ctx.region.ec2.subnets.get(s)?.availabilityZone ?? ''))];
    return { Subnets: lb.subnets };
  },

  CreateLBCookieStickinessPolicy: (ctx, p) => createPolicy(ctx, p, 'LBCookieStickinessPolicyType', str(p, 'CookieExpirationPeriod') === undefined ? {} : { CookieExpirationPeriod: str(p, 'CookieExpirationPeriod') ?? '' }),

  CreateAppCookieStickinessPolicy: (ctx, p) => {
    const cookie = str(p, 'CookieName');
    if (cookie === undefined) throw validationError("1 validation error detected: Value null at 'cookieName' failed to satisfy constraint: Member must not be null");
    return createPolicy(ctx, p, 'AppCookieStickinessPolicyType', { CookieName: cookie });
  },

  CreateLoadBalancerPolicy: (ctx, p) => {
    const type = str(p, 'PolicyTypeName');
    if (type === undefined) throw validationError("1 validation error detected: Value null at 'policyTypeName' failed to satisfy constraint: Member must not be null");
    return createPolicy(ctx, p, type, Object.fromEntries(objects(p, 'PolicyAttributes').map((a) => [str(a, 'AttributeName') ?? '', str(a, 'AttributeValue') ?? ''])));
  },

  SetLoadBalancerPoliciesOfListener: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const port = int(p, 'LoadBalancerPort');
    if (port === undefined || !lb.listeners.some((l) => l.LoadBalancerPort === port)) throw new AwsError('ListenerNotFound', `There is no listener for the port ${port ?? ''} on LoadBalancer ${lb.name}`);
    const names = strings(p, 'PolicyNames');
    for (const n of names) if (!lb.policies.has(n)) throw new AwsError('PolicyNotFound', `There is no policy with name ${n} for load balancer ${lb.name}`);
    lb.listenerPolicies.set(port, names);
    return {};
  },

  DescribeLoadBalancerPolicies: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const names = strings(p, 'PolicyNames');
    for (const n of names) if (!lb.policies.has(n)) throw new AwsError('PolicyNotFound', `There is no policy with name ${n} for load balancer ${lb.name}`);
    return {
      PolicyDescriptions: [...lb.policies]
        .filter(([n]) => names.length === 0 || names.includes(n))
        .map(([PolicyName, x]) => ({ PolicyName, PolicyTypeName: x.type, PolicyAttributeDescriptions: Object.entries(x.attributes).map(([AttributeName, AttributeValue]) => ({ AttributeName, AttributeValue })) })),
    };
  },

  DeleteLoadBalancerPolicy: (ctx, p) => {
    const lb = find(ctx, str(p, 'LoadBalancerName'));
    const name = str(p, 'PolicyName') ?? '';
    if ([...lb.listenerPolicies.values()].some((names) => names.includes(name))) throw new AwsError('InvalidConfigurationRequest', `Policy ${name} is in use by a listener`);
    lb.policies.delete(name);
    return {};
  },

  AddTags: (ctx, p) => {
    for (const name of strings(p, 'LoadBalancerNames')) {
      const lb = find(ctx, name);
      for (const t of objects(p, 'Tags')) lb.tags.set(str(t, 'Key') ?? '', str(t, 'Value') ?? '');
    }
    return {};
  },

  RemoveTags: (ctx, p) => {
    for (const name of strings(p, 'LoadBalancerNames')) {
      const lb = find(ctx, name);
      for (const t of objects(p, 'Tags')) lb.tags.delete(str(t, 'Key') ?? '');
    }
    return {};
  },

  DescribeTags: (ctx, p) => ({
    TagDescriptions: strings(p, 'LoadBalancerNames').map((name) => ({ LoadBalancerName: name, Tags: [...find(ctx, name).tags].map(([Key, Value]) => ({ Key, Value })) })),
  }),
};

export const elb: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  version: '2012-06-01',
  protocol: 'query',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
  throttleCode: 'Throttling',
  actions,
};

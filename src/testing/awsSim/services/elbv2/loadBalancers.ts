/**
 * ELBv2 load balancers (application and network), listeners, rules, attributes and tags:
 * Create/Describe/DeleteLoadBalancer, SetSecurityGroups, SetIpAddressType, Describe/ModifyLoadBalancerAttributes,
 * Create/Describe/Modify/DeleteListener, Create/Describe/Modify/DeleteRule,
 * AddTags/RemoveTags/DescribeTags. A new load balancer is `provisioning`, `active` a tick later.
 * docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/
 */
import { AwsError, validationError } from '../../errors.js';
import { int, objects, str, strings } from '../../params.js';
import type { Params } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { ListenerV2, LoadBalancerV2, RuleV2 } from '../../state.js';
import { NAME, forwardedGroups, loadBalancer, loadBalancersOf, markerPage, setTags, tagsOf } from './common.js';

/** Route 53 hosted zone ids of ELB endpoints per region (application/classic, network). */
const HOSTED_ZONES: Record<string, [string, string]> = {
  'us-east-1': ['Z35SXDOTRQ7X7K', 'Z26RNL4JYFTOTI'],
  'us-east-2': ['Z3AADJGX6KTTL2', 'ZLMOA37VPKANP'],
  'us-west-1': ['Z368ELLRRE2KJ0', 'Z24FKFUX50B4VW'],
  'us-west-2': ['Z1H1FL5HABSF5', 'Z18D5FSROUN65G'],
  'eu-west-1': ['Z32O12XQLNTSW2', 'Z2IFOLAFXWLO4F'],
  'eu-central-1': ['Z215JYRZR1TBD5', 'Z3F0SRJ5LGBH90'],
};

export function hostedZone(region: string, network: boolean): string {
  return HOSTED_ZONES[region]?.[network ? 1 : 0] ?? 'Z35SXDOTRQ7X7K';
}

const LB_ATTRIBUTES: Record<'application' | 'network' | 'gateway', Record<string, string>> = {
  application: {
    'deletion_protection.enabled': 'false',
    'access_logs.s3.enabled': 'false',
    'access_logs.s3.bucket': '',
    'access_logs.s3.prefix': '',
    'idle_timeout.timeout_seconds': '60',
    'routing.http2.enabled': 'true',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.desync_mitigation_mode': 'defensive',
    'load_balancing.cross_zone.enabled': 'true',
  },
  network: { 'deletion_protection.enabled': 'false', 'access_logs.s3.enabled': 'false', 'access_logs.s3.bucket': '', 'access_logs.s3.prefix': '', 'load_balancing.cross_zone.enabled': 'false' },
  gateway: { 'deletion_protection.enabled': 'false', 'load_balancing.cross_zone.enabled': 'false' },
};

function attributes(lb: LoadBalancerV2): { Key: string; Value: string }[] {
  return Object.entries({ ...LB_ATTRIBUTES[lb.type], ...Object.fromEntries(lb.attributes) }).map(([Key, Value]) => ({ Key, Value }));
}

function renderLb(lb: LoadBalancerV2): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.canonicalHostedZoneId,
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: lb.state },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({ ZoneName: s.zoneName, SubnetId: s.subnetId, LoadBalancerAddresses: [] })),
    SecurityGroups: lb.type === 'application' ? lb.securityGroups : undefined,
    IpAddressType: lb.ipAddressType,
  };
}

function renderListener(l: ListenerV2): Record<string, unknown> {
  return { ListenerArn: l.arn, LoadBalancerArn: l.loadBalancerArn, Port: l.port, Protocol: l.protocol, Certificates: l.certificates.length > 0 ? l.certificates : undefined, SslPolicy: l.sslPolicy, DefaultActions: l.defaultActions };
}

function renderRule(r: RuleV2): Record<string, unknown> {
  return { RuleArn: r.arn, Priority: r.priority, Conditions: r.conditions, Actions: r.actions, IsDefault: r.isDefault };
}

function listener(ctx: RequestContext, arn: string | undefined): ListenerV2 {
  const l = arn === undefined ? undefined : ctx.region.elbv2.listeners.get(arn);
  if (l === undefined) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
  return l;
}

/**
 * Certificates must exist: IAM server certificates are checked against the account's; ACM ARNs are
 * accepted as given (ACM is not simulated).
 */
function checkCertificates(ctx: RequestContext, arns: readonly string[]): void {
  const iamArns = new Set([...ctx.account.iam.serverCertificates.values()].map((c) => c.Arn));
  for (const arn of arns) {
    if (arn.startsWith('arn:aws:iam::') ? !iamArns.has(arn) : !arn.startsWith('arn:aws:acm:')) throw new AwsError('CertificateNotFound', `Certificate '${arn}' not found`);
  }
}

/** Validates actions: forward targets exist and are not bound to another load balancer. */
function checkActions(ctx: RequestContext, lb: LoadBalancerV2, actions: Params[]): Record<string, unknown>[] {
  if (actions.length === 0) throw validationError("1 validation error detected: Value null at 'defaultActions' failed to satisfy constraint: Member must not be null");
  for (const a of actions) {
    const type = str(a, 'Type');
    if (!['forward', 'redirect', 'fixed-response', 'authenticate-oidc', 'authenticate-cognito'].includes(type ?? '')) throw validationError(`Action type '${type ?? ''}' must be one of 'redirect,fixed-response,forward,authenticate-oidc,authenticate-cognito'`);
  }
  for (const arn of forwardedGroups(actions)) {
    const tg = ctx.region.elbv2.targetGroups.get(arn);
    if (tg === undefined) throw new AwsError('TargetGroupNotFound', `Target group '${arn}' not found`);
    const others = loadBalancersOf(ctx.region.elbv2, arn).filter((x) => x !== lb.arn);
    if (others.length > 0) throw new AwsError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${arn}`);
    if (tg.vpcId !== undefined && tg.vpcId !== lb.vpcId) throw validationError(`The target group '${arn}' is not in the same VPC as the load balancer`);
  }
  return actions.map((a, i) => ({ ...a, Order: a.Order ?? i + 1 }));
}

export const loadBalancerActions: Record<string, ActionHandler> = {
  CreateLoadBalancer: (ctx, p) => {
    const name = str(p, 'Name') ?? '';
    if (!NAME.test(name)) throw validationError(`LoadBalancer name cannot be longer than 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen or begin with 'internal-'`);
    const type = (str(p, 'Type') ?? 'application') as LoadBalancerV2['type'];
    if (!['application', 'network', 'gateway'].includes(type)) throw validationError(`Load balancer type '${type}' is not valid`);
    const scheme = str(p, 'Scheme') ?? 'internet-facing';
    const subnetIds = [...strings(p, 'Subnets'), ...objects(p, 'SubnetMappings').map((m) => str(m, 'SubnetId') ?? '')];
    const subnets = subnetIds.map((id) => {
      const s = ctx.region.ec2.subnets.get(id);
      if (s === undefined) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
      return s;
    });
    if (subnets.length === 0) throw validationError('At least one subnet must be specified');
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    if (zones.size !== subnets.length) throw new AwsError('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    if (type === 'application' && zones.size < 2) throw validationError('At least two subnets in two different Availability Zones must be specified');
    const vpcId = subnets[0]?.vpcId ?? '';
    if (subnets.some((s) => s.vpcId !== vpcId)) throw new AwsError('InvalidSubnet', 'The subnets must all be in the same VPC');
    let securityGroups = strings(p, 'SecurityGroups');
    for (const sg of securityGroups) if (!ctx.region.ec2.securityGroups.has(sg)) throw new AwsError('InvalidSecurityGroup', `Security group '${sg}' does not exist`);
    if (type === 'application' && securityGroups.length === 0) {
      const dflt = [...ctx.region.ec2.securityGroups.values()].find((g) => g.vpcId === vpcId && g.groupName === 'default');
      securityGroups = dflt === undefined ? [] : [dflt.groupId];
    }
    const existing = [...ctx.region.elbv2.loadBalancers.values()].find((l) => l.name === name);
    if (existing !== undefined) {
      // Idempotent when the settings match, as the API documents.
      if (existing.type === type && existing.scheme === scheme) return { LoadBalancers: [renderLb(existing)] };
      throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
    }
    const id = ctx.world.hex(16);
    const network = type === 'network';
    const prefix = scheme === 'internal' ? 'internal-' : '';
    const lb: LoadBalancerV2 = {
      arn: `arn:aws:elasticloadbalancing:${ctx.region.name}:${ctx.account.id}:loadbalancer/${network ? 'net' : type === 'gateway' ? 'gwy' : 'app'}/${name}/${id}`,
      name,
      type,
      scheme,
      vpcId,
      dnsName: network ? `${prefix}${name}-${id}.elb.${ctx.region.name}.amazonaws.com` : `${prefix}${name}-${Number.parseInt(id.slice(0, 8), 16)}.${ctx.region.name}.elb.amazonaws.com`,
      canonicalHostedZoneId: hostedZone(ctx.region.name, network),
      createdTime: ctx.world.now(),
      state: 'provisioning',
      subnets: subnets.map((s) => ({ subnetId: s.subnetId, zoneName: s.availabilityZone })),
      securityGroups,
      ipAddressType: str(p, 'IpAddressType') ?? 'ipv4',
      attributes: new Map(),
    };
    ctx.region.elbv2.loadBalancers.set(lb.arn, lb);
    setTags(ctx.region.elbv2, lb.arn, objects(p, 'Tags'));
    return { LoadBalancers: [renderLb(lb)] };
  },

  DescribeLoadBalancers: (ctx, p) => {
    const arns = strings(p, 'LoadBalancerArns');
    const names = strings(p, 'Names');
    let lbs = [...ctx.region.elbv2.loadBalancers.values()];
    if (arns.length > 0) lbs = arns.map((a) => loadBalancer(ctx, a));
    if (names.length > 0) {
      const missing = names.filter((n) => !lbs.some((l) => l.name === n));
      if (missing.length > 0) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
      lbs = lbs.filter((l) => names.includes(l.name));
    }
    const page = markerPage(ctx, p, lbs);
    return { LoadBalancers: page.items.map(renderLb), NextMarker: page.next };
  },

  DeleteLoadBalancer: (ctx, p) => {
    const arn = str(p, 'LoadBalancerArn') ?? '';
    const lb = ctx.region.elbv2.loadBalancers.get(arn);
    if (lb === undefined) return {};
    if (lb.attributes.get('deletion_protection.enabled') === 'true') throw new AwsError('OperationNotPermitted', `Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
    for (const [la, l] of ctx.region.elbv2.listeners) {
      if (l.loadBalancerArn !== arn) continue;
      for (const [ra, r] of ctx.region.elbv2.rules) if (r.listenerArn === la) ctx.region.elbv2.rules.delete(ra);
      ctx.region.elbv2.listeners.delete(la);
    }
    ctx.region.elbv2.loadBalancers.delete(arn);
    ctx.region.elbv2.tags.delete(arn);
    return {};
  },

  SetSecurityGroups: (ctx, p) => {
    const lb = loadBalancer(ctx, str(p, 'LoadBalancerArn'));
    const groups = strings(p, 'SecurityGroups');
    for (const sg of groups) if (!ctx.region.ec2.securityGroups.has(sg)) throw new AwsError('InvalidSecurityGroup', `Security group '${sg}' does not exist`);
    lb.securityGroups = groups;
    return { SecurityGroupIds: groups };
  },

  SetIpAddressType: (ctx, p) => {
    const lb = loadBalancer(ctx, str(p, 'LoadBalancerArn'));
    const type = str(p, 'IpAddressType') ?? '';
    const allowed = lb.type === 'application' ? ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'] : ['ipv4', 'dualstack'];
    if (!allowed.includes(type)) throw validationError(`IP address type '${type}' is not valid for a load balancer of type '${lb.type}'`);
    lb.ipAddressType = type;
    return { IpAddressType: type };
  },

  SetSubnets: (ctx, p) => {
    const lb = loadBalancer(ctx, str(p, 'LoadBalancerArn'));
    const ids = [...strings(p, 'Subnets'), ...objects(p, 'SubnetMappings').map((m) => str(m, 'SubnetId') ?? '')];
    const subnets = ids.map((id) => {
      const s = ctx.region.ec2.subnets.get(id);
      if (s === undefined) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
      if (s.vpcId !== lb.vpcId) throw new AwsError('InvalidSubnet', `Subnet '${id}' is not in the load balancer's VPC`);
      return s;
    });
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    if (zones.size !== subnets.length) throw new AwsError('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    if (lb.type === 'application' && zones.size < 2) throw validationError('At least two subnets in two different Availability Zones must be specified');
    lb.subnets = subnets.map((s) => ({ subnetId: s.subnetId, zoneName: s.availabilityZone }));
    return { AvailabilityZones: lb.subnets.map((s) => ({ ZoneName: s.zoneName, SubnetId: s.subnetId, LoadBalancerAddresses: [] })), IpAddressType: lb.ipAddressType };
  },

  DescribeLoadBalancerAttributes: (ctx, p) => ({ Attributes: attributes(loadBalancer(ctx, str(p, 'LoadBalancerArn'))) }),

  ModifyLoadBalancerAttributes: (ctx, p) => {
    const lb = loadBalancer(ctx, str(p, 'LoadBalancerArn'));
    const attrs = objects(p, 'Attributes');
    for (const a of attrs) if (!(String(a.Key) in LB_ATTRIBUTES[lb.type])) throw validationError(`Load balancer attribute key '${String(a.Key)}' is not recognized`);
    for (const a of attrs) lb.attributes.set(str(a, 'Key') ?? '', str(a, 'Value') ?? '');
    return { Attributes: attributes(lb) };
  },

  CreateListener: (ctx, p) => {
    const lb = loadBalancer(ctx, str(p, 'LoadBalancerArn'));
    const port = int(p, 'Port');
    const protocol = str(p, 'Protocol') ?? (lb.type === 'application' ? 'HTTP' : 'TCP');
    if (port === undefined || port < 1 || port > 65535) throw validationError("1 validation error detected: Value null at 'port' failed to satisfy constraint: Member must not be null");
    const appProtocols = ['HTTP', 'HTTPS'];
    if ((lb.type === 'application') !== appProtocols.includes(protocol)) throw validationError(`Protocol '${protocol}' must be one of '${lb.type === 'application' ? 'HTTPS, HTTP' : 'TCP_UDP, UDP, TLS, TCP'}'`);
    const certificates = objects(p, 'Certificates').map((c) => ({ CertificateArn: str(c, 'CertificateArn') ?? '' }));
    if ((protocol === 'HTTPS' || protocol === 'TLS') && certificates.length === 0) throw new AwsError('CertificateNotFound', 'A certificate must be specified for HTTPS listeners');
    checkCertificates(ctx, certificates.map((c) => c.CertificateArn));
    const existing = [...ctx.region.elbv2.listeners.values()].find((l) => l.loadBalancerArn === lb.arn && l.port === port);
    if (existing !== undefined) throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
    const l: ListenerV2 = {
      arn: `${lb.arn.replace(':loadbalancer/', ':listener/')}/${ctx.world.hex(16)}`,
      loadBalancerArn: lb.arn,
      port,
      protocol,
      ...(protocol === 'HTTPS' || protocol === 'TLS' ? { sslPolicy: str(p, 'SslPolicy') ?? 'ELBSecurityPolicy-2016-08' } : {}),
      certificates,
      extraCertificates: [],
      defaultActions: checkActions(ctx, lb, objects(p, 'DefaultActions')),
    };
    ctx.region.elbv2.listeners.set(l.arn, l);
    setTags(ctx.region.elbv2, l.arn, objects(p, 'Tags'));
    return { Listeners: [renderListener(l)] };
  },

  DescribeListeners: (ctx, p) => {
    const arns = strings(p, 'ListenerArns');
    const lbArn = str(p, 'LoadBalancerArn');
    if (arns.length === 0 && lbArn === undefined) throw validationError('You must specify either listener ARNs or a load balancer ARN');
    let listeners: ListenerV2[];
    if (arns.length > 0) listeners = arns.map((a) => listener(ctx, a));
    else {
      const lb = loadBalancer(ctx, lbArn);
      listeners = [...ctx.region.elbv2.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn);
    }
    const page = markerPage(ctx, p, listeners);
    return { Listeners: page.items.map(renderListener), NextMarker: page.next };
  },

  ModifyListener: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    const lb = loadBalancer(ctx, l.loadBalancerArn);
    const port = int(p, 'Port');
    if (port !== undefined && port !== l.port && [...ctx.region.elbv2.listeners.values()].some((x) => x.loadBalancerArn === lb.arn && x.port === port)) {
      throw new AwsError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
    }
    if (port !== undefined) l.port = port;
    l.protocol = str(p, 'Protocol') ?? l.protocol;
    l.sslPolicy = str(p, 'SslPolicy') ?? l.sslPolicy;
    const certs = objects(p, 'Certificates');
    if (certs.length > 0) {
      checkCertificates(ctx, certs.map((c) => str(c, 'CertificateArn') ?? ''));
      l.certificates = certs.map((c) => ({ CertificateArn: str(c, 'CertificateArn') ?? '' }));
    }
    const actions = objects(p, 'DefaultActions');
    if (actions.length > 0) l.defaultActions = checkActions(ctx, lb, actions);
    return { Listeners: [renderListener(l)] };
  },

  AddListenerCertificates: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    const arns = objects(p, 'Certificates').map((c) => str(c, 'CertificateArn') ?? '');
    if (arns.length === 0) throw validationError("1 validation error detected: Value null at 'certificates' failed to satisfy constraint: Member must not be null");
    checkCertificates(ctx, arns);
    for (const arn of arns) if (!l.extraCertificates.includes(arn)) l.extraCertificates.push(arn);
    return { Certificates: arns.map((CertificateArn) => ({ CertificateArn, IsDefault: false })) };
  },

  RemoveListenerCertificates: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    const arns = objects(p, 'Certificates').map((c) => str(c, 'CertificateArn') ?? '');
    if (arns.some((a) => l.certificates.some((c) => c.CertificateArn === a))) throw new AwsError('OperationNotPermitted', 'The default certificate cannot be removed from a listener');
    l.extraCertificates = l.extraCertificates.filter((a) => !arns.includes(a));
    return {};
  },

  DescribeListenerCertificates: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    const all = [...l.certificates.map((c) => ({ CertificateArn: c.CertificateArn, IsDefault: true })), ...l.extraCertificates.map((CertificateArn) => ({ CertificateArn, IsDefault: false }))];
    const page = markerPage(ctx, p, all);
    return { Certificates: page.items, NextMarker: page.next };
  },

  DeleteListener: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    for (const [ra, r] of ctx.region.elbv2.rules) if (r.listenerArn === l.arn) ctx.region.elbv2.rules.delete(ra);
    ctx.region.elbv2.listeners.delete(l.arn);
    ctx.region.elbv2.tags.delete(l.arn);
    return {};
  },

  CreateRule: (ctx, p) => {
    const l = listener(ctx, str(p, 'ListenerArn'));
    const lb = loadBalancer(ctx, l.loadBalancerArn);
    const priority = int(p, 'Priority');
    if (priority === undefined || priority < 1 || priority > 50000) throw validationError(`Priority must be between 1 and 50000`);
    if ([...ctx.region.elbv2.rules.values()].some((r) => r.listenerArn === l.arn && r.priority === String(priority))) throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
    const conditions = objects(p, 'Conditions');
    if (conditions.length === 0) throw validationError('A rule must have at least one condition');
    const rule: RuleV2 = {
      arn: `${l.arn.replace(':listener/', ':listener-rule/')}/${ctx.world.hex(16)}`,
      listenerArn: l.arn,
      priority: String(priority),
      conditions,
      actions: checkActions(ctx, lb, objects(p, 'Actions')),
      isDefault: false,
    };
    ctx.region.elbv2.rules.set(rule.arn, rule);
    setTags(ctx.region.elbv2, rule.arn, objects(p, 'Tags'));
    return { Rules: [renderRule(rule)] };
  },

  DescribeRules: (ctx, p) => {
    const arns = strings(p, 'RuleArns');
    const listenerArn = str(p, 'ListenerArn');
    let rules: Record<string, unknown>[];
    if (arns.length > 0) {
      rules = arns.map((a) => {
        const r = ctx.region.elbv2.rules.get(a);
        if (r === undefined) throw new AwsError('RuleNotFound', 'One or more rules not found');
        return renderRule(r);
      });
    } else {
      const l = listener(ctx, listenerArn);
      const own = [...ctx.region.elbv2.rules.values()].filter((r) => r.listenerArn === l.arn).sort((a, b) => Number(a.priority) - Number(b.priority));
      rules = [...own.map(renderRule), { RuleArn: `${l.arn.replace(':listener/', ':listener-rule/')}/default`, Priority: 'default', Conditions: [], Actions: l.defaultActions, IsDefault: true }];
    }
    const page = markerPage(ctx, p, rules);
    return { Rules: page.items, NextMarker: page.next };
  },

  ModifyRule: (ctx, p) => {
    const r = ctx.region.elbv2.rules.get(str(p, 'RuleArn') ?? '');
    if (r === undefined) throw new AwsError('RuleNotFound', 'One or more rules not found');
    const l = listener(ctx, r.listenerArn);
    const conditions = objects(p, 'Conditions');
    if (conditions.length > 0) r.conditions = conditions;
    const actions = objects(p, 'Actions');
    if (actions.length > 0) r.actions = checkActions(ctx, loadBalancer(ctx, l.loadBalancerArn), actions);
    return { Rules: [renderRule(r)] };
  },

  DeleteRule: (ctx, p) => {
    const arn = str(p, 'RuleArn') ?? '';
    if (!ctx.region.elbv2.rules.delete(arn)) throw new AwsError('RuleNotFound', 'One or more rules not found');
    return {};
  },

  AddTags: (ctx, p) => {
    for (const arn of strings(p, 'ResourceArns')) {
      requireResource(ctx, arn);
      setTags(ctx.region.elbv2, arn, objects(p, 'Tags'));
    }
    return {};
  },

  RemoveTags: (ctx, p) => {
    for (const arn of strings(p, 'ResourceArns')) {
      requireResource(ctx, arn);
      const m = ctx.region.elbv2.tags.get(arn);
      for (const k of strings(p, 'TagKeys')) m?.delete(k);
    }
    return {};
  },

  DescribeTags: (ctx, p) => ({
    TagDescriptions: strings(p, 'ResourceArns').map((arn) => {
      requireResource(ctx, arn);
      return { ResourceArn: arn, Tags: tagsOf(ctx.region.elbv2, arn) };
    }),
  }),
};

function requireResource(ctx: RequestContext, arn: string): void {
  const s = ctx.region.elbv2;
  if (arn.includes(':loadbalancer/') && !s.loadBalancers.has(arn)) throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
  if (arn.includes(':targetgroup/') && !s.targetGroups.has(arn)) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
  if (arn.includes(':listener/') && !s.listeners.has(arn)) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`);
  if (arn.includes(':listener-rule/') && !s.rules.has(arn)) throw new AwsError('RuleNotFound', `Rule '${arn}' not found`);
}

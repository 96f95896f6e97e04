/**
 * EC2 VPCs, subnets and security groups (docs.aws.amazon.com/AWSEC2/latest/APIReference/):
 * DescribeVpcs/CreateVpc/DeleteVpc, DescribeSubnets/CreateSubnet/DeleteSubnet, and
 * Create/Describe/DeleteSecurityGroup with Authorize/Revoke Ingress/Egress rules that name CIDRs,
 * IPv6 CIDRs, prefix lists or other groups.
 */
import { AwsError } from '../../errors.js';
import { int, objects, required, str, strings } from '../../params.js';
import type { Params } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { IpPermission, SecurityGroup, Subnet, Vpc } from '../../state.js';
import { applyTagSpecifications, ec2Page, hidden, matches, parseFilters, requireAll, tagSet } from './common.js';

// ---- VPCs -------------------------------------------------------------------------------------

function renderVpc(ctx: RequestContext, v: Vpc): Record<string, unknown> {
  return {
    vpcId: v.vpcId,
    ownerId: v.ownerId,
    state: 'available',
    cidrBlock: v.cidrBlock,
    cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, cidrBlock: v.cidrBlock, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: v.dhcpOptionsId,
    instanceTenancy: v.instanceTenancy,
    isDefault: v.isDefault,
    tagSet: tagSet(ctx.region.ec2.tags.get(v.vpcId)),
  };
}

const vpcFilter = (v: Vpc) => (name: string) =>
  ({ 'vpc-id': [v.vpcId], 'is-default': [String(v.isDefault)], 'cidr': [v.cidrBlock], 'cidr-block-association.cidr-block': [v.cidrBlock], state: ['available'], 'owner-id': [v.ownerId], 'dhcp-options-id': [v.dhcpOptionsId] })[name];

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function parseCidr(cidr: string, minPrefix: number, maxPrefix: number): { base: number; prefix: number } {
  const m = CIDR.exec(cidr);
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || prefix < minPrefix || prefix > maxPrefix) throw new AwsError('InvalidParameterValue', `Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return { base: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, prefix };
}

const inside = (inner: { base: number; prefix: number }, outer: { base: number; prefix: number }): boolean => {
  if (inner.prefix < outer.prefix) return false;
  const mask = outer.prefix === 0 ? 0 : (0xffffffff << (32 - outer.prefix)) >>> 0;
  return (inner.base & mask) >>> 0 === (outer.base & mask) >>> 0;
};

export const networkActions: Record<string, ActionHandler> = {
  DescribeVpcs: (ctx, p) => {
    const ids = strings(p, 'VpcId');
    const filters = parseFilters(p);
    const vpcs = ids.length > 0 ? requireAll(ids, (id) => ctx.region.ec2.vpcs.get(id), 'InvalidVpcID.NotFound', (m) => `The vpc ID '${m.join(', ')}' does not exist`) : [...ctx.region.ec2.vpcs.values()];
    const page = ec2Page(ctx, p, vpcs.filter((v) => matches(filters, vpcFilter(v), ctx.region.ec2.tags.get(v.vpcId))), { min: 5, max: 1000 }, ids.length > 0);
    return { vpcSet: page.items.map((v) => renderVpc(ctx, v)), nextToken: page.next };
  },

  CreateVpc: (ctx, p) => {
    const cidrBlock = required(p, 'CidrBlock', 'MissingParameter');
    parseCidr(cidrBlock, 16, 28);
    const vpc: Vpc = { vpcId: `vpc-${ctx.world.hex(17)}`, cidrBlock, isDefault: false, ownerId: ctx.account.id, dhcpOptionsId: `dopt-${ctx.world.hex(17)}`, instanceTenancy: str(p, 'InstanceTenancy') ?? 'default' };
    ctx.region.ec2.vpcs.set(vpc.vpcId, vpc);
    ctx.world.createDefaultSecurityGroup(ctx.account.id, ctx.region, vpc.vpcId);
    applyTagSpecifications(ctx.region.ec2, p, 'vpc', vpc.vpcId);
    return { vpc: { ...renderVpc(ctx, vpc), state: 'pending' } };
  },

  DeleteVpc: (ctx, p) => {
    const vpcId = required(p, 'VpcId', 'MissingParameter');
    const ec2 = ctx.region.ec2;
    if (!ec2.vpcs.has(vpcId)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    const dependent = [...ec2.subnets.values()].some((s) => s.vpcId === vpcId) || [...ec2.securityGroups.values()].some((g) => g.vpcId === vpcId && g.groupName !== 'default');
    if (dependent) throw new AwsError('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    for (const [id, g] of ec2.securityGroups) if (g.vpcId === vpcId) ec2.securityGroups.delete(id);
    ec2.vpcs.delete(vpcId);
    ec2.tags.delete(vpcId);
    return { return: true };
  },

  // ---- subnets ----------------------------------------------------------------------------------

  DescribeSubnets: (ctx, p) => {
    const ids = strings(p, 'SubnetId');
    const filters = parseFilters(p);
    const subnets = ids.length > 0 ? requireAll(ids, (id) => ctx.region.ec2.subnets.get(id), 'InvalidSubnetID.NotFound', (m) => `The subnet ID '${m.join(', ')}' does not exist`) : [...ctx.region.ec2.subnets.values()];
    const page = ec2Page(ctx, p, subnets.filter((s) => matches(filters, subnetFilter(s), ctx.region.ec2.tags.get(s.subnetId))), { min: 5, max: 1000 }, ids.length > 0);
    return { subnetSet: page.items.map((s) => renderSubnet(ctx, s)), nextToken: page.next };
  },

  CreateSubnet: (ctx, p) => {
    const vpcId = required(p, 'VpcId', 'MissingParameter');
    const cidrBlock = required(p, 'CidrBlock', 'MissingParameter');
    const vpc = ctx.region.ec2.vpcs.get(vpcId);
    if (vpc === undefined) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    const cidr = parseCidr(cidrBlock, 16, 28);
    if (!inside(cidr, parseCidr(vpc.cidrBlock, 0, 32))) throw new AwsError('InvalidSubnet.Range', `The CIDR '${cidrBlock}' is invalid.`);
    for (const s of ctx.region.ec2.subnets.values()) {
      if (s.vpcId !== vpcId) continue;
      const other = parseCidr(s.cidrBlock, 0, 32);
      if (inside(cidr, other) || inside(other, cidr)) throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${cidrBlock}' conflicts with another subnet`);
    }
    const zones = ctx.world.zones(ctx.region.name);
    const zoneName = str(p, 'AvailabilityZone') ?? zones[0]?.zoneName ?? '';
    const zone = zones.find((z) => z.zoneName === zoneName || z.zoneId === str(p, 'AvailabilityZoneId'));
    if (zone === undefined) throw new AwsError('InvalidParameterValue', `Value (${zoneName}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.zoneName).join(', ')}.`);
    const subnetId = `subnet-${ctx.world.hex(17)}`;
    const subnet: Subnet = {
      subnetId,
      vpcId,
      cidrBlock,
      availabilityZone: zone.zoneName,
      availabilityZoneId: zone.zoneId,
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
      ownerId: ctx.account.id,
      subnetArn: `arn:aws:ec2:${ctx.region.name}:${ctx.account.id}:subnet/${subnetId}`,
      nextHost: 4,
      capacity: 2 ** (32 - cidr.prefix) - 5,
    };
    ctx.region.ec2.subnets.set(subnetId, subnet);
    applyTagSpecifications(ctx.region.ec2, p, 'subnet', subnetId);
    return { subnet: renderSubnet(ctx, subnet) };
  },

  DeleteSubnet: (ctx, p) => {
    const subnetId = required(p, 'SubnetId', 'MissingParameter');
    if (!ctx.region.ec2.subnets.has(subnetId)) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    if ([...ctx.region.ec2.instances.values()].some((i) => i.subnetId === subnetId && i.state !== 'terminated')) throw new AwsError('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
    ctx.region.ec2.subnets.delete(subnetId);
    ctx.region.ec2.tags.delete(subnetId);
    return { return: true };
  },

  // ---- security groups --------------------------------------------------------------------------

  CreateSecurityGroup: (ctx, p) => {
    const groupName = required(p, 'GroupName', 'MissingParameter');
    const description = required(p, 'GroupDescription', 'MissingParameter');
    const vpcId = str(p, 'VpcId') ?? defaultVpcId(ctx);
    if (!ctx.region.ec2.vpcs.has(vpcId)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    if (groupName === 'default') throw new AwsError('InvalidGroup.Reserved', "The security group 'default' is reserved");
    if (/^sg-/i.test(groupName)) throw new AwsError('InvalidParameterValue', 'Group names may not be in the format sg-*.');
    if ([...ctx.region.ec2.securityGroups.values()].some((g) => g.vpcId === vpcId && g.groupName === groupName)) {
      throw new AwsError('InvalidGroup.Duplicate', `The security group '${groupName}' already exists for VPC '${vpcId}'`);
    }
    const groupId = `sg-${ctx.world.hex(17)}`;
    ctx.region.ec2.securityGroups.set(groupId, {
      groupId,
      groupName,
      description,
      vpcId,
      ownerId: ctx.account.id,
      ingress: [],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] }],
      createdTick: ctx.world.tickCount,
    });
    applyTagSpecifications(ctx.region.ec2, p, 'security-group', groupId);
    return { return: true, groupId, securityGroupArn: groupArn(ctx, groupId), tagSet: tagSet(ctx.region.ec2.tags.get(groupId)) };
  },

  DescribeSecurityGroups: (ctx, p) => {
    const ids = strings(p, 'GroupId');
    const names = strings(p, 'GroupName');
    const filters = parseFilters(p);
    const visible = [...ctx.region.ec2.securityGroups.values()].filter((g) => !hidden(ctx, g.createdTick));
    let groups = visible;
    if (ids.length > 0) groups = requireAll(ids, (id) => visible.find((g) => g.groupId === id), 'InvalidGroup.NotFound', (m) => `The security group '${m.join("', '")}' does not exist`);
    else if (names.length > 0) {
      const vpc = defaultVpcId(ctx);
      groups = requireAll(names, (n) => visible.find((g) => g.groupName === n && g.vpcId === vpc), 'InvalidGroup.NotFound', (m) => `The security group '${m.join("', '")}' does not exist in default VPC '${vpc}'`);
    }
    const page = ec2Page(ctx, p, groups.filter((g) => matches(filters, groupFilter(g), ctx.region.ec2.tags.get(g.groupId))), { min: 5, max: 1000 }, ids.length + names.length > 0);
    return { securityGroupInfo: page.items.map((g) => renderGroup(ctx, g)), nextToken: page.next };
  },

  DeleteSecurityGroup: (ctx, p) => {
    const group = findGroup(ctx, p);
    if (group.groupName === 'default') throw new AwsError('CannotDelete', `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`);
    const referenced = [...ctx.region.ec2.securityGroups.values()].some(
      (g) => g.groupId !== group.groupId && [...g.ingress, ...g.egress].some((r) => r.userIdGroupPairs.some((pair) => pair.groupId === group.groupId)),
    );
    const inUse = [...ctx.region.ec2.instances.values()].some((i) => i.state !== 'terminated' && i.securityGroupIds.includes(group.groupId));
    if (referenced || inUse) throw new AwsError('DependencyViolation', `resource ${group.groupId} has a dependent object`);
    ctx.region.ec2.securityGroups.delete(group.groupId);
    ctx.region.ec2.tags.delete(group.groupId);
    return { return: true, groupId: group.groupId };
  },

  UpdateSecurityGroupRuleDescriptionsIngress: (ctx, p) => updateDescriptions(ctx, p, 'ingress'),
  UpdateSecurityGroupRuleDescriptionsEgress: (ctx, p) => updateDescriptions(ctx, p, 'egress'),
  AuthorizeSecurityGroupIngress: (ctx, p) => authorize(ctx, p, 'ingress'),
  AuthorizeSecurityGroupEgress: (ctx, p) => authorize(ctx, p, 'egress'),
  RevokeSecurityGroupIngress: (ctx, p) => revoke(ctx, p, 'ingress'),
  RevokeSecurityGroupEgress: (ctx, p) => revoke(ctx, p, 'egress'),
};

export function defaultVpcId(ctx: RequestContext): string {
  const vpc = [...ctx.region.ec2.vpcs.values()].find((v) => v.isDefault);
  if (vpc === undefined) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user');
  return vpc.vpcId;
}

function renderSubnet(ctx: RequestContext, s: Subnet): Record<string, unknown> {
  return {
    subnetId: s.subnetId,
    subnetArn: s.subnetArn,
    state: 'available',
    vpcId: s.vpcId,
    cidrBlock: s.cidrBlock,
    availableIpAddressCount: Math.max(0, s.capacity - (s.nextHost - 4)),
    availabilityZone: s.availabilityZone,
    availabilityZoneId: s.availabilityZoneId,
    defaultForAz: s.defaultForAz,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    ownerId: s.ownerId,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    tagSet: tagSet(ctx.region.ec2.tags.get(s.subnetId)),
  };
}

const subnetFilter = (s: Subnet) => (name: string) =>
  ({
    'subnet-id': [s.subnetId],
    'vpc-id': [s.vpcId],
    'availability-zone': [s.availabilityZone],
    'availability-zone-id': [s.availabilityZoneId],
    'default-for-az': [String(s.defaultForAz)],
    'cidr-block': [s.cidrBlock],
    state: ['available'],
    'owner-id': [s.ownerId],
    'subnet-arn': [s.subnetArn],
  })[name];

function groupArn(ctx: RequestContext, groupId: string): string {
  return `arn:aws:ec2:${ctx.region.name}:${ctx.account.id}:security-group/${groupId}`;
}

function renderPermission(r: IpPermission): Record<string, unknown> {
  return {
    ipProtocol: r.ipProtocol,
    fromPort: r.fromPort,
    toPort: r.toPort,
    groups: r.userIdGroupPairs.map((g) => ({ description: g.description, groupId: g.groupId, userId: g.userId })),
    ipRanges: r.ipRanges.map((c) => ({ cidrIp: c.cidrIp, description: c.description })),
    ipv6Ranges: r.ipv6Ranges.map((c) => ({ cidrIpv6: c.cidrIpv6, description: c.description })),
    prefixListIds: r.prefixListIds.map((c) => ({ prefixListId: c.prefixListId, description: c.description })),
  };
}

function renderGroup(ctx: RequestContext, g: SecurityGroup): Record<string, unknown> {
  return {
    ownerId: g.ownerId,
    groupName: g.groupName,
    groupId: g.groupId,
    groupDescription: g.description,
    ipPermissions: g.ingress.map(renderPermission),
    ipPermissionsEgress: g.egress.map(renderPermission),
    vpcId: g.vpcId,
    securityGroupArn: groupArn(ctx, g.groupId),
    tagSet: tagSet(ctx.region.ec2.tags.get(g.groupId)),
  };
}

const groupFilter = (g: SecurityGroup) => (name: string) => {
  const perms = name.startsWith('egress.') ? g.egress : g.ingress;
  const field = name.replace(/^egress\./, '');
  switch (field) {
    case 'group-id':
      return [g.groupId];
    case 'group-name':
      return [g.groupName];
    case 'vpc-id':
      return [g.vpcId];
    case 'description':
      return [g.description];
    case 'owner-id':
      return [g.ownerId];
    case 'ip-permission.group-id':
      return perms.flatMap((r) => r.userIdGroupPairs.map((x) => x.groupId));
    case 'ip-permission.cidr':
      return perms.flatMap((r) => r.ipRanges.map((x) => x.cidrIp));
    case 'ip-permission.protocol':
      return perms.map((r) => r.ipProtocol);
    case 'ip-permission.from-port':
      return perms.map((r) => (r.fromPort === undefined ? undefined : String(r.fromPort)));
    case 'ip-permission.to-port':
      return perms.map((r) => (r.toPort === undefined ? undefined : String(r.toPort)));
    default:
      return undefined;
  }
};

function findGroup(ctx: RequestContext, p: Params): SecurityGroup {
  const id = str(p, 'GroupId');
  const name = str(p, 'GroupName');
  if (id !== undefined) {
    const g = ctx.region.ec2.securityGroups.get(id);
    if (g === undefined || hidden(ctx, g.createdTick)) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  }
  if (name !== undefined) {
    const vpc = defaultVpcId(ctx);
    const g = [...ctx.region.ec2.securityGroups.values()].find((x) => x.groupName === name && x.vpcId === vpc);
    if (g === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc}'`);
    return g;
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

/** The permissions of a request (IpPermissions.N, or the legacy top-level CidrIp/IpProtocol/FromPort/ToPort form). */
function requestedPermissions(ctx: RequestContext, group: SecurityGroup, p: Params): IpPermission[] {
  let specs = objects(p, 'IpPermissions');
  if (specs.length === 0 && str(p, 'IpProtocol') !== undefined) {
    const legacy: Params = { IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort };
    if (str(p, 'CidrIp') !== undefined) legacy.IpRanges = [{ CidrIp: p.CidrIp }];
    if (str(p, 'SourceSecurityGroupName') !== undefined) legacy.Groups = [{ GroupName: p.SourceSecurityGroupName, UserId: p.SourceSecurityGroupOwnerId }];
    specs = [legacy];
  }
  if (specs.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions');
  return specs.map((s) => {
    const raw = (str(s, 'IpProtocol') ?? '').toLowerCase();
    const ipProtocol = PROTOCOL_NAMES[raw] ?? raw;
    if (!['tcp', 'udp', 'icmp', 'icmpv6', '-1'].includes(ipProtocol) && !/^\d+$/.test(ipProtocol)) throw new AwsError('InvalidParameterValue', `Invalid value '${raw}' for IP protocol. Unknown protocol.`);
    const ported = ipProtocol === 'tcp' || ipProtocol === 'udp' || ipProtocol === 'icmp';
    const fromPort = ported ? int(s, 'FromPort') : undefined;
    const toPort = ported ? int(s, 'ToPort') : undefined;
    if ((ipProtocol === 'tcp' || ipProtocol === 'udp') && (fromPort === undefined || toPort === undefined || fromPort < 0 || toPort > 65535 || fromPort > toPort)) {
      throw new AwsError('InvalidParameterValue', `Invalid value for portRange. Must specify both from and to ports with TCP/UDP.`);
    }
    const pairs = objects(s, 'Groups').map((g) => {
      const gid = str(g, 'GroupId');
      const gname = str(g, 'GroupName');
      const owner = str(g, 'UserId');
      // Another account's group (by UserId and GroupId): VPC peering is not modelled, so any of its groups may be named.
      if (owner !== undefined && owner !== ctx.account.id) {
        const peer = gid === undefined ? undefined : ctx.world.account(owner)?.region(ctx.region.name).ec2.securityGroups.get(gid);
        if (peer === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${gid ?? gname ?? ''}' does not exist`);
        return { groupId: peer.groupId, userId: owner, description: str(g, 'Description') };
      }
      const target = gid !== undefined ? ctx.region.ec2.securityGroups.get(gid) : [...ctx.region.ec2.securityGroups.values()].find((x) => x.groupName === gname && x.vpcId === group.vpcId);
      if (target === undefined || hidden(ctx, target.createdTick)) throw new AwsError('InvalidGroup.NotFound', `The security group '${gid ?? gname ?? ''}' does not exist`);
      if (target.vpcId !== group.vpcId) throw new AwsError('InvalidGroup.NotFound', `You have specified two resources that belong to different networks.`);
      return { groupId: target.groupId, userId: ctx.account.id, description: str(g, 'Description') };
    });
    const ipRanges = objects(s, 'IpRanges').map((r) => {
      const cidrIp = required(r, 'CidrIp', 'MissingParameter');
      parseCidr(cidrIp, 0, 32);
      return { cidrIp, description: str(r, 'Description') };
    });
    const perm: IpPermission = {
      ipProtocol,
      ipRanges,
      ipv6Ranges: objects(s, 'Ipv6Ranges').map((r) => ({ cidrIpv6: str(r, 'CidrIpv6') ?? '', description: str(r, 'Description') })),
      userIdGroupPairs: pairs,
      prefixListIds: objects(s, 'PrefixListIds').map((r) => ({ prefixListId: str(r, 'PrefixListId') ?? '', description: str(r, 'Description') })),
    };
    if (fromPort !== undefined) perm.fromPort = fromPort;
    if (toPort !== undefined) perm.toPort = toPort;
    return perm;
  });
}

type Peer = { kind: 'cidr' | 'cidr6' | 'group' | 'prefix'; value: string; description?: string; owner?: string };

function peers(r: IpPermission): Peer[] {
  return [
    ...r.ipRanges.map((x) => ({ kind: 'cidr' as const, value: x.cidrIp, description: x.description })),
    ...r.ipv6Ranges.map((x) => ({ kind: 'cidr6' as const, value: x.cidrIpv6, description: x.description })),
    ...r.userIdGroupPairs.map((x) => ({ kind: 'group' as const, value: x.groupId, description: x.description, owner: x.userId })),
    ...r.prefixListIds.map((x) => ({ kind: 'prefix' as const, value: x.prefixListId, description: x.description })),
  ];
}

const sameRange = (a: IpPermission, b: IpPermission): boolean => a.ipProtocol === b.ipProtocol && a.fromPort === b.fromPort && a.toPort === b.toPort;
const ruleText = (r: IpPermission, peer: Peer): string =>
  `peer: ${peer.value}, ${r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase()}, from port: ${r.fromPort ?? 'none'}, to port: ${r.toPort ?? 'none'}, ALLOW`;

function authorize(ctx: RequestContext, p: Params, direction: 'ingress' | 'egress'): Record<string, unknown> {
  const group = findGroup(ctx, p);
  const requested = requestedPermissions(ctx, group, p);
  const rules = direction === 'ingress' ? group.ingress : group.egress;
  const added: { perm: IpPermission; peer: Peer }[] = [];
  for (const r of requested) {
    const existing = rules.find((x) => sameRange(x, r));
    for (const peer of peers(r)) {
      const dup = existing !== undefined && peers(existing).some((e) => e.kind === peer.kind && e.value === peer.value);
      if (dup || added.some((a) => sameRange(a.perm, r) && a.peer.kind === peer.kind && a.peer.value === peer.value)) {
        throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${ruleText(r, peer)}" already exists`);
      }
      added.push({ perm: r, peer });
    }
  }
  for (const { perm, peer } of added) {
    let target = rules.find((x) => sameRange(x, perm));
    if (target === undefined) {
      target = { ipProtocol: perm.ipProtocol, ipRanges: [], ipv6Ranges: [], userIdGroupPairs: [], prefixListIds: [] };
      if (perm.fromPort !== undefined) target.fromPort = perm.fromPort;
      if (perm.toPort !== undefined) target.toPort = perm.toPort;
      rules.push(target);
    }
    if (peer.kind === 'cidr') target.ipRanges.push({ cidrIp: peer.value, ...(peer.description === undefined ? {} : { description: peer.description }) });
    else if (peer.kind === 'cidr6') target.ipv6Ranges.push({ cidrIpv6: peer.value, ...(peer.description === undefined ? {} : { description: peer.description }) });
    else if (peer.kind === 'prefix') target.prefixListIds.push({ prefixListId: peer.value, ...(peer.description === undefined ? {} : { description: peer.description }) });
    else target.userIdGroupPairs.push({ groupId: peer.value, userId: peer.owner ?? ctx.account.id, ...(peer.description === undefined ? {} : { description: peer.description }) });
  }
  return {
    return: true,
    securityGroupRuleSet: added.map(({ perm, peer }) => ({
      securityGroupRuleId: `sgr-${ctx.world.hex(17)}`,
      groupId: group.groupId,
      groupOwnerId: group.ownerId,
      isEgress: direction === 'egress',
      ipProtocol: perm.ipProtocol,
      fromPort: perm.fromPort ?? -1,
      toPort: perm.toPort ?? -1,
      cidrIpv4: peer.kind === 'cidr' ? peer.value : undefined,
      cidrIpv6: peer.kind === 'cidr6' ? peer.value : undefined,
      prefixListId: peer.kind === 'prefix' ? peer.value : undefined,
      referencedGroupInfo: peer.kind === 'group' ? { groupId: peer.value, userId: peer.owner ?? ctx.account.id } : undefined,
      description: peer.description,
      securityGroupRuleArn: `arn:aws:ec2:${ctx.region.name}:${ctx.account.id}:security-group-rule/sgr-${ctx.world.hex(17)}`,
    })),
  };
}

function revoke(ctx: RequestContext, p: Params, direction: 'ingress' | 'egress'): Record<string, unknown> {
  const group = findGroup(ctx, p);
  const requested = requestedPermissions(ctx, group, p);
  const rules = direction === 'ingress' ? group.ingress : group.egress;
  for (const r of requested) {
    const existing = rules.find((x) => sameRange(x, r));
    for (const peer of peers(r)) {
      if (existing === undefined || !peers(existing).some((e) => e.kind === peer.kind && e.value === peer.value)) {
        throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      }
    }
  }
  for (const r of requested) {
    const existing = rules.find((x) => sameRange(x, r));
    if (existing === undefined) continue;
    for (const peer of peers(r)) {
      if (peer.kind === 'cidr') existing.ipRanges = existing.ipRanges.filter((x) => x.cidrIp !== peer.value);
      else if (peer.kind === 'cidr6') existing.ipv6Ranges = existing.ipv6Ranges.filter((x) => x.cidrIpv6 !== peer.value);
      else if (peer.kind === 'prefix') existing.prefixListIds = existing.prefixListIds.filter((x) => x.prefixListId !== peer.value);
      else existing.userIdGroupPairs = existing.userIdGroupPairs.filter((x) => x.groupId !== peer.value);
    }
    if (peers(existing).length === 0) rules.splice(rules.indexOf(existing), 1);
  }
  return { return: true };
}


/** UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: sets the descriptions of existing rules' peers. */
function updateDescriptions(ctx: RequestContext, p: Params, direction: 'ingress' | 'egress'): Record<string, unknown> {
  const group = findGroup(ctx, p);
  const rules = direction === 'ingress' ? group.ingress : group.egress;
  const requested = requestedPermissions(ctx, group, p);
  for (const r of requested) {
    const existing = rules.find((x) => sameRange(x, r));
    for (const peer of peers(r)) {
      if (existing === undefined || !peers(existing).some((e) => e.kind === peer.kind && e.value === peer.value)) throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    }
  }
  for (const r of requested) {
    const existing = rules.find((x) => sameRange(x, r));
    if (existing === undefined) continue;
    for (const x of r.ipRanges) for (const e of existing.ipRanges) if (e.cidrIp === x.cidrIp) e.description = x.description;
    for (const x of r.ipv6Ranges) for (const e of existing.ipv6Ranges) if (e.cidrIpv6 === x.cidrIpv6) e.description = x.description;
    for (const x of r.prefixListIds) for (const e of existing.prefixListIds) if (e.prefixListId === x.prefixListId) e.description = x.description;
    for (const x of r.userIdGroupPairs) for (const e of existing.userIdGroupPairs) if (e.groupId === x.groupId) e.description = x.description;
  }
  return { return: true };
}

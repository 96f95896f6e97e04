/**
 * Name → AWS object look-ups a deploy makes before it creates anything: classic load balancers
 * (`LoadBalancerLookupHelper`), target groups (`TargetGroupLookupHelper`), the image
 * (`AmiIdResolver`), subnets of a purpose (`AsgBuilder.getSubnets` with `SubnetData`'s
 * `immutable_metadata` tag) and security groups by name or id (`SecurityGroupService`).
 */
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecurityGroupCommand, DescribeImagesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, type Image, type Subnet } from '@aws-sdk/client-ec2';
import { AwsOperationError, type RegionClients } from './support.js';

/** Classic load balancers of these names; names that are not classic load balancers are returned as unknown. */
export async function classicLoadBalancers(c: RegionClients, names: readonly string[]): Promise<{ found: string[]; unknown: string[] }> {
  if (names.length === 0) return { found: [], unknown: [] };
  const existing = new Set<string>();
  let marker: string | undefined;
  do {
    const out = await c.elb.send(new DescribeClassicCommand({ PageSize: 400, ...(marker === undefined ? {} : { Marker: marker }) }), c.opts);
    for (const lb of out.LoadBalancerDescriptions ?? []) if (lb.LoadBalancerName) existing.add(lb.LoadBalancerName);
    marker = out.NextMarker;
  } while (marker !== undefined && marker !== '');
  const unique = [...new Set(names)];
  return { found: unique.filter((n) => existing.has(n)), unknown: unique.filter((n) => !existing.has(n)) };
}

/** Target group ARNs by name; unknown names returned apart. */
export async function targetGroupArns(c: RegionClients, names: readonly string[]): Promise<{ arns: string[]; unknown: string[] }> {
  if (names.length === 0) return { arns: [], unknown: [] };
  const byName = new Map<string, string>();
  let marker: string | undefined;
  do {
    const out = await c.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 400, ...(marker === undefined ? {} : { Marker: marker }) }), c.opts);
    for (const tg of out.TargetGroups ?? []) if (tg.TargetGroupName && tg.TargetGroupArn) byName.set(tg.TargetGroupName, tg.TargetGroupArn);
    marker = out.NextMarker;
  } while (marker !== undefined && marker !== '');
  const unique = [...new Set(names)];
  return { arns: unique.flatMap((n) => byName.get(n) ?? []), unknown: unique.filter((n) => !byName.has(n)) };
}

const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;

/**
 * `AmiIdResolver.resolveAmiIdFromAllSources`: an `ami-` id as is (if EC2 knows it), else a name
 * among the account's own images, then those shared with it, then public ones.
 */
export async function resolveAmi(c: RegionClients, amiName: string): Promise<Image | undefined> {
  if (AMI_ID.test(amiName)) {
    try {
      return (await c.ec2.send(new DescribeImagesCommand({ ImageIds: [amiName] }), c.opts)).Images?.[0];
    } catch {
      return undefined;
    }
  }
  const byName = [{ Name: 'name', Values: [amiName] }];
  for (const scope of [{ Owners: ['self'] }, { ExecutableUsers: ['self'] }, {}]) {
    const images = (await c.ec2.send(new DescribeImagesCommand({ ...scope, Filters: byName }), c.opts)).Images ?? [];
    if (images.length > 0) return images[0];
  }
  return undefined;
}

/** `SubnetData.from`: the purpose and target in a subnet's `immutable_metadata` tag. */
export function subnetPurpose(s: Subnet): { purpose?: string; target?: string } {
  const raw = s.Tags?.find((t) => t.Key === 'immutable_metadata')?.Value;
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { purpose, target } = parsed as Record<string, unknown>;
    return { ...(typeof purpose === 'string' ? { purpose } : {}), ...(typeof target === 'string' ? { target } : {}) };
  } catch {
    return {};
  }
}

export interface Placement {
  /** Subnets the group launches into (`VPCZoneIdentifier`); empty: zones only. */
  readonly subnetIds: string[];
  readonly vpcId?: string;
  /** The zones of the group (those of the subnets when subnets are used). */
  readonly zones: string[];
}

/**
 * Where the group launches. With `subnetType`: the subnets tagged with that purpose (target ec2 or
 * none) in the requested zones, or `subnetIds` when given (each must be one of them); none is
 * "No suitable subnet was found for internal subnet purpose 'X'!". Without: the default VPC's
 * subnets in the zones (upstream launches into the zones alone, which on a VPC-only account is
 * the same place), or the zones alone when the region has no default VPC.
 */
export async function placement(c: RegionClients, subnetType: string | undefined, zones: readonly string[], subnetIds: readonly string[]): Promise<Placement> {
  const subnets = (await c.ec2.send(new DescribeSubnetsCommand({}), c.opts)).Subnets ?? [];
  const inZones = subnets.filter((s) => zones.length === 0 || zones.includes(s.AvailabilityZone ?? ''));
  let chosen: Subnet[];
  if (subnetType) {
    const ofPurpose = inZones.filter((s) => {
      const data = subnetPurpose(s);
      return data.purpose === subnetType && (data.target === undefined || data.target === 'ec2');
    });
    if (subnetIds.length > 0) {
      const known = new Set(inZones.map((s) => s.SubnetId));
      const invalid = subnetIds.filter((id) => !known.has(id));
      if (invalid.length > 0) throw new AwsOperationError(`One or more subnet ids are not valid (invalidSubnetIds: ${invalid.join(',')}, availabilityZones: ${zones.join(',')})`);
      chosen = inZones.filter((s) => subnetIds.includes(s.SubnetId ?? ''));
    } else {
      chosen = ofPurpose;
    }
    if (chosen.length === 0) throw new AwsOperationError(`No suitable subnet was found for internal subnet purpose '${subnetType}'!`, 'RuntimeException');
  } else {
    chosen = inZones.filter((s) => s.DefaultForAz === true);
    if (chosen.length === 0) return { subnetIds: [], zones: [...zones] };
  }
  const vpcIds = [...new Set(chosen.map((s) => s.VpcId ?? ''))];
  if (vpcIds.length > 1) throw new AwsOperationError(`The subnets for purpose '${subnetType ?? ''}' span several VPCs (${vpcIds.join(', ')})`);
  return { subnetIds: chosen.map((s) => s.SubnetId ?? ''), ...(vpcIds[0] ? { vpcId: vpcIds[0] } : {}), zones: [...new Set(chosen.map((s) => s.AvailabilityZone ?? ''))] };
}

/** The VPC of a group's first subnet (undefined for a group launched into zones only). */
export async function vpcOfSubnets(c: RegionClients, vpcZoneIdentifier: string | undefined): Promise<string | undefined> {
  const first = (vpcZoneIdentifier ?? '').split(',')[0]?.trim() ?? '';
  if (first === '') return undefined;
  return (await c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [first] }), c.opts)).Subnets?.[0]?.VpcId;
}

const GROUP_ID = /^sg-[0-9a-f]+$/;

/**
 * `SecurityGroupService.resolveSecurityGroupIdsWithSubnetType` + `AsgConfigHelper.setAppSecurityGroups`:
 * names resolve in the group's VPC, ids are kept (EC2 checks them at launch); unknown names fail.
 * With no group at all, the application's own group (named after it) is used, created if missing.
 */
export async function securityGroupIds(c: RegionClients, namesOrIds: readonly string[], vpcId: string | undefined, application: string, onStatus: (line: string) => Promise<void>): Promise<string[]> {
  const ids = namesOrIds.filter((n) => GROUP_ID.test(n));
  const names = [...new Set(namesOrIds.filter((n) => !GROUP_ID.test(n)))];
  const vpcFilter = vpcId === undefined ? [] : [{ Name: 'vpc-id', Values: [vpcId] }];
  if (names.length > 0) {
    const groups = (await c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }, ...vpcFilter] }), c.opts)).SecurityGroups ?? [];
    const byName = new Map(groups.map((g) => [g.GroupName ?? '', g.GroupId ?? '']));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0) throw new AwsOperationError(`Missing security groups: ${missing.join(', ')}${vpcId === undefined ? '' : ` (in ${vpcId})`}`, 'SecurityGroupNotFoundException');
    ids.push(...names.map((n) => byName.get(n) ?? ''));
  }
  if (ids.length > 0) return [...new Set(ids)];
  const existing = (await c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [application] }, ...vpcFilter] }), c.opts)).SecurityGroups?.[0]?.GroupId;
  if (existing) return [existing];
  await onStatus(`Creating security group ${application} for application ${application}${vpcId === undefined ? '' : ` in ${vpcId}`}.`);
  const created = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: application, Description: `Security group for application ${application}`, ...(vpcId === undefined ? {} : { VpcId: vpcId }) }), c.opts);
  return [created.GroupId ?? ''];
}

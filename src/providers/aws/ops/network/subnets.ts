/**
 * Subnets and security groups as load balancer upserts resolve them.
 *
 * `subnetIdsForZones` is Clouddriver's `SubnetAnalyzer.getSubnetIdsForZones(zones, subnetType,
 * SubnetTarget.ELB, 1)`: a subnet's purpose and target come from its `immutable_metadata` tag
 * (`{"purpose": "internal", "target": "elb"}`) or, failing that, a `Name` of the form
 * `a.b.c` (purpose `"b (a)"`); per zone the purpose-matching subnet with the most free
 * addresses is taken. `securityGroupIds` is `SecurityGroupService.getSecurityGroupIds` (names in
 * one VPC; `sg-` ids pass through, which upstream's load balancer path does not accept).
 */
import { DescribeSecurityGroupsCommand, paginateDescribeSubnets, type EC2Client, type Subnet } from '@aws-sdk/client-ec2';

interface SubnetData {
  readonly subnetId: string;
  readonly vpcId: string | undefined;
  readonly zone: string | undefined;
  readonly free: number;
  readonly purpose: string | undefined;
  readonly target: string | undefined;
  readonly defaultForAz: boolean;
}

function subnetData(s: Subnet): SubnetData {
  const tags = new Map((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  let purpose: string | undefined;
  let target: string | undefined;
  const metadata = tags.get('immutable_metadata');
  if (metadata !== undefined) {
    try {
      const parsed = JSON.parse(metadata) as { purpose?: unknown; target?: unknown };
      purpose = typeof parsed.purpose === 'string' ? parsed.purpose : undefined;
      target = typeof parsed.target === 'string' ? parsed.target.toLowerCase() : undefined;
    } catch {
      // A malformed tag gives the subnet no purpose, as upstream's reader would fail on it.
    }
  } else {
    const name = [...tags].find(([k]) => k.toLowerCase() === 'name')?.[1];
    const parts = name?.split('.');
    if (parts?.length === 3) purpose = `${parts[1] ?? ''} (${parts[0] ?? ''})`;
  }
  return { subnetId: s.SubnetId ?? '', vpcId: s.VpcId, zone: s.AvailabilityZone, free: s.AvailableIpAddressCount ?? 0, purpose, target, defaultForAz: s.DefaultForAz === true };
}

async function allSubnets(ec2: EC2Client): Promise<SubnetData[]> {
  const out: SubnetData[] = [];
  for await (const page of paginateDescribeSubnets({ client: ec2 }, {})) out.push(...(page.Subnets ?? []).map(subnetData));
  return out;
}

/** One subnet of purpose `subnetType` per zone, for a load balancer (target `elb` or none). */
export async function subnetIdsForZones(ec2: EC2Client, zones: readonly string[], subnetType: string): Promise<string[]> {
  if (zones.length === 0) return [];
  const subnets = (await allSubnets(ec2)).filter((s) => s.purpose !== undefined && (s.target === undefined || s.target === 'elb'));
  return zones.flatMap((zone) =>
    subnets
      .filter((s) => s.zone === zone && s.purpose === subnetType)
      .sort((a, b) => b.free - a.free)
      .slice(0, 1)
      .map((s) => s.subnetId),
  );
}

/** The default subnet of each zone in `vpcId` (what a load balancer without `subnetType` uses here; not upstream). */
export async function defaultSubnetIdsForZones(ec2: EC2Client, zones: readonly string[], vpcId: string | undefined): Promise<string[]> {
  const subnets = (await allSubnets(ec2)).filter((s) => vpcId === undefined || s.vpcId === vpcId);
  return zones.flatMap((zone) => {
    const inZone = subnets.filter((s) => s.zone === zone);
    const pick = inZone.find((s) => s.defaultForAz) ?? inZone.sort((a, b) => b.free - a.free)[0];
    return pick === undefined ? [] : [pick.subnetId];
  });
}

const SG_ID = /^sg-[0-9a-f]+$/;

/** Ids of these groups (names in `vpcId`, ids as given); names that do not resolve fail with upstream's message. */
export async function securityGroupIds(ec2: EC2Client, namesOrIds: readonly string[], vpcId: string | undefined, signal?: AbortSignal): Promise<string[]> {
  const ids = namesOrIds.filter((n) => SG_ID.test(n));
  const names = [...new Set(namesOrIds.filter((n) => !SG_ID.test(n)))];
  if (names.length === 0) return [...new Set(ids)];
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }] }), { abortSignal: signal })).SecurityGroups ?? [];
  const byName = new Map(groups.filter((g) => vpcId === undefined || g.VpcId === vpcId).map((g) => [g.GroupName ?? '', g.GroupId ?? '']));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    const err = new Error(`Missing security groups: ${missing.join(',')}`);
    err.name = 'SecurityGroupNotFoundException';
    throw err;
  }
  return [...new Set([...names.map((n) => byName.get(n) ?? ''), ...ids])];
}

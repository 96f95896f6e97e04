/**
 * EC2 account- and region-level reads: DescribeRegions, DescribeAvailabilityZones,
 * DescribeAccountAttributes and DescribeReservedInstances.
 */
import { AwsError } from '../../errors.js';
import { strings } from '../../params.js';
import type { ActionHandler } from '../../service.js';
import { matches, parseFilters } from './common.js';

export const accountActions: Record<string, ActionHandler> = {
  DescribeRegions: (ctx, p) => {
    const wanted = strings(p, 'RegionName');
    for (const w of wanted) if (!ctx.world.regionNames.includes(w)) throw new AwsError('InvalidParameterValue', `Invalid region: ${w}`);
    const filters = parseFilters(p);
    return {
      regionInfo: ctx.world.regionNames
        .filter((r) => wanted.length === 0 || wanted.includes(r))
        .filter((r) => matches(filters, (n) => ({ 'region-name': [r], endpoint: [`ec2.${r}.amazonaws.com`], 'opt-in-status': ['opt-in-not-required'] })[n], undefined))
        .map((r) => ({ regionName: r, regionEndpoint: `ec2.${r}.amazonaws.com`, optInStatus: 'opt-in-not-required' })),
    };
  },

  DescribeAvailabilityZones: (ctx, p) => {
    const names = strings(p, 'ZoneName');
    const ids = strings(p, 'ZoneId');
    const zones = ctx.world.zones(ctx.region.name);
    for (const n of names) if (!zones.some((z) => z.zoneName === n)) throw new AwsError('InvalidParameterValue', `The zone '${n}' does not exist.`);
    const filters = parseFilters(p);
    return {
      availabilityZoneInfo: zones
        .filter((z) => (names.length === 0 || names.includes(z.zoneName)) && (ids.length === 0 || ids.includes(z.zoneId)))
        .filter((z) => matches(filters, (n) => ({ 'zone-name': [z.zoneName], 'zone-id': [z.zoneId], 'region-name': [ctx.region.name], state: ['available'], 'zone-type': ['availability-zone'] })[n], undefined))
        .map((z) => ({
          optInStatus: 'opt-in-not-required',
          messageSet: [],
          regionName: ctx.region.name,
          zoneName: z.zoneName,
          zoneId: z.zoneId,
          groupName: ctx.region.name,
          networkBorderGroup: ctx.region.name,
          zoneType: 'availability-zone',
          zoneState: 'available',
        })),
    };
  },

  /** DescribeAccountAttributes: the platform is VPC-only; default-vpc is the region's default VPC. */
  DescribeAccountAttributes: (ctx, p) => {
    const wanted = strings(p, 'AttributeName');
    const dflt = [...ctx.region.ec2.vpcs.values()].find((v) => v.isDefault)?.vpcId ?? 'none';
    const attributes: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [dflt],
      'max-instances': ['20'],
      'vpc-max-security-groups-per-interface': ['5'],
      'max-elastic-ips': ['5'],
      'vpc-max-elastic-ips': ['5'],
    };
    for (const w of wanted) if (!(w in attributes)) throw new AwsError('InvalidParameterValue', `Value (${w}) for parameter attributeName is invalid.`);
    return {
      accountAttributeSet: Object.entries(attributes)
        .filter(([name]) => wanted.length === 0 || wanted.includes(name))
        .map(([attributeName, values]) => ({ attributeName, attributeValueSet: values.map((attributeValue) => ({ attributeValue })) })),
    };
  },

  /**
   * DescribeReservedInstances: reservations cannot be purchased in the simulator, so an account
   * holds none; ids asked for are InvalidReservedInstancesId.NotFound (filters are accepted).
   */
  DescribeReservedInstances: (_ctx, p) => {
    const ids = strings(p, 'ReservedInstancesId');
    if (ids.length > 0) throw new AwsError('InvalidReservedInstancesId.NotFound', `The reserved instances ID '${ids.join(', ')}' does not exist`);
    return { reservedInstancesSet: [] };
  },

};

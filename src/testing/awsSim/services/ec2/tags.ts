/**
 * EC2 tags of every taggable resource: CreateTags, DeleteTags, DescribeTags (filters
 * resource-id, resource-type, key, value; MaxResults 5-1000 with NextToken).
 */
import { AwsError } from '../../errors.js';
import { objects, required, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import { ec2Page, matches, parseFilters, setTags } from './common.js';

const RESOURCE_TYPES: Record<string, string> = {
  i: 'instance',
  sg: 'security-group',
  vpc: 'vpc',
  subnet: 'subnet',
  ami: 'image',
  lt: 'launch-template',
  key: 'key-pair',
  eipalloc: 'elastic-ip',
};

function resourceExists(ctx: RequestContext, id: string): boolean {
  const ec2 = ctx.region.ec2;
  const type = RESOURCE_TYPES[id.split('-')[0] ?? ''];
  switch (type) {
    case 'instance':
      return ec2.instances.has(id);
    case 'security-group':
      return ec2.securityGroups.has(id);
    case 'vpc':
      return ec2.vpcs.has(id);
    case 'subnet':
      return ec2.subnets.has(id);
    case 'image':
      return ec2.images.has(id);
    case 'launch-template':
      return ec2.launchTemplates.has(id);
    case 'key-pair':
      return [...ec2.keyPairs.values()].some((k) => k.keyPairId === id);
    case 'elastic-ip':
      return ec2.addresses.has(id);
    default:
      return false;
  }
}

function notFoundCode(id: string): string {
  const prefix = id.split('-')[0] ?? '';
  return (
    {
      i: 'InvalidInstanceID.NotFound',
      sg: 'InvalidGroup.NotFound',
      vpc: 'InvalidVpcID.NotFound',
      subnet: 'InvalidSubnetID.NotFound',
      ami: 'InvalidAMIID.NotFound',
      lt: 'InvalidLaunchTemplateId.NotFound',
      eipalloc: 'InvalidAllocationID.NotFound',
    }[prefix] ?? 'InvalidID'
  );
}

export const tagActions: Record<string, ActionHandler> = {

  CreateTags: (ctx, p) => {
    const ids = strings(p, 'ResourceId');
    if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter resourceIdSet');
    for (const id of ids) if (!resourceExists(ctx, id)) throw new AwsError(notFoundCode(id), `The ID '${id}' does not exist`);
    const tags = objects(p, 'Tag').map((t) => [required(t, 'Key', 'MissingParameter'), str(t, 'Value') ?? ''] as const);
    for (const [k] of tags) if (k.startsWith('aws:')) throw new AwsError('InvalidParameterValue', 'Tag keys starting with \'aws:\' are reserved for internal use');
    for (const id of ids) setTags(ctx.region.ec2, id, tags);
    return { return: true };
  },

  DeleteTags: (ctx, p) => {
    const ids = strings(p, 'ResourceId');
    const tags = objects(p, 'Tag');
    for (const id of ids) {
      const existing = ctx.region.ec2.tags.get(id);
      if (existing === undefined) continue;
      if (tags.length === 0) existing.clear();
      for (const t of tags) {
        const key = str(t, 'Key') ?? '';
        const value = str(t, 'Value');
        if (value === undefined || existing.get(key) === value) existing.delete(key);
      }
    }
    return { return: true };
  },

  DescribeTags: (ctx, p) => {
    const filters = parseFilters(p);
    const rows: { resourceId: string; resourceType: string; key: string; value: string }[] = [];
    for (const [resourceId, tags] of ctx.region.ec2.tags) {
      if (!resourceExists(ctx, resourceId)) continue;
      const resourceType = RESOURCE_TYPES[resourceId.split('-')[0] ?? ''] ?? 'unknown';
      for (const [key, value] of tags) {
        const row = { resourceId, resourceType, key, value };
        if (matches(filters, (n) => ({ 'resource-id': [resourceId], 'resource-type': [resourceType], key: [key], value: [value] })[n], undefined)) rows.push(row);
      }
    }
    const page = ec2Page(ctx, p, rows, { min: 5, max: 1000 });
    return { tagSet: page.items, nextToken: page.next };
  },
};

/** EC2 Elastic IP addresses: Allocate, Describe, Associate, Disassociate, Release. */
import { AwsError } from '../../errors.js';
import { required, strings } from '../../params.js';
import type { ActionHandler } from '../../service.js';
import { applyTagSpecifications, matches, parseFilters, requireAll, tagSet } from './common.js';

export const addressActions: Record<string, ActionHandler> = {

  AllocateAddress: (ctx, p) => {
    const n = ctx.region.ec2.addresses.size;
    const address = { allocationId: `eipalloc-${ctx.world.hex(17)}`, publicIp: `54.${160 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${(n % 254) + 1}` };
    ctx.region.ec2.addresses.set(address.allocationId, address);
    applyTagSpecifications(ctx.region.ec2, p, 'elastic-ip', address.allocationId);
    return { publicIp: address.publicIp, allocationId: address.allocationId, domain: 'vpc', networkBorderGroup: ctx.region.name, publicIpv4Pool: 'amazon' };
  },

  DescribeAddresses: (ctx, p) => {
    const ips = strings(p, 'PublicIp');
    const ids = strings(p, 'AllocationId');
    let addresses = [...ctx.region.ec2.addresses.values()];
    if (ids.length > 0) addresses = requireAll(ids, (id) => ctx.region.ec2.addresses.get(id), 'InvalidAllocationID.NotFound', (m) => `The allocation IDs '${m.join(', ')}' do not exist`);
    if (ips.length > 0) addresses = requireAll(ips, (ip) => addresses.find((a) => a.publicIp === ip), 'InvalidAddress.NotFound', (m) => `Address '${m.join(', ')}' not found.`);
    const filters = parseFilters(p);
    addresses = addresses.filter((a) => matches(filters, (n) => ({ 'allocation-id': [a.allocationId], 'public-ip': [a.publicIp], 'instance-id': [a.instanceId], 'association-id': [a.associationId], domain: ['vpc'] })[n], ctx.region.ec2.tags.get(a.allocationId)));
    return {
      addressesSet: addresses.map((a) => {
        const instance = a.instanceId === undefined ? undefined : ctx.region.ec2.instances.get(a.instanceId);
        return {
          allocationId: a.allocationId,
          associationId: a.associationId,
          domain: 'vpc',
          instanceId: a.instanceId,
          privateIpAddress: instance?.privateIpAddress,
          networkInterfaceId: instance === undefined ? undefined : `eni-${instance.instanceId.slice(2)}`,
          networkInterfaceOwnerId: instance === undefined ? undefined : ctx.account.id,
          publicIp: a.publicIp,
          publicIpv4Pool: 'amazon',
          networkBorderGroup: ctx.region.name,
          tagSet: tagSet(ctx.region.ec2.tags.get(a.allocationId)),
        };
      }),
    };
  },

  AssociateAddress: (ctx, p) => {
    const allocationId = required(p, 'AllocationId', 'MissingParameter');
    const instanceId = required(p, 'InstanceId', 'MissingParameter');
    const address = ctx.region.ec2.addresses.get(allocationId);
    if (address === undefined) throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    const instance = ctx.region.ec2.instances.get(instanceId);
    if (instance === undefined || instance.state === 'terminated') throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    if (instance.state !== 'running') throw new AwsError('IncorrectInstanceState', `The instance '${instanceId}' is not in a valid state for this operation.`);
    address.instanceId = instanceId;
    address.associationId = `eipassoc-${ctx.world.hex(17)}`;
    return { return: true, associationId: address.associationId };
  },

  DisassociateAddress: (ctx, p) => {
    const associationId = required(p, 'AssociationId', 'MissingParameter');
    const address = [...ctx.region.ec2.addresses.values()].find((a) => a.associationId === associationId);
    if (address === undefined) throw new AwsError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
    delete address.instanceId;
    delete address.associationId;
    return { return: true };
  },

  ReleaseAddress: (ctx, p) => {
    const allocationId = required(p, 'AllocationId', 'MissingParameter');
    const address = ctx.region.ec2.addresses.get(allocationId);
    if (address === undefined) throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    if (address.associationId !== undefined) throw new AwsError('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
    ctx.region.ec2.addresses.delete(allocationId);
    return { return: true };
  },

};

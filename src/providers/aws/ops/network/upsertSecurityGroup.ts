/**
 * `upsertSecurityGroup` (`UpsertSecurityGroupAtomicOperation`, `UPSERT_SG`): creates the group
 * when it does not exist, then converges its inbound rules on the description — rules from other
 * groups (by name or id, in this or another configured account) and CIDR rules — by adding what
 * is missing, removing what is not asked for (unless `ingressAppendOnly`) and re-describing
 * rules whose description changed. No result object (upstream returns null).
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { computeDelta, describePermissions, flattenPermissions, normalizeProtocol, type FlatPermission } from './ingress.js';
import { SecurityGroupLookup } from './securityGroupLookup.js';
import { AwsValidator, applicationOf, awsErrorCode, awsErrorMessage, boolField, boundedRecord, intField, nameField, refreshAfter, withAccount } from './support.js';

const PHASE = 'UPSERT_SG';
/** Above this many rules a status line gives the count, not the rules (`MAX_RULES_FOR_STATUS`). */
const MAX_RULES_FOR_STATUS = 50;

/** `UpsertSecurityGroupDescription.Ingress`: `type` is the deprecated name of `ipProtocol`. */
const ingressBase = {
  startPort: intField.nullish(),
  endPort: intField.nullish(),
  ipProtocol: nameField.nullish(),
  type: nameField.nullish(),
  description: nameField.nullish(),
};

/** `UpsertSecurityGroupDescription.SecurityGroupIngress`: a peer group by `name` or `id`. */
const securityGroupIngressSchema = z
  .object({ ...ingressBase, accountName: nameField.nullish(), accountId: nameField.nullish(), id: nameField.nullish(), vpcId: nameField.nullish(), name: nameField.nullish() })
  .passthrough();
/** `UpsertSecurityGroupDescription.IpIngress`: a CIDR (IPv6 when it contains ':'). */
const ipIngressSchema = z.object({ ...ingressBase, cidr: nameField.nullish() }).passthrough();

export const upsertSecurityGroupSchema = withAccount({
  name: nameField.nullish(),
  description: nameField.nullish(),
  vpcId: nameField.nullish(),
  region: nameField.nullish(),
  securityGroupIngress: z.array(securityGroupIngressSchema).max(1000).nullish(),
  ipIngress: z.array(ipIngressSchema).max(1000).nullish(),
  ingressAppendOnly: boolField.nullish(),
  tags: boundedRecord(z.union([z.string(), z.number(), z.boolean()]), 50).nullish(),
});
export type UpsertSecurityGroupDescription = z.infer<typeof upsertSecurityGroupSchema>;
type SecurityGroupIngress = z.infer<typeof securityGroupIngressSchema>;

const protocolOf = (i: { ipProtocol?: string | null; type?: string | null }): string => normalizeProtocol(i.ipProtocol ?? i.type ?? 'tcp');
const ports = (i: { startPort?: number | null; endPort?: number | null }): Pick<IpPermission, 'FromPort' | 'ToPort'> => ({
  ...(i.startPort == null ? {} : { FromPort: i.startPort }),
  ...(i.endPort == null ? {} : { ToPort: i.endPort }),
});

interface Converted {
  readonly permissions: FlatPermission[];
  /** Peer groups named but not found (`MissingSecurityGroups.all`). */
  readonly missing: SecurityGroupIngress[];
}

function isSelf(d: UpsertSecurityGroupDescription, i: SecurityGroupIngress): boolean {
  return i.id == null && i.name === d.name && (i.accountName ?? d.account) === d.account;
}

/**
 * `SecurityGroupIngressConverter.convertIngressToIpPermissions`. A peer named by id is taken as
 * given; by name it is looked up in its account (`accountName`, default the description's) and
 * VPC (`vpcId`, default the description's VPC in the same account, the other account's default
 * VPC otherwise). `self`, once known, stands for rules naming the group being upserted.
 */
async function convert(lookup: SecurityGroupLookup, d: UpsertSecurityGroupDescription, vpcId: string | undefined, self: SecurityGroup | undefined): Promise<Converted> {
  const permissions: FlatPermission[] = (d.ipIngress ?? []).map((i) => {
    const cidr = i.cidr ?? '';
    const peer = i.description == null ? {} : { Description: i.description };
    return { IpProtocol: protocolOf(i), ...ports(i), ...(cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: cidr, ...peer }] } : { IpRanges: [{ CidrIp: cidr, ...peer }] }) };
  });
  const missing: SecurityGroupIngress[] = [];
  for (const i of d.securityGroupIngress ?? []) {
    const accountName = i.accountName ?? d.account;
    const configuredId = i.accountId ?? lookup.accountId(accountName);
    let pair: { GroupId: string; UserId?: string } | undefined;
    if (i.id != null) {
      pair = { GroupId: i.id, ...(configuredId === undefined ? {} : { UserId: configuredId }) };
    } else if (isSelf(d, i) && self?.GroupId !== undefined) {
      pair = { GroupId: self.GroupId, ...(configuredId === undefined ? {} : { UserId: configuredId }) };
    } else {
      const peerVpc = i.vpcId ?? (accountName === d.account ? vpcId : await lookup.vpcFor(accountName, undefined));
      const found = lookup.credentials(accountName) === undefined ? undefined : await lookup.byNameIn(accountName, i.name ?? '', peerVpc);
      if (found?.GroupId === undefined) missing.push(i);
      else pair = { GroupId: found.GroupId, ...((configuredId ?? found.OwnerId) === undefined ? {} : { UserId: configuredId ?? found.OwnerId }) };
    }
    // Cross-account pairs carry the owner; same-account pairs too when it is known.
    if (pair !== undefined) permissions.push({ IpProtocol: protocolOf(i), ...ports(i), UserIdGroupPairs: [pair] });
  }
  return { permissions, missing };
}

function rulesText(verb: string, list: readonly IpPermission[]): string {
  return list.length > MAX_RULES_FOR_STATUS ? `(${list.length} rules ${verb}).` : `(${describePermissions(list)}).`;
}

const groupText = (g: SecurityGroup): string => `{GroupName: ${g.GroupName ?? ''},GroupId: ${g.GroupId ?? ''},VpcId: ${g.VpcId ?? ''}}`;

async function upsert(deps: AwsOperationDeps, d: UpsertSecurityGroupDescription, ctx: OperationContext): Promise<void> {
  const status = (s: string) => ctx.task.updateStatus(PHASE, s);
  const region = d.region ?? '';
  const name = d.name ?? '';
  const lookup = new SecurityGroupLookup(deps, region, ctx.signal);
  const ec2 = lookup.ec2(d.account);
  if (ec2 === undefined) throw new Error(`AWS account ${d.account} is no longer configured`);
  const opts = { abortSignal: ctx.signal };
  const vpcId = await lookup.vpcFor(d.account, d.vpcId);

  // First conversion: any missing peer other than the group itself fails the operation.
  const first = await convert(lookup, d, vpcId, undefined);
  const missingOthers = first.missing.filter((i) => !isSelf(d, i));
  if (missingOthers.length > 0) {
    const list = first.missing.map((i) => `'${i.name ?? i.id ?? ''}' in '${i.accountName ?? d.account}' ${i.vpcId ?? vpcId ?? 'EC2-classic'}`).join(', ');
    const message = `The following security groups do not exist: ${list} (ignoreSelfReferencingRules: true)`;
    await status(message);
    const err = new Error(message);
    err.name = 'IllegalStateException';
    throw err;
  }

  let group = await lookup.byNameIn(d.account, name, vpcId);
  let existing: FlatPermission[] = [];
  if (group !== undefined) {
    existing = flattenPermissions(group.IpPermissions ?? []);
  } else {
    try {
      await status(`Creating Security Group ${name}`);
      const tags = [{ Key: 'Name', Value: name }, ...Object.entries(d.tags ?? {}).filter(([k]) => k !== 'Name').map(([Key, v]) => ({ Key, Value: String(v) }))];
      const created = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: name, Description: d.description ?? name, ...(vpcId === undefined ? {} : { VpcId: vpcId }), TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }] }),
        opts,
      );
      group = { GroupId: created.GroupId, GroupName: name, Description: d.description ?? name, ...(vpcId === undefined ? {} : { VpcId: vpcId }), OwnerId: lookup.accountId(d.account), IpPermissions: [] };
      await status(`Created Security Group ${groupText(group)}`);
    } catch (err) {
      if (awsErrorCode(err) !== 'InvalidGroup.Duplicate') {
        await status(`Failed to create security group '${name}' in ${d.account}: ${awsErrorMessage(err)}`);
        throw err;
      }
      lookup.forget(d.account, name, vpcId);
      group = await lookup.byNameIn(d.account, name, vpcId);
      if (group === undefined) throw err;
      existing = flattenPermissions(group.IpPermissions ?? []);
    }
  }
  const groupId = group.GroupId ?? '';

  // Second conversion, now that the group's own id is known (self-referencing rules).
  let wanted = first.permissions;
  if (first.missing.length > 0) {
    await status('Extracting ip permissions');
    wanted = (await convert(lookup, d, vpcId, group)).permissions;
    await status(`Extracted ip permissions (${describePermissions(wanted)})`);
  }

  const { toAdd, toRemove, toUpdate } = computeDelta(flattenPermissions(wanted), existing);
  let changed = false;
  if (toUpdate.length > 0) {
    try {
      await status(`Updating Ingress (${describePermissions(toUpdate)})`);
      await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: toUpdate }), opts);
      changed = true;
      await status(`Permissions updated to '${name}' ${rulesText('updated', toUpdate)}`);
    } catch (err) {
      await status(`Error updating ingress to '${name}' - ${awsErrorMessage(err)}`);
      throw err;
    }
  }
  if (toAdd.length > 0) {
    try {
      await status(`Adding Ingress (${describePermissions(toAdd)})`);
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toAdd }), opts);
      changed = true;
      await status(`Permissions added to '${name}' ${rulesText('added', toAdd)}`);
    } catch (err) {
      await status(`Error adding ingress to '${name}' - ${awsErrorMessage(err)}`);
      throw err;
    }
  }
  if (toRemove.length > 0 && d.ingressAppendOnly !== true) {
    try {
      await status(`Removing Ingress (${describePermissions(toRemove)})`);
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: toRemove }), opts);
      changed = true;
      await status(`Permissions removed from '${name}' ${rulesText('removed', toRemove)}`);
    } catch (err) {
      await status(`Error removing ingress from ${name}: ${awsErrorMessage(err)}`);
      throw err;
    }
  }
  // `SecurityGroupUpdater.updateTags`: keep Name and the description's tags in step with rule changes.
  if (changed && d.tags != null && Object.keys(d.tags).length > 0) {
    const tags = [{ Key: 'Name', Value: name }, ...Object.entries(d.tags).filter(([k]) => k !== 'Name').map(([Key, v]) => ({ Key, Value: String(v) }))];
    try {
      await ec2.send(new CreateTagsCommand({ Resources: [groupId], Tags: tags }), opts);
    } catch (err) {
      ctx.logger.warn({ groupId, err: awsErrorMessage(err) }, 'could not tag security group');
    }
  }
  await refreshAfter(deps, ctx, d.account, region, ['securityGroups']);
}

export function upsertSecurityGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertSecurityGroup',
    displayName: 'UpsertSecurityGroupAtomicOperation',
    schema: upsertSecurityGroupSchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(d.name),
    validate(d) {
      const v = new AwsValidator('upsertSecurityGroupDescription', deps);
      if (d.name == null || d.name === '') v.reject('name.not.nullable', 'name is required');
      if ((d.description == null || d.description === '') && d.ingressAppendOnly !== true) v.reject('description.not.nullable', 'description is required');
      const anonymous = (d.securityGroupIngress ?? []).filter((i) => i.id == null && i.name == null);
      if (anonymous.length > 0) v.reject('ingress.without.identifier', `Ingress for '${d.name ?? ''}' was missing identifier: every securityGroupIngress needs a name or an id`);
      v.regions(d.account, [d.region], 'regions');
      return v.problems;
    },
    operate: async (d, ctx) => {
      await upsert(deps, d, ctx);
      return undefined;
    },
  });
}

/**
 * Security groups by name or id in any configured account of one region, for the life of one
 * operation (Clouddriver's `SecurityGroupLookupFactory.SecurityGroupLookup`, without Edda): each
 * answer is remembered, so a rule naming a group twice costs one call. A VPC id left out means
 * the account's default VPC in the region (upstream matches a null VPC, i.e. EC2-Classic, which
 * no longer exists).
 */
import { DescribeSecurityGroupsCommand, DescribeVpcsCommand, type EC2Client, type SecurityGroup } from '@aws-sdk/client-ec2';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

export class SecurityGroupLookup {
  private readonly byName = new Map<string, SecurityGroup | undefined>();
  private readonly defaultVpcs = new Map<string, string | undefined>();

  constructor(private readonly deps: AwsOperationDeps, readonly region: string, private readonly signal?: AbortSignal) {}

  credentials(account: string): AwsCredentials | undefined {
    return this.deps.credentials(account);
  }

  /** The account's configured AWS account id (`getAccountIdForName`), if any. */
  accountId(account: string): string | undefined {
    return this.deps.credentials(account)?.config.accountId;
  }

  ec2(account: string): EC2Client | undefined {
    return this.deps.credentials(account)?.clients.ec2(this.region);
  }

  /** `vpcId`, or the account's default VPC in this region when it is not given. */
  async vpcFor(account: string, vpcId: string | null | undefined): Promise<string | undefined> {
    if (typeof vpcId === 'string' && vpcId !== '') return vpcId;
    if (this.defaultVpcs.has(account)) return this.defaultVpcs.get(account);
    const ec2 = this.ec2(account);
    const found = ec2 === undefined ? undefined : (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }), { abortSignal: this.signal })).Vpcs?.[0]?.VpcId;
    this.defaultVpcs.set(account, found);
    return found;
  }

  /** `getSecurityGroupByName`: the group of this name in this VPC of the account, if any. */
  async byNameIn(account: string, name: string, vpcId: string | undefined): Promise<SecurityGroup | undefined> {
    const key = `${account}\u0000${name.toLowerCase()}\u0000${vpcId ?? ''}`;
    if (this.byName.has(key)) return this.byName.get(key);
    const ec2 = this.ec2(account);
    if (ec2 === undefined) return undefined;
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }), { abortSignal: this.signal })).SecurityGroups ?? [];
    const found = groups.find((g) => g.GroupName === name && (vpcId === undefined || g.VpcId === vpcId));
    if (found !== undefined) this.byName.set(key, found);
    return found;
  }

  /** `getSecurityGroupById`: the group of this id in the account (and VPC, when given), if any. */
  async byId(account: string, groupId: string, vpcId?: string): Promise<SecurityGroup | undefined> {
    const ec2 = this.ec2(account);
    if (ec2 === undefined) return undefined;
    try {
      const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }), { abortSignal: this.signal })).SecurityGroups ?? [];
      return groups.find((g) => g.GroupId === groupId && (vpcId === undefined || g.VpcId === vpcId));
    } catch {
      return undefined;
    }
  }

  /** Forgets what is known of a group name (after creating or changing it). */
  forget(account: string, name: string, vpcId: string | undefined): void {
    this.byName.delete(`${account}\u0000${name.toLowerCase()}\u0000${vpcId ?? ''}`);
  }
}

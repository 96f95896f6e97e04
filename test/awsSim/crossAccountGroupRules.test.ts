/**
 * The simulator's cross-account security group rules: a rule may name another account's group
 * by `UserId` and `GroupId` (AWS allows it across peered VPCs; peering is not modelled), keeps
 * that owner in `UserIdGroupPairs`, and refuses a group id the other account does not have.
 */
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';

describe('AWS simulator: security group rules naming another account’s group', () => {
  let sim: AwsSim;
  let a: EC2Client;
  let b: EC2Client;
  beforeAll(async () => {
    sim = await startAwsSim({ accounts: 2, regions: ['us-east-1'] });
    const client = (i: number) => new EC2Client({ endpoint: sim.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: sim.accounts[i]?.accessKeyId ?? '', secretAccessKey: sim.accounts[i]?.secretAccessKey ?? '' } });
    a = client(0);
    b = client(1);
  });
  afterAll(async () => {
    a?.destroy();
    b?.destroy();
    await sim?.close();
  });

  it('authorizes, describes and revokes a rule from another account’s group', async () => {
    const ownerB = sim.accounts[1]?.accountId ?? '';
    const peer = (await b.send(new CreateSecurityGroupCommand({ GroupName: 'proxy', Description: 'proxy' }))).GroupId ?? '';
    const mine = (await a.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app' }))).GroupId ?? '';
    const rule = { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, UserIdGroupPairs: [{ GroupId: peer, UserId: ownerB }] };
    await a.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: mine, IpPermissions: [rule] }));
    const described = (await a.send(new DescribeSecurityGroupsCommand({ GroupIds: [mine] }))).SecurityGroups?.[0];
    expect(described?.IpPermissions).toEqual([expect.objectContaining({ FromPort: 8443, UserIdGroupPairs: [expect.objectContaining({ GroupId: peer, UserId: ownerB })] })]);
    await expect(a.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: mine, IpPermissions: [rule] }))).rejects.toMatchObject({ name: 'InvalidPermission.Duplicate' });
    await expect(a.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: mine, IpPermissions: [{ ...rule, UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0', UserId: ownerB }] }] }))).rejects.toMatchObject({ name: 'InvalidGroup.NotFound' });
    await a.send(new RevokeSecurityGroupIngressCommand({ GroupId: mine, IpPermissions: [rule] }));
    expect((await a.send(new DescribeSecurityGroupsCommand({ GroupIds: [mine] }))).SecurityGroups?.[0]?.IpPermissions).toEqual([]);
  });
});

/**
 * upsertSecurityGroup and deleteSecurityGroup through `POST /aws/ops` against the AWS simulator:
 * creation with CIDR, peer-group (by name and id, self-referencing, another account's) rules,
 * convergence of a changed rule set, missing peers, validation, dependency failures on delete —
 * each checked with the SDK and in the read API.
 */
import { CreateVpcCommand, DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION, expectSucceeded, startNetworkOpsApp, statusLines, type NetworkOpsHarness } from './networkOpsHarness.js';

type Json = Record<string, unknown>;

describe('AWS security group operations', () => {
  let h: NetworkOpsHarness;
  let vpcId: string;

  const group = async (name: string, clients = h.prod.ec2): Promise<SecurityGroup | undefined> =>
    (await clients.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }))).SecurityGroups?.[0];

  beforeAll(async () => {
    h = await startNetworkOpsApp();
    vpcId = (await group('default'))?.VpcId ?? '';
  }, 30_000);
  afterAll(async () => h?.stop());

  it('creates a group with CIDR rules and answers no result object, as upstream', async () => {
    const task = expectSucceeded(
      await h.run('upsertSecurityGroup', {
        credentials: 'prod',
        region: REGION,
        vpcId,
        name: 'myapp-elb',
        description: 'load balancer of myapp',
        ipIngress: [
          { cidr: '0.0.0.0/0', ipProtocol: 'tcp', startPort: 80, endPort: 80 },
          { cidr: '10.0.0.0/8', type: 'tcp', startPort: 443, endPort: 443, description: 'office' },
        ],
        tags: { team: 'edge' },
      }),
    );
    expect(task.resultObjects).toEqual([]);
    const lines = statusLines(task, 'UPSERT_SG');
    expect(lines[0]).toBe('Creating Security Group myapp-elb');
    expect(lines[1]).toMatch(/^Created Security Group \{GroupName: myapp-elb,GroupId: sg-[0-9a-f]+,VpcId: vpc-/);
    expect(lines).toContain("Adding Ingress ([{IpProtocol: tcp,FromPort: 80,ToPort: 80,IpRanges: [{CidrIp: 0.0.0.0/0}]}, {IpProtocol: tcp,FromPort: 443,ToPort: 443,IpRanges: [{CidrIp: 10.0.0.0/8,Description: office}]}])");
    expect(lines.at(-1)).toMatch(/^Permissions added to 'myapp-elb' \(\[/);

    const sg = await group('myapp-elb');
    expect(sg).toMatchObject({ Description: 'load balancer of myapp', VpcId: vpcId });
    expect(sg?.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'myapp-elb' }, { Key: 'team', Value: 'edge' }]));
    expect(sg?.IpPermissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office' }] }),
      ]),
    );
    // The read API shows it as soon as the task is done.
    const view = await h.get<Json>(`/securityGroups/prod/aws/${REGION}/myapp-elb`);
    expect(view).toMatchObject({ name: 'myapp-elb', id: sg?.GroupId, vpcId, accountName: 'prod', region: REGION, application: 'myapp' });
    expect(view.inboundRules).toEqual(
      expect.arrayContaining([
        { protocol: 'tcp', range: { ip: '0.0.0.0', cidr: '/0' }, portRanges: [{ startPort: 80, endPort: 80 }] },
        { protocol: 'tcp', range: { ip: '10.0.0.0', cidr: '/8' }, description: 'office', portRanges: [{ startPort: 443, endPort: 443 }] },
      ]),
    );
    const tree = await h.get<Record<string, Record<string, Record<string, { name: string }[]>>>>('/securityGroups');
    expect(tree.prod?.aws?.[REGION]?.map((g) => g.name)).toContain('myapp-elb');
  });

  it('admits other groups by name, by id, itself (before it exists) and another account’s group', async () => {
    // A group in the staging account, which prod's group admits.
    expectSucceeded(await h.run('upsertSecurityGroup', { credentials: 'staging', region: REGION, name: 'shared-proxy', description: 'proxy of another account', ipIngress: [{ cidr: '10.1.0.0/16', ipProtocol: 'tcp', startPort: 3128, endPort: 3128 }] }));
    const proxy = await group('shared-proxy', h.staging.ec2);
    const elb = await group('myapp-elb');
    const [prodId, stagingId] = h.sim.accounts.map((a) => a.accountId);

    const task = expectSucceeded(
      await h.run('upsertSecurityGroup', {
        credentials: 'prod',
        region: REGION,
        vpcId,
        name: 'myapp',
        description: 'application myapp',
        securityGroupIngress: [
          { name: 'myapp-elb', accountName: 'prod', type: 'tcp', startPort: 7001, endPort: 7002 },
          { id: elb?.GroupId, ipProtocol: 'tcp', startPort: 8080, endPort: 8080 },
          { name: 'myapp', accountName: 'prod', ipProtocol: 'tcp', startPort: 9000, endPort: 9000 },
          { name: 'shared-proxy', accountName: 'staging', vpcId: proxy?.VpcId, ipProtocol: 'tcp', startPort: 8443, endPort: 8443 },
        ],
      }),
    );
    const lines = statusLines(task, 'UPSERT_SG');
    expect(lines).toContain('Extracting ip permissions');
    expect(lines.some((l) => l.startsWith('Extracted ip permissions ('))).toBe(true);

    const sg = await group('myapp');
    const pairs = (sg?.IpPermissions ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((g) => ({ port: p.FromPort, groupId: g.GroupId, userId: g.UserId })));
    expect(pairs).toEqual(
      expect.arrayContaining([
        { port: 7001, groupId: elb?.GroupId, userId: prodId },
        { port: 8080, groupId: elb?.GroupId, userId: prodId },
        { port: 9000, groupId: sg?.GroupId, userId: prodId },
        { port: 8443, groupId: proxy?.GroupId, userId: stagingId },
      ]),
    );
    const view = await h.get<{ inboundRules: { securityGroup?: Json; portRanges: Json[] }[] }>(`/securityGroups/prod/aws/${REGION}/myapp`);
    const peers = view.inboundRules.filter((r) => r.securityGroup !== undefined).map((r) => ({ name: r.securityGroup?.name, accountName: r.securityGroup?.accountName, ports: r.portRanges }));
    expect(peers).toEqual(
      expect.arrayContaining([
        { name: 'myapp-elb', accountName: 'prod', ports: expect.arrayContaining([{ startPort: 7001, endPort: 7002 }, { startPort: 8080, endPort: 8080 }]) },
        { name: 'myapp', accountName: 'prod', ports: [{ startPort: 9000, endPort: 9000 }] },
        expect.objectContaining({ name: 'shared-proxy', ports: [{ startPort: 8443, endPort: 8443 }] }),
      ]),
    );
  });

  it('converges a changed rule set: adds, removes and re-describes; ingressAppendOnly only adds', async () => {
    const task = expectSucceeded(
      await h.run('upsertSecurityGroup', {
        credentials: 'prod',
        region: REGION,
        vpcId,
        name: 'myapp-elb',
        description: 'load balancer of myapp',
        ipIngress: [
          { cidr: '10.0.0.0/8', ipProtocol: 'tcp', startPort: 443, endPort: 443, description: 'office network' },
          { cidr: '2001:db8::/32', ipProtocol: 'tcp', startPort: 443, endPort: 443 },
        ],
      }),
    );
    const lines = statusLines(task, 'UPSERT_SG');
    expect(lines).not.toContain('Creating Security Group myapp-elb');
    expect(lines.filter((l) => /^(Updating|Adding|Removing) Ingress/.test(l)).map((l) => l.split(' (')[0])).toEqual(['Updating Ingress', 'Adding Ingress', 'Removing Ingress']);
    expect(lines).toContain("Permissions removed from 'myapp-elb' ([{IpProtocol: tcp,FromPort: 80,ToPort: 80,IpRanges: [{CidrIp: 0.0.0.0/0}]}]).");
    const perms = (await group('myapp-elb'))?.IpPermissions ?? [];
    expect(perms.find((p) => p.FromPort === 80)).toBeUndefined();
    expect(perms.find((p) => p.FromPort === 443)).toMatchObject({ IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'office network' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] });

    // Nothing to do: no change lines at all.
    const again = expectSucceeded(await h.run('upsertSecurityGroup', { credentials: 'prod', region: REGION, vpcId, name: 'myapp-elb', description: 'x', ipIngress: [{ cidr: '10.0.0.0/8', ipProtocol: 'tcp', startPort: 443, endPort: 443 }, { cidr: '2001:db8::/32', ipProtocol: 'tcp', startPort: 443, endPort: 443 }] }));
    expect(statusLines(again, 'UPSERT_SG')).toEqual([]);

    // Append only: the rule is added, the others stay (and no description is needed).
    expectSucceeded(await h.run('upsertSecurityGroup', { credentials: 'prod', region: REGION, vpcId, name: 'myapp-elb', ingressAppendOnly: true, ipIngress: [{ cidr: '192.168.0.0/16', ipProtocol: 'udp', startPort: 53, endPort: 53 }] }));
    const after = (await group('myapp-elb'))?.IpPermissions ?? [];
    expect(after.map((p) => `${p.IpProtocol}:${p.FromPort}`).sort()).toEqual(['tcp:443', 'udp:53']);
  });

  it('keeps groups of one name in different VPCs apart, in the operation and in the read API (?vpcId=)', async () => {
    const otherVpc = (await h.prod.ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
    for (const [vpc, cidr] of [[vpcId, '10.1.0.0/16'], [otherVpc, '10.2.0.0/16']] as const) {
      expectSucceeded(await h.run('upsertSecurityGroup', { credentials: 'prod', region: REGION, vpcId: vpc, name: 'myapp-batch', description: `batch in ${vpc}`, ipIngress: [{ cidr, ipProtocol: 'tcp', startPort: 22, endPort: 22 }] }));
    }
    const groups = (await h.prod.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['myapp-batch'] }] }))).SecurityGroups ?? [];
    expect(groups.map((g) => g.VpcId).sort()).toEqual([vpcId, otherVpc].sort());
    const inOther = await h.get<Json>(`/securityGroups/prod/aws/${REGION}/myapp-batch?vpcId=${otherVpc}`);
    expect(inOther).toMatchObject({ vpcId: otherVpc, description: `batch in ${otherVpc}`, inboundRules: [expect.objectContaining({ range: { ip: '10.2.0.0', cidr: '/16' } })] });
    expect(await h.get<Json>(`/securityGroups/prod/aws/${REGION}/myapp-batch?vpcId=${vpcId}`)).toMatchObject({ vpcId, description: `batch in ${vpcId}` });
    expect(await h.get<Json>(`/securityGroups/prod/aws/${REGION}/${String(inOther.id)}?vpcId=*`)).toMatchObject({ vpcId: otherVpc });
    await h.get(`/securityGroups/prod/aws/${REGION}/myapp-batch?vpcId=vpc-0000000000000000f`, 404);
    // Deleting names the VPC: the other one's group stays.
    expectSucceeded(await h.run('deleteSecurityGroup', { credentials: 'prod', regions: [REGION], vpcId: otherVpc, securityGroupName: 'myapp-batch' }));
    await h.get(`/securityGroups/prod/aws/${REGION}/myapp-batch?vpcId=${otherVpc}`, 404);
    expect(await h.get<Json>(`/securityGroups/prod/aws/${REGION}/myapp-batch`)).toMatchObject({ vpcId });
  });

  it('fails the task naming groups that do not exist', async () => {
    const task = await h.run('upsertSecurityGroup', { credentials: 'prod', region: REGION, vpcId, name: 'myapp-worker', description: 'worker', securityGroupIngress: [{ name: 'no-such-group', ipProtocol: 'tcp', startPort: 80, endPort: 80 }] });
    expect(task.status.failed).toBe(true);
    const message = `The following security groups do not exist: 'no-such-group' in 'prod' ${vpcId} (ignoreSelfReferencingRules: true)`;
    expect(statusLines(task, 'UPSERT_SG')).toEqual([message]);
    expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', message, cause: 'IllegalStateException' });
    expect(await group('myapp-worker')).toBeUndefined();
  });

  it('refuses invalid descriptions with 400 and Clouddriver’s error codes', async () => {
    await h.refused('upsertSecurityGroup', { credentials: 'prod', region: REGION }, 'upsertSecurityGroupDescription.name.not.nullable', 'upsertSecurityGroupDescription.description.not.nullable');
    await h.refused('upsertSecurityGroup', { credentials: 'prod', region: 'eu-north-9', name: 'a', description: 'b' }, 'upsertSecurityGroupDescription.regions.not.configured');
    await h.refused('upsertSecurityGroup', { credentials: 'prod', name: 'a', description: 'b', securityGroupIngress: [{ startPort: 1, endPort: 2 }] }, 'upsertSecurityGroupDescription.ingress.without.identifier', 'upsertSecurityGroupDescription.regions.empty');
    await h.refused('upsertSecurityGroup', { credentials: 'nobody', region: REGION, name: 'a', description: 'b' }, "account 'nobody' is not known");
    await h.refused('upsertSecurityGroup', { region: REGION, name: 'a', description: 'b', ipIngress: 'all' }, 'account (or credentials) is required', 'ipIngress');
    await h.refused('deleteSecurityGroup', { credentials: 'prod' }, 'deleteSecurityGroupDescription.regions.empty', 'deleteSecurityGroupDescription.securityGroupName.empty');
    // Hostile input is a 400 too, never a task or a 5xx.
    await h.refused('upsertSecurityGroup', { credentials: 'prod', region: REGION, name: 'a\u0000b', description: 'x' }, 'upsertSecurityGroup.name: must not contain control characters');
    await h.refused('upsertSecurityGroup', { credentials: 'prod', region: REGION, name: 'a', description: 'x', ipIngress: [{ cidr: '10.0.0.0/8', startPort: 'eighty' }], tags: { a: { b: 1 } } }, 'upsertSecurityGroup.ipIngress.0.startPort', 'upsertSecurityGroup.tags.a');
    await h.refused('upsertSecurityGroup', { credentials: 'prod', region: REGION, name: 'a', description: 'x', ipIngress: Array.from({ length: 1001 }, () => ({ cidr: '10.0.0.0/8' })) }, 'upsertSecurityGroup.ipIngress');
  });

  it('deletes groups: a referenced group fails naming who references it, a missing one is reported', async () => {
    const refusedDelete = await h.run('deleteSecurityGroup', { credentials: 'prod', regions: [REGION], vpcId, securityGroupName: 'myapp-elb' });
    expect(refusedDelete.status.failed).toBe(true);
    expect(statusLines(refusedDelete, 'DELETE_SECURITY_GROUP')).toEqual([
      'Initializing Delete Security Group Operation...',
      `Deleting myapp-elb in ${REGION} ${vpcId} for prod.`,
      'Failed deleting security group because of existing dependencies. Ingress rules still exist on security group(s): myapp.',
    ]);

    for (const name of ['myapp', 'myapp-elb']) {
      const task = expectSucceeded(await h.run('deleteSecurityGroup', { credentials: 'prod', regions: [REGION], vpcId, securityGroupName: name }));
      expect(statusLines(task, 'DELETE_SECURITY_GROUP').at(-1)).toBe(`Done deleting ${name} in ${REGION} ${vpcId} for prod.`);
      expect(await group(name)).toBeUndefined();
      await h.get(`/securityGroups/prod/aws/${REGION}/${name}`, 404);
    }
    const missing = expectSucceeded(await h.run('deleteSecurityGroup', { credentials: 'prod', regions: [REGION], securityGroupName: 'myapp' }));
    expect(statusLines(missing, 'DELETE_SECURITY_GROUP')).toContain(`There is no myapp in ${REGION} for prod.`);
  });
});

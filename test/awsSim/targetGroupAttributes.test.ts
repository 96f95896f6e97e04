/**
 * The simulator's target group attributes follow the group's protocol as AWS documents them:
 * HTTP(S) groups have stickiness by cookie, network (TCP/UDP/TLS) groups have proxy protocol v2,
 * connection termination and client IP preservation, and a key of the other kind is refused.
 */
import { CreateTargetGroupCommand, DescribeTargetGroupAttributesCommand, ElasticLoadBalancingV2Client, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';

describe('AWS simulator: target group attributes by protocol', () => {
  let sim: AwsSim;
  let elbv2: ElasticLoadBalancingV2Client;
  let vpcId: string;
  beforeAll(async () => {
    sim = await startAwsSim({ regions: ['us-east-1'] });
    const config = { endpoint: sim.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: sim.accounts[0]?.accessKeyId ?? '', secretAccessKey: sim.accounts[0]?.secretAccessKey ?? '' } };
    elbv2 = new ElasticLoadBalancingV2Client(config);
    const ec2 = new EC2Client(config);
    vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId ?? '';
    ec2.destroy();
  });
  afterAll(async () => {
    elbv2?.destroy();
    await sim?.close();
  });

  const attributes = async (arn: string | undefined) => Object.fromEntries(((await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));

  it('gives TCP groups the network attributes and HTTP groups the cookie ones', async () => {
    const tcp = (await elbv2.send(new CreateTargetGroupCommand({ Name: 'tcp', Protocol: 'TCP', Port: 7100, VpcId: vpcId }))).TargetGroups?.[0]?.TargetGroupArn;
    const http = (await elbv2.send(new CreateTargetGroupCommand({ Name: 'http', Protocol: 'HTTP', Port: 80, VpcId: vpcId }))).TargetGroups?.[0]?.TargetGroupArn;
    expect(await attributes(tcp)).toMatchObject({ 'proxy_protocol_v2.enabled': 'false', 'deregistration_delay.connection_termination.enabled': 'false', 'preserve_client_ip.enabled': 'true', 'stickiness.type': 'source_ip' });
    expect(await attributes(http)).toMatchObject({ 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '86400' });
    await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tcp, Attributes: [{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }] }));
    expect((await attributes(tcp))['proxy_protocol_v2.enabled']).toBe('true');
    await expect(elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: http, Attributes: [{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }] }))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tcp, Attributes: [{ Key: 'stickiness.lb_cookie.duration_seconds', Value: '60' }] }))).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

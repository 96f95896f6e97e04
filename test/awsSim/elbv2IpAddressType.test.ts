/**
 * The simulator's ELBv2 SetIpAddressType: application load balancers take ipv4, dualstack and
 * dualstack-without-public-ipv4, network ones ipv4 and dualstack; the choice shows in
 * DescribeLoadBalancers.
 */
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client, SetIpAddressTypeCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';

describe('AWS simulator: ELBv2 SetIpAddressType', () => {
  let sim: AwsSim;
  let elbv2: ElasticLoadBalancingV2Client;
  let subnets: string[];
  beforeAll(async () => {
    sim = await startAwsSim({ regions: ['us-east-1'] });
    const config = { endpoint: sim.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: sim.accounts[0]?.accessKeyId ?? '', secretAccessKey: sim.accounts[0]?.secretAccessKey ?? '' } };
    elbv2 = new ElasticLoadBalancingV2Client(config);
    const ec2 = new EC2Client(config);
    subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => s.SubnetId ?? '');
    ec2.destroy();
  });
  afterAll(async () => {
    elbv2?.destroy();
    await sim?.close();
  });

  it('switches the address type and refuses one the type does not offer', async () => {
    const alb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'alb', Type: 'application', Subnets: subnets.slice(0, 2) }))).LoadBalancers?.[0];
    const nlb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'nlb', Type: 'network', Subnets: subnets.slice(0, 1) }))).LoadBalancers?.[0];
    expect(alb?.IpAddressType).toBe('ipv4');
    expect((await elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: alb?.LoadBalancerArn, IpAddressType: 'dualstack' }))).IpAddressType).toBe('dualstack');
    expect((await elbv2.send(new DescribeLoadBalancersCommand({ Names: ['alb'] }))).LoadBalancers?.[0]?.IpAddressType).toBe('dualstack');
    await expect(elbv2.send(new SetIpAddressTypeCommand({ LoadBalancerArn: nlb?.LoadBalancerArn, IpAddressType: 'dualstack-without-public-ipv4' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

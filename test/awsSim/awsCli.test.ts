/**
 * Fidelity of the AWS API simulator, judged by the real AWS CLI (`aws --endpoint-url`): what a
 * user does by hand — look at a new account, build security groups that reference each other,
 * create a launch template and an Auto Scaling group behind an application load balancer, watch
 * it reach capacity and its targets turn healthy, page through describes, be refused with a wrong
 * secret, be throttled, and delete everything. Each answer is checked against the field names,
 * states and error codes AWS documents. The simulator's convergence is ticked by the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki } from '../../src/testing/kubeSim/tls.js';
import { startAwsSim } from '../../src/testing/awsSim/index.js';
import type { AwsSim } from '../../src/testing/awsSim/index.js';
import { awsCliFor } from '../helpers/awsCli.js';
import type { AwsCli } from '../helpers/awsCli.js';

interface Ids {
  vpcId: string;
  subnets: string[];
  defaultGroupId: string;
  imageId: string;
  groups: string[];
  targetGroupArn: string;
  loadBalancerArn: string;
}

let sim: AwsSim;
let aws: AwsCli;
const ids: Ids = { vpcId: '', subnets: [], defaultGroupId: '', imageId: '', groups: [], targetGroupArn: '', loadBalancerArn: '' };

beforeAll(async () => {
  sim = await startAwsSim({ seed: 'demo', accounts: 2 });
  const [first] = sim.accounts;
  if (first === undefined) throw new Error('no account');
  aws = awsCliFor(sim.endpoint, first);
});

afterAll(async () => {
  await sim.close();
});

describe('AWS CLI against the simulator', { timeout: 60_000 }, () => {
  it('a new account holds a default VPC with a default subnet per zone, its default security group and the public images', async () => {
    const [identity, vpcs, subnets, groups, images] = await Promise.all([
      aws.json<{ Account: string; Arn: string; UserId: string }>(['sts', 'get-caller-identity']),
      aws.json<{ Vpcs: { VpcId: string; IsDefault: boolean; CidrBlock: string; State: string }[] }>(['ec2', 'describe-vpcs']),
      aws.json<{ Subnets: { SubnetId: string; AvailabilityZone: string; DefaultForAz: boolean; CidrBlock: string; VpcId: string; MapPublicIpOnLaunch: boolean }[] }>(['ec2', 'describe-subnets', '--filters', 'Name=default-for-az,Values=true']),
      aws.json<{ SecurityGroups: { GroupId: string; GroupName: string; VpcId: string; IpPermissions: { IpProtocol: string; UserIdGroupPairs: { GroupId: string }[] }[]; IpPermissionsEgress: { IpRanges: { CidrIp: string }[] }[] }[] }>(['ec2', 'describe-security-groups']),
      aws.json<{ Images: { ImageId: string; OwnerId: string; Public: boolean; State: string; Name: string }[] }>(['ec2', 'describe-images', '--owners', 'amazon', '--filters', 'Name=name,Values=al2023-ami-*-x86_64']),
    ]);
    expect(identity.Account).toBe(sim.accounts[0]?.accountId);
    expect(identity.Arn).toMatch(/^arn:aws:iam::\d{12}:user\//);
    expect(vpcs.Vpcs).toEqual([expect.objectContaining({ IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'available' })]);
    const vpcId = vpcs.Vpcs[0]?.VpcId ?? '';
    expect(subnets.Subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.VpcId, s.MapPublicIpOnLaunch])).toEqual([
      ['us-east-1a', '172.31.0.0/20', vpcId, true],
      ['us-east-1b', '172.31.16.0/20', vpcId, true],
      ['us-east-1c', '172.31.32.0/20', vpcId, true],
    ]);
    const dflt = groups.SecurityGroups.find((g) => g.GroupName === 'default');
    expect(dflt?.VpcId).toBe(vpcId);
    expect(dflt?.IpPermissions[0]?.UserIdGroupPairs[0]?.GroupId).toBe(dflt?.GroupId);
    expect(dflt?.IpPermissionsEgress[0]?.IpRanges).toEqual([{ CidrIp: '0.0.0.0/0' }]);
    expect(images.Images).toEqual([expect.objectContaining({ OwnerId: '137112412989', Public: true, State: 'available', Name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64' })]);
    ids.vpcId = vpcId;
    ids.subnets = subnets.Subnets.map((s) => s.SubnetId);
    ids.defaultGroupId = dflt?.GroupId ?? '';
    ids.imageId = images.Images[0]?.ImageId ?? '';
  });

  it('security groups reference each other in ingress rules; duplicates, dependencies and the default group are refused', async () => {
    const lb = await aws.json<{ GroupId: string }>(['ec2', 'create-security-group', '--group-name', 'web-elb', '--description', 'load balancer', '--vpc-id', ids.vpcId]);
    const app = await aws.json<{ GroupId: string }>(['ec2', 'create-security-group', '--group-name', 'web', '--description', 'application', '--vpc-id', ids.vpcId]);
    const rule = JSON.stringify([{ IpProtocol: 'tcp', FromPort: 7001, ToPort: 7001, UserIdGroupPairs: [{ GroupId: lb.GroupId, Description: 'from the ELB' }] }]);
    const [authorized, cidr] = await Promise.all([
      aws.json<{ Return: boolean; SecurityGroupRules: { IsEgress: boolean; ReferencedGroupInfo: { GroupId: string } }[] }>(['ec2', 'authorize-security-group-ingress', '--group-id', app.GroupId, '--ip-permissions', rule]),
      aws.json(['ec2', 'authorize-security-group-ingress', '--group-id', lb.GroupId, '--protocol', 'tcp', '--port', '80', '--cidr', '0.0.0.0/0']),
    ]);
    expect(cidr).toEqual(expect.objectContaining({ Return: true }));
    expect(authorized.Return).toBe(true);
    expect(authorized.SecurityGroupRules[0]).toEqual(expect.objectContaining({ IsEgress: false, ReferencedGroupInfo: expect.objectContaining({ GroupId: lb.GroupId }) }));
    const [described, duplicate, dependent] = await Promise.all([
      aws.json<{ SecurityGroups: { IpPermissions: { IpProtocol: string; FromPort: number; ToPort: number; UserIdGroupPairs: { GroupId: string; UserId: string; Description: string }[] }[] }[] }>(['ec2', 'describe-security-groups', '--group-ids', app.GroupId]),
      aws.error(['ec2', 'authorize-security-group-ingress', '--group-id', app.GroupId, '--ip-permissions', rule]),
      aws.error(['ec2', 'delete-security-group', '--group-id', lb.GroupId]),
    ]);
    expect(described.SecurityGroups[0]?.IpPermissions).toEqual([
      { IpProtocol: 'tcp', FromPort: 7001, ToPort: 7001, UserIdGroupPairs: [{ GroupId: lb.GroupId, UserId: sim.accounts[0]?.accountId, Description: 'from the ELB' }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] },
    ]);
    expect(duplicate.code).toBe('InvalidPermission.Duplicate');
    expect(dependent).toEqual({ code: 'DependencyViolation', message: `resource ${lb.GroupId} has a dependent object` });
    ids.groups = [app.GroupId, lb.GroupId];
  });

  it('an Auto Scaling group from a launch template reaches capacity behind an application load balancer and its targets become healthy', async () => {
    const templateData = JSON.stringify({ ImageId: ids.imageId, InstanceType: 't3.micro', SecurityGroupIds: [ids.defaultGroupId], TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'web' }] }] });
    const [template, tg, lb] = await Promise.all([
      aws.json<{ LaunchTemplate: { LaunchTemplateId: string; LatestVersionNumber: number; DefaultVersionNumber: number } }>(['ec2', 'create-launch-template', '--launch-template-name', 'web-v000', '--launch-template-data', templateData]),
      aws.json<{ TargetGroups: { TargetGroupArn: string; HealthCheckPath: string; Matcher: { HttpCode: string }; TargetType: string }[] }>(['elbv2', 'create-target-group', '--name', 'web-tg', '--protocol', 'HTTP', '--port', '7001', '--vpc-id', ids.vpcId]),
      aws.json<{ LoadBalancers: { LoadBalancerArn: string; State: { Code: string }; Type: string; Scheme: string; DNSName: string; AvailabilityZones: unknown[] }[] }>(['elbv2', 'create-load-balancer', '--name', 'web-alb', '--subnets', ...ids.subnets]),
    ]);
    expect(template.LaunchTemplate).toEqual(expect.objectContaining({ LatestVersionNumber: 1, DefaultVersionNumber: 1 }));
    const tgArn = tg.TargetGroups[0]?.TargetGroupArn ?? '';
    expect(tgArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/web-tg\/[0-9a-f]{16}$/);
    expect(tg.TargetGroups[0]).toEqual(expect.objectContaining({ HealthCheckPath: '/', Matcher: { HttpCode: '200' }, TargetType: 'instance' }));
    const alb = lb.LoadBalancers[0];
    expect(alb).toEqual(expect.objectContaining({ Type: 'application', Scheme: 'internet-facing', State: { Code: 'provisioning' } }));
    expect(alb?.DNSName).toMatch(/^web-alb-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    const listener = await aws.json<{ Listeners: { ListenerArn: string; DefaultActions: { Type: string; TargetGroupArn: string }[] }[] }>([
      'elbv2', 'create-listener', '--load-balancer-arn', alb?.LoadBalancerArn ?? '', '--protocol', 'HTTP', '--port', '80', '--default-actions', `Type=forward,TargetGroupArn=${tgArn}`,
    ]);
    expect(listener.Listeners[0]?.DefaultActions[0]).toEqual(expect.objectContaining({ Type: 'forward', TargetGroupArn: tgArn }));
    await aws.json(['autoscaling', 'create-auto-scaling-group', '--auto-scaling-group-name', 'web-v000', '--launch-template', 'LaunchTemplateName=web-v000,Version=$Latest', '--min-size', '1', '--max-size', '4', '--desired-capacity', '3', '--vpc-zone-identifier', ids.subnets.join(','), '--tags', 'Key=spinnaker:application,Value=web,PropagateAtLaunch=true']);
    await aws.json(['autoscaling', 'attach-load-balancer-target-groups', '--auto-scaling-group-name', 'web-v000', '--target-group-arns', tgArn]);
    sim.tick();
    const launching = await aws.json<{ AutoScalingGroups: { Instances: { LifecycleState: string }[] }[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'web-v000']);
    expect(launching.AutoScalingGroups[0]?.Instances.map((i) => i.LifecycleState)).toEqual(['Pending', 'Pending', 'Pending']);
    sim.converge();
    const [groups, health, instances] = await Promise.all([
      aws.json<{ AutoScalingGroups: { DesiredCapacity: number; TargetGroupARNs: string[]; LaunchTemplate: { LaunchTemplateName: string; Version: string }; Instances: { InstanceId: string; LifecycleState: string; HealthStatus: string; AvailabilityZone: string }[] }[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'web-v000']),
      aws.json<{ TargetHealthDescriptions: { Target: { Id: string; Port: number }; TargetHealth: { State: string } }[] }>(['elbv2', 'describe-target-health', '--target-group-arn', tgArn]),
      aws.json<{ Reservations: { Instances: { InstanceId: string; State: { Name: string; Code: number }; Tags: { Key: string; Value: string }[]; SecurityGroups: { GroupId: string }[] }[] }[] }>(['ec2', 'describe-instances', '--filters', 'Name=tag:aws:autoscaling:groupName,Values=web-v000', 'Name=instance-state-name,Values=running']),
    ]);
    const group = groups.AutoScalingGroups[0];
    expect(group?.LaunchTemplate).toEqual(expect.objectContaining({ LaunchTemplateName: 'web-v000', Version: '$Latest' }));
    expect(group?.TargetGroupARNs).toEqual([tgArn]);
    expect(group?.Instances.map((i) => [i.LifecycleState, i.HealthStatus])).toEqual([
      ['InService', 'Healthy'],
      ['InService', 'Healthy'],
      ['InService', 'Healthy'],
    ]);
    expect(new Set(group?.Instances.map((i) => i.AvailabilityZone)).size).toBe(3);
    const memberIds = group?.Instances.map((i) => i.InstanceId).sort();
    expect(health.TargetHealthDescriptions.map((t) => [t.Target.Id, t.Target.Port, t.TargetHealth.State]).sort()).toEqual(memberIds?.map((id) => [id, 7001, 'healthy']));
    const ec2Instances = instances.Reservations.flatMap((r) => r.Instances);
    expect(ec2Instances.map((i) => i.InstanceId).sort()).toEqual(memberIds);
    expect(ec2Instances[0]?.State).toEqual({ Code: 16, Name: 'running' });
    expect(ec2Instances[0]?.Tags).toEqual(expect.arrayContaining([{ Key: 'app', Value: 'web' }, { Key: 'spinnaker:application', Value: 'web' }, { Key: 'aws:autoscaling:groupName', Value: 'web-v000' }]));
    expect(ec2Instances[0]?.SecurityGroups[0]?.GroupId).toBe(ids.defaultGroupId);
    ids.targetGroupArn = tgArn;
    ids.loadBalancerArn = alb?.LoadBalancerArn ?? '';
  });

  it('scaling in deregisters and terminates instances; terminate-and-decrement shrinks the group', async () => {
    const group = (await aws.json<{ AutoScalingGroups: { Instances: { InstanceId: string }[] }[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'web-v000'])).AutoScalingGroups[0];
    const victim = group?.Instances[0]?.InstanceId ?? '';
    const terminated = await aws.json<{ Activity: { Description: string; StatusCode: string } }>(['autoscaling', 'terminate-instance-in-auto-scaling-group', '--instance-id', victim, '--should-decrement-desired-capacity']);
    expect(terminated.Activity).toEqual(expect.objectContaining({ Description: `Terminating EC2 instance: ${victim}`, StatusCode: 'InProgress' }));
    const [draining] = await Promise.all([
      aws.json<{ TargetHealthDescriptions: { Target: { Id: string }; TargetHealth: { State: string; Reason: string } }[] }>(['elbv2', 'describe-target-health', '--target-group-arn', ids.targetGroupArn]),
      aws.json(['autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', 'web-v000', '--desired-capacity', '1']),
    ]);
    expect(draining.TargetHealthDescriptions.find((t) => t.Target.Id === victim)?.TargetHealth).toEqual(expect.objectContaining({ State: 'draining', Reason: 'Target.DeregistrationInProgress' }));
    sim.converge();
    const [after, victimState, health] = await Promise.all([
      aws.json<{ AutoScalingGroups: { DesiredCapacity: number; Instances: unknown[] }[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', 'web-v000']),
      aws.json<{ Reservations: { Instances: { State: { Name: string } }[] }[] }>(['ec2', 'describe-instances', '--instance-ids', victim]),
      aws.json<{ TargetHealthDescriptions: unknown[] }>(['elbv2', 'describe-target-health', '--target-group-arn', ids.targetGroupArn]),
    ]);
    expect(after.AutoScalingGroups[0]?.DesiredCapacity).toBe(1);
    expect(after.AutoScalingGroups[0]?.Instances).toHaveLength(1);
    expect(victimState.Reservations[0]?.Instances[0]?.State.Name).toBe('terminated');
    expect(health.TargetHealthDescriptions).toHaveLength(1);
  });

  it('describes page through MaxResults/NextToken as the CLI paginates them (--page-size, --max-items, --starting-token)', async () => {
    await aws.json(['ec2', 'run-instances', '--image-id', ids.imageId, '--instance-type', 't3.nano', '--count', '12', '--tag-specifications', 'ResourceType=instance,Tags=[{Key=batch,Value=paging}]']);
    const [all, firstTags, badPage] = await Promise.all([
      aws.json<{ Reservations: { Instances: { InstanceId: string }[] }[] }>(['ec2', 'describe-instances', '--filters', 'Name=tag:batch,Values=paging', '--page-size', '5']),
      aws.json<{ Tags: { ResourceId: string; Key: string }[]; NextToken: string }>(['ec2', 'describe-tags', '--filters', 'Name=key,Values=batch', '--page-size', '5', '--max-items', '7']),
      aws.error(['ec2', 'describe-instances', '--max-results', '3']),
    ]);
    // 12 instances in pages of 5: three DescribeInstances calls, joined by the CLI.
    expect(all.Reservations.flatMap((r) => r.Instances)).toHaveLength(12);
    expect(firstTags.Tags).toHaveLength(7);
    expect(firstTags.NextToken).toEqual(expect.any(String));
    const rest = await aws.json<{ Tags: { ResourceId: string }[]; NextToken?: string }>(['ec2', 'describe-tags', '--filters', 'Name=key,Values=batch', '--page-size', '5', '--starting-token', firstTags.NextToken]);
    expect(rest.Tags).toHaveLength(5);
    expect(rest.NextToken).toBeUndefined();
    expect(new Set([...firstTags.Tags, ...rest.Tags].map((t) => t.ResourceId)).size).toBe(12);
    expect(badPage).toEqual({ code: 'InvalidParameterValue', message: 'Value ( 3 ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.' });
  });

  it('a wrong secret or an unknown key is refused with each service\'s code', async () => {
    const first = sim.accounts[0];
    const wrong = { AWS_SECRET_ACCESS_KEY: 'not-the-secret' };
    const unknown = { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNUNKNOWN00' };
    const [ec2Wrong, stsWrong, stsUnknown] = await Promise.all([
      aws.error(['ec2', 'describe-instances'], wrong),
      aws.error(['sts', 'get-caller-identity'], wrong),
      aws.error(['sts', 'get-caller-identity'], unknown),
    ]);
    expect(first).toBeDefined();
    expect(ec2Wrong).toEqual({ code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' });
    expect(stsWrong.code).toBe('SignatureDoesNotMatch');
    expect(stsUnknown).toEqual({ code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' });
  });

  it('throttling is reported as RequestLimitExceeded (EC2) and Throttling (Auto Scaling) once the CLI\'s retries are exhausted', async () => {
    sim.faults.set({ throttleRate: 1, services: ['ec2', 'autoscaling'] });
    try {
      const retries = { AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '2' };
      const [ec2, asg] = await Promise.all([aws.run(['ec2', 'describe-instances'], retries), aws.run(['autoscaling', 'describe-auto-scaling-groups'], retries)]);
      expect(ec2.stderr).toMatch(/An error occurred \(RequestLimitExceeded\) when calling the DescribeInstances operation \(reached max retries: 1\): Request limit exceeded\./);
      expect(asg.stderr).toMatch(/An error occurred \(Throttling\) when calling the DescribeAutoScalingGroups operation \(reached max retries: 1\): Rate exceeded/);
    } finally {
      sim.faults.clear();
    }
  });

  it('classic load balancers, CloudWatch alarms and IAM server certificates', async () => {
    const pki = createPki();
    const member = sim.world.account(sim.accounts[0]?.accountId ?? '')?.region('us-east-1').autoScaling.groups.get('web-v000')?.instances[0]?.instanceId ?? '';
    const [dns, upload, alarm] = await Promise.all([
      aws.json<{ DNSName: string }>(['elb', 'create-load-balancer', '--load-balancer-name', 'web-classic', '--listeners', 'Protocol=HTTP,LoadBalancerPort=80,InstanceProtocol=HTTP,InstancePort=7001', '--availability-zones', 'us-east-1a', 'us-east-1b']),
      aws.json<{ ServerCertificateMetadata: { Arn: string; ServerCertificateName: string; Path: string; Expiration: string } }>(['iam', 'upload-server-certificate', '--server-certificate-name', 'web-cert', '--certificate-body', pki.serverCert, '--private-key', pki.serverKey]),
      aws.json(['cloudwatch', 'put-metric-alarm', '--alarm-name', 'web-cpu', '--namespace', 'AWS/EC2', '--metric-name', 'CPUUtilization', '--statistic', 'Average', '--period', '60', '--evaluation-periods', '2', '--threshold', '80', '--comparison-operator', 'GreaterThanThreshold', '--dimensions', 'Name=AutoScalingGroupName,Value=web-v000']),
    ]);
    expect(alarm).toEqual({});
    expect(dns.DNSName).toMatch(/^web-classic-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(upload.ServerCertificateMetadata).toEqual(expect.objectContaining({ ServerCertificateName: 'web-cert', Path: '/', Arn: `arn:aws:iam::${sim.accounts[0]?.accountId}:server-certificate/web-cert` }));
    await aws.json(['elb', 'register-instances-with-load-balancer', '--load-balancer-name', 'web-classic', '--instances', member]);
    sim.tick();
    const [health, alarms, certs] = await Promise.all([
      aws.json<{ InstanceStates: { InstanceId: string; State: string; ReasonCode: string; Description: string }[] }>(['elb', 'describe-instance-health', '--load-balancer-name', 'web-classic']),
      aws.json<{ MetricAlarms: { AlarmName: string; StateValue: string; Threshold: number; Dimensions: unknown[] }[] }>(['cloudwatch', 'describe-alarms', '--alarm-names', 'web-cpu']),
      aws.json<{ ServerCertificateMetadataList: { ServerCertificateName: string }[] }>(['iam', 'list-server-certificates']),
    ]);
    expect(health.InstanceStates).toEqual([{ InstanceId: member, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }]);
    expect(alarms.MetricAlarms).toEqual([expect.objectContaining({ AlarmName: 'web-cpu', StateValue: 'INSUFFICIENT_DATA', Threshold: 80, Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-v000' }] })]);
    expect(certs.ServerCertificateMetadataList).toEqual([expect.objectContaining({ ServerCertificateName: 'web-cert' })]);
  });

  it('deletes everything: the group drains and disappears, then the load balancers, target group, launch template, groups, alarm and certificate', async () => {
    await aws.json(['autoscaling', 'delete-auto-scaling-group', '--auto-scaling-group-name', 'web-v000', '--force-delete']);
    sim.converge();
    await aws.json(['elbv2', 'delete-load-balancer', '--load-balancer-arn', ids.loadBalancerArn]);
    await Promise.all([
      aws.json(['elbv2', 'delete-target-group', '--target-group-arn', ids.targetGroupArn]),
      aws.json(['ec2', 'delete-launch-template', '--launch-template-name', 'web-v000']),
      aws.json(['elb', 'delete-load-balancer', '--load-balancer-name', 'web-classic']),
      aws.json(['cloudwatch', 'delete-alarms', '--alarm-names', 'web-cpu']),
      aws.json(['iam', 'delete-server-certificate', '--server-certificate-name', 'web-cert']),
    ]);
    await aws.json(['ec2', 'revoke-security-group-ingress', '--group-id', ids.groups[0] ?? '', '--ip-permissions', JSON.stringify([{ IpProtocol: 'tcp', FromPort: 7001, ToPort: 7001, UserIdGroupPairs: [{ GroupId: ids.groups[1] }] }])]);
    await Promise.all(ids.groups.map((g) => aws.json(['ec2', 'delete-security-group', '--group-id', g])));
    const [groups, missingLb] = await Promise.all([
      aws.json<{ AutoScalingGroups: unknown[] }>(['autoscaling', 'describe-auto-scaling-groups']),
      aws.error(['elbv2', 'describe-load-balancers', '--names', 'web-alb']),
    ]);
    expect(groups.AutoScalingGroups).toEqual([]);
    expect(missingLb.code).toBe('LoadBalancerNotFound');
    const region = sim.world.account(sim.accounts[0]?.accountId ?? '')?.region('us-east-1');
    expect([region?.elbv2.targetGroups.size, region?.ec2.launchTemplates.size, region?.elb.loadBalancers.size, region?.cloudWatch.alarms.size, region?.ec2.securityGroups.size]).toEqual([0, 0, 0, 0, 1]);
    const groupInstances = [...(region?.ec2.instances.values() ?? [])].filter((i) => region?.ec2.tags.get(i.instanceId)?.get('aws:autoscaling:groupName') === 'web-v000');
    expect(groupInstances.length).toBeGreaterThan(0);
    expect(groupInstances.every((i) => i.state === 'terminated')).toBe(true);
  });
});

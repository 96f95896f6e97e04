/**
 * Builds an application's AWS estate on the simulator with the SDK, as an operator (or Spinnaker)
 * would: security groups (the app's group admits the load balancer's group), a baked image with
 * an `appversion` tag, a launch template, an ALB with a target group and listener, a classic ELB,
 * and two Auto Scaling groups behind both (v000 disabled: AddToLoadBalancer suspended), with a
 * scaling policy and its alarm on v001; then converges the simulator.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, PutScalingPolicyCommand, SuspendProcessesCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { AuthorizeSecurityGroupIngressCommand, CreateImageCommand, CreateLaunchTemplateCommand, CreateSecurityGroupCommand, CreateTagsCommand, DescribeImagesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand as CreateClassicCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsSim } from '../../src/testing/awsSim/index.js';

export interface AwsWorld {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly appGroupId: string;
  readonly elbGroupId: string;
  readonly imageId: string;
  readonly imageName: string;
  readonly targetGroupArn: string;
}

export const APP = 'myapp';
export const REGION = 'us-east-1';
export const IMAGE_NAME = 'myapp-1.0.0-h12.abc1234';

export async function buildAwsWorld(sim: AwsSim, account = 0): Promise<AwsWorld> {
  const creds = sim.accounts[account];
  if (creds === undefined) throw new Error('no such simulator account');
  const config = { endpoint: sim.endpoint, region: REGION, credentials: creds, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const as = new AutoScalingClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const elb = new ElasticLoadBalancingClient(config);
  const cw = new CloudWatchClient(config);

  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
  const vpcId = subnets[0]?.VpcId ?? '';
  const subnetIds = subnets.map((s) => s.SubnetId ?? '');

  const elbGroupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${APP}-elb`, Description: 'load balancer', VpcId: vpcId }))).GroupId ?? '';
  const appGroupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: APP, Description: 'application', VpcId: vpcId }))).GroupId ?? '';
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: elbGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: appGroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: elbGroupId }] },
        { IpProtocol: 'tcp', FromPort: 7001, ToPort: 7002, UserIdGroupPairs: [{ GroupId: elbGroupId }] },
      ],
    }),
  );

  // Bake: an image made from an instance of a public base image, tagged with its app version.
  const base = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
  const baker = (await ec2.send(new RunInstancesCommand({ ImageId: base, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
  sim.tick();
  const imageId = (await ec2.send(new CreateImageCommand({ InstanceId: baker, Name: IMAGE_NAME }))).ImageId ?? '';
  await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: [{ Key: 'appversion', Value: `${IMAGE_NAME}/myapp-build/12` }] }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [baker] }));

  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${APP}-prod-v001`,
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro', SecurityGroupIds: [appGroupId] },
    }),
  );

  const alb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: `${APP}-frontend`, Subnets: subnetIds.slice(0, 2), SecurityGroups: [elbGroupId], Type: 'application' }))).LoadBalancers?.[0];
  const tg = (await elbv2.send(new CreateTargetGroupCommand({ Name: `${APP}-prod-tg`, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, TargetType: 'instance' }))).TargetGroups?.[0];
  const targetGroupArn = tg?.TargetGroupArn ?? '';
  await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: alb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }));
  await elb.send(new CreateClassicCommand({ LoadBalancerName: `${APP}-classic`, AvailabilityZones: [`${REGION}a`, `${REGION}b`], Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }] }));

  for (const [name, desired] of [[`${APP}-prod-v000`, 1], [`${APP}-prod-v001`, 2]] as const) {
    await as.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        LaunchTemplate: { LaunchTemplateName: `${APP}-prod-v001`, Version: '$Latest' },
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: desired,
        VPCZoneIdentifier: subnetIds.join(','),
        TargetGroupARNs: [targetGroupArn],
        LoadBalancerNames: [`${APP}-classic`],
      }),
    );
  }
  await as.send(new SuspendProcessesCommand({ AutoScalingGroupName: `${APP}-prod-v000`, ScalingProcesses: ['AddToLoadBalancer'] }));
  const policy = await as.send(new PutScalingPolicyCommand({ AutoScalingGroupName: `${APP}-prod-v001`, PolicyName: 'scale-up', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1, Cooldown: 600 }));
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: `${APP}-prod-v001-cpu-high`,
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [policy.PolicyARN ?? ''],
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: `${APP}-prod-v001` }],
    }),
  );
  for (const c of [ec2, as, elbv2, elb, cw]) c.destroy();
  sim.converge();
  return { vpcId, subnetIds, appGroupId, elbGroupId, imageId, imageName: IMAGE_NAME, targetGroupArn };
}

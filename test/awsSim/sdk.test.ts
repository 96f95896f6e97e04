/**
 * Fidelity of the AWS API simulator, judged by the AWS SDK for JavaScript v3 (the clients the AWS
 * provider uses): STS AssumeRole across simulated accounts, EC2 paginators and eventual
 * consistency, Auto Scaling with launch configurations and classic load balancers, suspended
 * processes, policies wired to CloudWatch alarms, ELBv2 target health, CloudWatch over AWS JSON
 * 1.0, IAM server certificates, and the fault switches (throttling, rate limits, errors).
 */
import { AutoScalingClient, CancelInstanceRefreshCommand, DescribeNotificationConfigurationsCommand, PutNotificationConfigurationCommand, CreateAutoScalingGroupCommand, DescribeInstanceRefreshesCommand, StartInstanceRefreshCommand, CreateLaunchConfigurationCommand, DeleteLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand, DescribePoliciesCommand, DescribeScheduledActionsCommand, DescribeLifecycleHooksCommand, ExecutePolicyCommand, PutLifecycleHookCommand, PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand, ResumeProcessesCommand, SetDesiredCapacityCommand, SuspendProcessesCommand, UpdateAutoScalingGroupCommand, paginateDescribeAutoScalingGroups, paginateDescribeScalingActivities } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { AuthorizeSecurityGroupIngressCommand, CreateLaunchTemplateCommand, CreateSecurityGroupCommand, UpdateSecurityGroupRuleDescriptionsIngressCommand, CreateLaunchTemplateVersionCommand, DescribeAccountAttributesCommand, DescribeAvailabilityZonesCommand, DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand, DescribeRegionsCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, ModifyLaunchTemplateCommand, RunInstancesCommand, TerminateInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { CreateLBCookieStickinessPolicyCommand, CreateLoadBalancerCommand as CreateClassicCommand, DescribeInstanceHealthCommand, DescribeLoadBalancerPoliciesCommand, DescribeLoadBalancersCommand as DescribeClassicCommand, ElasticLoadBalancingClient, EnableAvailabilityZonesForLoadBalancerCommand, SetLoadBalancerPoliciesOfListenerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DescribeRulesCommand, DescribeTargetGroupsCommand, DescribeTargetGroupAttributesCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, ModifyTargetGroupAttributesCommand, RegisterTargetsCommand, SetSubnetsCommand, AddListenerCertificatesCommand, DescribeListenerCertificatesCommand, paginateDescribeTargetGroups } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient, UploadServerCertificateCommand, paginateListServerCertificates } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { createPki } from '../../src/testing/kubeSim/tls.js';
import { startAwsSim } from '../../src/testing/awsSim/index.js';
import type { AwsSim } from '../../src/testing/awsSim/index.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let sim: AwsSim;
const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
let creds: Creds;

function config(c: Creds = creds, region = 'us-east-1') {
  return { endpoint: sim.endpoint, region, credentials: c, maxAttempts: 1 };
}

/** The SDK's error: its name, message, HTTP status and (awsQueryCompatible services) the awsQuery code. */
async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; code?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, ...(err.Code === undefined ? {} : { code: err.Code }) };
  }
  throw new Error('expected the call to fail');
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

beforeAll(async () => {
  sim = await startAwsSim({ seed: 'demo', accounts: 2, regions: ['us-east-1', 'us-west-2'], clock });
  const first = sim.accounts[0];
  if (first === undefined) throw new Error('no account');
  creds = first;
});

afterAll(async () => {
  await sim.close();
});

describe('AWS SDK v3 against the simulator', () => {
  it('requests signed more than 15 minutes away from the simulator\'s clock are refused (when the check is on)', async () => {
    const skewed = await startAwsSim({ clock: new ManualClock(Date.now() + 20 * 60_000), maxClockSkewMs: 15 * 60_000 });
    try {
      const c = { endpoint: skewed.endpoint, region: 'us-east-1', credentials: skewed.accounts[0] ?? creds, maxAttempts: 1, systemClockOffset: 0 };
      const ec2 = await errorOf(new EC2Client(c).send(new DescribeVpcsCommand({})));
      expect(ec2).toEqual(expect.objectContaining({ name: 'RequestExpired', message: 'Request has expired.' }));
      const sts = await errorOf(new STSClient(c).send(new GetCallerIdentityCommand({})));
      expect(sts).toEqual(expect.objectContaining({ name: 'SignatureDoesNotMatch', status: 403 }));
      expect(sts.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
      // With retries, the SDK corrects its clock offset from the response's Date (the simulator's clock) and succeeds.
      const corrected = await new STSClient({ ...c, maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
      expect(corrected.Account).toBe(skewed.accounts[0]?.accountId);
    } finally {
      await skewed.close();
    }
  });

  it('STS: AssumeRole into another simulated account; its temporary credentials act there until they expire', async () => {
    const sts = new STSClient(config());
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(sim.accounts[0]?.accountId);
    const other = sim.accounts[1]?.accountId ?? '';
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${other}:role/spinnakerManaged`, RoleSessionName: 'clouddriver', DurationSeconds: 900 }));
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${other}:assumed-role/spinnakerManaged/clouddriver`);
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.Credentials?.Expiration?.getTime()).toBe(clock.now() + 900_000);
    const temp = { accessKeyId: assumed.Credentials?.AccessKeyId ?? '', secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '', sessionToken: assumed.Credentials?.SessionToken ?? '' };
    const asOther = await new STSClient(config(temp)).send(new GetCallerIdentityCommand({}));
    expect(asOther).toEqual(expect.objectContaining({ Account: other, Arn: `arn:aws:sts::${other}:assumed-role/spinnakerManaged/clouddriver` }));
    const vpcs = await new EC2Client(config(temp)).send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs?.[0]?.OwnerId).toBe(other);
    const withoutToken = await errorOf(new STSClient(config({ accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey })).send(new GetCallerIdentityCommand({})));
    expect(withoutToken.name).toBe('InvalidClientTokenId');
    clock.advance(901_000);
    expect((await errorOf(new STSClient(config(temp)).send(new GetCallerIdentityCommand({})))).name).toBe('ExpiredToken');
    const denied = await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/x', RoleSessionName: 's1' })));
    expect(denied).toEqual(expect.objectContaining({ name: 'AccessDenied', status: 403 }));
    // Accounts can be added at runtime, over the control API too.
    const added = (await (await fetch(`${sim.endpoint}/_sim/accounts`, { method: 'POST' })).json()) as { accountId: string; accessKeyId: string; secretAccessKey: string };
    expect((await new STSClient(config(added)).send(new GetCallerIdentityCommand({}))).Account).toBe(added.accountId);
    const addedVpcs = await new EC2Client(config(added)).send(new DescribeVpcsCommand({}));
    expect(addedVpcs.Vpcs?.map((v) => [v.OwnerId, v.IsDefault])).toEqual([[added.accountId, true]]);
  });

  it('EC2: regions, zones, instance types, and instances paged with paginateDescribeInstances', async () => {
    const ec2 = new EC2Client(config());
    const [regions, zones, types, images] = await Promise.all([
      ec2.send(new DescribeRegionsCommand({})),
      ec2.send(new DescribeAvailabilityZonesCommand({})),
      ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large', 't4g.micro'] })),
      ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'] })),
    ]);
    expect(regions.Regions?.map((r) => [r.RegionName, r.Endpoint])).toEqual([
      ['us-east-1', 'ec2.us-east-1.amazonaws.com'],
      ['us-west-2', 'ec2.us-west-2.amazonaws.com'],
    ]);
    expect(zones.AvailabilityZones?.map((z) => z.ZoneId)).toEqual(['use1-az1', 'use1-az2', 'use1-az3']);
    expect(types.InstanceTypes?.map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus, t.MemoryInfo?.SizeInMiB, t.ProcessorInfo?.SupportedArchitectures])).toEqual([
      ['t4g.micro', 2, 1024, ['arm64']],
      ['m5.large', 2, 8192, ['x86_64']],
    ]);
    expect(images.Images?.every((i) => i.Name?.startsWith('ubuntu/') && i.Public === true)).toBe(true);
    const imageId = images.Images?.[0]?.ImageId ?? '';
    const run = await ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.small', MinCount: 12, MaxCount: 12, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'fleet', Value: 'sdk' }] }] }));
    expect(run.Instances?.map((i) => i.State?.Name)).toEqual(Array(12).fill('pending'));
    sim.tick();
    const pages = await collect(paginateDescribeInstances({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'tag:fleet', Values: ['sdk'] }] }));
    expect(pages.map((p) => p.Reservations?.flatMap((r) => r.Instances ?? []).length)).toEqual([5, 5, 2]);
    const all = pages.flatMap((p) => p.Reservations?.flatMap((r) => r.Instances ?? []) ?? []);
    expect(all.every((i) => i.State?.Name === 'running' && i.State.Code === 16 && i.PrivateIpAddress?.startsWith('172.31.'))).toBe(true);
    expect(new Set(all.map((i) => i.PrivateIpAddress)).size).toBe(12);
    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [all[0]?.InstanceId ?? ''] }));
    expect(terminated.TerminatingInstances?.[0]).toEqual(expect.objectContaining({ PreviousState: { Code: 16, Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } }));
    sim.tick();
    const gone = all[0]?.InstanceId ?? '';
    expect((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [gone] }))).Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 48, Name: 'terminated' });
    // Terminated instances stay visible for about an hour, then are gone.
    clock.advance(61 * 60_000);
    sim.tick();
    expect((await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: [gone] })))).name).toBe('InvalidInstanceID.NotFound');
    const notFound = await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect(notFound).toEqual(expect.objectContaining({ name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef0' does not exist", status: 400 }));
    // Regions are separate: us-west-2 has its own default VPC and none of these instances.
    const west = new EC2Client(config(creds, 'us-west-2'));
    const [westInstances, westVpcs] = await Promise.all([west.send(new DescribeInstancesCommand({})), west.send(new DescribeVpcsCommand({}))]);
    expect(westInstances.Reservations).toEqual([]);
    expect(westVpcs.Vpcs?.[0]?.IsDefault).toBe(true);
    const attributes = await west.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc', 'supported-platforms'] }));
    expect(attributes.AccountAttributes?.map((a) => [a.AttributeName, a.AttributeValues?.map((v) => v.AttributeValue)])).toEqual([
      ['supported-platforms', ['VPC']],
      ['default-vpc', [westVpcs.Vpcs?.[0]?.VpcId]],
    ]);
  });

  it('EC2 eventual consistency (a test switch): a new instance is unknown to Describe until the next tick', async () => {
    const ec2 = new EC2Client(config());
    const imageId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
    sim.faults.set({ eventualConsistency: true });
    try {
      const run = await ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
      const id = run.Instances?.[0]?.InstanceId ?? '';
      expect((await errorOf(ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))).name).toBe('InvalidInstanceID.NotFound');
      sim.tick();
      const seen = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(seen.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(id);
    } finally {
      sim.faults.clear();
    }
  });

  it('EC2 launch templates: versions, $Latest/$Default, SourceVersion and the data as written', async () => {
    const ec2 = new EC2Client(config());
    const groupId = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups?.[0]?.GroupId ?? '';
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'api-v001',
        LaunchTemplateData: { ImageId: 'ami-12345678901234567', InstanceType: 'm5.large', NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [groupId] }], BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 40, VolumeType: 'gp3' } }], MetadataOptions: { HttpTokens: 'required' } },
      }),
    );
    const id = created.LaunchTemplate?.LaunchTemplateId ?? '';
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '1', VersionDescription: 'bigger', LaunchTemplateData: { InstanceType: 'm5.xlarge' } }));
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '2' }));
    const [latest, byDefault] = await Promise.all([
      ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['$Latest'] })),
      ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'api-v001', Versions: ['$Default'] })),
    ]);
    const v2 = latest.LaunchTemplateVersions?.[0];
    expect(v2).toEqual(expect.objectContaining({ VersionNumber: 2, VersionDescription: 'bigger', DefaultVersion: true }));
    expect(v2?.LaunchTemplateData).toEqual({
      ImageId: 'ami-12345678901234567',
      InstanceType: 'm5.xlarge',
      NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [groupId] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 40, VolumeType: 'gp3' } }],
      MetadataOptions: { HttpTokens: 'required' },
    });
    expect(byDefault.LaunchTemplateVersions?.[0]?.VersionNumber).toBe(2);
    const missing = await errorOf(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['7'] })));
    expect(missing.name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect((await errorOf(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'api-v001', LaunchTemplateData: {} })))).name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
  });

  it('Auto Scaling with a launch configuration behind a classic load balancer; suspended Launch holds capacity; unhealthy instances are replaced', async () => {
    const ec2 = new EC2Client(config());
    const asg = new AutoScalingClient(config());
    const elb = new ElasticLoadBalancingClient(config());
    const imageId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
    await asg.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: 'batch-v000-lc', ImageId: imageId, InstanceType: 'c5.large', SecurityGroups: ['default'] }));
    await elb.send(new CreateClassicCommand({ LoadBalancerName: 'batch', Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 80, InstanceProtocol: 'TCP', InstancePort: 8080 }], AvailabilityZones: ['us-east-1a', 'us-east-1b'] }));
    for (const name of ['batch-v000', 'batch-v001', 'batch-v002']) {
      await asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: name, LaunchConfigurationName: 'batch-v000-lc', MinSize: 0, MaxSize: 4, DesiredCapacity: name === 'batch-v000' ? 2 : 0, AvailabilityZones: ['us-east-1a', 'us-east-1b'], LoadBalancerNames: name === 'batch-v000' ? ['batch'] : [] }));
    }
    const dup = await errorOf(asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'batch-v000', LaunchConfigurationName: 'batch-v000-lc', MinSize: 0, MaxSize: 1, AvailabilityZones: ['us-east-1a'] })));
    // The SDK names modeled errors after their shape (AlreadyExistsFault for the wire code AlreadyExists).
    expect(dup).toEqual(expect.objectContaining({ name: 'AlreadyExistsFault', message: 'AutoScalingGroup by this name already exists - A group with the name batch-v000 already exists' }));
    sim.converge();
    const health = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'batch' }));
    expect(health.InstanceStates?.map((s) => s.State)).toEqual(['InService', 'InService']);
    const pages = await collect(paginateDescribeAutoScalingGroups({ client: asg, pageSize: 1 }, { Filters: [] }));
    expect(pages.map((p) => p.AutoScalingGroups?.map((g) => g.AutoScalingGroupName))).toEqual([['batch-v000'], ['batch-v001'], ['batch-v002']]);
    const first = pages[0]?.AutoScalingGroups?.[0];
    expect(first).toEqual(expect.objectContaining({ LaunchConfigurationName: 'batch-v000-lc', LoadBalancerNames: ['batch'], HealthCheckType: 'EC2', DefaultCooldown: 300, TerminationPolicies: ['Default'] }));
    expect(new Set(first?.Instances?.map((i) => i.AvailabilityZone))).toEqual(new Set(['us-east-1a', 'us-east-1b']));

    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'batch-v000', ScalingProcesses: ['Launch'] }));
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'batch-v000', DesiredCapacity: 3 }));
    sim.converge();
    const held = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['batch-v000'] }))).AutoScalingGroups?.[0];
    expect(held?.Instances).toHaveLength(2);
    expect(held?.SuspendedProcesses).toEqual([{ ProcessName: 'Launch', SuspensionReason: expect.stringMatching(/^User suspended at /) }]);
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'batch-v000' }));
    sim.converge();
    const resumed = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['batch-v000'] }))).AutoScalingGroups?.[0];
    expect(resumed?.Instances?.filter((i) => i.LifecycleState === 'InService')).toHaveLength(3);

    // An instance terminated behind the group's back is replaced.
    const lost = resumed?.Instances?.[0]?.InstanceId ?? '';
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [lost] }));
    sim.converge();
    const healed = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['batch-v000'] }))).AutoScalingGroups?.[0];
    expect(healed?.Instances?.map((i) => i.InstanceId)).not.toContain(lost);
    expect(healed?.Instances?.filter((i) => i.LifecycleState === 'InService')).toHaveLength(3);
    const activities = (await collect(paginateDescribeScalingActivities({ client: asg, pageSize: 2 }, { AutoScalingGroupName: 'batch-v000' }))).flatMap((p) => p.Activities ?? []);
    expect(activities.filter((a) => a.Description?.startsWith('Launching')).length).toBe(4);
    expect(activities.some((a) => a.Description === `Terminating EC2 instance: ${lost}` && a.Cause?.includes('EC2 health check'))).toBe(true);

    const tooBig = await errorOf(asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'batch-v000', DesiredCapacity: 9 })));
    expect(tooBig).toEqual({ name: 'ValidationError', code: 'ValidationError', message: 'New SetDesiredCapacity value 9 is above max value 4 for the AutoScalingGroup.', status: 400 });
    const inUse = await errorOf(asg.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'batch-v000-lc' })));
    expect(inUse).toEqual(expect.objectContaining({ name: 'ResourceInUseFault', code: 'ResourceInUse' }));
  });

  it('Auto Scaling instance refresh replaces instances onto a new launch template version, keeping MinHealthyPercentage in service', async () => {
    const ec2 = new EC2Client(config());
    const asg = new AutoScalingClient(config());
    const imageId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
    const lt = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'refresh-v000', LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' } }));
    const ltId = lt.LaunchTemplate?.LaunchTemplateId ?? '';
    await asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'refresh-v000', LaunchTemplate: { LaunchTemplateId: ltId, Version: '1' }, MinSize: 4, MaxSize: 4, AvailabilityZones: ['us-east-1a', 'us-east-1b'] }));
    sim.converge();
    const before = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['refresh-v000'] }))).AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId ?? '') ?? [];
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.small' } }));
    const started = await asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'refresh-v000', Preferences: { MinHealthyPercentage: 50 }, DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: ltId, Version: '2' } } }));
    expect((await errorOf(asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'refresh-v000' })))).code).toBe('InstanceRefreshInProgress');
    let minInService = 4;
    for (let i = 0; i < 30; i++) {
      if (sim.tick() === 0) break;
      const g = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['refresh-v000'] }))).AutoScalingGroups?.[0];
      minInService = Math.min(minInService, g?.Instances?.filter((x) => x.LifecycleState === 'InService').length ?? 0);
    }
    expect(minInService).toBe(2);
    const [refreshes, after] = await Promise.all([
      asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'refresh-v000' })),
      asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['refresh-v000'] })),
    ]);
    expect(refreshes.InstanceRefreshes?.[0]).toEqual(expect.objectContaining({ InstanceRefreshId: started.InstanceRefreshId, Status: 'Successful', PercentageComplete: 100, InstancesToUpdate: 0 }));
    const now = after.AutoScalingGroups?.[0]?.Instances ?? [];
    expect(now.filter((i) => i.LifecycleState === 'InService')).toHaveLength(4);
    expect(now.some((i) => before.includes(i.InstanceId ?? ''))).toBe(false);
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: now.map((i) => i.InstanceId ?? '') }));
    expect(described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceType)).toEqual(Array(4).fill('t3.small'));
    expect((await errorOf(asg.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'refresh-v000' })))).code).toBe('ActiveInstanceRefreshNotFound');
  });

  it('classic ELB: stickiness policies on listeners, zones and subnets as Spinnaker upserts them', async () => {
    const elb = new ElasticLoadBalancingClient(config());
    await elb.send(new CreateLBCookieStickinessPolicyCommand({ LoadBalancerName: 'batch', PolicyName: 'sticky', CookieExpirationPeriod: 600 }));
    await elb.send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: 'batch', LoadBalancerPort: 80, PolicyNames: ['sticky'] }));
    await elb.send(new EnableAvailabilityZonesForLoadBalancerCommand({ LoadBalancerName: 'batch', AvailabilityZones: ['us-east-1c'] }));
    const lb = (await elb.send(new DescribeClassicCommand({ LoadBalancerNames: ['batch'] }))).LoadBalancerDescriptions?.[0];
    expect(lb?.ListenerDescriptions?.[0]?.PolicyNames).toEqual(['sticky']);
    expect(lb?.Policies?.LBCookieStickinessPolicies).toEqual([{ PolicyName: 'sticky', CookieExpirationPeriod: 600 }]);
    expect(lb?.AvailabilityZones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(lb?.Subnets).toHaveLength(3);
    const policies = await elb.send(new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: 'batch' }));
    expect(policies.PolicyDescriptions).toEqual([{ PolicyName: 'sticky', PolicyTypeName: 'LBCookieStickinessPolicyType', PolicyAttributeDescriptions: [{ AttributeName: 'CookieExpirationPeriod', AttributeValue: '600' }] }]);
    expect((await errorOf(elb.send(new SetLoadBalancerPoliciesOfListenerCommand({ LoadBalancerName: 'batch', LoadBalancerPort: 443, PolicyNames: [] })))).code).toBe('ListenerNotFound');
  });

  it('instances tagged sim:health=unhealthy fail load balancer health checks; a group with ELB health checks marks and replaces them', async () => {
    const asg = new AutoScalingClient(config());
    const elb = new ElasticLoadBalancingClient(config());
    await asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'sick-v000', LaunchConfigurationName: 'batch-v000-lc', MinSize: 1, MaxSize: 1, AvailabilityZones: ['us-east-1a'], LoadBalancerNames: ['batch'], HealthCheckType: 'ELB', HealthCheckGracePeriod: 0, Tags: [{ Key: 'sim:health', Value: 'unhealthy', PropagateAtLaunch: true }] }));
    await asg.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'sick-v000', ScalingProcesses: ['ReplaceUnhealthy'] }));
    sim.tick();
    sim.tick();
    sim.tick();
    const sick = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['sick-v000'] }))).AutoScalingGroups?.[0]?.Instances?.[0];
    expect(sick).toEqual(expect.objectContaining({ LifecycleState: 'InService', HealthStatus: 'Unhealthy' }));
    const health = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'batch', Instances: [{ InstanceId: sick?.InstanceId ?? '' }] }));
    expect(health.InstanceStates?.[0]).toEqual({ InstanceId: sick?.InstanceId, State: 'OutOfService', ReasonCode: 'Instance', Description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' });
    await asg.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'sick-v000' }));
    sim.tick();
    const replaced = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['sick-v000'] }))).AutoScalingGroups?.[0]?.Instances?.find((i) => i.InstanceId === sick?.InstanceId);
    expect(replaced?.LifecycleState).toBe('Terminating');
    const activities = (await collect(paginateDescribeScalingActivities({ client: asg }, { AutoScalingGroupName: 'sick-v000' }))).flatMap((p) => p.Activities ?? []);
    expect(activities.find((a) => a.Description === `Terminating EC2 instance: ${sick?.InstanceId}`)?.Cause).toContain('in response to an ELB system health check failure');
    // ... and a replacement is launched at once (which will fail too: the tag propagates).
    expect(activities[0]?.Description).toMatch(/^Launching a new EC2 instance: i-/);
    await asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'sick-v000', MinSize: 0, DesiredCapacity: 0 }));
    sim.converge();
  });

  it('EC2 security group rule descriptions are updated in place', async () => {
    const ec2 = new EC2Client(config());
    const group = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'described', Description: 'rule descriptions' }));
    const groupId = group.GroupId ?? '';
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'old' }] }] }));
    await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'new' }] }] }));
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    expect(described.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges).toEqual([{ CidrIp: '10.0.0.0/8', Description: 'new' }]);
    const missing = await errorOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'x' }] }] })));
    expect(missing.name).toBe('InvalidPermission.NotFound');
  });

  it('Auto Scaling policies report the CloudWatch alarms that call them; scheduled actions and lifecycle hooks are kept', async () => {
    const asg = new AutoScalingClient(config());
    const cw = new CloudWatchClient(config());
    const policy = await asg.send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'batch-v001', PolicyName: 'scale-up', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 2, Cooldown: 60 }));
    expect(policy.PolicyARN).toMatch(/^arn:aws:autoscaling:us-east-1:\d{12}:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/batch-v001:policyName\/scale-up$/);
    await cw.send(new PutMetricAlarmCommand({ AlarmName: 'batch-v001-high-cpu', Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 300, EvaluationPeriods: 1, Threshold: 75, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [policy.PolicyARN ?? ''], Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'batch-v001' }] }));
    const described = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'batch-v001' }));
    expect(described.ScalingPolicies?.[0]).toEqual(expect.objectContaining({ PolicyName: 'scale-up', PolicyType: 'SimpleScaling', ScalingAdjustment: 2, Cooldown: 60, Alarms: [{ AlarmName: 'batch-v001-high-cpu', AlarmARN: expect.stringMatching(/^arn:aws:cloudwatch:us-east-1:\d{12}:alarm:batch-v001-high-cpu$/) }] }));
    await asg.send(new ExecutePolicyCommand({ PolicyName: 'scale-up', AutoScalingGroupName: 'batch-v001' }));
    expect((await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['batch-v001'] }))).AutoScalingGroups?.[0]?.DesiredCapacity).toBe(2);
    await asg.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'batch-v001', ScheduledActionName: 'nightly', Recurrence: '0 2 * * *', DesiredCapacity: 0 }));
    await asg.send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'batch-v001', LifecycleHookName: 'drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 300 }));
    const [scheduled, hooks] = await Promise.all([asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'batch-v001' })), asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'batch-v001' }))]);
    expect(scheduled.ScheduledUpdateGroupActions?.[0]).toEqual(expect.objectContaining({ ScheduledActionName: 'nightly', Recurrence: '0 2 * * *', DesiredCapacity: 0 }));
    await asg.send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: 'batch-v001', TopicARN: `arn:aws:sns:us-east-1:${sim.accounts[0]?.accountId}:asg-events`, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH'] }));
    const notifications = await asg.send(new DescribeNotificationConfigurationsCommand({ AutoScalingGroupNames: ['batch-v001'] }));
    expect(notifications.NotificationConfigurations).toEqual([{ AutoScalingGroupName: 'batch-v001', TopicARN: `arn:aws:sns:us-east-1:${sim.accounts[0]?.accountId}:asg-events`, NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' }]);
    expect(hooks.LifecycleHooks?.[0]).toEqual(expect.objectContaining({ LifecycleHookName: 'drain', HeartbeatTimeout: 300, GlobalTimeout: 30000, DefaultResult: 'ABANDON' }));
  });

  it('ELBv2: registered targets go initial -> healthy once a listener forwards to the group, unused without one; rules, attributes and paged target groups', async () => {
    const ec2 = new EC2Client(config());
    const elb = new ElasticLoadBalancingV2Client(config());
    const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId ?? '';
    const running = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:fleet', Values: ['sdk'] }, { Name: 'instance-state-name', Values: ['running'] }] }))).Reservations?.flatMap((r) => r.Instances ?? []) ?? [];
    const [a, b] = running;
    const tgs = await Promise.all(['api-blue', 'api-green', 'api-admin'].map((name) => elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, HealthCheckPath: '/health' }))));
    const [blue, green] = tgs.map((t) => t.TargetGroups?.[0]?.TargetGroupArn ?? '');
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: a?.InstanceId ?? '' }, { Id: b?.InstanceId ?? '', Port: 8081 }] }));
    const initial = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
    expect(initial.TargetHealthDescriptions?.map((t) => [t.Target?.Port, t.TargetHealth?.State, t.TargetHealth?.Reason])).toEqual([
      [8080, 'initial', 'Elb.RegistrationInProgress'],
      [8081, 'initial', 'Elb.RegistrationInProgress'],
    ]);
    sim.tick();
    expect((await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }))).TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({ State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' });
    const subnetIds = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets?.map((s) => s.SubnetId ?? '') ?? [];
    const lb = await elb.send(new CreateLoadBalancerCommand({ Name: 'api', Subnets: subnetIds, Type: 'application' }));
    const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const listener = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] }));
    const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
    await elb.send(new CreateRuleCommand({ ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/green/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: green }] }));
    const dupListener = await errorOf(elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] })));
    expect(dupListener).toEqual(expect.objectContaining({ name: 'DuplicateListenerException', code: 'DuplicateListener' }));
    sim.tick();
    sim.tick();
    const healthy = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
    expect(healthy.TargetHealthDescriptions?.map((t) => t.TargetHealth?.State)).toEqual(['healthy', 'healthy']);
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    expect(rules.Rules?.map((r) => [r.Priority, r.IsDefault, r.Conditions?.[0]?.Field])).toEqual([
      ['10', false, 'path-pattern'],
      ['default', true, undefined],
    ]);
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: blue, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }));
    const attrs = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: blue }));
    expect(attrs.Attributes).toEqual(expect.arrayContaining([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }, { Key: 'stickiness.enabled', Value: 'false' }]));
    // This SDK's DescribeTargetGroups paginator carries no page-size key: PageSize goes in the input.
    const narrowed = await elb.send(new SetSubnetsCommand({ LoadBalancerArn: lbArn, Subnets: subnetIds.slice(0, 2) }));
    expect(narrowed.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-east-1a', 'us-east-1b']);
    expect((await errorOf(elb.send(new SetSubnetsCommand({ LoadBalancerArn: lbArn, Subnets: subnetIds.slice(0, 1) })))).code).toBe('ValidationError');
    const acm = `arn:aws:acm:us-east-1:${sim.accounts[0]?.accountId}:certificate/0f6c5b5e-1d4a-4c55-9a4b-5c2f1e9d8a11`;
    const https = await elb.send(new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: acm }], DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }] }));
    expect(https.Listeners?.[0]).toEqual(expect.objectContaining({ SslPolicy: 'ELBSecurityPolicy-2016-08', Certificates: [{ CertificateArn: acm }] }));
    const httpsArn = https.Listeners?.[0]?.ListenerArn ?? '';
    const missingIamCert = await errorOf(elb.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: `arn:aws:iam::${sim.accounts[0]?.accountId}:server-certificate/none` }] })));
    expect(missingIamCert).toEqual(expect.objectContaining({ name: 'CertificateNotFoundException', code: 'CertificateNotFound' }));
    await elb.send(new AddListenerCertificatesCommand({ ListenerArn: httpsArn, Certificates: [{ CertificateArn: `${acm}2` }] }));
    const certs = await elb.send(new DescribeListenerCertificatesCommand({ ListenerArn: httpsArn }));
    expect(certs.Certificates).toEqual([{ CertificateArn: acm, IsDefault: true }, { CertificateArn: `${acm}2`, IsDefault: false }]);
    const pages = await collect(paginateDescribeTargetGroups({ client: elb }, { Names: ['api-blue', 'api-green', 'api-admin'], PageSize: 1 }));
    expect(pages.map((p) => p.TargetGroups?.map((t) => [t.TargetGroupName, t.LoadBalancerArns]))).toEqual([[['api-blue', [lbArn]]], [['api-green', [lbArn]]], [['api-admin', []]]]);
  });

  it('CloudWatch alarms over AWS JSON 1.0: paged DescribeAlarms, SetAlarmState, ResourceNotFound', async () => {
    const cw = new CloudWatchClient(config());
    for (let i = 0; i < 5; i++) {
      await cw.send(new PutMetricAlarmCommand({ AlarmName: `paging-${i}`, Namespace: 'AWS/ELB', MetricName: 'Latency', ExtendedStatistic: 'p99', Period: 60, EvaluationPeriods: 3, Threshold: 0.5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }));
    }
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'paging-2', StateValue: 'ALARM', StateReason: 'testing' }));
    const pages = await collect(paginateDescribeAlarms({ client: cw, pageSize: 2 }, { AlarmNamePrefix: 'paging-' }));
    expect(pages.map((p) => p.MetricAlarms?.length)).toEqual([2, 2, 1]);
    const inAlarm = await cw.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms?.map((a) => [a.AlarmName, a.StateReason, a.ExtendedStatistic, a.Threshold])).toEqual([['paging-2', 'testing', 'p99', 0.5]]);
    expect(inAlarm.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date(clock.now()));
    const missing = await errorOf(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] })));
    expect(missing.name).toBe('ResourceNotFound');
    const invalid = await errorOf(cw.send(new PutMetricAlarmCommand({ AlarmName: 'bad', Namespace: 'AWS/EC2', MetricName: 'CPU', Statistic: 'Average', Period: 45, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' })));
    expect(invalid).toEqual(expect.objectContaining({ name: 'ValidationException', code: 'ValidationError', status: 400 }));
  });

  it('IAM server certificates: uploaded PEM parsed for expiry, listed with Marker/MaxItems, malformed bodies refused', async () => {
    const iam = new IAMClient(config());
    const pki = createPki();
    for (const name of ['cert-a', 'cert-b', 'cert-c']) await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, Path: '/spinnaker/', CertificateBody: pki.serverCert, PrivateKey: pki.serverKey }));
    const pages = await collect(paginateListServerCertificates({ client: iam, pageSize: 2 }, { PathPrefix: '/spinnaker/' }));
    expect(pages.map((p) => [p.ServerCertificateMetadataList?.map((c) => c.ServerCertificateName), p.IsTruncated])).toEqual([
      [['cert-a', 'cert-b'], true],
      [['cert-c'], false],
    ]);
    expect(pages[0]?.ServerCertificateMetadataList?.[0]?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    const malformed = await errorOf(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'bad', CertificateBody: 'not a certificate', PrivateKey: pki.serverKey })));
    expect(malformed.name).toBe('MalformedCertificateException');
    const mismatch = await errorOf(iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'bad', CertificateBody: pki.serverCert, PrivateKey: pki.clientKey })));
    expect(mismatch.name).toBe('KeyPairMismatchException');
  });

  it('the fleet generator writes converged groups, healthy targets and running instances that the APIs report', async () => {
    const other = sim.accounts[1];
    if (other === undefined) throw new Error('no second account');
    const result = sim.seedFleet({ accounts: [other.accountId], regions: ['us-west-2'], applications: 2, groupsPerApplication: 10, instancesPerGroup: 3, targetGroups: true });
    expect(result).toEqual({ groups: 20, instances: 60 });
    expect(sim.converge()).toBe(1);
    const asg = new AutoScalingClient(config(other, 'us-west-2'));
    const pages = await collect(paginateDescribeAutoScalingGroups({ client: asg, pageSize: 50 }, {}));
    const groups = pages.flatMap((p) => p.AutoScalingGroups ?? []);
    expect(groups.map((g) => g.AutoScalingGroupName).slice(0, 2)).toEqual(['app0-main-v000', 'app0-main-v001']);
    expect(groups.every((g) => g.Instances?.length === 3 && g.Instances.every((i) => i.LifecycleState === 'InService'))).toBe(true);
    const elb = new ElasticLoadBalancingV2Client(config(other, 'us-west-2'));
    const tg = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['app1-tg'] }))).TargetGroups?.[0];
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg?.TargetGroupArn ?? '' }));
    expect(health.TargetHealthDescriptions?.filter((t) => t.TargetHealth?.State === 'healthy')).toHaveLength(30);
    const ec2 = new EC2Client(config(other, 'us-west-2'));
    const running = (await collect(paginateDescribeInstances({ client: ec2, pageSize: 1000 }, { Filters: [{ Name: 'tag:spinnaker:application', Values: ['app0'] }] }))).flatMap((p) => p.Reservations?.flatMap((r) => r.Instances ?? []) ?? []);
    expect(running.map((i) => i.State?.Name)).toEqual(Array(30).fill('running'));
  });

  it('faults: throttling codes per service, a token-bucket rate limit on the injected clock, server errors, set over the control API', async () => {
    const ec2 = new EC2Client(config());
    const asg = new AutoScalingClient(config());
    const put = async (faults: unknown): Promise<number> => (await fetch(`${sim.endpoint}/_sim/faults`, { method: 'PUT', body: JSON.stringify(faults) })).status;
    expect(await put({ throttleRate: 1 })).toBe(200);
    const [ec2Throttled, asgThrottled] = await Promise.all([errorOf(ec2.send(new DescribeVpcsCommand({}))), errorOf(asg.send(new DescribeAutoScalingGroupsCommand({})))]);
    expect(ec2Throttled).toEqual(expect.objectContaining({ name: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 }));
    expect(asgThrottled).toEqual(expect.objectContaining({ name: 'Throttling', message: 'Rate exceeded', status: 400 }));
    expect(await put({ rateLimit: { requestsPerSecond: 1, burst: 2 }, services: ['ec2'] })).toBe(200);
    await ec2.send(new DescribeVpcsCommand({}));
    await ec2.send(new DescribeVpcsCommand({}));
    expect((await errorOf(ec2.send(new DescribeVpcsCommand({})))).name).toBe('RequestLimitExceeded');
    await asg.send(new DescribeAutoScalingGroupsCommand({}));
    clock.advance(1000);
    await ec2.send(new DescribeVpcsCommand({}));
    expect(await put({ errorRate: 1, actions: ['DescribeAutoScalingGroups'] })).toBe(200);
    expect(await errorOf(asg.send(new DescribeAutoScalingGroupsCommand({})))).toEqual(expect.objectContaining({ name: 'InternalFailure', status: 500 }));
    expect(await put({ bogus: true })).toBe(400);
    expect(await put({})).toBe(200);
    await asg.send(new DescribeAutoScalingGroupsCommand({}));
  });
});

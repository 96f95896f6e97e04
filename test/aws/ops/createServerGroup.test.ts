/**
 * `createServerGroup` against the AWS simulator: a launch-template deploy behind a target group and
 * a classic load balancer in the default VPC, the next Frigga sequence with its ancestor, a
 * launch-configuration deploy into subnets of a purpose that starts disabled, the failures
 * upstream raises while the task runs, and the 400s of `BasicAmazonDeployDescriptionValidator`.
 * AWS state is checked with the SDK and, for the group and its template, the real AWS CLI.
 */
import { DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliFor } from '../../helpers/awsCli.js';
import { APP, IMAGE_NAME } from '../awsWorld.js';
import { ACCOUNT, REGION, startAwsOpsHarness, type AwsOpsHarness } from './awsOpsHarness.js';

type Json = Record<string, unknown>;

const deploy = (extra: Json = {}): Json => ({
  credentials: ACCOUNT,
  application: APP,
  stack: 'web',
  amiName: IMAGE_NAME,
  instanceType: 't3.micro',
  availabilityZones: { [REGION]: [`${REGION}a`, `${REGION}b`] },
  capacity: { min: 1, max: 3, desired: 2 },
  targetGroups: [`${APP}-prod-tg`],
  loadBalancers: [`${APP}-classic`],
  securityGroups: [APP],
  tags: { team: 'core', 'aws:reserved': 'dropped' },
  ...extra,
});

describe('createServerGroup', () => {
  let h: AwsOpsHarness;
  beforeAll(async () => {
    h = await startAwsOpsHarness();
  }, 60_000);
  afterAll(async () => h?.stop());

  const group = async (name: string) => (await h.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];

  it('deploys app-stack-v000 from a new launch template behind the target group and classic load balancer, with upstream’s status lines and DeploymentResult', async () => {
    const task = await h.runOperation('createServerGroup', deploy());
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    const name = `${APP}-web-v000`;
    expect(task.resultObjects).toEqual([
      {
        serverGroupNames: [`${REGION}:${name}`],
        serverGroupNameByRegion: { [REGION]: name },
        messages: [],
        deployedNames: [],
        deployedNamesByLocation: {},
        createdArtifacts: [],
        deployments: [{ cloudProvider: 'aws', account: ACCOUNT, location: REGION, serverGroupName: name, capacity: { min: 1, max: 3, desired: 2 }, metadata: {} }],
      },
    ]);
    const lines = task.history.map((e) => `${e.phase} ${e.status}`);
    expect(lines.slice(0, 7)).toEqual([
      'ORCHESTRATION Initializing Orchestration Task',
      'ORCHESTRATION Processing op: DeployAtomicOperation',
      'DEPLOY Initializing phase.',
      'DEPLOY Looking for BasicAmazonDeployDescription handler...',
      'DEPLOY Found handler: BasicAmazonDeployHandler',
      'DEPLOY Invoking Handler.',
      `DEPLOY Preparing deployment to [${REGION}:[${REGION}a, ${REGION}b]]...`,
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        'AWS_DEPLOY Beginning Amazon deployment.',
        expect.stringMatching(new RegExp(`^AWS_DEPLOY Deploying ASG ${name} with launch template lt-`)),
        `AWS_DEPLOY Adding tags for ${name}`,
        `AWS_DEPLOY Setting size of ${name} in ${ACCOUNT}/${REGION} to [min=1, max=3, desired=2]`,
        `AWS_DEPLOY Deployed EC2 server group named ${name}`,
        `DEPLOY Created the following deployments: [${REGION}:${name}]`,
        `DEPLOY Server Groups: [${REGION}:${name}] created.`,
      ]),
    );
    expect(lines.at(-1)).toBe('ORCHESTRATION Orchestration completed.');

    // What AWS holds, as the real CLI reports it.
    const cli = awsCliFor(h.sim.endpoint, h.sim.accounts[0] ?? { accessKeyId: '', secretAccessKey: '' });
    const described = await cli.json<{ AutoScalingGroups: Json[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', name]);
    const asg = described.AutoScalingGroups[0] as Json & { LaunchTemplate: { LaunchTemplateId: string; LaunchTemplateName: string; Version: string }; Tags: Json[]; VPCZoneIdentifier: string };
    expect(asg).toMatchObject({ MinSize: 1, MaxSize: 3, DesiredCapacity: 2, TargetGroupARNs: [h.world.targetGroupArn], LoadBalancerNames: [`${APP}-classic`] });
    // `{group}-{MMddyyyyHHmmss}`, stamped by the service's clock.
    expect(asg.LaunchTemplate).toMatchObject({ LaunchTemplateName: expect.stringMatching(new RegExp(`^${name}-\\d{14}$`)), Version: '1' });
    expect(asg.VPCZoneIdentifier.split(',').sort()).toEqual(h.world.subnetIds.slice(0, 2).sort());
    expect(asg.Tags).toEqual([expect.objectContaining({ Key: 'team', Value: 'core', PropagateAtLaunch: true })]);
    const versions = await cli.json<{ LaunchTemplateVersions: { LaunchTemplateData: Json }[] }>(['ec2', 'describe-launch-template-versions', '--launch-template-id', asg.LaunchTemplate.LaunchTemplateId]);
    expect(versions.LaunchTemplateVersions[0]?.LaunchTemplateData).toMatchObject({ ImageId: h.world.imageId, InstanceType: 't3.micro', SecurityGroupIds: [h.world.appGroupId] });

    // The read API shows the group when the task completes (the operation refreshed the cache) ...
    const summary = (await h.request<Json[]>('GET', `/applications/${APP}/serverGroups`)).body.find((g) => g.name === name);
    expect(summary).toMatchObject({ account: ACCOUNT, region: REGION, cluster: `${APP}-web`, isDisabled: false, capacity: { min: 1, max: 3, desired: 2 } });
    // ... and once AWS converged, both instances are healthy in the target group.
    h.sim.converge();
    const health = (await h.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: h.world.targetGroupArn }))).TargetHealthDescriptions ?? [];
    const ours = ((await group(name))?.Instances ?? []).map((i) => i.InstanceId);
    expect(ours).toHaveLength(2);
    expect(health.filter((t) => ours.includes(t.Target?.Id)).map((t) => t.TargetHealth?.State)).toEqual(['healthy', 'healthy']);
  });

  it('names the next server group of the cluster after its newest one and reports the ancestor', async () => {
    const task = await h.runOperation('createServerGroup', deploy({ capacity: { min: 0, max: 1, desired: 0 } }));
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${APP}-web-v001`], ancestorServerGroupNameByRegion: { [REGION]: `${APP}-web-v000` } });
    expect(task.history.map((e) => e.status)).toContain(`Found ancestor server group, parsing details (name: ${APP}-web-v000)`);
    // The world's cluster already holds v000 and v001.
    const prod = await h.runOperation('createServerGroup', deploy({ stack: 'prod', capacity: { min: 0, max: 1, desired: 0 } }));
    expect(prod.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${APP}-prod-v002`] });
  });

  it('deploys from a launch configuration into the subnets of a purpose, with an explicit sequence, started disabled', async () => {
    const task = await h.runOperation(
      'createServerGroup',
      deploy({ stack: 'internal', freeFormDetails: 'blue-green', subnetType: 'internal', availabilityZones: { [REGION]: [] }, setLaunchTemplate: false, startDisabled: true, sequence: 7, securityGroups: [], targetGroups: [], loadBalancers: [], base64UserData: 'ZWNobyBoaQ==' }),
    );
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    const name = `${APP}-internal-blue-green-v007`;
    expect(task.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${name}`] });
    const asg = await group(name);
    expect(asg?.LaunchConfigurationName).toMatch(new RegExp(`^${name}-\\d{14}$`));
    expect((asg?.VPCZoneIdentifier ?? '').split(',').sort()).toEqual([...h.internalSubnets.subnetIds].sort());
    expect((asg?.SuspendedProcesses ?? []).map((p) => p.ProcessName).sort()).toEqual(['AddToLoadBalancer', 'Launch', 'Terminate']);
    const lc = (await h.autoScaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [asg?.LaunchConfigurationName ?? ''] }))).LaunchConfigurations?.[0];
    expect(lc).toMatchObject({ ImageId: h.world.imageId, InstanceType: 't3.micro', UserData: 'ZWNobyBoaQ==' });
    // No security group given: the application's own group, created in the subnets' VPC.
    const appGroup = (await h.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: lc?.SecurityGroups ?? [] }))).SecurityGroups?.[0];
    expect(appGroup).toMatchObject({ GroupName: APP, VpcId: h.internalSubnets.vpcId });
    expect(task.history.map((e) => e.status)).toContain(`Suspending processes for: ${name}`);
    const summary = (await h.request<Json[]>('GET', `/applications/${APP}/serverGroups`)).body.find((g) => g.name === name);
    expect(summary).toMatchObject({ isDisabled: true });
  });

  it('fails the task as upstream when a target group, load balancer, image or subnet purpose cannot be found', async () => {
    for (const [extra, message] of [
      [{ targetGroups: ['nope-tg'] }, 'Unable to find target groups named [nope-tg]'],
      [{ loadBalancers: ['nope-elb'] }, 'Unable to find classic load balancers named [nope-elb]'],
      [{ amiName: 'no-such-image' }, `unable to resolve AMI imageId from no-such-image in ${REGION}`],
      [{ subnetType: 'nowhere' }, "No suitable subnet was found for internal subnet purpose 'nowhere'!"],
      [{ securityGroups: ['no-such-group'] }, 'Missing security groups: no-such-group'],
    ] as const) {
      const task = await h.runOperation('createServerGroup', deploy({ stack: 'failing', ...extra }));
      expect(task.status.failed, JSON.stringify(extra)).toBe(true);
      expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'DeployAtomicOperation' });
      expect(String(task.resultObjects[0]?.message)).toContain(message);
    }
    // Nothing was created for the failing cluster.
    expect(await group(`${APP}-failing-v000`)).toBeUndefined();
  });

  it('attaches a classic load balancer that an earlier operation of the same request created', async () => {
    const submitted = await h.request<{ id: string }>('POST', '/aws/ops', [
      { upsertLoadBalancer: { credentials: ACCOUNT, name: `${APP}-same-request`, vpcId: h.world.vpcId, availabilityZones: { [REGION]: [`${REGION}a`, `${REGION}b`] }, listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalPort: 7001 }] } },
      { createServerGroup: deploy({ stack: 'combined', loadBalancers: [], targetGroups: [] }) },
    ]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    let task: Json = {};
    for (let i = 0; i < 500 && !(task.status as Json | undefined)?.completed; i++) {
      task = (await h.request<Json>('GET', `/task/${submitted.body.id}`)).body;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((task.status as Json).failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect((await group(`${APP}-combined-v000`))?.LoadBalancerNames).toEqual([`${APP}-same-request`]);
  });

  it('fails, as upstream, when a group of the requested name exists and is not what this deploy would create', async () => {
    // A second later than the deploy that made the group (its launch template name carries the time).
    h.clock.advance(1000);
    const task = await h.runOperation('createServerGroup', deploy({ sequence: 0, capacity: { min: 0, max: 1, desired: 0 } }));
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0]).toMatchObject({ cause: 'AlreadyExistsException' });
    // A new launch template was made for this attempt, so the existing group's differs.
    expect(task.history.map((e) => e.status)).toContain(`${APP}-web-v000 already exists and does not seem to match desired state on: launch template`);
  });

  it('deploys while AWS throttles a fifth of the calls (the SDK backs off and retries)', async () => {
    h.sim.faults.set({ throttleRate: 0.2, services: ['ec2', 'autoscaling', 'elasticloadbalancing'] });
    try {
      const task = await h.runOperation('createServerGroup', deploy({ stack: 'throttled', capacity: { min: 0, max: 2, desired: 1 } }));
      expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
      expect(task.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${APP}-throttled-v000`] });
    } finally {
      h.sim.faults.clear();
    }
    expect(await group(`${APP}-throttled-v000`)).toMatchObject({ DesiredCapacity: 1, TargetGroupARNs: [h.world.targetGroupArn] });

    // An AWS error that is not retried fails the task with AWS's code and message.
    h.sim.faults.set({ errorRate: 1, errorCode: 'UnauthorizedOperation', errorStatus: 403, actions: ['CreateLaunchTemplate'] });
    try {
      const denied = await h.runOperation('createServerGroup', deploy({ stack: 'denied' }));
      expect(denied.status.failed).toBe(true);
      expect(denied.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'DeployAtomicOperation' });
      expect(`${String(denied.resultObjects[0]?.cause)}: ${String(denied.resultObjects[0]?.message)}`).toContain('UnauthorizedOperation');
    } finally {
      h.sim.faults.clear();
    }
  });

  it('answers hostile descriptions with 400, never a 5xx', async () => {
    for (const description of [
      null,
      'createServerGroup',
      [deploy()],
      deploy({ availabilityZones: 'us-east-1' }),
      deploy({ availabilityZones: { [REGION]: 'us-east-1a' } }),
      deploy({ capacity: { min: 0, max: 1e9, desired: 1 } }),
      deploy({ tags: { nested: { deep: true } } }),
      deploy({ blockDevices: 'all of them' }),
      deploy({ credentials: 42 }),
      deploy({ source: 'prod/us-east-1/myapp-web-v000' }),
      deploy({ amiName: 'x'.repeat(100_000) }),
    ]) {
      const res = await h.request<{ errors?: string[]; message?: string }>('POST', '/aws/ops', [{ createServerGroup: description }]);
      expect(res.status, JSON.stringify(description)?.slice(0, 80)).toBe(400);
      // errors[] from validation, or the message of a body that is no description at all.
      expect([...(res.body.errors ?? []), ...(res.body.message ? [res.body.message] : [])].length, JSON.stringify(res.body)).toBeGreaterThan(0);
    }
  });

  it('refuses invalid descriptions with 400 and Clouddriver’s error codes', async () => {
    const { amiName: _a, instanceType: _i, ...partial } = deploy();
    await h.expectRefused('createServerGroup', partial, 'basicAmazonDeployDescription.amiName.empty');
    await h.expectRefused('createServerGroup', partial, 'basicAmazonDeployDescription.instanceType.empty');
    await h.expectRefused('createServerGroup', deploy({ availabilityZones: {} }), 'basicAmazonDeployDescription.availabilityZones.empty');
    await h.expectRefused('createServerGroup', deploy({ availabilityZones: { 'eu-west-9': ['eu-west-9a'] } }), 'basicAmazonDeployDescription.region.not.configured');
    await h.expectRefused('createServerGroup', deploy({ capacity: { min: 3, max: 1, desired: 2 } }), 'resizeAsgDescription.capacity.transposed');
    await h.expectRefused('createServerGroup', deploy({ credentials: 'nobody' }), "createServerGroup.account: account 'nobody' is not known");
    await h.expectRefused('createServerGroup', deploy({ credentials: null }), 'basicAmazonDeployDescription.credentials.empty');
    await h.expectRefused('createServerGroup', deploy({ capacity: { min: 'lots' } }), 'createServerGroup.capacity.min');
    await h.expectRefused('createServerGroup', deploy({ blockDevices: [{ size: 10 }] }), 'basicAmazonDeployDescription.block.device.not.named');
  });
});

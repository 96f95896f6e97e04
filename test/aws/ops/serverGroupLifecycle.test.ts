/**
 * The operations on an existing server group, against the AWS simulator: disable and enable
 * (processes and load balancer registration, checked with the real AWS CLI), resize (with
 * constraints), terminate-and-decrement, terminateInstances, updateLaunchTemplate,
 * updateLaunchConfig and destroy (launch template or configuration deleted with the group), plus
 * their 400s.
 */
import { DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliFor, type AwsCli } from '../../helpers/awsCli.js';
import { APP, IMAGE_NAME } from '../awsWorld.js';
import { ACCOUNT, REGION, startAwsOpsHarness, type AwsOpsHarness } from './awsOpsHarness.js';

type Json = Record<string, unknown>;
const LT_GROUP = `${APP}-life-v000`;
const LC_GROUP = `${APP}-legacy-v000`;

describe('server group lifecycle operations', () => {
  let h: AwsOpsHarness;
  let cli: AwsCli;
  const group = async (name: string) => (await h.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  const instancesOf = async (name: string) => ((await group(name))?.Instances ?? []).map((i) => i.InstanceId ?? '').sort();
  /** Target ids the CLI reports registered in the world's target group. */
  const registeredTargets = async (): Promise<string[]> => {
    const out = await cli.json<{ TargetHealthDescriptions: { Target: { Id: string }; TargetHealth: { State: string } }[] }>(['elbv2', 'describe-target-health', '--target-group-arn', h.world.targetGroupArn]);
    return out.TargetHealthDescriptions.filter((t) => t.TargetHealth.State !== 'draining').map((t) => t.Target.Id);
  };

  beforeAll(async () => {
    h = await startAwsOpsHarness();
    cli = awsCliFor(h.sim.endpoint, h.sim.accounts[0] ?? { accessKeyId: '', secretAccessKey: '' });
    const base = { credentials: ACCOUNT, application: APP, amiName: IMAGE_NAME, instanceType: 't3.micro', availabilityZones: { [REGION]: [`${REGION}a`, `${REGION}b`] }, securityGroups: [APP] };
    const lt = await h.runOperation('createServerGroup', { ...base, stack: 'life', capacity: { min: 1, max: 4, desired: 2 }, targetGroups: [`${APP}-prod-tg`], loadBalancers: [`${APP}-classic`] });
    const lc = await h.runOperation('createServerGroup', { ...base, stack: 'legacy', capacity: { min: 0, max: 2, desired: 1 }, setLaunchTemplate: false });
    expect([lt.status.failed, lc.status.failed]).toEqual([false, false]);
    h.sim.converge();
    await h.refresh();
  }, 90_000);
  afterAll(async () => h?.stop());

  it('disables a group: processes suspended, its instances deregistered from the target group and classic load balancer', async () => {
    const ours = await instancesOf(LT_GROUP);
    expect(ours).toHaveLength(2);
    expect((await registeredTargets()).filter((id) => ours.includes(id)).sort()).toEqual(ours);

    const task = await h.runOperation('disableServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => `${e.phase} ${e.status}`).slice(1)).toEqual([
      'ORCHESTRATION Processing op: DisableAsgAtomicOperation',
      `DISABLE_ASG Initializing Disable ASG operation for [${REGION}:${LT_GROUP}]...`,
      `DISABLE_ASG Disabling ASG '${LT_GROUP}' in ${REGION}...`,
      'DISABLE_ASG Deregistering instances from Load Balancers...',
      'DISABLE_ASG Deregistering instances from Target Groups...',
      `DISABLE_ASG Finished Disabling ASG ${LT_GROUP}.`,
      `DISABLE_ASG Finished Disable ASG operation for [${REGION}:${LT_GROUP}].`,
      'ORCHESTRATION Orchestration completed.',
    ]);
    expect(((await group(LT_GROUP))?.SuspendedProcesses ?? []).map((p) => p.ProcessName).sort()).toEqual(['AddToLoadBalancer', 'Launch', 'Terminate']);
    h.sim.converge();
    expect((await registeredTargets()).filter((id) => ours.includes(id))).toEqual([]);
    const classic = await cli.json<{ InstanceStates: { InstanceId: string }[] }>(['elb', 'describe-instance-health', '--load-balancer-name', `${APP}-classic`]);
    expect(classic.InstanceStates.filter((s) => ours.includes(s.InstanceId))).toEqual([]);
    const summary = (await h.request<Json[]>('GET', `/applications/${APP}/serverGroups`)).body.find((g) => g.name === LT_GROUP);
    expect(summary?.isDisabled).toBe(true);
  });

  it('enables it again: processes resumed, instances registered and healthy', async () => {
    const task = await h.runOperation('enableServerGroup', { credentials: ACCOUNT, asgs: [{ serverGroupName: LT_GROUP, region: REGION }] });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual(expect.arrayContaining(['Registering instances with Load Balancers...', 'Registering instances with Target Groups...', `Finished Enabling ASG ${LT_GROUP}.`]));
    expect((await group(LT_GROUP))?.SuspendedProcesses ?? []).toEqual([]);
    h.sim.converge();
    const ours = await instancesOf(LT_GROUP);
    expect((await registeredTargets()).filter((id) => ours.includes(id)).sort()).toEqual(ours);
    expect((await h.request<Json>('GET', `/serverGroups/${ACCOUNT}/${REGION}/${LT_GROUP}`)).body.disabled).toBe(false);
  });

  it('treats a missing group as done and a partial disable as upstream’s instanceIdsToDisable', async () => {
    const missing = await h.runOperation('disableServerGroup', { credentials: ACCOUNT, serverGroupName: `${APP}-ghost-v000`, region: REGION });
    expect(missing.status.failed).toBe(false);
    expect(missing.history.map((e) => e.status)).toContain(`No ASG named '${APP}-ghost-v000' found in ${REGION}`);

    const partial = await h.runOperation('disableServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION, desiredPercentage: 50 });
    const ours = await instancesOf(LT_GROUP);
    expect(partial.resultObjects).toEqual([{ instanceIdsToDisable: [ours[0]] }]);
    expect((await group(LT_GROUP))?.SuspendedProcesses ?? []).toEqual([]);
    await h.runOperation('enableServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION });
    h.sim.converge();
  });

  it('resizes, honours capacity constraints, and skips a missing group', async () => {
    const task = await h.runOperation('resizeServerGroup', { credentials: ACCOUNT, asgs: [{ serverGroupName: LT_GROUP, region: REGION, capacity: { min: 1, max: 4, desired: 3 } }] });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => `${e.phase} ${e.status}`)).toEqual(
      expect.arrayContaining([`RESIZE Beginning resize of ${LT_GROUP} in ${REGION} to Capacity(min=1, max=4, desired=3).`, `RESIZE Completed resize of ${LT_GROUP} in ${REGION}.`]),
    );
    expect(await group(LT_GROUP)).toMatchObject({ MinSize: 1, MaxSize: 4, DesiredCapacity: 3 });
    h.sim.converge();
    expect(await instancesOf(LT_GROUP)).toHaveLength(3);

    // Orca's legacy form: top-level capacity and constraints.
    const violated = await h.runOperation('resizeServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION, capacity: { desired: 2 }, constraints: { capacity: { desired: 1 } } });
    expect(violated.status.failed).toBe(true);
    expect(String(violated.resultObjects[0]?.message)).toContain('Expected capacity constraint violated');
    // To 0 without load balancers: the instances are terminated at once (DefaultAfterResizeEventHandler).
    const [legacyInstance] = await instancesOf(LC_GROUP);
    const toZero = await h.runOperation('resizeServerGroup', { credentials: ACCOUNT, serverGroupName: LC_GROUP, region: REGION, capacity: { min: 0, desired: 0 } });
    expect(toZero.history.map((e) => e.status)).toContain(`Terminating 1 of 1 instances in ${LC_GROUP}`);
    const legacyState = (await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [legacyInstance ?? ''] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
    expect(['shutting-down', 'terminated']).toContain(legacyState);
    const missing = await h.runOperation('resizeServerGroup', { credentials: ACCOUNT, serverGroupName: `${APP}-ghost-v000`, regions: [REGION], capacity: { desired: 1 } });
    expect(missing.status.failed).toBe(false);
    expect(missing.history.map((e) => e.status)).toContain(`Skipping resize of ${APP}-ghost-v000 in ${REGION}, server group does not exist`);
  });

  it('terminates an instance and decrements the group; terminates instances by id', async () => {
    const [first, second] = await instancesOf(LT_GROUP);
    const task = await h.runOperation('terminateInstanceAndDecrementServerGroup', { credentials: ACCOUNT, asgName: LT_GROUP, instance: first, region: REGION, setMaxToNewDesired: true });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual(expect.arrayContaining([`Initializing termination of ${first} in ${LT_GROUP}`, 'Done executing termination and ASG size decrement.']));
    expect(await group(LT_GROUP)).toMatchObject({ DesiredCapacity: 2, MaxSize: 2 });

    const invalid = await h.runOperation('terminateInstanceAndDecrementServerGroup', { credentials: ACCOUNT, asgName: LT_GROUP, instance: 'i-0123456789abcdef0', region: REGION });
    expect(String(invalid.resultObjects[0]?.message)).toBe(`Invalid instance i-0123456789abcdef0 for ${LT_GROUP}`);

    const terminate = await h.runOperation('terminateInstances', { credentials: ACCOUNT, region: REGION, instanceIds: [second], serverGroups: [LT_GROUP] });
    expect(terminate.history.map((e) => e.status)).toContain(`Done executing termination of instances (${second ?? ''}).`);
    const state = (await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [second ?? ''] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
    expect(['shutting-down', 'terminated']).toContain(state);
    h.sim.converge();
    // The group replaces what was terminated behind its back.
    expect(await instancesOf(LT_GROUP)).toHaveLength(2);
  });

  it('updates the launch template: a new version with the change, the group moved to it', async () => {
    const before = (await group(LT_GROUP))?.LaunchTemplate;
    const task = await h.runOperation('updateLaunchTemplate', { credentials: ACCOUNT, region: REGION, asgName: LT_GROUP, instanceType: 't3.small', requireIMDSv2: true });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.resultObjects).toEqual([{ launchTemplateId: before?.LaunchTemplateId, launchTemplateVersion: '2' }]);
    expect((await group(LT_GROUP))?.LaunchTemplate).toMatchObject({ LaunchTemplateId: before?.LaunchTemplateId, Version: '2' });
    const v2 = (await h.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: before?.LaunchTemplateId, Versions: ['2'] }))).LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    expect(v2).toMatchObject({ InstanceType: 't3.small', ImageId: h.world.imageId, SecurityGroupIds: [h.world.appGroupId], MetadataOptions: { HttpTokens: 'required' } });
    const same = await h.runOperation('updateLaunchTemplate', { credentials: ACCOUNT, region: REGION, asgName: LT_GROUP, instanceType: 't3.small' });
    expect(same.history.map((e) => e.status)).toContain(`No changes required for launch template ${before?.LaunchTemplateId ?? ''} on ${LT_GROUP} in ${REGION}`);
    const onLc = await h.runOperation('updateLaunchTemplate', { credentials: ACCOUNT, region: REGION, asgName: LC_GROUP, instanceType: 't3.small' });
    expect(String(onLc.resultObjects[0]?.message)).toContain('does not launch from a launch template');
  });

  it('updates the launch configuration: a new one with the change, the group moved to it', async () => {
    // Later than the deploy that made the group's launch configuration (its name carries the time).
    h.clock.advance(1000);
    const before = (await group(LC_GROUP))?.LaunchConfigurationName ?? '';
    const task = await h.runOperation('updateLaunchConfig', { credentials: ACCOUNT, region: REGION, asgName: LC_GROUP, instanceType: 'm5.large', base64UserData: 'dXBkYXRlZA==' });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    const after = (await group(LC_GROUP))?.LaunchConfigurationName ?? '';
    expect(after).not.toBe(before);
    expect(task.resultObjects).toEqual([{ launchConfigurationName: after }]);
    const lc = (await h.autoScaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [after] }))).LaunchConfigurations?.[0];
    expect(lc).toMatchObject({ InstanceType: 'm5.large', UserData: 'dXBkYXRlZA==', ImageId: h.world.imageId });
    const same = await h.runOperation('updateLaunchConfig', { credentials: ACCOUNT, region: REGION, asgName: LC_GROUP, instanceType: 'm5.large' });
    expect(same.history.map((e) => e.status)).toContain(`No changes required for launch configuration on ${LC_GROUP} in ${REGION}`);
    expect(same.resultObjects).toEqual([{ launchConfigurationName: after }]);
  });

  it('destroys groups with their launch template or configuration; a missing group is already destroyed', async () => {
    const templateId = (await group(LT_GROUP))?.LaunchTemplate?.LaunchTemplateId ?? '';
    const lcName = (await group(LC_GROUP))?.LaunchConfigurationName ?? '';
    const task = await h.runOperation('destroyServerGroup', { credentials: ACCOUNT, asgs: [{ serverGroupName: LT_GROUP, region: REGION }, { serverGroupName: LC_GROUP, region: REGION }] });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => `${e.phase} ${e.status}`)).toEqual(
      expect.arrayContaining([
        `DESTROY_ASG Initializing ASG Destroy operation for [${REGION}:${LT_GROUP}, ${REGION}:${LC_GROUP}]...`,
        `DESTROY_ASG Force deleting ${LT_GROUP} in ${REGION}.`,
        `DESTROY_ASG Deleting launch template ${templateId} in ${REGION}.`,
        `DESTROY_ASG Deleting launch config ${lcName} in ${REGION}.`,
        'DESTROY_ASG Issuing terminate instances request for 2 instances.',
        `DESTROY_ASG Finished Destroy ASG operation for [${REGION}:${LT_GROUP}, ${REGION}:${LC_GROUP}].`,
      ]),
    );
    h.sim.converge();
    const left = await cli.json<{ AutoScalingGroups: unknown[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', LT_GROUP, LC_GROUP]);
    expect(left.AutoScalingGroups).toEqual([]);
    expect(((await h.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? []).map((t) => t.LaunchTemplateId)).not.toContain(templateId);
    expect((await h.autoScaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [lcName] }))).LaunchConfigurations).toEqual([]);
    await h.refresh();
    expect((await h.request('GET', `/serverGroups/${ACCOUNT}/${REGION}/${LT_GROUP}`)).status).toBe(404);

    const again = await h.runOperation('destroyServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION });
    expect(again.status.failed).toBe(false);
  });

  it('refuses invalid descriptions with 400', async () => {
    await h.expectRefused('resizeServerGroup', { credentials: ACCOUNT, capacity: { desired: 1 } }, 'ResizeAsgDescription.empty');
    await h.expectRefused('resizeServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION, capacity: { min: 2, max: 1 } }, 'resizeAsgDescription.capacity.transposed');
    await h.expectRefused('disableServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: 'ap-south-9' }, 'EnableDisableAsgDescription.region.not.configured');
    await h.expectRefused('enableServerGroup', { credentials: ACCOUNT, region: REGION }, 'EnableDisableAsgDescription.serverGroupName.empty');
    await h.expectRefused('destroyServerGroup', { serverGroupName: LT_GROUP, region: REGION }, 'DestroyAsgDescription.credentials.empty');
    await h.expectRefused('terminateInstances', { credentials: ACCOUNT, region: REGION, instanceIds: ['not-an-instance'] }, 'TerminateInstancesDescription.instanceId.invalid');
    await h.expectRefused('terminateInstanceAndDecrementServerGroup', { credentials: ACCOUNT, region: REGION, asgName: LT_GROUP }, 'TerminateInstanceAndDecrementAsgDescription.instance.empty');
    await h.expectRefused('updateLaunchConfig', { credentials: ACCOUNT, region: REGION }, 'modifyAsgLaunchConfigurationDescription.asgName.empty');
    await h.expectRefused('updateLaunchTemplate', { credentials: ACCOUNT, asgName: LT_GROUP }, 'modifyServerGroupLaunchTemplateDescription.region.empty');
    await h.expectRefused('disableServerGroup', { credentials: ACCOUNT, serverGroupName: LT_GROUP, region: REGION, desiredPercentage: 150 }, 'disableServerGroup.desiredPercentage');
  });
});

/**
 * `cloneServerGroup` against the AWS simulator: a clone of a named source inherits its launch
 * settings, load balancers, target groups, capacity bounds, scaling policy and alarm; a clone
 * without a source finds the cluster's newest group; a clone of a group in purpose-tagged subnets
 * finds the purpose again.
 */
import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, IMAGE_NAME } from '../awsWorld.js';
import { ACCOUNT, REGION, startAwsOpsHarness, type AwsOpsHarness } from './awsOpsHarness.js';

describe('cloneServerGroup', () => {
  let h: AwsOpsHarness;
  beforeAll(async () => {
    h = await startAwsOpsHarness();
  }, 60_000);
  afterAll(async () => h?.stop());

  const group = async (name: string) => (await h.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
  const templateData = async (name: string) => {
    const lt = (await group(name))?.LaunchTemplate;
    return (await h.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt?.LaunchTemplateId, Versions: [lt?.Version ?? '$Latest'] }))).LaunchTemplateVersions?.[0]?.LaunchTemplateData;
  };

  it('clones a named source: its launch settings, load balancers, target groups, bounds, scaling policy and alarm', async () => {
    const source = `${APP}-prod-v001`;
    const task = await h.runOperation('cloneServerGroup', { credentials: ACCOUNT, source: { account: ACCOUNT, region: REGION, asgName: source }, capacity: { desired: 1 } });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    const name = `${APP}-prod-v002`;
    expect(task.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${name}`], serverGroupNameByRegion: { [REGION]: name }, deployments: [{ capacity: { min: 1, max: 4, desired: 1 } }] });
    const lines = task.history.map((e) => `${e.phase} ${e.status}`);
    expect(lines[2]).toBe('COPY_LAST_ASG Initializing Copy Last ASG Operation...');
    expect(lines).toEqual(
      expect.arrayContaining([
        `COPY_LAST_ASG Validating clone configuration for ${REGION}.`,
        `COPY_LAST_ASG Initiating deployment in ${REGION}.`,
        `COPY_LAST_ASG Deployment complete in ${REGION}. New ASGs = [${REGION}:${name}]`,
        `COPY_LAST_ASG Finished copying last ASG for ${APP}-prod. New ASGs = [${REGION}:${name}].`,
        expect.stringMatching(/^AWS_DEPLOY Created scaling policy/),
      ]),
    );
    const clone = await group(name);
    expect(clone).toMatchObject({ MinSize: 1, MaxSize: 4, DesiredCapacity: 1, TargetGroupARNs: [h.world.targetGroupArn], LoadBalancerNames: [`${APP}-classic`] });
    expect((clone?.VPCZoneIdentifier ?? '').split(',').sort()).toEqual([...h.world.subnetIds].sort());
    expect(await templateData(name)).toMatchObject({ ImageId: h.world.imageId, InstanceType: 't3.micro', SecurityGroupIds: [h.world.appGroupId] });

    const policies = (await h.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: name }))).ScalingPolicies ?? [];
    expect(policies).toEqual([expect.objectContaining({ AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1, Cooldown: 600 })]);
    const alarms = ((await h.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${name}-alarm-` }))).MetricAlarms ?? []);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 80, AlarmActions: [policies[0]?.PolicyARN], Dimensions: [{ Name: 'AutoScalingGroupName', Value: name }] });
  });

  it('clones the cluster’s newest group when no source is given, with the request’s changes', async () => {
    const task = await h.runOperation('cloneServerGroup', { credentials: ACCOUNT, application: APP, stack: 'prod', availabilityZones: { [REGION]: [] }, instanceType: 't3.small', copySourceScalingPoliciesAndActions: false });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual(expect.arrayContaining([`Looking up last ASG in ${REGION} for ${APP}-prod.`, `Using ${REGION}/${APP}-prod-v002 as source.`]));
    const name = `${APP}-prod-v003`;
    expect(task.resultObjects[0]).toMatchObject({ serverGroupNames: [`${REGION}:${name}`], ancestorServerGroupNameByRegion: { [REGION]: `${APP}-prod-v002` } });
    expect(await templateData(name)).toMatchObject({ InstanceType: 't3.small', ImageId: h.world.imageId });
    expect(await group(name)).toMatchObject({ MinSize: 1, MaxSize: 4, DesiredCapacity: 1 });
    expect((await h.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: name }))).ScalingPolicies).toEqual([]);
  });

  it('finds the subnet purpose of the source and the source’s capacity when asked to', async () => {
    const created = await h.runOperation('createServerGroup', {
      credentials: ACCOUNT,
      application: APP,
      stack: 'inside',
      amiName: IMAGE_NAME,
      instanceType: 't3.micro',
      subnetType: 'internal',
      availabilityZones: { [REGION]: [] },
      capacity: { min: 0, max: 3, desired: 2 },
      setLaunchTemplate: false,
    });
    expect(created.status.failed, JSON.stringify(created.resultObjects)).toBe(false);
    const task = await h.runOperation('cloneServerGroup', { credentials: ACCOUNT, source: { account: ACCOUNT, region: REGION, asgName: `${APP}-inside-v000`, useSourceCapacity: true }, capacity: { desired: 0 } });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual(expect.arrayContaining(['Looking up subnet type...', 'Found: internal.']));
    const clone = await group(`${APP}-inside-v001`);
    expect((clone?.VPCZoneIdentifier ?? '').split(',').sort()).toEqual([...h.internalSubnets.subnetIds].sort());
    // useSourceCapacity wins over the request's capacity; a launch configuration's settings move into a launch template.
    expect(clone).toMatchObject({ MinSize: 0, MaxSize: 3, DesiredCapacity: 2 });
    expect(clone?.LaunchTemplate?.LaunchTemplateId).toMatch(/^lt-/);
  });

  it('fails the clone (not the submission) when the merged description does not validate, and refuses what can never work', async () => {
    const task = await h.runOperation('cloneServerGroup', { credentials: ACCOUNT, application: APP, stack: 'nothing', availabilityZones: { [REGION]: [`${REGION}a`] } });
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0]).toMatchObject({ cause: 'DescriptionValidationException', operation: 'CopyLastAsgAtomicOperation' });
    expect(String(task.resultObjects[0]?.message)).toContain('basicAmazonDeployDescription.amiName.empty');
    await h.expectRefused('cloneServerGroup', { credentials: ACCOUNT, stack: 'x' }, 'basicAmazonDeployDescription.application.empty');
    await h.expectRefused('cloneServerGroup', { credentials: ACCOUNT, source: { account: 'ghost', region: REGION, asgName: `${APP}-prod-v001` } }, 'basicAmazonDeployDescription.source.account.invalid');
  });
});

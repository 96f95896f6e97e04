/**
 * upsertScalingPolicy, deleteScalingPolicy, upsertAlarmDescription, deleteAlarmDescription,
 * upsertServerGroupTags, deleteAsgTagsDescription and upsertImageTags through `POST /aws/ops`
 * against the AWS simulator, on an Auto Scaling group built with the SDK: results and status
 * lines as upstream, the outcome as Auto Scaling, CloudWatch and EC2 report it (and the AWS CLI),
 * and the server group in the read API.
 */
import { CreateAutoScalingGroupCommand, DescribePoliciesCommand, DescribeTagsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateImageCommand, CreateLaunchTemplateCommand, DescribeImagesCommand, DescribeSubnetsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliFor, type AwsCli } from '../../helpers/awsCli.js';
import { REGION, expectSucceeded, startNetworkOpsApp, statusLines, type NetworkOpsHarness } from './networkOpsHarness.js';

type Json = Record<string, unknown>;
const ASG = 'myapp-prod-v001';

describe('AWS scaling policy, alarm and tag operations', () => {
  let h: NetworkOpsHarness;
  let cli: AwsCli;

  beforeAll(async () => {
    h = await startNetworkOpsApp();
    const subnets = ((await h.prod.ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => s.SubnetId ?? '');
    const base = (await h.prod.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
    await h.prod.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: ASG, LaunchTemplateData: { ImageId: base, InstanceType: 't3.micro' } }));
    await h.prod.autoScaling.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: ASG, LaunchTemplate: { LaunchTemplateName: ASG, Version: '$Latest' }, MinSize: 1, MaxSize: 4, DesiredCapacity: 1, VPCZoneIdentifier: subnets.join(',') }));
    // A baked image of the application, for image tags.
    const baker = (await h.prod.ec2.send(new RunInstancesCommand({ ImageId: base, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
    h.sim.tick();
    await h.prod.ec2.send(new CreateImageCommand({ InstanceId: baker, Name: 'myapp-1.0.0-h1' }));
    h.sim.converge();
    const creds = h.sim.accounts[0];
    cli = awsCliFor(h.sim.endpoint, { accessKeyId: creds?.accessKeyId ?? '', secretAccessKey: creds?.secretAccessKey ?? '' }, REGION);
  }, 60_000);
  afterAll(async () => h?.stop());

  const policies = async () => (await h.prod.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: ASG }))).ScalingPolicies ?? [];
  const alarm = async (name: string) => (await h.prod.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];

  it('creates a simple policy with its alarm and answers UpsertScalingPolicyResult', async () => {
    const task = expectSucceeded(
      await h.run('upsertScalingPolicy', {
        credentials: 'prod',
        region: REGION,
        serverGroupName: ASG,
        name: 'scale-up',
        simple: { scalingAdjustment: 1 },
        alarm: { name: 'myapp-cpu-high', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average', comparisonOperator: 'GreaterThanThreshold', threshold: 80, evaluationPeriods: 2, dimensions: [{ name: 'AutoScalingGroupName', value: ASG }] },
      }),
    );
    const [policy] = await policies();
    expect(policy).toMatchObject({ PolicyName: 'scale-up', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1, Cooldown: 600 });
    expect(task.resultObjects).toEqual([{ policyName: 'scale-up', policyArn: policy?.PolicyARN, alarmName: 'myapp-cpu-high' }]);
    expect(await alarm('myapp-cpu-high')).toMatchObject({ Namespace: 'AWS/EC2', Threshold: 80, Period: 300, ActionsEnabled: true, AlarmActions: [policy?.PolicyARN], Dimensions: [{ Name: 'AutoScalingGroupName', Value: ASG }] });
    // The read API's server group carries the policy and its alarm.
    const sg = await h.get<Json>(`/serverGroups/prod/${REGION}/${ASG}`);
    expect(sg.scalingPolicies).toEqual([expect.objectContaining({ policyName: 'scale-up', alarms: [expect.objectContaining({ alarmName: 'myapp-cpu-high', threshold: 80 })] })]);
  });

  it('creates step and target tracking policies; names a nameless policy after its group', async () => {
    const step = expectSucceeded(
      await h.run('upsertScalingPolicy', {
        credentials: 'prod',
        region: REGION,
        serverGroupName: ASG,
        adjustmentType: 'PercentChangeInCapacity',
        minAdjustmentMagnitude: 1,
        step: { estimatedInstanceWarmup: 120, metricAggregationType: 'Maximum', stepAdjustments: [{ metricIntervalLowerBound: 0, metricIntervalUpperBound: 10, scalingAdjustment: 10 }, { metricIntervalLowerBound: 10, scalingAdjustment: 30 }] },
      }),
    );
    const stepName = String(step.resultObjects[0]?.policyName);
    expect(stepName).toMatch(new RegExp(`^${ASG}-policy-[0-9a-f-]{36}$`));
    expect(step.resultObjects[0]?.alarmName).toBeNull();
    const tracking = expectSucceeded(
      await h.run('upsertScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG, name: 'cpu-50', estimatedInstanceWarmup: 300, targetTrackingConfiguration: { targetValue: 50, disableScaleIn: false, predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' } } }),
    );
    expect(tracking.resultObjects[0]).toMatchObject({ policyName: 'cpu-50', alarmName: null });
    const all = await policies();
    expect(all.find((p) => p.PolicyName === stepName)).toMatchObject({ PolicyType: 'StepScaling', AdjustmentType: 'PercentChangeInCapacity', MinAdjustmentMagnitude: 1, MetricAggregationType: 'Maximum', EstimatedInstanceWarmup: 120, StepAdjustments: [expect.objectContaining({ ScalingAdjustment: 10, MetricIntervalUpperBound: 10 }), expect.objectContaining({ ScalingAdjustment: 30 })] });
    expect(all.find((p) => p.PolicyName === 'cpu-50')).toMatchObject({ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: expect.objectContaining({ TargetValue: 50, PredefinedMetricSpecification: expect.objectContaining({ PredefinedMetricType: 'ASGAverageCPUUtilization' }) }) });
    // The AWS CLI sees all three.
    const described = await cli.json<{ ScalingPolicies: { PolicyName: string }[] }>(['autoscaling', 'describe-policies', '--auto-scaling-group-name', ASG]);
    expect(described.ScalingPolicies.map((p) => p.PolicyName).sort()).toEqual(['cpu-50', 'scale-up', stepName].sort());
  });

  it('upserts an alarm after a policy in one request: the alarm fires that policy', async () => {
    const task = expectSucceeded(
      await h.runAll([
        { upsertScalingPolicy: { credentials: 'prod', region: REGION, serverGroupName: ASG, name: 'scale-down', simple: { scalingAdjustment: -1, cooldown: 300 } } },
        { upsertAlarmDescription: { credentials: 'prod', region: REGION, asgName: ASG, name: 'myapp-cpu-low', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average', comparisonOperator: 'LessThanThreshold', threshold: '20', evaluationPeriods: 3, period: 600 } },
      ]),
    );
    const policy = (await policies()).find((p) => p.PolicyName === 'scale-down');
    expect(task.resultObjects).toEqual([{ policyName: 'scale-down', policyArn: policy?.PolicyARN, alarmName: null }, { alarmName: 'myapp-cpu-low' }]);
    expect(await alarm('myapp-cpu-low')).toMatchObject({ Threshold: 20, Period: 600, EvaluationPeriods: 3, AlarmActions: [policy?.PolicyARN], Dimensions: [{ Name: 'AutoScalingGroupName', Value: ASG }] });
  });

  it('refuses invalid policy and alarm descriptions with 400 and Clouddriver’s error codes', async () => {
    await h.refused('upsertScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG }, 'upsertScalingPolicyDescription.must.be.simplePolicy.or.stepPolicy.or.targetTrackingPolicy');
    await h.refused('upsertScalingPolicy', { credentials: 'prod', region: REGION, simple: {}, step: {} }, 'upsertScalingPolicyDescription.serverGroupName.not.nullable', 'upsertScalingPolicyDescription.must.only.specify.simple.step.targetTrackingConfiguration');
    await h.refused('upsertScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG, targetTrackingConfiguration: { targetValue: 50 } }, 'upsertScalingPolicyDescription.targetTracking.requires.estimatedInstanceWarmup');
    await h.refused('upsertScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG, minAdjustmentMagnitude: 2, simple: {} }, 'upsertScalingPolicyDescription.minAdjustmentMagnitude.requires.adjustmentType.percentChangeInCapacity');
    await h.refused('upsertScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG, adjustmentType: 'Double', simple: {} }, 'adjustmentType');
    await h.refused('upsertAlarmDescription', { credentials: 'prod' }, 'upsertAlarmDescription.regions.empty', 'upsertAlarmDescription.metricName.not.nullable', 'upsertAlarmDescription.threshold.not.nullable', 'upsertAlarmDescription.statistic.not.nullable');
    await h.refused('deleteAlarmDescription', { credentials: 'prod', region: REGION }, 'deleteAlarmDescription.names.not.nullable');
    await h.refused('deleteScalingPolicy', { credentials: 'prod', region: REGION }, 'deleteScalingPolicyDescription.serverGroupName.not.nullable', 'deleteScalingPolicyDescription.policyName.not.nullable');
  });

  it('deletes a policy with its orphaned alarm, and alarms by name', async () => {
    const task = expectSucceeded(await h.run('deleteScalingPolicy', { credentials: 'prod', region: REGION, serverGroupName: ASG, policyName: 'scale-up' }));
    expect(statusLines(task, 'DELETE_SCALING_POLICY')).toEqual([
      'Initializing Delete Scaling Policy Operation...',
      'Looking up policy...',
      `Deleting scale-up in ${REGION} for prod.`,
      `Done deleting scale-up in ${REGION} for prod.`,
      'Deleting orphaned alarm myapp-cpu-high',
      'Done deleting orphaned alarm myapp-cpu-high',
    ]);
    expect((await policies()).map((p) => p.PolicyName)).not.toContain('scale-up');
    expect(await alarm('myapp-cpu-high')).toBeUndefined();
    const sg = await h.get<{ scalingPolicies: Json[] }>(`/serverGroups/prod/${REGION}/${ASG}`);
    expect(sg.scalingPolicies.map((p) => p.policyName)).not.toContain('scale-up');

    const deleted = expectSucceeded(await h.run('deleteAlarmDescription', { credentials: 'prod', region: REGION, names: ['myapp-cpu-low'] }));
    expect(statusLines(deleted, 'DELETE_ALARM')).toEqual(['Initializing Delete Alarm Operation...', `Deleting myapp-cpu-low in ${REGION} for prod.`, `Done deleting myapp-cpu-low in ${REGION} for prod.`]);
    expect(await alarm('myapp-cpu-low')).toBeUndefined();
  });

  it('upserts and deletes server group tags (asgs or the legacy single-group form)', async () => {
    const task = expectSucceeded(await h.run('upsertServerGroupTags', { credentials: 'prod', asgs: [{ serverGroupName: ASG, region: REGION }], tags: { owner: 'team-a', costCenter: 42 } }));
    expect(statusLines(task, 'UPSERT_ASG_TAGS')).toEqual([
      `Initializing Upsert ASG Tags operation for [${REGION}:${ASG}]...`,
      `Preparing tags for ${ASG} in ${REGION}...`,
      `Creating tags for ${ASG} in ${REGION}...`,
      `Tags created for ${ASG} in ${REGION}`,
      `Finished Upsert ASG Tags operation for [${REGION}:${ASG}].`,
    ]);
    const tags = async () => Object.fromEntries(((await h.prod.autoScaling.send(new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: [ASG] }] }))).Tags ?? []).map((t) => [t.Key, `${t.Value}:${t.PropagateAtLaunch}`]));
    expect(await tags()).toMatchObject({ owner: 'team-a:true', costCenter: '42:true' });
    const sg = await h.get<{ asg: { tags: { key: string; value: string }[] } }>(`/serverGroups/prod/${REGION}/${ASG}`);
    expect(sg.asg.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'owner', value: 'team-a' })]));

    expectSucceeded(await h.run('upsertServerGroupTags', { credentials: 'prod', serverGroupName: ASG, regions: [REGION], tags: { owner: 'team-b' } }));
    expect((await tags()).owner).toBe('team-b:true');

    const missing = await h.run('upsertServerGroupTags', { credentials: 'prod', asgs: [{ serverGroupName: 'myapp-prod-v999', region: REGION }], tags: { owner: 'x' } });
    expect(missing.status.failed).toBe(true);
    expect(statusLines(missing, 'UPSERT_ASG_TAGS')).toContain(`No ASG named myapp-prod-v999 found in ${REGION}`);

    await h.refused('upsertServerGroupTags', { credentials: 'prod', tags: {} }, 'UpsertAsgTagsDescription.empty', 'upsertAsgTagsDescription.tags.empty');
    await h.refused('upsertServerGroupTags', { credentials: 'prod', asgs: [{ serverGroupName: ASG, region: 'eu-north-9' }], tags: { a: '' } }, 'UpsertAsgTagsDescription.regions.not.configured', 'upsertAsgTagsDescription.tag.invalid');

    const deleted = expectSucceeded(await h.run('deleteAsgTagsDescription', { credentials: 'prod', asgs: [{ serverGroupName: ASG, region: REGION }, { serverGroupName: 'myapp-prod-v999', region: REGION }], tagKeys: ['owner'] }));
    expect(statusLines(deleted, 'DELETE_ASG_TAGS')).toEqual([
      `Initializing Delete ASG Tags operation for [${REGION}:${ASG}, ${REGION}:myapp-prod-v999]...`,
      `Tags deleted for ${ASG} in ${REGION}`,
      `No ASG named myapp-prod-v999 found in ${REGION}`,
      `Finished Delete ASG Tags operation for [${REGION}:${ASG}, ${REGION}:myapp-prod-v999].`,
    ]);
    expect(await tags()).not.toHaveProperty('owner');
    expect(await tags()).toHaveProperty('costCenter');
  });

  it('tags every image of a name in each region', async () => {
    const task = expectSucceeded(await h.run('upsertImageTags', { credentials: 'prod', amiName: 'myapp-1.0.0-h1', regions: [REGION], tags: { appversion: 'myapp-1.0.0-h1/job/1', build_host: 'https://jenkins' } }));
    const image = (await h.prod.ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['myapp-1.0.0-h1'] }] }))).Images?.[0];
    expect(statusLines(task, 'UPSERT_AMI_TAGS')).toEqual([
      'Initializing Upsert AMI Tags operation for prod/myapp-1.0.0-h1...',
      `Updating tags for ${image?.ImageId} in ${REGION}...`,
      `Tags updated for ${image?.ImageId} in ${REGION}...`,
      `Finished Upsert AMI Tags operation for prod/myapp-1.0.0-h1 (${image?.ImageId}) in ${REGION}.`,
    ]);
    expect(image?.Tags).toEqual(expect.arrayContaining([{ Key: 'appversion', Value: 'myapp-1.0.0-h1/job/1' }, { Key: 'build_host', Value: 'https://jenkins' }]));
    const missing = await h.run('upsertImageTags', { credentials: 'prod', amiName: 'nothing-0.0.1', regions: [REGION], tags: { a: 'b' } });
    expect(missing.status.failed).toBe(true);
    expect(statusLines(missing, 'UPSERT_AMI_TAGS')).toContain(`No AMI found for prod/nothing-0.0.1 in ${REGION}.`);
  });
});

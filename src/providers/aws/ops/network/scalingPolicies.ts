/**
 * Auto Scaling policies: `upsertScalingPolicy` (`UpsertScalingPolicyAtomicOperation`): one
 * `PutScalingPolicy` — simple (cooldown 600 by default), step, or target tracking — and, for
 * simple and step policies with an `alarm`, a `PutMetricAlarm` whose actions fire the policy;
 * result `{policyName, policyArn, alarmName}` (`UpsertScalingPolicyResult`). And
 * `deleteScalingPolicy` (`DeleteScalingPolicyAtomicOperation`, `DELETE_SCALING_POLICY`), which
 * also deletes the policy's alarms that fire nothing else. Target tracking configurations and
 * step adjustments arrive as the AWS SDK v1 beans Deck sends (camelCase).
 */
import { DeletePolicyCommand, DescribePoliciesCommand, PutScalingPolicyCommand, type PutScalingPolicyCommandInput, type TargetTrackingConfiguration } from '@aws-sdk/client-auto-scaling';
import { DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { alarmSchema, putMetricAlarmRequest } from './alarms.js';
import { AwsValidator, applicationOf, boolField, credentialsOf, intField, nameField, numberField, refreshAfter, withAccount } from './support.js';

const dimensionSchema = z.object({ name: nameField, value: nameField }).passthrough();

/** `com.amazonaws.services.autoscaling.model.TargetTrackingConfiguration` as a bean. */
const targetTrackingSchema = z
  .object({
    targetValue: numberField,
    disableScaleIn: boolField.nullish(),
    predefinedMetricSpecification: z.object({ predefinedMetricType: nameField, resourceLabel: nameField.nullish() }).passthrough().nullish(),
    customizedMetricSpecification: z
      .object({ metricName: nameField, namespace: nameField, statistic: nameField, unit: nameField.nullish(), dimensions: z.array(dimensionSchema).max(30).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

const stepAdjustmentSchema = z
  .object({ metricIntervalLowerBound: numberField.nullish(), metricIntervalUpperBound: numberField.nullish(), scalingAdjustment: intField })
  .passthrough();

const upsertScalingPolicySchema = withAccount({
  region: nameField.nullish(),
  serverGroupName: nameField.nullish(),
  asgName: nameField.nullish(),
  adjustmentType: z.enum(['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity']).default('ChangeInCapacity'),
  name: nameField.nullish(),
  minAdjustmentMagnitude: intField.nullish(),
  simple: z.object({ cooldown: intField.default(600), scalingAdjustment: intField.nullish() }).passthrough().nullish(),
  step: z
    .object({ stepAdjustments: z.array(stepAdjustmentSchema).max(20).nullish(), estimatedInstanceWarmup: intField.nullish(), metricAggregationType: z.enum(['Minimum', 'Maximum', 'Average']).nullish() })
    .passthrough()
    .nullish(),
  targetTrackingConfiguration: targetTrackingSchema.nullish(),
  estimatedInstanceWarmup: intField.nullish(),
  alarm: alarmSchema.nullish(),
});
type UpsertScalingPolicyDescription = z.infer<typeof upsertScalingPolicySchema>;
const groupOf = (d: { serverGroupName?: string | null; asgName?: string | null }): string => d.serverGroupName ?? d.asgName ?? '';

function targetTracking(t: z.infer<typeof targetTrackingSchema>): TargetTrackingConfiguration {
  const p = t.predefinedMetricSpecification;
  const c = t.customizedMetricSpecification;
  return {
    TargetValue: t.targetValue,
    ...(t.disableScaleIn == null ? {} : { DisableScaleIn: t.disableScaleIn }),
    ...(p == null ? {} : { PredefinedMetricSpecification: { PredefinedMetricType: p.predefinedMetricType as never, ...(p.resourceLabel == null ? {} : { ResourceLabel: p.resourceLabel }) } }),
    ...(c == null
      ? {}
      : {
          CustomizedMetricSpecification: {
            MetricName: c.metricName,
            Namespace: c.namespace,
            Statistic: c.statistic as never,
            ...(c.unit == null ? {} : { Unit: c.unit }),
            ...(c.dimensions == null ? {} : { Dimensions: c.dimensions.map((x) => ({ Name: x.name, Value: x.value })) }),
          },
        }),
  };
}

function policyRequest(d: UpsertScalingPolicyDescription, policyName: string): PutScalingPolicyCommandInput {
  const base = { PolicyName: policyName, AutoScalingGroupName: groupOf(d) };
  if (d.targetTrackingConfiguration != null) {
    return { ...base, PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: targetTracking(d.targetTrackingConfiguration), ...(d.estimatedInstanceWarmup == null ? {} : { EstimatedInstanceWarmup: d.estimatedInstanceWarmup }) };
  }
  const adjustment = { AdjustmentType: d.adjustmentType, ...(d.minAdjustmentMagnitude == null ? {} : { MinAdjustmentMagnitude: d.minAdjustmentMagnitude }) };
  if (d.step != null) {
    return {
      ...base,
      ...adjustment,
      PolicyType: 'StepScaling',
      ...(d.step.estimatedInstanceWarmup == null ? {} : { EstimatedInstanceWarmup: d.step.estimatedInstanceWarmup }),
      ...(d.step.metricAggregationType == null ? {} : { MetricAggregationType: d.step.metricAggregationType }),
      StepAdjustments: (d.step.stepAdjustments ?? []).map((s) => ({
        ScalingAdjustment: s.scalingAdjustment,
        ...(s.metricIntervalLowerBound == null ? {} : { MetricIntervalLowerBound: s.metricIntervalLowerBound }),
        ...(s.metricIntervalUpperBound == null ? {} : { MetricIntervalUpperBound: s.metricIntervalUpperBound }),
      })),
    };
  }
  return { ...base, ...adjustment, PolicyType: 'SimpleScaling', Cooldown: d.simple?.cooldown ?? 600, ...(d.simple?.scalingAdjustment == null ? {} : { ScalingAdjustment: d.simple.scalingAdjustment }) };
}

export function upsertScalingPolicy(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertScalingPolicy',
    displayName: 'UpsertScalingPolicyAtomicOperation',
    schema: upsertScalingPolicySchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(groupOf(d)),
    validate(d) {
      const v = new AwsValidator('upsertScalingPolicyDescription', deps);
      v.regions(d.account, [d.region]);
      if (groupOf(d) === '') v.reject('serverGroupName.not.nullable', 'serverGroupName is required');
      if (d.minAdjustmentMagnitude != null && d.minAdjustmentMagnitude !== 0 && d.adjustmentType !== 'PercentChangeInCapacity') {
        v.reject('minAdjustmentMagnitude.requires.adjustmentType.percentChangeInCapacity', 'minAdjustmentMagnitude needs adjustmentType PercentChangeInCapacity');
      }
      const kinds = [d.simple, d.step, d.targetTrackingConfiguration].filter((k) => k != null).length;
      if (kinds > 1) v.reject('must.only.specify.simple.step.targetTrackingConfiguration', 'give only one of simple, step and targetTrackingConfiguration');
      if (kinds === 0) v.reject('must.be.simplePolicy.or.stepPolicy.or.targetTrackingPolicy', 'give one of simple, step and targetTrackingConfiguration');
      if (d.targetTrackingConfiguration != null && (d.estimatedInstanceWarmup == null || d.estimatedInstanceWarmup === 0)) {
        v.reject('targetTracking.requires.estimatedInstanceWarmup', 'target tracking policies need estimatedInstanceWarmup');
      }
      return v.problems;
    },
    async operate(d, ctx) {
      const creds = credentialsOf(deps, d.account);
      const region = d.region ?? '';
      const opts = { abortSignal: ctx.signal };
      const group = groupOf(d);
      const policyName = d.name ?? `${group}-policy-${randomUUID()}`;
      const out = await creds.clients.autoScaling(region).send(new PutScalingPolicyCommand(policyRequest(d, policyName)), opts);
      const policyArn = out.PolicyARN ?? null;
      let alarmName: string | null = null;
      if (d.alarm != null && d.targetTrackingConfiguration == null) {
        const a = d.alarm;
        alarmName = a.name ?? `${group}-alarm-${a.metricName ?? ''}-${randomUUID()}`;
        const actions = [...(a.alarmActionArns ?? [])];
        if (policyArn !== null && !actions.includes(policyArn)) actions.push(policyArn);
        await creds.clients.cloudWatch(region).send(new PutMetricAlarmCommand(putMetricAlarmRequest(a, alarmName, a.dimensions ?? [], actions)), opts);
      }
      await refreshAfter(deps, ctx, d.account, region, ['serverGroups']);
      return { policyName, policyArn, alarmName };
    },
  });
}

const deleteScalingPolicySchema = withAccount({ policyName: nameField.nullish(), serverGroupName: nameField.nullish(), asgName: nameField.nullish(), region: nameField.nullish() });

export function deleteScalingPolicy(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteScalingPolicy',
    displayName: 'DeleteScalingPolicyAtomicOperation',
    schema: deleteScalingPolicySchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(groupOf(d)),
    validate(d) {
      const v = new AwsValidator('deleteScalingPolicyDescription', deps);
      v.regions(d.account, [d.region]);
      if (groupOf(d) === '') v.reject('serverGroupName.not.nullable', 'serverGroupName is required');
      if (d.policyName == null || d.policyName === '') v.reject('policyName.not.nullable', 'policyName is required');
      return v.problems;
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus('DELETE_SCALING_POLICY', s);
      const creds = credentialsOf(deps, d.account);
      const region = d.region ?? '';
      const opts = { abortSignal: ctx.signal };
      const autoScaling = creds.clients.autoScaling(region);
      const policyName = d.policyName ?? '';
      const group = groupOf(d);
      await status('Initializing Delete Scaling Policy Operation...');
      const text = `${policyName} in ${region} for ${d.account}`;
      await status('Looking up policy...');
      const matches = (await autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: group, PolicyNames: [policyName] }), opts)).ScalingPolicies ?? [];
      await status(`Deleting ${text}.`);
      await autoScaling.send(new DeletePolicyCommand({ AutoScalingGroupName: group, PolicyName: policyName }), opts);
      await status(`Done deleting ${text}.`);
      const [policy] = matches;
      if (matches.length === 1 && policy !== undefined) {
        const cloudWatch = creds.clients.cloudWatch(region);
        for (const alarm of policy.Alarms ?? []) {
          const metricAlarms = (await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarm.AlarmName ?? ''] }), opts)).MetricAlarms ?? [];
          for (const m of metricAlarms) {
            const actions = m.AlarmActions ?? [];
            // An alarm that fires only this policy (or nothing) is an orphan now.
            if (actions.length === 0 || (actions.length === 1 && actions[0] === policy.PolicyARN)) {
              await status(`Deleting orphaned alarm ${alarm.AlarmName ?? ''}`);
              await cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarm.AlarmName ?? ''] }), opts);
              await status(`Done deleting orphaned alarm ${alarm.AlarmName ?? ''}`);
            }
          }
        }
      }
      await refreshAfter(deps, ctx, d.account, region, ['serverGroups']);
      return undefined;
    },
  });
}

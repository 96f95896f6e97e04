/**
 * CloudWatch alarms: the `UpsertAlarmDescription` shape (also the `alarm` of upsertScalingPolicy)
 * and its `PutMetricAlarm` request, `upsertAlarmDescription` (`UpsertAlarmAtomicOperation`:
 * result `{alarmName}`; an alarm after an upsertScalingPolicy of the same request fires that
 * policy) and `deleteAlarmDescription` (`DeleteAlarmAtomicOperation`, `DELETE_ALARM`). Upstream
 * registers both by converter bean name only (no `@AmazonOperation`), so those are the wire names.
 */
import { DeleteAlarmsCommand, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { AwsValidator, applicationOf, boolField, credentialsOf, intField, nameField, numberField, refreshAfter, withAccount } from './support.js';

/** `UpsertAlarmDescription` fields (CloudWatch `PutMetricAlarmRequest` in Clouddriver's names). */
export const alarmShape = {
  name: nameField.nullish(),
  asgName: nameField.nullish(),
  region: nameField.nullish(),
  actionsEnabled: boolField.default(true),
  alarmDescription: nameField.nullish(),
  comparisonOperator: z
    .enum(['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'])
    .nullish(),
  dimensions: z.array(z.object({ name: nameField, value: nameField }).passthrough()).max(30).nullish(),
  evaluationPeriods: intField.nullish(),
  period: intField.default(300),
  threshold: numberField.nullish(),
  namespace: nameField.nullish(),
  metricName: nameField.nullish(),
  statistic: z.enum(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']).nullish(),
  unit: nameField.nullish(),
  alarmActionArns: z.array(nameField).max(5).nullish(),
  insufficientDataActionArns: z.array(nameField).max(5).nullish(),
  okActionArns: z.array(nameField).max(5).nullish(),
};
export const alarmSchema = z.object(alarmShape).passthrough();
export type AlarmDescription = z.infer<typeof alarmSchema>;

/** `UpsertAlarmDescription.buildRequest`. */
export function putMetricAlarmRequest(a: AlarmDescription, name: string, dimensions: readonly { name: string; value: string }[], alarmActions: readonly string[]): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    ActionsEnabled: a.actionsEnabled,
    ...(a.alarmDescription == null ? {} : { AlarmDescription: a.alarmDescription }),
    ...(a.comparisonOperator == null ? {} : { ComparisonOperator: a.comparisonOperator }),
    ...(a.evaluationPeriods == null ? {} : { EvaluationPeriods: a.evaluationPeriods }),
    Period: a.period,
    ...(a.threshold == null ? {} : { Threshold: a.threshold }),
    ...(a.namespace == null ? {} : { Namespace: a.namespace }),
    ...(a.metricName == null ? {} : { MetricName: a.metricName }),
    ...(a.statistic == null ? {} : { Statistic: a.statistic }),
    ...(a.unit == null ? {} : { Unit: a.unit as PutMetricAlarmCommandInput['Unit'] }),
    ...(dimensions.length === 0 ? {} : { Dimensions: dimensions.map((d) => ({ Name: d.name, Value: d.value })) }),
    ...(alarmActions.length === 0 ? {} : { AlarmActions: [...alarmActions] }),
    ...(a.insufficientDataActionArns == null ? {} : { InsufficientDataActions: a.insufficientDataActionArns }),
    ...(a.okActionArns == null ? {} : { OKActions: a.okActionArns }),
  };
}

/** `UpsertAlarmDescriptionValidator` checks, under `context` (`upsertAlarmDescription`). */
export function validateAlarmFields(v: AwsValidator, a: AlarmDescription): void {
  const required: [keyof AlarmDescription, unknown][] = [
    ['metricName', a.metricName],
    ['namespace', a.namespace],
    ['comparisonOperator', a.comparisonOperator],
    ['evaluationPeriods', a.evaluationPeriods],
    ['threshold', a.threshold],
    ['statistic', a.statistic],
  ];
  for (const [field, value] of required) if (value == null || value === '') v.reject(`${field}.not.nullable`, `${field} is required`);
}

/** What a prior `upsertScalingPolicy` in the same request returned (`UpsertScalingPolicyResult`). */
function priorPolicyArn(prior: readonly unknown[]): string | undefined {
  for (const r of [...prior].reverse()) {
    if (typeof r === 'object' && r !== null && 'policyArn' in r && 'policyName' in r) {
      const arn = (r as { policyArn?: unknown }).policyArn;
      if (typeof arn === 'string') return arn;
    }
  }
  return undefined;
}

const upsertAlarmSchema = withAccount(alarmShape);

export function upsertAlarm(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertAlarmDescription',
    displayName: 'UpsertAlarmAtomicOperation',
    schema: upsertAlarmSchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(d.asgName),
    validate(d) {
      const v = new AwsValidator('upsertAlarmDescription', deps);
      v.regions(d.account, [d.region]);
      validateAlarmFields(v, d);
      return v.problems;
    },
    async operate(d, ctx) {
      const creds = credentialsOf(deps, d.account);
      const region = d.region ?? '';
      const name = d.name ?? `${d.asgName ?? ''}${d.asgName ? '-' : ''}alarm-${randomUUID()}`;
      const dimensions = [...(d.dimensions ?? []), ...(d.asgName ? [{ name: 'AutoScalingGroupName', value: d.asgName }] : [])];
      const policyArn = priorPolicyArn(ctx.priorResults);
      const actions = [...(d.alarmActionArns ?? []), ...(policyArn === undefined ? [] : [policyArn])];
      await creds.clients.cloudWatch(region).send(new PutMetricAlarmCommand(putMetricAlarmRequest(d, name, dimensions, actions)), { abortSignal: ctx.signal });
      await refreshAfter(deps, ctx, d.account, region, ['serverGroups']);
      return { alarmName: name };
    },
  });
}

const deleteAlarmSchema = withAccount({ names: z.array(nameField).max(100).nullish(), region: nameField.nullish() });

export function deleteAlarm(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteAlarmDescription',
    displayName: 'DeleteAlarmAtomicOperation',
    schema: deleteAlarmSchema,
    account: (d) => d.account,
    validate(d) {
      const v = new AwsValidator('deleteAlarmDescription', deps);
      v.regions(d.account, [d.region]);
      if (d.names == null || d.names.length === 0) v.reject('names.not.nullable', 'names is required');
      return v.problems;
    },
    async operate(d, ctx) {
      const status = (s: string) => ctx.task.updateStatus('DELETE_ALARM', s);
      const creds = credentialsOf(deps, d.account);
      const region = d.region ?? '';
      const names = d.names ?? [];
      await status('Initializing Delete Alarm Operation...');
      const text = `${names.join(', ')} in ${region} for ${d.account}`;
      await status(`Deleting ${text}.`);
      await creds.clients.cloudWatch(region).send(new DeleteAlarmsCommand({ AlarmNames: names }), { abortSignal: ctx.signal });
      await status(`Done deleting ${text}.`);
      await refreshAfter(deps, ctx, d.account, region, ['serverGroups']);
      return undefined;
    },
  });
}

/**
 * Copies a source group's scaling policies (with their CloudWatch alarms) and scheduled actions
 * to a new group (`DefaultScalingPolicyCopier`, `AsgReferenceCopier.copyScheduledActionsForAsg`):
 * policies keep their settings under a new name (the source group's name in it replaced, else
 * `{group}-policy-{id}`); alarms are copied as `{group}-alarm-{id}` with the `AutoScalingGroupName`
 * dimension and the policy ARNs in their actions pointing at the new group and policies
 * (`TargetTracking-` alarms are AWS's own and not copied); scheduled actions become
 * `{group}-schedule-{id}`. Status lines in phase `AWS_DEPLOY`.
 */
import { randomUUID } from 'node:crypto';
import { DescribePoliciesCommand, DescribeScheduledActionsCommand, PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand, type ScalingPolicy, type ScheduledUpdateGroupAction } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand, PutMetricAlarmCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { RegionClients } from './support.js';

const PHASE = 'AWS_DEPLOY';
const ASG_DIMENSION = 'AutoScalingGroupName';
const id = (): string => randomUUID().replaceAll('-', '').slice(0, 12);

async function allPolicies(c: RegionClients, group: string): Promise<ScalingPolicy[]> {
  const out: ScalingPolicy[] = [];
  let token: string | undefined;
  do {
    const page = await c.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: group, ...(token === undefined ? {} : { NextToken: token }) }), c.opts);
    out.push(...(page.ScalingPolicies ?? []));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}

async function allScheduledActions(c: RegionClients, group: string): Promise<ScheduledUpdateGroupAction[]> {
  const out: ScheduledUpdateGroupAction[] = [];
  let token: string | undefined;
  do {
    const page = await c.autoScaling.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: group, ...(token === undefined ? {} : { NextToken: token }) }), c.opts);
    out.push(...(page.ScheduledUpdateGroupActions ?? []));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return out;
}

async function alarmsNamed(c: RegionClients, names: readonly string[]): Promise<MetricAlarm[]> {
  const out: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    let token: string | undefined;
    do {
      const page = await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), ...(token === undefined ? {} : { NextToken: token }) }), c.opts);
      out.push(...(page.MetricAlarms ?? []));
      token = page.NextToken;
    } while (token !== undefined && token !== '');
  }
  return out;
}

export async function copyScalingPoliciesAndScheduledActions(source: RegionClients, target: RegionClients, sourceGroup: string, targetGroup: string, ctx: OperationContext): Promise<void> {
  const from = `${source.region}/${sourceGroup}`;
  const to = `${target.region}/${targetGroup}`;
  const policies = await allPolicies(source, sourceGroup);
  const arnMap = new Map<string, string>();
  for (const p of policies) {
    const name = p.PolicyName?.includes(sourceGroup) ? p.PolicyName.replace(sourceGroup, targetGroup) : `${targetGroup}-policy-${id()}`;
    const tracking = p.TargetTrackingConfiguration;
    const customized = tracking?.CustomizedMetricSpecification;
    const request = {
      AutoScalingGroupName: targetGroup,
      PolicyName: name,
      ...(p.PolicyType ? { PolicyType: p.PolicyType } : {}),
      ...(p.ScalingAdjustment == null ? {} : { ScalingAdjustment: p.ScalingAdjustment }),
      ...(p.AdjustmentType ? { AdjustmentType: p.AdjustmentType } : {}),
      ...(p.Cooldown == null ? {} : { Cooldown: p.Cooldown }),
      ...(p.MinAdjustmentMagnitude == null ? {} : { MinAdjustmentMagnitude: p.MinAdjustmentMagnitude }),
      ...(p.MetricAggregationType ? { MetricAggregationType: p.MetricAggregationType } : {}),
      ...(p.StepAdjustments && p.StepAdjustments.length > 0 ? { StepAdjustments: p.StepAdjustments } : {}),
      ...(p.EstimatedInstanceWarmup == null ? {} : { EstimatedInstanceWarmup: p.EstimatedInstanceWarmup }),
      ...(tracking
        ? {
            TargetTrackingConfiguration: {
              ...tracking,
              ...(customized ? { CustomizedMetricSpecification: { ...customized, Dimensions: (customized.Dimensions ?? []).map((dim) => (dim.Name === ASG_DIMENSION ? { ...dim, Value: targetGroup } : dim)) } } : {}),
            },
          }
        : {}),
    };
    const shown = `{AutoScalingGroupName: ${targetGroup},PolicyName: ${name}}`;
    await ctx.task.updateStatus(PHASE, `Creating scaling policy (${shown}) on ${to} from ${from}...`);
    const created = await target.autoScaling.send(new PutScalingPolicyCommand(request), target.opts);
    if (p.PolicyARN && created.PolicyARN) arnMap.set(p.PolicyARN, created.PolicyARN);
    await ctx.task.updateStatus(PHASE, `Created scaling policy (${shown}) on ${to} from ${from}...`);
  }

  const alarmNames = [...new Set(policies.flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName ?? '')).filter((n) => n !== ''))];
  const sameAccount = source.account.config.accountId === target.account.config.accountId;
  const actions = (list: readonly string[] | undefined): string[] =>
    (list ?? [])
      .map((a) => arnMap.get(a) ?? a)
      .filter((a) => source.region === target.region || !a.includes(source.region))
      .filter((a) => sameAccount || source.account.config.accountId === undefined || !a.includes(source.account.config.accountId));
  for (const alarm of alarmNames.length === 0 ? [] : await alarmsNamed(source, alarmNames)) {
    if ((alarm.AlarmName ?? '').startsWith('TargetTracking-')) continue;
    const dimensions = (alarm.Dimensions ?? []).filter((dim) => dim.Name !== ASG_DIMENSION);
    if ((alarm.Dimensions ?? []).some((dim) => dim.Name === ASG_DIMENSION)) dimensions.push({ Name: ASG_DIMENSION, Value: targetGroup });
    await target.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: `${targetGroup}-alarm-${id()}`,
        AlarmDescription: alarm.AlarmDescription,
        ActionsEnabled: alarm.ActionsEnabled,
        OKActions: actions(alarm.OKActions),
        AlarmActions: actions(alarm.AlarmActions),
        InsufficientDataActions: actions(alarm.InsufficientDataActions),
        MetricName: alarm.MetricName,
        Namespace: alarm.Namespace,
        ...(alarm.Statistic ? { Statistic: alarm.Statistic } : {}),
        ...(alarm.ExtendedStatistic ? { ExtendedStatistic: alarm.ExtendedStatistic } : {}),
        Dimensions: dimensions,
        Period: alarm.Period,
        ...(alarm.Unit ? { Unit: alarm.Unit } : {}),
        EvaluationPeriods: alarm.EvaluationPeriods,
        Threshold: alarm.Threshold,
        ComparisonOperator: alarm.ComparisonOperator,
      }),
      target.opts,
    );
  }

  for (const a of await allScheduledActions(source, sourceGroup)) {
    const name = [targetGroup, 'schedule', id()].join('-');
    await ctx.task.updateStatus(PHASE, `Creating scheduled action ({AutoScalingGroupName: ${targetGroup},ScheduledActionName: ${name}}) on ${to} from ${from}...`);
    await target.autoScaling.send(
      new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: targetGroup,
        ScheduledActionName: name,
        ...(a.Recurrence ? { Recurrence: a.Recurrence } : { StartTime: a.StartTime, EndTime: a.EndTime }),
        ...(a.MinSize == null ? {} : { MinSize: a.MinSize }),
        ...(a.MaxSize == null ? {} : { MaxSize: a.MaxSize }),
        ...(a.DesiredCapacity == null ? {} : { DesiredCapacity: a.DesiredCapacity }),
        ...(a.TimeZone ? { TimeZone: a.TimeZone } : {}),
      }),
      target.opts,
    );
  }
}

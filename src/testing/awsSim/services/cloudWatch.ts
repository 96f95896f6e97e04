/**
 * Amazon CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms (names, prefix, state, action
 * prefix; MaxRecords 1-100 with NextToken), DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState,
 * Enable/DisableAlarmActions. Served over all three protocols CloudWatch speaks: awsQuery, AWS JSON
 * 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.*`, what SDK v3 sends) and Smithy RPC v2 CBOR
 * (what the AWS CLI sends). No metrics are collected: alarms stay in the state they are put or set.
 * docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
import { AwsError, validationError } from '../errors.js';
import { paginate } from '../pagination.js';
import { bool, int, num, objects, str, strings } from '../params.js';
import type { ActionHandler, RequestContext, ServiceDefinition } from '../service.js';
import type { MetricAlarm } from '../state.js';

const OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function dimensions(p: Record<string, unknown>): { Name: string; Value: string }[] {
  return objects(p, 'Dimensions').map((d) => ({ Name: str(d, 'Name') ?? '', Value: str(d, 'Value') ?? '' }));
}

function setState(ctx: RequestContext, alarm: MetricAlarm, value: string, reason: string): void {
  alarm.StateValue = value;
  alarm.StateReason = reason;
  alarm.StateUpdatedTimestamp = ctx.world.now();
  alarm.StateTransitionedTimestamp = ctx.world.now();
}

const actions: Record<string, ActionHandler> = {
  PutMetricAlarm: (ctx, p) => {
    const name = str(p, 'AlarmName') ?? '';
    if (name === '' || name.length > 255) throw validationError("1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null");
    const evaluationPeriods = int(p, 'EvaluationPeriods');
    const operator = str(p, 'ComparisonOperator');
    if (evaluationPeriods === undefined || evaluationPeriods < 1) throw validationError("1 validation error detected: Value null at 'evaluationPeriods' failed to satisfy constraint: Member must not be null");
    if (operator === undefined || !OPERATORS.includes(operator)) throw validationError(`1 validation error detected: Value '${operator ?? 'null'}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [${OPERATORS.join(', ')}]`);
    const statistic = str(p, 'Statistic');
    if (statistic !== undefined && !STATISTICS.includes(statistic)) throw validationError(`1 validation error detected: Value '${statistic}' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [${STATISTICS.join(', ')}]`);
    const metrics = objects(p, 'Metrics');
    if (metrics.length === 0 && (str(p, 'MetricName') === undefined || str(p, 'Namespace') === undefined)) throw validationError('Either MetricName and Namespace, or Metrics, must be specified.');
    if (metrics.length === 0 && statistic === undefined && str(p, 'ExtendedStatistic') === undefined) throw validationError('Exactly one of Statistic and ExtendedStatistic must be specified.');
    const period = int(p, 'Period');
    if (metrics.length === 0 && (period === undefined || period < 1 || (period > 60 && period % 60 !== 0) || (period < 60 && ![10, 20, 30].includes(period)))) {
      throw validationError('Period must be 10, 20, 30 or a multiple of 60.');
    }
    const existing = ctx.region.cloudWatch.alarms.get(name);
    const now = ctx.world.now();
    const alarm: MetricAlarm = {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${ctx.region.name}:${ctx.account.id}:alarm:${name}`,
      AlarmDescription: str(p, 'AlarmDescription'),
      AlarmConfigurationUpdatedTimestamp: now,
      ActionsEnabled: bool(p, 'ActionsEnabled') ?? true,
      OKActions: strings(p, 'OKActions'),
      AlarmActions: strings(p, 'AlarmActions'),
      InsufficientDataActions: strings(p, 'InsufficientDataActions'),
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? now,
      StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? now,
      MetricName: str(p, 'MetricName'),
      Namespace: str(p, 'Namespace'),
      Statistic: statistic,
      ExtendedStatistic: str(p, 'ExtendedStatistic'),
      Dimensions: dimensions(p),
      Period: period,
      Unit: str(p, 'Unit'),
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: int(p, 'DatapointsToAlarm'),
      Threshold: num(p, 'Threshold'),
      ComparisonOperator: operator,
      TreatMissingData: str(p, 'TreatMissingData'),
      EvaluateLowSampleCountPercentile: str(p, 'EvaluateLowSampleCountPercentile'),
      Metrics: metrics.length > 0 ? metrics : undefined,
      ThresholdMetricId: str(p, 'ThresholdMetricId'),
    };
    ctx.region.cloudWatch.alarms.set(name, alarm);
    const tags = objects(p, 'Tags');
    if (tags.length > 0) ctx.region.cloudWatch.tags.set(alarm.AlarmArn, new Map(tags.map((t) => [str(t, 'Key') ?? '', str(t, 'Value') ?? ''] as const)));
    return undefined;
  },

  DescribeAlarms: (ctx, p) => {
    const names = strings(p, 'AlarmNames');
    const prefix = str(p, 'AlarmNamePrefix');
    const state = str(p, 'StateValue');
    const actionPrefix = str(p, 'ActionPrefix');
    if (names.length > 0 && prefix !== undefined) throw new AwsError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
    if (state !== undefined && !STATES.includes(state)) throw validationError(`1 validation error detected: Value '${state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`);
    const types = strings(p, 'AlarmTypes');
    const wantMetric = types.length === 0 || types.includes('MetricAlarm');
    const alarms = [...ctx.region.cloudWatch.alarms.values()]
      .filter((a) => wantMetric && (names.length === 0 || names.includes(a.AlarmName)) && (prefix === undefined || a.AlarmName.startsWith(prefix)) && (state === undefined || a.StateValue === state))
      .filter((a) => actionPrefix === undefined || [...(a.AlarmActions as string[]), ...(a.OKActions as string[]), ...(a.InsufficientDataActions as string[])].some((x) => x.startsWith(actionPrefix)))
      .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
    const page = paginate(alarms, {
      token: str(p, 'NextToken'),
      size: int(p, 'MaxRecords'),
      defaultSize: 50,
      min: 1,
      max: 100,
      scope: `${ctx.account.id}/${ctx.region.name}/DescribeAlarms`,
      invalidTokenCode: 'InvalidNextToken',
      invalidSize: (n) => validationError(`1 validation error detected: Value '${n}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100`),
    });
    return { MetricAlarms: page.items, CompositeAlarms: [], NextToken: page.next };
  },

  DescribeAlarmsForMetric: (ctx, p) => {
    const metric = str(p, 'MetricName');
    const namespace = str(p, 'Namespace');
    const dims = JSON.stringify(dimensions(p));
    return {
      MetricAlarms: [...ctx.region.cloudWatch.alarms.values()].filter(
        (a) => a.MetricName === metric && a.Namespace === namespace && (objects(p, 'Dimensions').length === 0 || JSON.stringify(a.Dimensions) === dims) && (str(p, 'Statistic') === undefined || a.Statistic === str(p, 'Statistic')),
      ),
    };
  },

  DeleteAlarms: (ctx, p) => {
    const names = strings(p, 'AlarmNames');
    const missing = names.filter((n) => !ctx.region.cloudWatch.alarms.has(n));
    if (missing.length > 0) throw new AwsError('ResourceNotFound', `Alarm(s) ${missing.join(', ')} not found`, 404);
    for (const n of names) {
      const a = ctx.region.cloudWatch.alarms.get(n);
      if (a !== undefined) ctx.region.cloudWatch.tags.delete(a.AlarmArn);
      ctx.region.cloudWatch.alarms.delete(n);
    }
    return undefined;
  },

  SetAlarmState: (ctx, p) => {
    const name = str(p, 'AlarmName') ?? '';
    const alarm = ctx.region.cloudWatch.alarms.get(name);
    if (alarm === undefined) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
    const value = str(p, 'StateValue') ?? '';
    if (!STATES.includes(value)) throw validationError(`1 validation error detected: Value '${value}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]`);
    setState(ctx, alarm, value, str(p, 'StateReason') ?? '');
    return undefined;
  },

  EnableAlarmActions: (ctx, p) => {
    for (const n of strings(p, 'AlarmNames')) {
      const a = ctx.region.cloudWatch.alarms.get(n);
      if (a !== undefined) a.ActionsEnabled = true;
    }
    return undefined;
  },

  DisableAlarmActions: (ctx, p) => {
    for (const n of strings(p, 'AlarmNames')) {
      const a = ctx.region.cloudWatch.alarms.get(n);
      if (a !== undefined) a.ActionsEnabled = false;
    }
    return undefined;
  },

  ListTagsForResource: (ctx, p) => ({ Tags: [...(ctx.region.cloudWatch.tags.get(str(p, 'ResourceARN') ?? '') ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value })) }),
};

export const cloudWatch: ServiceDefinition = {
  signingName: 'monitoring',
  version: '2010-08-01',
  protocol: 'query',
  xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  smithyName: 'GraniteServiceVersion20100801',
  // The CloudWatch model's error shapes and their awsQueryError codes.
  errorShapes: {
    ValidationError: 'ValidationException',
    InvalidParameterValue: 'InvalidParameterValueException',
    InvalidParameterCombination: 'InvalidParameterCombinationException',
    MissingParameter: 'MissingRequiredParameterException',
    InternalServiceError: 'InternalServiceFault',
    LimitExceeded: 'LimitExceededFault',
  },
  throttleCode: 'Throttling',
  actions,
};

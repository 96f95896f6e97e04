/**
 * Auto Scaling scaling policies (PutScalingPolicy, DescribePolicies with the CloudWatch alarms
 * that name each policy, DeletePolicy, ExecutePolicy for simple and step policies), scheduled
 * actions (PutScheduledUpdateGroupAction, DescribeScheduledActions, DeleteScheduledAction) and
 * lifecycle hooks (Put/Describe/DeleteLifecycleHook, CompleteLifecycleAction, RecordLifecycleActionHeartbeat).
 * Scheduled actions and lifecycle hooks are stored and reported; they do not fire (see docs).
 */
import { validationError } from '../../errors.js';
import { bool, int, num, str, strings } from '../../params.js';
import type { ActionHandler } from '../../service.js';
import type { AutoScalingGroup } from '../../state.js';
import { asgPage, findGroup, iso, recordActivity } from './common.js';

const POLICY_FIELDS = ['PolicyType', 'AdjustmentType', 'MinAdjustmentStep', 'MinAdjustmentMagnitude', 'ScalingAdjustment', 'Cooldown', 'StepAdjustments', 'MetricAggregationType', 'EstimatedInstanceWarmup', 'TargetTrackingConfiguration', 'PredictiveScalingConfiguration'];

function adjust(g: AutoScalingGroup, type: string, amount: number, minMagnitude: number | undefined): number {
  let desired = type === 'ExactCapacity' ? amount : type === 'PercentChangeInCapacity' ? g.desiredCapacity + Math.trunc((g.desiredCapacity * amount) / 100) : g.desiredCapacity + amount;
  if (type === 'PercentChangeInCapacity' && minMagnitude !== undefined && Math.abs(desired - g.desiredCapacity) < minMagnitude) desired = g.desiredCapacity + Math.sign(amount) * minMagnitude;
  return Math.min(g.maxSize, Math.max(g.minSize, desired));
}

export const policyActions: Record<string, ActionHandler> = {
  PutScalingPolicy: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const policyName = str(p, 'PolicyName') ?? '';
    if (policyName === '') throw validationError("1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null");
    const type = str(p, 'PolicyType') ?? 'SimpleScaling';
    if (!['SimpleScaling', 'StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'].includes(type)) throw validationError(`Invalid policy type: ${type}`);
    if (type === 'SimpleScaling' && int(p, 'ScalingAdjustment') === undefined) throw validationError('ScalingAdjustment is required for a SimpleScaling policy.');
    if (type === 'StepScaling' && strings(p, 'StepAdjustments').length === 0 && !Array.isArray(p.StepAdjustments)) throw validationError('StepAdjustments is required for a StepScaling policy.');
    if (type === 'TargetTrackingScaling' && p.TargetTrackingConfiguration === undefined) throw validationError('TargetTrackingConfiguration is required for a TargetTrackingScaling policy.');
    const key = `${g.name}/${policyName}`;
    const existing = ctx.region.autoScaling.policies.get(key);
    const policyArn = existing?.policyArn ?? `arn:aws:autoscaling:${ctx.region.name}:${ctx.account.id}:scalingPolicy:${ctx.world.uuid()}:autoScalingGroupName/${g.name}:policyName/${policyName}`;
    const spec: Record<string, unknown> = { PolicyType: type, Enabled: bool(p, 'Enabled') ?? true };
    for (const f of POLICY_FIELDS) if (p[f] !== undefined) spec[f] = p[f];
    spec.PolicyType = type;
    ctx.region.autoScaling.policies.set(key, { policyName, policyArn, autoScalingGroupName: g.name, spec });
    return { PolicyARN: policyArn, Alarms: [] };
  },

  DescribePolicies: (ctx, p) => {
    const groupName = str(p, 'AutoScalingGroupName');
    if (groupName !== undefined) findGroup(ctx, groupName);
    const names = strings(p, 'PolicyNames');
    const types = strings(p, 'PolicyTypes');
    const policies = [...ctx.region.autoScaling.policies.values()].filter(
      (x) => (groupName === undefined || x.autoScalingGroupName === groupName) && (names.length === 0 || names.includes(x.policyName) || names.includes(x.policyArn)) && (types.length === 0 || types.includes(String(x.spec.PolicyType))),
    );
    const page = asgPage(ctx, p, policies);
    const alarms = [...ctx.region.cloudWatch.alarms.values()];
    return {
      ScalingPolicies: page.items.map((x) => ({
        AutoScalingGroupName: x.autoScalingGroupName,
        PolicyName: x.policyName,
        PolicyARN: x.policyArn,
        ...x.spec,
        Alarms: alarms.filter((a) => Array.isArray(a.AlarmActions) && (a.AlarmActions as unknown[]).includes(x.policyArn)).map((a) => ({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn })),
      })),
      NextToken: page.next,
    };
  },

  DeletePolicy: (ctx, p) => {
    const name = str(p, 'PolicyName') ?? '';
    const groupName = str(p, 'AutoScalingGroupName');
    const match = [...ctx.region.autoScaling.policies.entries()].find(([, x]) => x.policyArn === name || (x.policyName === name && (groupName === undefined || x.autoScalingGroupName === groupName)));
    if (match === undefined) throw validationError(`Policy name not found - Policy ${name} not found`);
    ctx.region.autoScaling.policies.delete(match[0]);
    return undefined;
  },

  ExecutePolicy: (ctx, p) => {
    const name = str(p, 'PolicyName') ?? '';
    const policy = [...ctx.region.autoScaling.policies.values()].find((x) => x.policyArn === name || (x.policyName === name && x.autoScalingGroupName === str(p, 'AutoScalingGroupName')));
    if (policy === undefined) throw validationError(`Policy name not found - Policy ${name} not found`);
    const g = findGroup(ctx, policy.autoScalingGroupName);
    const type = String(policy.spec.PolicyType);
    if (type === 'TargetTrackingScaling') throw validationError('ExecutePolicy is not supported for a target tracking scaling policy.');
    let amount = Number(policy.spec.ScalingAdjustment ?? 0);
    if (type === 'StepScaling') {
      const metric = num(p, 'MetricValue');
      const breach = num(p, 'BreachThreshold');
      if (metric === undefined || breach === undefined) throw validationError('MetricValue and BreachThreshold are required for a StepScaling policy.');
      const steps = (Array.isArray(policy.spec.StepAdjustments) ? policy.spec.StepAdjustments : []) as Record<string, unknown>[];
      const diff = metric - breach;
      const step = steps.find((s) => (s.MetricIntervalLowerBound === undefined || diff >= Number(s.MetricIntervalLowerBound)) && (s.MetricIntervalUpperBound === undefined || diff < Number(s.MetricIntervalUpperBound)));
      amount = Number(step?.ScalingAdjustment ?? 0);
    }
    const before = g.desiredCapacity;
    g.desiredCapacity = adjust(g, String(policy.spec.AdjustmentType ?? 'ChangeInCapacity'), amount, policy.spec.MinAdjustmentMagnitude === undefined ? undefined : Number(policy.spec.MinAdjustmentMagnitude));
    if (g.desiredCapacity !== before) {
      recordActivity(ctx.world, ctx.region, g, `Executing policy ${policy.policyName}`, `At ${iso(ctx.world)} a user request executed policy ${policy.policyName} changing the desired capacity from ${before} to ${g.desiredCapacity}.`, 'Successful');
    }
    return undefined;
  },

  PutScheduledUpdateGroupAction: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const name = str(p, 'ScheduledActionName') ?? '';
    if (name === '') throw validationError("1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null");
    const min = int(p, 'MinSize');
    const max = int(p, 'MaxSize');
    const desired = int(p, 'DesiredCapacity');
    if (min === undefined && max === undefined && desired === undefined) throw validationError('At least one of MinSize, MaxSize or DesiredCapacity must be specified.');
    const key = `${g.name}/${name}`;
    const arn = ctx.region.autoScaling.scheduledActions.get(key)?.arn ?? `arn:aws:autoscaling:${ctx.region.name}:${ctx.account.id}:scheduledUpdateGroupAction:${ctx.world.uuid()}:autoScalingGroupName/${g.name}:scheduledActionName/${name}`;
    const startTime = str(p, 'StartTime') ?? str(p, 'Time');
    const spec: Record<string, unknown> = {
      StartTime: startTime === undefined ? undefined : new Date(startTime),
      Time: startTime === undefined ? undefined : new Date(startTime),
      EndTime: str(p, 'EndTime') === undefined ? undefined : new Date(str(p, 'EndTime') ?? ''),
      Recurrence: str(p, 'Recurrence'),
      MinSize: min,
      MaxSize: max,
      DesiredCapacity: desired,
      TimeZone: str(p, 'TimeZone'),
    };
    ctx.region.autoScaling.scheduledActions.set(key, { name, arn, autoScalingGroupName: g.name, spec });
    return undefined;
  },

  DescribeScheduledActions: (ctx, p) => {
    const groupName = str(p, 'AutoScalingGroupName');
    if (groupName !== undefined) findGroup(ctx, groupName);
    const names = strings(p, 'ScheduledActionNames');
    const actions = [...ctx.region.autoScaling.scheduledActions.values()].filter((a) => (groupName === undefined || a.autoScalingGroupName === groupName) && (names.length === 0 || names.includes(a.name)));
    const page = asgPage(ctx, p, actions);
    return {
      ScheduledUpdateGroupActions: page.items.map((a) => ({ AutoScalingGroupName: a.autoScalingGroupName, ScheduledActionName: a.name, ScheduledActionARN: a.arn, ...a.spec })),
      NextToken: page.next,
    };
  },

  DeleteScheduledAction: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const name = str(p, 'ScheduledActionName') ?? '';
    if (!ctx.region.autoScaling.scheduledActions.delete(`${g.name}/${name}`)) throw validationError(`Scheduled Update Group Action name not found - Could not find scheduled action ${name}`);
    return undefined;
  },

  PutLifecycleHook: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const name = str(p, 'LifecycleHookName') ?? '';
    if (name === '') throw validationError("1 validation error detected: Value null at 'lifecycleHookName' failed to satisfy constraint: Member must not be null");
    const key = `${g.name}/${name}`;
    const existing = ctx.region.autoScaling.lifecycleHooks.get(key);
    const transition = str(p, 'LifecycleTransition') ?? (existing?.spec.LifecycleTransition as string | undefined);
    if (transition !== 'autoscaling:EC2_INSTANCE_LAUNCHING' && transition !== 'autoscaling:EC2_INSTANCE_TERMINATING') throw validationError(`Invalid Lifecycle Transition: ${transition ?? 'null'}`);
    const heartbeat = int(p, 'HeartbeatTimeout') ?? (existing?.spec.HeartbeatTimeout as number | undefined) ?? 3600;
    if (heartbeat < 30 || heartbeat > 7200) throw validationError('Heartbeat timeout must be between 30 and 7200 seconds.');
    const spec: Record<string, unknown> = {
      LifecycleTransition: transition,
      NotificationTargetARN: str(p, 'NotificationTargetARN') ?? existing?.spec.NotificationTargetARN,
      RoleARN: str(p, 'RoleARN') ?? existing?.spec.RoleARN,
      NotificationMetadata: str(p, 'NotificationMetadata') ?? existing?.spec.NotificationMetadata,
      HeartbeatTimeout: heartbeat,
      GlobalTimeout: Math.min(heartbeat * 100, 172800),
      DefaultResult: str(p, 'DefaultResult') ?? existing?.spec.DefaultResult ?? 'ABANDON',
    };
    ctx.region.autoScaling.lifecycleHooks.set(key, { name, autoScalingGroupName: g.name, spec });
    return {};
  },

  DescribeLifecycleHooks: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const names = strings(p, 'LifecycleHookNames');
    return {
      LifecycleHooks: [...ctx.region.autoScaling.lifecycleHooks.values()]
        .filter((h) => h.autoScalingGroupName === g.name && (names.length === 0 || names.includes(h.name)))
        .map((h) => ({ LifecycleHookName: h.name, AutoScalingGroupName: h.autoScalingGroupName, ...h.spec })),
    };
  },

  DeleteLifecycleHook: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const name = str(p, 'LifecycleHookName') ?? '';
    if (!ctx.region.autoScaling.lifecycleHooks.delete(`${g.name}/${name}`)) throw validationError(`No Lifecycle Hook found with name ${name} for group ${g.name}`);
    return {};
  },

  DescribeLifecycleHookTypes: () => ({ LifecycleHookTypes: ['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'] }),

  CompleteLifecycleAction: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    if (!ctx.region.autoScaling.lifecycleHooks.has(`${g.name}/${str(p, 'LifecycleHookName') ?? ''}`)) throw validationError(`No Lifecycle Hook found with name ${str(p, 'LifecycleHookName') ?? ''} for group ${g.name}`);
    // Instances never wait in Pending:Wait/Terminating:Wait here, so there is no action to complete.
    throw validationError('No active Lifecycle Action found with token or instance id');
  },
};

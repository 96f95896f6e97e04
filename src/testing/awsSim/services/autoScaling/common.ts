/**
 * What the Auto Scaling actions share: group lookup with the service's error messages, rendering of
 * groups and instances (DescribeAutoScalingGroups' member names), scaling activities, and
 * NextToken/MaxRecords pagination (MaxRecords 1-100, default 50; a bad token is `InvalidNextToken`).
 */
import { AwsError, validationError } from '../../errors.js';
import { paginate } from '../../pagination.js';
import type { Page } from '../../pagination.js';
import { int, str } from '../../params.js';
import type { Params } from '../../params.js';
import type { RequestContext } from '../../service.js';
import type { AsgInstance, AutoScalingGroup, RegionState, ScalingActivity } from '../../state.js';
import type { AwsWorld } from '../../world.js';

export function findGroup(ctx: RequestContext, name: string | undefined): AutoScalingGroup {
  if (name === undefined || name === '') throw validationError("1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
  const g = ctx.region.autoScaling.groups.get(name);
  if (g === undefined) throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
  return g;
}

export function asgPage<T>(ctx: RequestContext, p: Params, items: readonly T[], defaultSize = 50, max = 100): Page<T> {
  return paginate(items, {
    token: str(p, 'NextToken'),
    size: int(p, 'MaxRecords'),
    defaultSize,
    min: 1,
    max,
    scope: `${ctx.account.id}/${ctx.region.name}/${ctx.action}`,
    invalidTokenCode: 'InvalidNextToken',
    invalidSize: (n) => validationError(`1 validation error detected: Value '${n}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${max}`),
  });
}

export function renderAsgInstance(i: AsgInstance): Record<string, unknown> {
  return {
    InstanceId: i.instanceId,
    InstanceType: i.instanceType,
    AvailabilityZone: i.availabilityZone,
    LifecycleState: i.lifecycleState,
    HealthStatus: i.healthStatus,
    LaunchConfigurationName: i.launchConfigurationName,
    LaunchTemplate: i.launchTemplate === undefined ? undefined : { LaunchTemplateId: i.launchTemplate.id, LaunchTemplateName: i.launchTemplate.name, Version: i.launchTemplate.version },
    ProtectedFromScaleIn: i.protectedFromScaleIn,
  };
}

export function renderGroup(g: AutoScalingGroup): Record<string, unknown> {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchConfigurationName: g.launchConfigurationName,
    LaunchTemplate: g.launchTemplate === undefined ? undefined : { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version },
    MinSize: g.minSize,
    MaxSize: g.maxSize,
    DesiredCapacity: g.desiredCapacity,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: g.loadBalancerNames,
    TargetGroupARNs: g.targetGroupArns,
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: g.instances.map(renderAsgInstance),
    CreatedTime: g.createdTime,
    SuspendedProcesses: g.suspendedProcesses.map((s) => ({ ProcessName: s.processName, SuspensionReason: s.suspensionReason })),
    VPCZoneIdentifier: g.vpcZoneIdentifier,
    EnabledMetrics: [],
    Status: g.status,
    Tags: g.tags.map((t) => renderTag(g, t)),
    TerminationPolicies: g.terminationPolicies,
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: g.arn.replace(/^arn:aws:autoscaling:[^:]+:(\d+):.*$/, 'arn:aws:iam::$1:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling'),
    CapacityRebalance: g.capacityRebalance,
  };
}

export function renderTag(g: AutoScalingGroup, t: { key: string; value: string; propagateAtLaunch: boolean }): Record<string, unknown> {
  return { ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: t.propagateAtLaunch };
}

/** Records a scaling activity (DescribeScalingActivities lists them newest first). */
export function recordActivity(world: AwsWorld, region: RegionState, g: AutoScalingGroup, description: string, cause: string, statusCode: ScalingActivity['statusCode'] = 'InProgress'): ScalingActivity {
  const now = world.now();
  const a: ScalingActivity = {
    activityId: world.uuid(),
    autoScalingGroupName: g.name,
    autoScalingGroupArn: g.arn,
    description,
    cause,
    startTime: now,
    statusCode,
    progress: statusCode === 'InProgress' ? 30 : 100,
    details: JSON.stringify({ 'Subnet ID': g.vpcZoneIdentifier.split(',')[0] ?? '', 'Availability Zone': g.availabilityZones[0] ?? '' }),
  };
  if (statusCode !== 'InProgress') a.endTime = now;
  region.autoScaling.activities.unshift(a);
  if (region.autoScaling.activities.length > 5000) region.autoScaling.activities.length = 5000;
  return a;
}

export function renderActivity(a: ScalingActivity): Record<string, unknown> {
  return {
    ActivityId: a.activityId,
    AutoScalingGroupName: a.autoScalingGroupName,
    AutoScalingGroupARN: a.autoScalingGroupArn,
    Description: a.description,
    Cause: a.cause,
    StartTime: a.startTime,
    EndTime: a.endTime,
    StatusCode: a.statusCode,
    Progress: a.progress,
    Details: a.details,
  };
}

export const PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer', 'AlarmNotification', 'AZRebalance', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions'] as const;

export function suspended(g: AutoScalingGroup, process: (typeof PROCESSES)[number]): boolean {
  return g.suspendedProcesses.some((s) => s.processName === process);
}

export function iso(world: AwsWorld): string {
  return world.now().toISOString().replace(/\.\d+Z$/, 'Z');
}

export const resourceInUse = (message: string): AwsError => new AwsError('ResourceInUse', message);

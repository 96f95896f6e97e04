/**
 * Auto Scaling groups (docs.aws.amazon.com/autoscaling/ec2/APIReference/): Create/Update/Delete/
 * DescribeAutoScalingGroups, DescribeAutoScalingInstances, SetDesiredCapacity,
 * TerminateInstanceInAutoScalingGroup (with or without decrement), Suspend/ResumeProcesses,
 * SetInstanceProtection, target group and classic load balancer attachments, tags and
 * DescribeScalingActivities. Capacity changes take effect through the convergence loop (reconcile.ts).
 */
import { AwsError, validationError } from '../../errors.js';
import { bool, int, obj, objects, str, strings } from '../../params.js';
import type { Params } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { AsgTag, AutoScalingGroup } from '../../state.js';
import { findTemplate } from '../ec2/launchTemplates.js';
import { deregisterFromClassic, deregisterTarget, registerTarget, registerWithClassic } from '../lbMembership.js';
import { PROCESSES, asgPage, findGroup, iso, renderActivity, renderAsgInstance, renderGroup, renderTag, resourceInUse } from './common.js';
import { deleteGroupState, terminateFromGroup } from './reconcile.js';

function launchSource(ctx: RequestContext, p: Params): { launchConfigurationName?: string; launchTemplate?: { id: string; name: string; version: string } } | undefined {
  const lcName = str(p, 'LaunchConfigurationName');
  const lt = obj(p, 'LaunchTemplate');
  if (obj(p, 'MixedInstancesPolicy') !== undefined) throw validationError('MixedInstancesPolicy is not supported by the simulator');
  if (lcName !== undefined && lt !== undefined) throw validationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  if (lcName !== undefined) {
    if (!ctx.region.autoScaling.launchConfigurations.has(lcName)) throw validationError(`Launch configuration name not found - Launch configuration ${lcName} not found`);
    return { launchConfigurationName: lcName };
  }
  if (lt !== undefined) {
    let t;
    try {
      t = findTemplate(ctx.region, lt);
    } catch (e) {
      throw validationError(`You must use a valid fully-formed launch template. ${(e as Error).message}`);
    }
    const version = str(lt, 'Version') ?? '$Default';
    if (version !== '$Latest' && version !== '$Default' && !t.versions.some((v) => String(v.versionNumber) === version)) {
      throw validationError(`You must use a valid fully-formed launch template. The specified launch template version ${version} does not exist.`);
    }
    return { launchTemplate: { id: t.launchTemplateId, name: t.launchTemplateName, version } };
  }
  return undefined;
}

function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) throw validationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
}

function checkAttachments(ctx: RequestContext, targetGroupArns: readonly string[], loadBalancerNames: readonly string[]): void {
  if (targetGroupArns.some((arn) => !ctx.region.elbv2.targetGroups.has(arn))) throw validationError('Provided Target Groups may not be valid. Please ensure they exist and try again.');
  if (loadBalancerNames.some((n) => !ctx.region.elb.loadBalancers.has(n))) throw validationError('Provided Load Balancers may not be valid. Please ensure they exist and try again.');
}

/** Zones and subnets: VPCZoneIdentifier (comma-separated subnet ids) implies the zones. */
function placement(ctx: RequestContext, p: Params): { zones: string[]; vpcZoneIdentifier: string } | undefined {
  const vzi = str(p, 'VPCZoneIdentifier');
  const zones = strings(p, 'AvailabilityZones');
  if (vzi !== undefined && vzi !== '') {
    const subnets = vzi.split(',').map((s) => s.trim());
    const found = subnets.map((s) => ctx.region.ec2.subnets.get(s));
    const missing = subnets.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) throw validationError(`The subnet ID '${missing.join(',')}' does not exist`);
    return { zones: [...new Set(found.map((s) => s?.availabilityZone ?? ''))], vpcZoneIdentifier: subnets.join(',') };
  }
  if (zones.length > 0) {
    const known = ctx.world.zones(ctx.region.name).map((z) => z.zoneName);
    const bad = zones.find((z) => !known.includes(z));
    if (bad !== undefined) throw validationError(`The availability zone '${bad}' is not legal for this region.`);
    return { zones, vpcZoneIdentifier: '' };
  }
  return undefined;
}

function parseTags(p: Params): AsgTag[] {
  return objects(p, 'Tags').map((t) => ({ key: str(t, 'Key') ?? '', value: str(t, 'Value') ?? '', propagateAtLaunch: bool(t, 'PropagateAtLaunch') ?? false }));
}

function groupFilterValues(g: AutoScalingGroup, name: string): readonly string[] | undefined {
  if (name.startsWith('tag:')) return g.tags.filter((t) => t.key === name.slice(4)).map((t) => t.value);
  if (name === 'tag-key') return g.tags.map((t) => t.key);
  if (name === 'tag-value') return g.tags.map((t) => t.value);
  return undefined;
}

const NOTIFICATION_TYPES = ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR', 'autoscaling:TEST_NOTIFICATION'];

export const groupActions: Record<string, ActionHandler> = {
  CreateAutoScalingGroup: (ctx, p) => {
    const name = str(p, 'AutoScalingGroupName') ?? '';
    if (name === '' || name.length > 255) throw validationError("1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null");
    if (ctx.region.autoScaling.groups.has(name)) throw new AwsError('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
    const source = launchSource(ctx, p);
    if (source === undefined) throw validationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
    const min = int(p, 'MinSize');
    const max = int(p, 'MaxSize');
    if (min === undefined || max === undefined) throw validationError(`1 validation error detected: Value null at '${min === undefined ? 'minSize' : 'maxSize'}' failed to satisfy constraint: Member must not be null`);
    const desired = int(p, 'DesiredCapacity') ?? min;
    checkSizes(min, max, desired);
    const where = placement(ctx, p);
    if (where === undefined) throw validationError('At least one Availability Zone or VPC Subnet is required.');
    const targetGroupArns = strings(p, 'TargetGroupARNs');
    const loadBalancerNames = strings(p, 'LoadBalancerNames');
    checkAttachments(ctx, targetGroupArns, loadBalancerNames);
    const g: AutoScalingGroup = {
      name,
      arn: `arn:aws:autoscaling:${ctx.region.name}:${ctx.account.id}:autoScalingGroup:${ctx.world.uuid()}:autoScalingGroupName/${name}`,
      ...source,
      minSize: min,
      maxSize: max,
      desiredCapacity: desired,
      defaultCooldown: int(p, 'DefaultCooldown') ?? 300,
      availabilityZones: where.zones,
      vpcZoneIdentifier: where.vpcZoneIdentifier,
      loadBalancerNames,
      targetGroupArns,
      healthCheckType: str(p, 'HealthCheckType') ?? 'EC2',
      healthCheckGracePeriod: int(p, 'HealthCheckGracePeriod') ?? 0,
      createdTime: ctx.world.now(),
      suspendedProcesses: [],
      tags: parseTags(p),
      terminationPolicies: strings(p, 'TerminationPolicies').length > 0 ? strings(p, 'TerminationPolicies') : ['Default'],
      newInstancesProtectedFromScaleIn: bool(p, 'NewInstancesProtectedFromScaleIn') ?? false,
      capacityRebalance: bool(p, 'CapacityRebalance') ?? false,
      instances: [],
      nextZone: 0,
    };
    ctx.region.autoScaling.groups.set(name, g);
    return undefined;
  },

  UpdateAutoScalingGroup: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    if (g.status !== undefined) throw new AwsError('ScalingActivityInProgress', 'The request failed because there is a deletion in progress for the Auto Scaling group.');
    const source = launchSource(ctx, p);
    const min = int(p, 'MinSize') ?? g.minSize;
    const max = int(p, 'MaxSize') ?? g.maxSize;
    let desired = int(p, 'DesiredCapacity');
    if (desired === undefined) desired = Math.min(max, Math.max(min, g.desiredCapacity));
    checkSizes(min, max, desired);
    const where = placement(ctx, p);
    if (source !== undefined) {
      delete g.launchConfigurationName;
      delete g.launchTemplate;
      Object.assign(g, source);
    }
    g.minSize = min;
    g.maxSize = max;
    g.desiredCapacity = desired;
    if (where !== undefined) {
      g.availabilityZones = where.zones;
      g.vpcZoneIdentifier = where.vpcZoneIdentifier;
    }
    g.defaultCooldown = int(p, 'DefaultCooldown') ?? g.defaultCooldown;
    g.healthCheckType = str(p, 'HealthCheckType') ?? g.healthCheckType;
    g.healthCheckGracePeriod = int(p, 'HealthCheckGracePeriod') ?? g.healthCheckGracePeriod;
    if (strings(p, 'TerminationPolicies').length > 0) g.terminationPolicies = strings(p, 'TerminationPolicies');
    g.newInstancesProtectedFromScaleIn = bool(p, 'NewInstancesProtectedFromScaleIn') ?? g.newInstancesProtectedFromScaleIn;
    g.capacityRebalance = bool(p, 'CapacityRebalance') ?? g.capacityRebalance;
    return undefined;
  },

  DeleteAutoScalingGroup: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const force = bool(p, 'ForceDelete') === true;
    if (g.instances.length > 0 && !force) throw resourceInUse('You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
    if (g.status === 'Delete in progress') throw new AwsError('ScalingActivityInProgress', 'An update or deletion is already in progress for this Auto Scaling group.');
    if (g.instances.length === 0) deleteGroupState(ctx.region, g.name);
    else {
      g.status = 'Delete in progress';
      g.desiredCapacity = 0;
      g.minSize = 0;
      for (const m of g.instances.filter((i) => i.lifecycleState !== 'Terminating')) terminateFromGroup(ctx.world, ctx.region, g, m, `At ${iso(ctx.world)} the group was deleted.`);
    }
    return undefined;
  },

  DescribeAutoScalingGroups: (ctx, p) => {
    const names = strings(p, 'AutoScalingGroupNames');
    const filters = objects(p, 'Filters').map((f) => ({ name: str(f, 'Name') ?? '', values: strings(f, 'Values') }));
    let groups = names.length > 0 ? names.map((n) => ctx.region.autoScaling.groups.get(n)).filter((g): g is AutoScalingGroup => g !== undefined) : [...ctx.region.autoScaling.groups.values()];
    for (const f of filters) {
      groups = groups.filter((g) => {
        const have = groupFilterValues(g, f.name);
        if (have === undefined) throw validationError(`Filter name ${f.name} is invalid`);
        return have.some((v) => f.values.includes(v));
      });
    }
    const page = asgPage(ctx, p, groups);
    return { AutoScalingGroups: page.items.map(renderGroup), NextToken: page.next };
  },

  DescribeAutoScalingInstances: (ctx, p) => {
    const ids = strings(p, 'InstanceIds');
    const rows = [...ctx.region.autoScaling.groups.values()].flatMap((g) => g.instances.filter((i) => ids.length === 0 || ids.includes(i.instanceId)).map((i) => ({ g, i })));
    const page = asgPage(ctx, p, rows);
    return {
      // AutoScalingInstanceDetails reports HealthStatus in capitals (HEALTHY / UNHEALTHY).
      AutoScalingInstances: page.items.map(({ g, i }) => ({ ...renderAsgInstance(i), AutoScalingGroupName: g.name, HealthStatus: i.healthStatus.toUpperCase() })),
      NextToken: page.next,
    };
  },

  SetDesiredCapacity: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const desired = int(p, 'DesiredCapacity');
    if (desired === undefined) throw validationError("1 validation error detected: Value null at 'desiredCapacity' failed to satisfy constraint: Member must not be null");
    if (desired > g.maxSize) throw validationError(`New SetDesiredCapacity value ${desired} is above max value ${g.maxSize} for the AutoScalingGroup.`);
    if (desired < g.minSize) throw validationError(`New SetDesiredCapacity value ${desired} is below min value ${g.minSize} for the AutoScalingGroup.`);
    g.desiredCapacity = desired;
    return undefined;
  },

  TerminateInstanceInAutoScalingGroup: (ctx, p) => {
    const instanceId = str(p, 'InstanceId') ?? '';
    const decrement = bool(p, 'ShouldDecrementDesiredCapacity');
    if (decrement === undefined) throw validationError("1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null");
    const g = [...ctx.region.autoScaling.groups.values()].find((x) => x.instances.some((i) => i.instanceId === instanceId));
    const member = g?.instances.find((i) => i.instanceId === instanceId);
    if (g === undefined || member === undefined) throw validationError(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    if (decrement && g.desiredCapacity <= g.minSize) {
      throw validationError(`Currently, desiredSize equals minSize (${g.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`);
    }
    if (decrement) g.desiredCapacity--;
    const cause = decrement
      ? `At ${iso(ctx.world)} instance ${instanceId} was taken out of service in response to a user request, shrinking the capacity from ${g.desiredCapacity + 1} to ${g.desiredCapacity}.`
      : `At ${iso(ctx.world)} instance ${instanceId} was taken out of service in response to a user request.`;
    if (member.lifecycleState !== 'Terminating') terminateFromGroup(ctx.world, ctx.region, g, member, cause);
    return { Activity: member.activity === undefined ? undefined : renderActivity(member.activity) };
  },

  SetInstanceProtection: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const protect = bool(p, 'ProtectedFromScaleIn') ?? false;
    for (const id of strings(p, 'InstanceIds')) {
      const m = g.instances.find((i) => i.instanceId === id);
      if (m === undefined) throw validationError(`The instance ${id} is not part of Auto Scaling group ${g.name}.`);
      m.protectedFromScaleIn = protect;
    }
    return {};
  },

  SuspendProcesses: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const wanted = strings(p, 'ScalingProcesses');
    const list = wanted.length > 0 ? wanted : [...PROCESSES];
    for (const name of list) {
      if (!(PROCESSES as readonly string[]).includes(name)) throw validationError(`Invalid scaling process name: ${name}`);
      if (!g.suspendedProcesses.some((s) => s.processName === name)) g.suspendedProcesses.push({ processName: name, suspensionReason: `User suspended at ${iso(ctx.world)}` });
    }
    return undefined;
  },

  ResumeProcesses: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const wanted = strings(p, 'ScalingProcesses');
    g.suspendedProcesses = wanted.length === 0 ? [] : g.suspendedProcesses.filter((s) => !wanted.includes(s.processName));
    return undefined;
  },

  DescribeScalingProcessTypes: () => ({ Processes: PROCESSES.map((ProcessName) => ({ ProcessName })) }),

  AttachLoadBalancerTargetGroups: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const arns = strings(p, 'TargetGroupARNs');
    checkAttachments(ctx, arns, []);
    for (const arn of arns) {
      if (g.targetGroupArns.includes(arn)) continue;
      g.targetGroupArns.push(arn);
      for (const m of g.instances) if (m.lifecycleState === 'InService') registerTarget(ctx.region, arn, m.instanceId, undefined, ctx.world.tickCount);
    }
    return {};
  },

  DetachLoadBalancerTargetGroups: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    for (const arn of strings(p, 'TargetGroupARNs')) {
      if (!g.targetGroupArns.includes(arn)) continue;
      g.targetGroupArns = g.targetGroupArns.filter((a) => a !== arn);
      for (const m of g.instances) deregisterTarget(ctx.region, arn, m.instanceId, undefined, ctx.world.tickCount);
    }
    return {};
  },

  DescribeLoadBalancerTargetGroups: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const page = asgPage(ctx, p, g.targetGroupArns);
    return { LoadBalancerTargetGroups: page.items.map((arn) => ({ LoadBalancerTargetGroupARN: arn, State: 'InService' })), NextToken: page.next };
  },

  AttachLoadBalancers: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const names = strings(p, 'LoadBalancerNames');
    checkAttachments(ctx, [], names);
    for (const n of names) {
      if (g.loadBalancerNames.includes(n)) continue;
      g.loadBalancerNames.push(n);
      for (const m of g.instances) if (m.lifecycleState === 'InService') registerWithClassic(ctx.region, n, m.instanceId, ctx.world.tickCount);
    }
    return {};
  },

  DetachLoadBalancers: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    for (const n of strings(p, 'LoadBalancerNames')) {
      if (!g.loadBalancerNames.includes(n)) continue;
      g.loadBalancerNames = g.loadBalancerNames.filter((x) => x !== n);
      for (const m of g.instances) deregisterFromClassic(ctx.region, n, m.instanceId);
    }
    return {};
  },

  DescribeLoadBalancers: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const page = asgPage(ctx, p, g.loadBalancerNames);
    return { LoadBalancers: page.items.map((n) => ({ LoadBalancerName: n, State: 'InService' })), NextToken: page.next };
  },

  CreateOrUpdateTags: (ctx, p) => {
    for (const t of objects(p, 'Tags')) {
      const g = findGroup(ctx, str(t, 'ResourceId'));
      const tag = { key: str(t, 'Key') ?? '', value: str(t, 'Value') ?? '', propagateAtLaunch: bool(t, 'PropagateAtLaunch') ?? false };
      if (tag.key === '') throw validationError("1 validation error detected: Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null");
      g.tags = [...g.tags.filter((x) => x.key !== tag.key), tag];
    }
    return undefined;
  },

  DeleteTags: (ctx, p) => {
    for (const t of objects(p, 'Tags')) {
      const g = findGroup(ctx, str(t, 'ResourceId'));
      g.tags = g.tags.filter((x) => x.key !== str(t, 'Key'));
    }
    return undefined;
  },

  DescribeTags: (ctx, p) => {
    const filters = objects(p, 'Filters').map((f) => ({ name: str(f, 'Name') ?? '', values: strings(f, 'Values') }));
    const rows = [...ctx.region.autoScaling.groups.values()].flatMap((g) => g.tags.map((t) => ({ g, t })));
    const selected = rows.filter(({ g, t }) =>
      filters.every((f) => {
        const v = { 'auto-scaling-group': g.name, key: t.key, value: t.value, 'propagate-at-launch': String(t.propagateAtLaunch) }[f.name];
        if (v === undefined) throw validationError(`Filter name ${f.name} is invalid`);
        return f.values.includes(v);
      }),
    );
    const page = asgPage(ctx, p, selected);
    return { Tags: page.items.map(({ g, t }) => renderTag(g, t)), NextToken: page.next };
  },

  DescribeScalingActivities: (ctx, p) => {
    const name = str(p, 'AutoScalingGroupName');
    const ids = strings(p, 'ActivityIds');
    if (name !== undefined && !ctx.region.autoScaling.groups.has(name) && !ctx.region.autoScaling.activities.some((a) => a.autoScalingGroupName === name)) {
      return { Activities: [] };
    }
    const activities = ctx.region.autoScaling.activities.filter((a) => (name === undefined || a.autoScalingGroupName === name) && (ids.length === 0 || ids.includes(a.activityId)));
    const page = asgPage(ctx, p, activities, 100, 100);
    return { Activities: page.items.map(renderActivity), NextToken: page.next };
  },

  PutNotificationConfiguration: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const topic = str(p, 'TopicARN') ?? '';
    if (!/^arn:aws:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(topic)) throw validationError(`Invalid SNS topic ARN: ${topic}`);
    const types = strings(p, 'NotificationTypes');
    const bad = types.find((t) => !NOTIFICATION_TYPES.includes(t));
    if (bad !== undefined) throw validationError(`Invalid notification type: ${bad}`);
    g.notifications = g.notifications ?? new Map();
    g.notifications.set(topic, types);
    return undefined;
  },

  DescribeNotificationConfigurations: (ctx, p) => {
    const names = strings(p, 'AutoScalingGroupNames');
    const rows = [...ctx.region.autoScaling.groups.values()]
      .filter((g) => names.length === 0 || names.includes(g.name))
      .flatMap((g) => [...(g.notifications ?? new Map<string, string[]>())].flatMap(([TopicARN, types]) => types.map((NotificationType) => ({ AutoScalingGroupName: g.name, TopicARN, NotificationType }))));
    const page = asgPage(ctx, p, rows);
    return { NotificationConfigurations: page.items, NextToken: page.next };
  },

  DeleteNotificationConfiguration: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    g.notifications?.delete(str(p, 'TopicARN') ?? '');
    return undefined;
  },

  DescribeAutoScalingNotificationTypes: () => ({ AutoScalingNotificationTypes: NOTIFICATION_TYPES }),

  EnableMetricsCollection: (ctx, p) => {
    findGroup(ctx, str(p, 'AutoScalingGroupName'));
    return undefined;
  },

  DisableMetricsCollection: (ctx, p) => {
    findGroup(ctx, str(p, 'AutoScalingGroupName'));
    return undefined;
  },

  DescribeAccountLimits: (ctx) => ({
    MaxNumberOfAutoScalingGroups: 500,
    MaxNumberOfLaunchConfigurations: 200,
    NumberOfAutoScalingGroups: ctx.region.autoScaling.groups.size,
    NumberOfLaunchConfigurations: ctx.region.autoScaling.launchConfigurations.size,
  }),
};


/**
 * How an Auto Scaling group converges, one step per tick (docs.aws.amazon.com/autoscaling/ec2/userguide/):
 * - fewer live instances than desired: launch the difference across the group's zones (the
 *   zone with fewest instances first), `Pending` until EC2 reports them running, then `InService`
 *   and registered with the attached target groups and classic load balancers (unless
 *   AddToLoadBalancer is suspended);
 * - more than desired: pick instances by the default termination policy (zone with most
 *   instances, then instances not on the current launch template/configuration, then oldest
 *   launch), deregister them, terminate them (`Terminating` until EC2 reports them terminated);
 * - instances terminated or stopped behind the group's back are marked Unhealthy and replaced;
 * - a force-deleted group disappears once its instances are gone.
 * Launch and Terminate processes can be suspended. Each change is recorded as a scaling activity.
 */
import { AwsError } from '../../errors.js';
import type { AsgInstance, AutoScalingGroup, RegionState } from '../../state.js';
import type { AwsWorld, SimAccount } from '../../world.js';
import { beginTermination, launchInstances } from '../ec2/instances.js';
import type { LaunchSpec } from '../ec2/instances.js';
import { findTemplate, launchSpecOfTemplate, templateVersion } from '../ec2/launchTemplates.js';
import { deregisterFromClassic, deregisterTarget, registerTarget, registerWithClassic, reportedUnhealthy } from '../lbMembership.js';
import { iso, recordActivity, suspended } from './common.js';

/** What the group launches now: from its launch template version or launch configuration. */
export function groupLaunchSpec(region: RegionState, g: AutoScalingGroup): Omit<LaunchSpec, 'count' | 'subnetId' | 'availabilityZone'> & { instanceType: string } {
  const tags = g.tags.filter((t) => t.propagateAtLaunch).map((t) => [t.key, t.value] as const);
  const groupTag = ['aws:autoscaling:groupName', g.name] as const;
  if (g.launchTemplate !== undefined) {
    const t = findTemplate(region, { LaunchTemplateId: g.launchTemplate.id });
    const v = templateVersion(t, g.launchTemplate.version);
    const spec = launchSpecOfTemplate(v.data);
    return {
      imageId: spec.imageId,
      instanceType: spec.instanceType ?? 'm1.small',
      keyName: spec.keyName,
      securityGroupIds: spec.securityGroupIds,
      securityGroupNames: spec.securityGroupNames,
      userData: spec.userData,
      iamInstanceProfile: spec.iamInstanceProfile,
      launchTemplate: { id: t.launchTemplateId, version: String(v.versionNumber) },
      tags: [...spec.tags, ...tags, groupTag],
    };
  }
  const lc = region.autoScaling.launchConfigurations.get(g.launchConfigurationName ?? '');
  if (lc === undefined) throw new AwsError('ValidationError', `Launch configuration name not found - Launch configuration ${g.launchConfigurationName ?? ''} not found`);
  const sgIds = lc.securityGroups.filter((s) => s.startsWith('sg-'));
  return {
    imageId: lc.imageId,
    instanceType: lc.instanceType,
    keyName: lc.keyName,
    securityGroupIds: sgIds,
    securityGroupNames: lc.securityGroups.filter((s) => !s.startsWith('sg-')),
    userData: lc.userData,
    iamInstanceProfile: lc.iamInstanceProfile,
    tags: [...tags, groupTag],
  };
}

/** Where the next instance goes: the zone (or subnet) with the fewest live instances. */
function nextPlacement(region: RegionState, g: AutoScalingGroup): { subnetId?: string; availabilityZone?: string } {
  const subnets = g.vpcZoneIdentifier.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const slots = subnets.length > 0 ? subnets.map((s) => ({ subnetId: s, zone: region.ec2.subnets.get(s)?.availabilityZone ?? '' })) : g.availabilityZones.map((z) => ({ subnetId: undefined, zone: z }));
  const live = (zone: string): number => g.instances.filter((i) => i.availabilityZone === zone && i.lifecycleState !== 'Terminating').length;
  const start = g.nextZone % Math.max(1, slots.length);
  const rotated = [...slots.slice(start), ...slots.slice(0, start)];
  const best = rotated.reduce((a, b) => (live(b.zone) < live(a.zone) ? b : a), rotated[0] ?? { subnetId: undefined, zone: '' });
  g.nextZone++;
  return best.subnetId !== undefined ? { subnetId: best.subnetId } : { availabilityZone: best.zone };
}

export function launchIntoGroup(world: AwsWorld, account: SimAccount, region: RegionState, g: AutoScalingGroup, count: number, cause: string): number {
  let launched = 0;
  for (let n = 0; n < count; n++) {
    try {
      const spec = groupLaunchSpec(region, g);
      const [instance] = launchInstances(world, account, region, { ...spec, ...nextPlacement(region, g), count: 1, requesterId: '940372691376' });
      if (instance === undefined) break;
      g.instances.push({
        instanceId: instance.instanceId,
        availabilityZone: instance.availabilityZone,
        lifecycleState: 'Pending',
        healthStatus: 'Healthy',
        instanceType: instance.instanceType,
        ...(g.launchConfigurationName === undefined ? {} : { launchConfigurationName: g.launchConfigurationName }),
        ...(g.launchTemplate === undefined ? {} : { launchTemplate: { ...g.launchTemplate, version: g.launchTemplate.version } }),
        protectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
      });
      const member = g.instances[g.instances.length - 1];
      if (member !== undefined) member.activity = recordActivity(world, region, g, `Launching a new EC2 instance: ${instance.instanceId}`, cause);
      launched++;
    } catch (e) {
      const message = e instanceof AwsError ? e.message : String(e);
      recordActivity(world, region, g, 'Launching a new EC2 instance.  Status Reason: ' + message, cause, 'Failed');
      break;
    }
  }
  return launched;
}

/** Takes an instance out of service: deregistered, terminated in EC2, `Terminating` in the group. */
export function terminateFromGroup(world: AwsWorld, region: RegionState, g: AutoScalingGroup, member: AsgInstance, cause: string): void {
  for (const arn of g.targetGroupArns) deregisterTarget(region, arn, member.instanceId, undefined, world.tickCount);
  for (const name of g.loadBalancerNames) deregisterFromClassic(region, name, member.instanceId);
  member.lifecycleState = 'Terminating';
  const instance = region.ec2.instances.get(member.instanceId);
  if (instance !== undefined) beginTermination(world, instance, 'Service initiated');
  finishActivity(world, member, 'Cancelled');
  member.activity = recordActivity(world, region, g, `Terminating EC2 instance: ${member.instanceId}`, cause);
}

/** Ends the member's activity in progress (Successful when its instance got where it was going). */
function finishActivity(world: AwsWorld, member: AsgInstance, status: 'Successful' | 'Cancelled'): void {
  const activity = member.activity;
  if (activity === undefined || activity.statusCode !== 'InProgress') return;
  activity.statusCode = status;
  activity.progress = 100;
  activity.endTime = world.now();
  delete member.activity;
}

/** Default termination policy: zone with most instances, then not on the current launch settings, then newest index last. */
function pickVictim(region: RegionState, g: AutoScalingGroup): AsgInstance | undefined {
  const candidates = g.instances.filter((i) => i.lifecycleState !== 'Terminating' && !i.protectedFromScaleIn);
  if (candidates.length === 0) return undefined;
  const perZone = new Map<string, number>();
  for (const i of candidates) perZone.set(i.availabilityZone, (perZone.get(i.availabilityZone) ?? 0) + 1);
  const most = Math.max(...perZone.values());
  const inZone = candidates.filter((i) => perZone.get(i.availabilityZone) === most);
  const outdated = inZone.filter((i) => (g.launchTemplate !== undefined ? i.launchTemplate?.id !== g.launchTemplate.id || i.launchTemplate.version !== g.launchTemplate.version : i.launchConfigurationName !== g.launchConfigurationName));
  const pool = outdated.length > 0 ? outdated : inZone;
  const launchTime = (i: AsgInstance): number => region.ec2.instances.get(i.instanceId)?.launchTime.getTime() ?? 0;
  return pool.reduce((a, b) => (launchTime(b) < launchTime(a) ? b : a));
}

/**
 * A rolling instance refresh (StartInstanceRefresh): while fewer than
 * `desired - ceil(desired * MinHealthyPercentage / 100)` (at least one) instances are out of
 * service, terminate more of the instances the refresh still has to replace; the normal
 * convergence launches their replacements from the group's current launch settings. Done when
 * none is left and the group is InService at capacity.
 */
function stepRefresh(world: AwsWorld, region: RegionState, g: AutoScalingGroup): number {
  const refresh = region.autoScaling.instanceRefreshes.find((r) => r.autoScalingGroupName === g.name && (r.status === 'Pending' || r.status === 'InProgress'));
  if (refresh === undefined) return 0;
  let changes = 0;
  if (refresh.status === 'Pending') {
    refresh.status = 'InProgress';
    changes++;
  }
  for (const id of refresh.toReplace) if (!g.instances.some((i) => i.instanceId === id && i.lifecycleState !== 'Terminating')) refresh.toReplace.delete(id);
  const inService = g.instances.filter((i) => i.lifecycleState === 'InService').length;
  if (refresh.toReplace.size === 0) {
    if (inService >= g.desiredCapacity && g.instances.every((i) => i.lifecycleState === 'InService')) {
      refresh.status = 'Successful';
      refresh.endTime = world.now();
      changes++;
    }
    return changes;
  }
  const allowedDown = Math.max(1, g.desiredCapacity - Math.ceil((g.desiredCapacity * refresh.minHealthyPercentage) / 100));
  const down = g.desiredCapacity - inService;
  for (let n = down; n < allowedDown; n++) {
    const id = [...refresh.toReplace][0];
    const member = g.instances.find((i) => i.instanceId === id);
    if (id === undefined || member === undefined) break;
    refresh.toReplace.delete(id);
    terminateFromGroup(world, region, g, member, `At ${iso(world)} an instance was taken out of service in response to an instance refresh.`);
    changes++;
  }
  return changes;
}

export function reconcileGroup(world: AwsWorld, account: SimAccount, region: RegionState, g: AutoScalingGroup): number {
  let changes = stepRefresh(world, region, g);
  const tick = world.tickCount;
  for (const member of [...g.instances]) {
    const instance = region.ec2.instances.get(member.instanceId);
    if (member.lifecycleState === 'Terminating') {
      if (instance === undefined || instance.state === 'terminated') {
        g.instances.splice(g.instances.indexOf(member), 1);
        finishActivity(world, member, 'Successful');
        changes++;
      }
      continue;
    }
    if (instance === undefined || instance.state === 'terminated' || instance.state === 'shutting-down' || instance.state === 'stopped' || instance.state === 'stopping') {
      if (member.healthStatus === 'Healthy') {
        member.healthStatus = 'Unhealthy';
        changes++;
      }
      if (!suspended(g, 'ReplaceUnhealthy') && !suspended(g, 'Terminate')) {
        terminateFromGroup(world, region, g, member, `At ${iso(world)} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`);
        changes++;
      }
      continue;
    }
    // HealthCheckType ELB: after the grace period, an instance a load balancer reports unhealthy
    // is marked Unhealthy (HealthCheck process) and replaced (ReplaceUnhealthy).
    const graceOver = world.clock.now() - instance.launchTime.getTime() >= g.healthCheckGracePeriod * 1000;
    if (member.lifecycleState === 'InService' && g.healthCheckType === 'ELB' && graceOver && !suspended(g, 'HealthCheck') && reportedUnhealthy(region, member.instanceId, g.targetGroupArns, g.loadBalancerNames)) {
      if (member.healthStatus === 'Healthy') {
        member.healthStatus = 'Unhealthy';
        changes++;
      }
      if (!suspended(g, 'ReplaceUnhealthy') && !suspended(g, 'Terminate')) {
        terminateFromGroup(world, region, g, member, `At ${iso(world)} an instance was taken out of service in response to an ELB system health check failure.`);
        changes++;
      }
      continue;
    }
    if (member.lifecycleState === 'Pending' && instance.state === 'running') {
      member.lifecycleState = 'InService';
      if (!suspended(g, 'AddToLoadBalancer')) {
        for (const arn of g.targetGroupArns) registerTarget(region, arn, member.instanceId, undefined, tick);
        for (const name of g.loadBalancerNames) registerWithClassic(region, name, member.instanceId, tick);
      }
      finishActivity(world, member, 'Successful');
      changes++;
    }
  }
  if (g.status === 'Delete in progress') {
    for (const member of g.instances.filter((i) => i.lifecycleState !== 'Terminating')) {
      terminateFromGroup(world, region, g, member, `At ${iso(world)} the group was deleted.`);
      changes++;
    }
    if (g.instances.length === 0) {
      deleteGroupState(region, g.name);
      changes++;
    }
    return changes;
  }
  const live = g.instances.filter((i) => i.lifecycleState !== 'Terminating').length;
  if (live < g.desiredCapacity && !suspended(g, 'Launch')) {
    const cause = `At ${iso(world)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${live} to ${g.desiredCapacity}.`;
    changes += launchIntoGroup(world, account, region, g, g.desiredCapacity - live, cause);
  } else if (live > g.desiredCapacity && !suspended(g, 'Terminate')) {
    const cause = `At ${iso(world)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${live} to ${g.desiredCapacity}.`;
    for (let n = live; n > g.desiredCapacity; n--) {
      const victim = pickVictim(region, g);
      if (victim === undefined) break;
      terminateFromGroup(world, region, g, victim, cause);
      changes++;
    }
  }
  return changes;
}

/** Removes a group and what belongs to it (policies, scheduled actions, lifecycle hooks). */
export function deleteGroupState(region: RegionState, name: string): void {
  const as = region.autoScaling;
  as.groups.delete(name);
  for (const [k, v] of as.policies) if (v.autoScalingGroupName === name) as.policies.delete(k);
  for (const [k, v] of as.scheduledActions) if (v.autoScalingGroupName === name) as.scheduledActions.delete(k);
  for (const [k, v] of as.lifecycleHooks) if (v.autoScalingGroupName === name) as.lifecycleHooks.delete(k);
}

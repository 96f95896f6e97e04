/**
 * Instance membership of load balancers, shared by ELB (Register/Deregister calls), Auto Scaling
 * (attached target groups and classic load balancers) and the convergence loop: target groups'
 * targets and their health states, classic load balancers' registered instances.
 */
import type { RegionState } from '../state.js';

/**
 * The simulator's health switch: an instance tagged `sim:health=unhealthy` (directly, through its
 * launch template's TagSpecifications, or an Auto Scaling tag propagated at launch) fails every
 * load balancer health check, so failed deployments can be simulated.
 */
export const HEALTH_TAG = 'sim:health';

export function failsHealthChecks(region: RegionState, instanceId: string): boolean {
  return region.ec2.tags.get(instanceId)?.get(HEALTH_TAG) === 'unhealthy';
}

/** Whether a load balancer reports the instance unhealthy (a target group target or a classic registration). */
export function reportedUnhealthy(region: RegionState, instanceId: string, targetGroupArns: readonly string[], loadBalancerNames: readonly string[]): boolean {
  for (const arn of targetGroupArns) for (const t of region.elbv2.targetGroups.get(arn)?.targets.values() ?? []) if (t.id === instanceId && t.state === 'unhealthy') return true;
  for (const name of loadBalancerNames) if (region.elb.loadBalancers.get(name)?.instances.get(instanceId)?.failed === true) return true;
  return false;
}

/** Registers an instance with a target group (`initial` until the next health check). */
export function registerTarget(region: RegionState, targetGroupArn: string, id: string, port: number | undefined, tick: number): void {
  const tg = region.elbv2.targetGroups.get(targetGroupArn);
  if (tg === undefined) return;
  const p = port ?? tg.port ?? 80;
  const key = `${id}:${p}`;
  const existing = tg.targets.get(key);
  if (existing !== undefined && existing.state !== 'draining') return;
  tg.targets.set(key, { id, port: p, state: 'initial', since: tick });
}

/** Starts draining every registration of `id` (removed after the deregistration delay). */
export function deregisterTarget(region: RegionState, targetGroupArn: string, id: string, port: number | undefined, tick: number): void {
  const tg = region.elbv2.targetGroups.get(targetGroupArn);
  if (tg === undefined) return;
  for (const t of tg.targets.values()) {
    if (t.id === id && (port === undefined || t.port === port) && t.state !== 'draining') {
      t.state = 'draining';
      t.since = tick;
    }
  }
}

export function registerWithClassic(region: RegionState, name: string, instanceId: string, tick: number): void {
  const lb = region.elb.loadBalancers.get(name);
  if (lb !== undefined && !lb.instances.has(instanceId)) lb.instances.set(instanceId, { state: 'OutOfService', since: tick });
}

export function deregisterFromClassic(region: RegionState, name: string, instanceId: string): void {
  region.elb.loadBalancers.get(name)?.instances.delete(instanceId);
}

/**
 * The simulator's clockwork: each tick moves every region of every account one step closer to
 * what was asked, in this order:
 * 1. EC2: pending -> running, shutting-down -> terminated, stopping -> stopped;
 * 2. load balancing: provisioning -> active; targets `initial` -> `healthy` (or `unhealthy` when
 *    the instance is not running or tagged `sim:health=unhealthy`, `unused` when no listener
 *    forwards to the group), `draining` targets leave; classic ELB instances OutOfService -> InService;
 * 3. Auto Scaling groups converge on their desired capacity (autoScaling/reconcile.ts).
 * So a group of N behind a target group is InService after two ticks and healthy after three.
 * Ticks are driven by tests (`sim.tick()`, `sim.converge()`) or by a timer in the CLI, so nothing
 * depends on wall-clock sleeps.
 */
import { reconcileGroup } from './services/autoScaling/reconcile.js';
import { TERMINATED_RETENTION_MS } from './services/ec2/instances.js';
import { loadBalancersOf } from './services/elbv2/common.js';
import { failsHealthChecks } from './services/lbMembership.js';
import type { RegionState } from './state.js';
import type { AwsWorld, SimAccount } from './world.js';

export class Convergence {
  constructor(private readonly world: AwsWorld) {}

  /** One step everywhere; returns the number of changes made. */
  tick(): number {
    let changes = 0;
    for (const account of this.world.accounts.values()) for (const region of account.regions()) changes += this.stepRegion(account, region);
    this.world.tickCount++;
    return changes;
  }

  /** Ticks until a step changes nothing (at most 100); returns the steps taken. */
  converge(): number {
    let steps = 0;
    while (steps < 100) {
      steps++;
      if (this.tick() === 0) break;
    }
    return steps;
  }

  private stepRegion(account: SimAccount, region: RegionState): number {
    let changes = this.stepInstances(region);
    changes += this.stepLoadBalancing(region);
    for (const g of [...region.autoScaling.groups.values()]) changes += reconcileGroup(this.world, account, region, g);
    return changes;
  }

  private stepLoadBalancing(region: RegionState): number {
    let changes = 0;
    for (const lb of region.elbv2.loadBalancers.values()) {
      if (lb.state === 'provisioning') {
        lb.state = 'active';
        changes++;
      }
    }
    for (const tg of region.elbv2.targetGroups.values()) {
      const used = loadBalancersOf(region.elbv2, tg.arn).length > 0;
      for (const [key, t] of tg.targets) {
        const running = tg.targetType !== 'instance' || (region.ec2.instances.get(t.id)?.state === 'running' && !failsHealthChecks(region, t.id));
        const next = t.state === 'draining' ? undefined : !used ? 'unused' : t.state === 'unused' ? 'initial' : running ? 'healthy' : 'unhealthy';
        if (next === undefined) {
          tg.targets.delete(key);
          changes++;
        } else if (next !== t.state) {
          t.state = next;
          t.since = this.world.tickCount;
          changes++;
        }
      }
    }
    for (const lb of region.elb.loadBalancers.values()) {
      for (const [id, reg] of lb.instances) {
        const failed = failsHealthChecks(region, id);
        const next = region.ec2.instances.get(id)?.state === 'running' && !failed ? 'InService' : 'OutOfService';
        if (next !== reg.state || failed !== (reg.failed ?? false)) {
          reg.state = next;
          reg.failed = failed;
          reg.since = this.world.tickCount;
          changes++;
        }
      }
    }
    return changes;
  }

  private stepInstances(region: RegionState): number {
    let changes = 0;
    const now = this.world.clock.now();
    for (const i of region.ec2.instances.values()) {
      if (i.state === 'pending') {
        i.state = 'running';
        changes++;
      } else if (i.state === 'shutting-down') {
        i.state = 'terminated';
        i.terminatedAt = now;
        changes++;
      } else if (i.state === 'stopping') {
        i.state = 'stopped';
        changes++;
      } else if (i.state === 'terminated' && i.terminatedAt !== undefined && now - i.terminatedAt >= TERMINATED_RETENTION_MS) {
        // Gone from DescribeInstances after about an hour; forgotten here so memory stays bounded.
        region.ec2.instances.delete(i.instanceId);
        region.ec2.tags.delete(i.instanceId);
      }
    }
    return changes;
  }
}

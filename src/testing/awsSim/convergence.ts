/**
 * The simulator's clockwork: each tick moves every region of every account one step closer to
 * what was asked. EC2 instances go pending -> running, shutting-down -> terminated,
 * stopping -> stopped. Ticks are driven by tests (`sim.tick()`) or by a timer in the CLI, so
 * nothing depends on wall-clock sleeps.
 */
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

  private stepRegion(_account: SimAccount, region: RegionState): number {
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
      }
    }
    return changes;
  }
}

import type { Clock } from '../../core/Clock.js';
import type { ReplicaRegistry } from '../../core/agents/ReplicaRegistry.js';

/** Replicas of one process (the single-instance default; tests share one between apps). */
export class InMemoryReplicaRegistry implements ReplicaRegistry {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly opts: { clock: Clock; ttlMs: number }) {}

  async heartbeat(replicaId: string): Promise<void> {
    this.lastSeen.set(replicaId, this.opts.clock.now());
  }

  async replicas(): Promise<string[]> {
    const oldest = this.opts.clock.now() - this.opts.ttlMs;
    return [...this.lastSeen].filter(([, at]) => at > oldest).map(([id]) => id).sort();
  }

  async remove(replicaId: string): Promise<void> {
    this.lastSeen.delete(replicaId);
  }

  async close(): Promise<void> {}
}

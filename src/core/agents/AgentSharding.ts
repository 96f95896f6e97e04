/**
 * Which caching agents this instance runs when several share a store (Clouddriver's
 * `CachingPodsObserver`, the `ShardingFilter` of `cache-sharding`): every caching replica
 * heartbeats into the `ReplicaRegistry`, and an agent runs on the replica at
 * `abs(javaHashCode(account)) % count` of the live replicas, sorted, where the account is the
 * agent type up to its first `/` (the whole type when it has none). The per-agent lease still
 * guards every run; the filter spreads the agents instead of letting the instance that first
 * took an agent keep it. With one replica (or none known yet) every agent is this instance's.
 *
 * Membership is refreshed by `tick()`, every third of the replica time to live once started;
 * while the registry cannot be read the last membership stands.
 */
import type { Logger } from '../Logger.js';
import type { CachingAgent } from './CachingAgent.js';
import { shardOf, type ReplicaRegistry } from './ReplicaRegistry.js';

export interface AgentShardingOptions {
  readonly replicas: ReplicaRegistry;
  readonly replicaId: string;
  /** Whether this instance is a caching replica (heartbeats); a read-only instance runs nothing anyway. */
  readonly caching: boolean;
  readonly replicaTtlMs: number;
  readonly logger: Logger;
}

/** The shard key of an agent: its account, as upstream cuts it from the agent type. */
export function shardKeyOf(agentType: string): string {
  const slash = agentType.indexOf('/');
  return slash < 0 ? agentType : agentType.slice(0, slash);
}

export class AgentSharding {
  private members: readonly string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AgentShardingOptions) {}

  /** Whether this instance should run `agent` now. */
  runsHere(agent: Pick<CachingAgent, 'agentType'>): boolean {
    const m = this.members;
    if (m.length <= 1 || !m.includes(this.opts.replicaId)) return true;
    return m[shardOf(shardKeyOf(agent.agentType), m.length)] === this.opts.replicaId;
  }

  /** The live caching replicas as last read. */
  replicas(): readonly string[] {
    return this.members;
  }

  /** Heartbeats (as a caching replica) and re-reads the membership. */
  async tick(): Promise<void> {
    try {
      if (this.opts.caching) await this.opts.replicas.heartbeat(this.opts.replicaId);
      const next = await this.opts.replicas.replicas();
      if (next.join() !== this.members.join()) this.opts.logger.info({ replicas: next.length }, 'caching replicas changed; agents re-sharded');
      this.members = next;
    } catch (err) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the caching replicas; keeping the agents as sharded');
    }
  }

  start(): void {
    if (this.timer !== undefined) return;
    const every = Math.max(200, Math.floor(this.opts.replicaTtlMs / 3));
    const loop = (): void => {
      this.timer = setTimeout(() => void this.tick().finally(() => this.timer !== undefined && loop()), every);
      this.timer.unref();
    };
    void this.tick();
    loop();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

import { describe, expect, it } from 'vitest';
import { silentLogger } from '../Logger.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { InMemoryReplicaRegistry } from '../../stores/memory/InMemoryReplicaRegistry.js';
import { AgentSharding, shardKeyOf } from './AgentSharding.js';
import { shardOf } from './ReplicaRegistry.js';

describe('AgentSharding', () => {
  const clock = new ManualClock(1_000_000);
  const registry = new InMemoryReplicaRegistry({ clock, ttlMs: 3000 });
  const sharding = (id: string, caching = true) => new AgentSharding({ replicas: registry, replicaId: id, caching, replicaTtlMs: 3000, logger: silentLogger });

  it('cuts the account from the agent type as upstream', () => {
    expect(shardKeyOf('prod/us-east-1/ClusterCachingAgent')).toBe('prod');
    expect(shardKeyOf('standalone')).toBe('standalone');
  });

  it('runs everything alone, splits agents by account among live replicas, and takes a dead replica’s share', async () => {
    const [a, b, c] = [sharding('a'), sharding('b'), sharding('c')];
    await a.tick();
    const agents = Array.from({ length: 60 }, (_, i) => ({ agentType: `acct${i}/Agent` }));
    expect(agents.every((x) => a.runsHere(x))).toBe(true);
    await b.tick();
    await c.tick();
    await a.tick();
    await b.tick();
    const owners = agents.map((x) => [a, b, c].filter((s) => s.runsHere(x)).length);
    expect(owners.every((n) => n === 1)).toBe(true);
    // The expected split: abs(javaHashCode(account)) % 3 over the sorted replicas a, b, c.
    expect(agents.filter((x) => a.runsHere(x)).map((x) => x.agentType)).toEqual(agents.filter((x) => shardOf(shardKeyOf(x.agentType), 3) === 0).map((x) => x.agentType));
    // c stops heartbeating: once its entry expires, a and b split everything.
    clock.advance(3001);
    await a.tick();
    await b.tick();
    await a.tick();
    expect(a.replicas()).toEqual(['a', 'b']);
    expect(agents.map((x) => [a, b].filter((s) => s.runsHere(x)).length).every((n) => n === 1)).toBe(true);
  });

  it('a replica that is not a caching replica is never a member; the last membership stands while the registry fails', async () => {
    const reader = sharding('reader', false);
    await reader.tick();
    expect(reader.replicas()).not.toContain('reader');
    const broken = new AgentSharding({ replicas: { heartbeat: () => Promise.reject(new Error('down')), replicas: () => Promise.reject(new Error('down')), remove: async () => undefined, close: async () => undefined }, replicaId: 'x', caching: true, replicaTtlMs: 3000, logger: silentLogger });
    await broken.tick();
    expect(broken.runsHere({ agentType: 'any/Agent' })).toBe(true);
  });
});

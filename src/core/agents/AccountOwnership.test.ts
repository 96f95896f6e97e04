import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryLeaseStore } from '../../stores/memory/InMemoryLeaseStore.js';
import { InMemoryReplicaRegistry } from '../../stores/memory/InMemoryReplicaRegistry.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { AccountOwnership, type ReleaseReason } from './AccountOwnership.js';
import { javaHashCode, shardOf } from './ReplicaRegistry.js';

const LEASE_TTL = 30_000;
const REPLICA_TTL = 60_000;
const ACCOUNTS = Array.from({ length: 40 }, (_, i) => `account-${i}`);

/** Instances sharing one lease store and one replica registry, as instances share Redis. */
function cluster() {
  const clock = new ManualClock(1_000_000);
  const leases = new InMemoryLeaseStore({ clock });
  const replicas = new InMemoryReplicaRegistry({ clock, ttlMs: REPLICA_TTL });
  const events: string[] = [];
  const instance = (id: string, caching = true) => {
    const ownership = new AccountOwnership({
      leases,
      replicas,
      replicaId: id,
      clock,
      logger: pino({ level: 'silent' }),
      keyPrefix: 'kubernetes:watch',
      leaseTtlMs: LEASE_TTL,
      caching,
      onAcquired: (account) => events.push(`${id} acquired ${account}`),
      onReleased: async (account, reason: ReleaseReason) => {
        events.push(`${id} ${reason} ${account}`);
      },
    });
    for (const a of ACCOUNTS) ownership.add(a);
    return ownership;
  };
  return { clock, leases, events, instance };
}

describe('AccountOwnership', () => {
  it('matches Java’s String.hashCode, so Java and TypeScript replicas shard alike', () => {
    // What Java 17's String.hashCode() prints for these (UTF-16 code units, 32-bit overflow).
    expect(javaHashCode('')).toBe(0);
    expect(javaHashCode('a')).toBe(97);
    expect(javaHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaHashCode('spinnaker')).toBe(-2120175421);
    expect(javaHashCode('kubernetes-prod')).toBe(-1669261954);
    expect(javaHashCode('ünïcode-账户')).toBe(1629487828);
    expect(shardOf('spinnaker', 3)).toBe(2120175421 % 3);
    // Math.abs(Integer.MIN_VALUE) is negative in Java (no replica would cache it): replica 0 does.
    expect(shardOf('polygenelubricants', 3)).toBe(0);
  });

  it('gives every account to exactly one instance, by shard, and spreads them', async () => {
    const { instance } = cluster();
    const [a, b, c] = [instance('replica-a'), instance('replica-b'), instance('replica-c')];
    // Each heartbeats once before anyone assigns, as replicas that started together would.
    for (const i of [a, b, c]) await i.tick();
    for (const i of [a, b, c]) await i.tick();
    const owners = ACCOUNTS.map((acct) => [a, b, c].filter((i) => i.owns(acct)).length);
    expect(owners.every((n) => n === 1)).toBe(true);
    const members = ['replica-a', 'replica-b', 'replica-c'];
    for (const acct of ACCOUNTS) expect(await a.holder(acct)).toBe(members[shardOf(acct, 3)]);
    const loads = [a, b, c].map((i) => i.ownedAccounts().length);
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThanOrEqual(2);
  });

  it('hands accounts off to a replica that joins: the old owner writes and releases before the new one takes over', async () => {
    const { instance, events } = cluster();
    const a = instance('replica-a');
    await a.tick();
    expect(a.ownedAccounts()).toHaveLength(ACCOUNTS.length);
    const b = instance('replica-b');
    await b.tick(); // b joins the replica set; a still holds every lease
    expect(b.ownedAccounts()).toEqual([]);
    await a.tick(); // a hands b's share off
    await b.tick();
    const movedToB = ACCOUNTS.filter((acct) => ['replica-a', 'replica-b'][shardOf(acct, 2)] === 'replica-b');
    expect(movedToB.length).toBeGreaterThan(0);
    expect(b.ownedAccounts().sort()).toEqual([...movedToB].sort());
    for (const acct of movedToB) expect(events.indexOf(`replica-a handoff ${acct}`)).toBeLessThan(events.indexOf(`replica-b acquired ${acct}`));
    expect(a.ownedAccounts().length + b.ownedAccounts().length).toBe(ACCOUNTS.length);
  });

  it('takes over a dead replica’s accounts once its heartbeat and leases lapse; the paused one then stops without writing', async () => {
    const { instance, clock, events } = cluster();
    const a = instance('replica-a');
    const b = instance('replica-b');
    for (const i of [a, b, a, b]) await i.tick();
    const aHad = a.ownedAccounts();
    expect(aHad.length).toBeGreaterThan(0);
    // a freezes (SIGSTOP): b keeps ticking while time passes the replica TTL.
    for (let t = 0; t < REPLICA_TTL + LEASE_TTL; t += LEASE_TTL / 3) {
      clock.advance(LEASE_TTL / 3);
      await b.tick();
    }
    expect(b.ownedAccounts()).toHaveLength(ACCOUNTS.length);
    // Before a ticks again it already knows its leases are past their deadline: nothing of it may write.
    for (const acct of aHad) expect(a.owns(acct)).toBe(false);
    await a.tick(); // a wakes up
    for (const acct of aHad) expect(events).toContain(`replica-a lost ${acct}`);
    // a is a replica again: the accounts are shared out once more, one owner each.
    await b.tick();
    await a.tick();
    for (const acct of ACCOUNTS) expect([a, b].filter((i) => i.owns(acct))).toHaveLength(1);
  });

  it('owns nothing on an instance that does not cache, and releases everything when stopped', async () => {
    const { instance, events } = cluster();
    const reader = instance('replica-reader', false);
    const writer = instance('replica-writer');
    await reader.tick();
    await writer.tick();
    await reader.tick();
    expect(reader.ownedAccounts()).toEqual([]);
    expect(writer.ownedAccounts()).toHaveLength(ACCOUNTS.length);
    await writer.stop();
    expect(writer.ownedAccounts()).toEqual([]);
    expect(events.filter((e) => e.startsWith('replica-writer stopping'))).toHaveLength(ACCOUNTS.length);
    expect(await writer.holder(ACCOUNTS[0] ?? '')).toBeUndefined();
  });
});

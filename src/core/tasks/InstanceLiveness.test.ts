import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryLeaseStore } from '../../stores/memory/InMemoryLeaseStore.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { InstanceLiveness } from './InstanceLiveness.js';

const logger = pino({ level: 'silent' });

describe('instance liveness', () => {
  it('with shared leases, an owner is gone once its lease is released or lapses', async () => {
    const clock = new ManualClock(0);
    const leases = new InMemoryLeaseStore({ clock });
    const a = new InstanceLiveness({ leases, ownerId: 'a@host1', shared: true, ttlMs: 30_000, logger });
    const b = new InstanceLiveness({ leases, ownerId: 'b@host2', shared: true, ttlMs: 30_000, logger });
    await a.start();
    expect(await b.isGone('a@host1')).toBe(false);
    expect(await b.isGone('never-started@host3')).toBe(true);
    expect(await b.isGone('b@host2')).toBe(false);
    clock.advance(31_000); // a stalled past its TTL without renewing
    expect(await b.isGone('a@host1')).toBe(true);
    await a.stop();
    expect(await b.isGone('a@host1')).toBe(true);
  });

  it('without shared leases (one instance by design), every other owner is gone', async () => {
    const leases = new InMemoryLeaseStore({ clock: new ManualClock(0) });
    const only = new InstanceLiveness({ leases, ownerId: 'me@h', shared: false, logger });
    expect(await only.isGone('me@h')).toBe(false);
    expect(await only.isGone('previous@h')).toBe(true);
    expect(await only.isGone('previous@other-host')).toBe(true);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryCacheStoreDriver } from '../../stores/memory/InMemoryCacheStoreDriver.js';
import { InMemoryLeaseStore } from '../../stores/memory/InMemoryLeaseStore.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { systemClock } from '../Clock.js';
import { silentLogger } from '../Logger.js';
import { cacheData } from '../cache/CacheData.js';
import { DefaultProviderCache } from '../cache/DefaultProviderCache.js';
import { AgentScheduler, type AgentSchedulerOptions } from './AgentScheduler.js';
import type { AgentContext, CachingAgent } from './CachingAgent.js';

const schedulers: AgentScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

function setup(overrides: Partial<AgentSchedulerOptions> = {}) {
  const driver = new InMemoryCacheStoreDriver({ clock: systemClock });
  const cache = new DefaultProviderCache('test', driver.open('test'), systemClock);
  const leases = new InMemoryLeaseStore({ clock: systemClock });
  const scheduler = new AgentScheduler({
    leases,
    nodeId: 'node-1',
    cacheFor: () => cache,
    clock: systemClock,
    logger: silentLogger,
    defaults: { intervalMs: 50, errorIntervalMs: 50, timeoutMs: 1_000 },
    maxConcurrentAgents: 10,
    pollIntervalMs: 5,
    ...overrides,
  });
  schedulers.push(scheduler);
  return { scheduler, cache, leases };
}

function agent(type: string, load: (ctx: AgentContext) => Promise<string[]>, extra: Partial<CachingAgent> = {}): CachingAgent {
  return {
    agentType: type,
    providerName: 'test',
    accountName: type.split('/')[0],
    providedDataTypes: [{ typeName: 'things', authority: 'AUTHORITATIVE' }],
    loadData: async (ctx) => ({ cacheResults: { things: (await load(ctx)).map((id) => cacheData(id, {})) } }),
    ...extra,
  };
}

async function until(cond: () => boolean | Promise<boolean>, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('AgentScheduler', () => {
  it('runs an agent every interval and writes its result', async () => {
    const { scheduler, cache } = setup();
    let runs = 0;
    scheduler.schedule(agent('acct/A', async () => [`t${++runs}`]));
    scheduler.start();
    await until(() => runs >= 3);
    await until(async () => (await cache.getIdentifiers('things')).length === 1);
    const [info] = scheduler.introspection();
    expect(info?.id).toBe('acct/A');
    expect(info?.totalAdditions).toBeGreaterThanOrEqual(2);
    expect(info?.totalEvictions).toBeGreaterThanOrEqual(1);
    expect(info?.lastError).toBeNull();
  });

  it('skips the load and the write of a run whose agent says its last result still stands', async () => {
    const { scheduler, cache } = setup();
    let loads = 0;
    let written = 0;
    let unchanged = false;
    const asked: number[] = [];
    scheduler.schedule(agent('acct/Same', async () => [`t${++loads}`], {
      unchanged: (nowMs) => (asked.push(nowMs), unchanged),
      resultWritten: () => void written++,
    }));
    scheduler.start();
    await until(() => written >= 1);
    unchanged = true;
    const runsBefore = scheduler.introspection()[0]?.runs ?? 0;
    const loadsBefore = loads;
    await until(() => (scheduler.introspection()[0]?.runs ?? 0) >= runsBefore + 3);
    const info = scheduler.introspection()[0];
    // Skipped runs succeed with nothing added or evicted, and leave the stored result as it was.
    expect(loads).toBe(loadsBefore);
    expect(written).toBe(loadsBefore);
    expect(info?.failures).toBe(0);
    expect(scheduler.runRecords()[0]?.lastRun).toMatchObject({ success: true, additions: 0, evictions: 0 });
    expect(await cache.getIdentifiers('things')).toEqual([`t${loads}`]);
    expect(asked.every((t) => t > 0)).toBe(true);
    unchanged = false;
    await until(() => loads > loadsBefore);
  });

  it('never runs two runs of one agent at once', async () => {
    const { scheduler } = setup({ defaults: { intervalMs: 1, errorIntervalMs: 1, timeoutMs: 1_000 } });
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    scheduler.schedule(
      agent('acct/A', async () => {
        maxActive = Math.max(maxActive, ++active);
        await sleep(20);
        active--;
        runs++;
        return [];
      }),
    );
    scheduler.start();
    await until(() => runs >= 4);
    expect(maxActive).toBe(1);
  });

  it('runs at most maxConcurrentAgents at once', async () => {
    const { scheduler } = setup({ maxConcurrentAgents: 2 });
    let active = 0;
    let maxActive = 0;
    let done = 0;
    for (let i = 0; i < 6; i++) {
      scheduler.schedule(
        agent(`acct${i}/A`, async () => {
          maxActive = Math.max(maxActive, ++active);
          await sleep(15);
          active--;
          done++;
          return [];
        }, { schedule: { intervalMs: 60_000 } }),
      );
    }
    scheduler.start();
    await until(() => done >= 6);
    expect(maxActive).toBe(2);
  });

  it('aborts a run that passes its timeout, records the failure and writes nothing', async () => {
    const { scheduler, cache } = setup();
    let aborted = false;
    scheduler.schedule(
      agent('acct/Slow', (ctx) => new Promise<string[]>((resolve) => {
        ctx.signal.addEventListener('abort', () => { aborted = true; resolve(['late']); });
      }), { schedule: { timeoutMs: 30, errorIntervalMs: 60_000 } }),
    );
    scheduler.start();
    await until(() => scheduler.introspection()[0]?.failures === 1);
    expect(aborted).toBe(true);
    expect(scheduler.introspection()[0]?.lastError).toMatch(/timed out after 30 ms/);
    expect(await cache.getIdentifiers('things')).toEqual([]);
  });

  it('records errors and retries after the error interval', async () => {
    const { scheduler } = setup();
    let runs = 0;
    scheduler.schedule(agent('acct/Bad', async () => {
      if (++runs === 1) throw new Error('cloud said no');
      return ['ok'];
    }, { schedule: { errorIntervalMs: 20 } }));
    scheduler.start();
    await until(() => (scheduler.introspection()[0]?.runs ?? 0) >= 2);
    const info = scheduler.introspection()[0];
    expect(info?.failures).toBe(1);
    expect(info?.lastError).toBeNull();
  });

  it('keeps the lease until the next run is due, and frees it on unschedule', async () => {
    const { scheduler, leases } = setup({ defaults: { intervalMs: 60_000, errorIntervalMs: 60_000, timeoutMs: 1_000 } });
    scheduler.schedule(agent('acct/A', async () => []));
    scheduler.start();
    await until(() => scheduler.introspection()[0]?.runs === 1);
    expect(await leases.holder('acct/A')).toBe('node-1');
    await scheduler.unschedule('acct/A');
    expect(await leases.holder('acct/A')).toBeUndefined();
    expect(scheduler.introspection()).toEqual([]);
  });

  it('does not run an agent whose lease another node holds', async () => {
    const { scheduler, leases } = setup();
    await leases.tryAcquire('acct/A', 'other-node', 60_000);
    let asked = 0;
    const tryAcquire = leases.tryAcquire.bind(leases);
    leases.tryAcquire = async (key, owner, ttlMs) => {
      if (key === 'acct/A' && owner === 'node-1') asked++;
      return tryAcquire(key, owner, ttlMs);
    };
    let runs = 0;
    scheduler.schedule(agent('acct/A', async () => (runs++, [])));
    scheduler.start();
    // Due at once and again an interval later: refused both times, and not run.
    await until(() => asked >= 2);
    expect(runs).toBe(0);
  });

  it('schedules agents added while running', async () => {
    const { scheduler } = setup();
    scheduler.start();
    let ran = false;
    await sleep(20);
    scheduler.schedule(agent('late/A', async () => ((ran = true), [])));
    await until(() => ran);
  });

  it('runs only agents matching the enabled pattern', async () => {
    const { scheduler } = setup({ enabledPattern: 'keep/.*' });
    const ran: string[] = [];
    scheduler.schedule(agent('keep/A', async () => (ran.push('keep'), [])));
    scheduler.schedule(agent('skip/A', async () => (ran.push('skip'), [])));
    scheduler.start();
    // Both were due from the start; by keep's second run the scheduler has passed over skip in every poll since.
    await until(() => ran.filter((r) => r === 'keep').length >= 2);
    expect(ran).not.toContain('skip');
  });

  it('skips an agent that is not active here without taking its lease, and runs it once it is', async () => {
    const { scheduler, leases } = setup();
    let active = false;
    const ran: string[] = [];
    scheduler.schedule(agent('owned/A', async () => (ran.push('owned'), []), { isActive: () => active }));
    scheduler.schedule(agent('other/A', async () => (ran.push('other'), [])));
    scheduler.start();
    // The same poll that ran the active agent passed over the inactive one.
    await until(() => ran.includes('other'));
    expect(ran).not.toContain('owned');
    expect(await leases.holder('owned/A')).toBeUndefined();
    active = true;
    await until(() => ran.includes('owned'));
  });

  it('asks an inactive agent again one poll interval later, not at every poll the other agents’ runs ask for', async () => {
    // Thousands of accounts starting: each run that ends asks for a poll, and each snapshot agent
    // of an account not yet synced is due but inactive. Asked at every poll, that was quadratic.
    const clock = new ManualClock(1_000);
    const { scheduler } = setup({ clock, maxConcurrentAgents: 1, pollIntervalMs: 1_000 });
    let asked = 0;
    let active = false;
    const ran: string[] = [];
    scheduler.schedule(agent('waiting/A', async () => (ran.push('waiting'), []), { isActive: () => (asked++, active) }));
    for (let i = 0; i < 20; i++) scheduler.schedule(agent(`busy${i}/A`, async () => (ran.push(`busy${i}`), [])));
    scheduler.start();
    // One at a time, so twenty runs end and ask for twenty polls; the clock does not move meanwhile.
    await until(() => ran.length === 20);
    expect(asked).toBe(1);
    active = true;
    clock.advance(1_000);
    await until(() => ran.includes('waiting'));
  });

  it('drops the result of a run that stopped being active on this instance while it loaded', async () => {
    const { scheduler, cache } = setup();
    let active = true;
    let loaded = false;
    scheduler.schedule(
      agent('moving/A', async () => {
        active = false; // the account moved to another instance during the run
        loaded = true;
        return ['stale'];
      }, { isActive: () => active }),
    );
    scheduler.start();
    await until(() => loaded && scheduler.introspection()[0]?.failures === 1);
    expect(await cache.getAll('things')).toEqual([]);
    expect(scheduler.introspection()[0]?.lastError).toContain('no longer active');
  });
  it('records each agent’s last run, last success and failures since, and its lease holder', async () => {
    const { scheduler } = setup({ defaults: { intervalMs: 60_000, errorIntervalMs: 1, timeoutMs: 1_000 } });
    let failWith: string | undefined;
    scheduler.schedule(
      agent('acct/A', async () => {
        if (failWith !== undefined) throw new Error(failWith);
        return ['t1', 't2'];
      }, { schedule: { intervalMs: 1 } }),
    );
    expect(scheduler.runRecords()).toEqual([{ id: 'acct/A', provider: 'test', accountName: 'acct', lastRun: undefined, lastSuccessMs: undefined, consecutiveFailures: 0, intervalMs: 1 }]);
    scheduler.start();
    await until(() => scheduler.runRecords()[0]?.lastRun?.success === true);
    const firstSuccess = scheduler.runRecords()[0]?.lastSuccessMs;
    expect(firstSuccess).toBeTypeOf('number');
    // Failing runs: the record counts the streak and keeps the last success.
    failWith = 'boom';
    await until(() => (scheduler.runRecords()[0]?.consecutiveFailures ?? 0) >= 2);
    const failing = scheduler.runRecords()[0];
    expect(failing?.lastRun).toMatchObject({ success: false, error: 'boom', additions: 0, evictions: 0 });
    expect(failing?.lastSuccessMs).toBeGreaterThanOrEqual(firstSuccess ?? Infinity);
    failWith = undefined;
    await until(() => scheduler.runRecords()[0]?.lastRun?.success === true);
    const ok = scheduler.runRecords()[0];
    expect(ok?.consecutiveFailures).toBe(0);
    expect(ok?.lastRun?.error).toBeUndefined();
    expect(ok?.lastSuccessMs).toBeGreaterThanOrEqual(failing?.lastRun?.startMs ?? Infinity);
    expect(await scheduler.leaseHolder('acct/A').then((h) => h === undefined || h === 'node-1')).toBe(true);
  });

  it('names the instance that holds an agent’s lease until its next run', async () => {
    const { scheduler } = setup({ defaults: { intervalMs: 60_000, errorIntervalMs: 60_000, timeoutMs: 1_000 } });
    scheduler.schedule(agent('acct/B', async () => ['x']));
    scheduler.start();
    await until(() => scheduler.runRecords()[0]?.lastRun !== undefined);
    expect(scheduler.runRecords()[0]?.lastRun).toMatchObject({ success: true, additions: 1, evictions: 0 });
    expect(await scheduler.leaseHolder('acct/B')).toBe('node-1');
    expect(await scheduler.leaseHolder('acct/none')).toBeUndefined();
  });
});

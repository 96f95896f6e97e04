import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentSyncRecord } from './core/agents/AgentScheduler.js';
import type { CachingAgent } from './core/agents/CachingAgent.js';
import { reportStartupProgress, syncProgress } from './startupProgress.js';
import type { StartupProgressSource } from './startupProgress.js';

/** An agent of the account; with `live`, one that reports its state (as a Kubernetes account's does). */
function agent(account: string, provider = 'kubernetes', live?: () => { state: string; objects: number }): CachingAgent {
  return {
    agentType: `${provider}/${account}/snapshot`,
    providerName: provider,
    accountName: account,
    providedDataTypes: [],
    loadData: () => Promise.resolve({ cacheResults: {} }),
    ...(live === undefined ? {} : { syncState: live }),
  };
}

function record(a: CachingAgent, runs = 0, failures = 0): AgentSyncRecord {
  return { agent: a, runs, failures };
}

/** A scheduler stand-in whose accounts move from `starting` to `watching` as the test says. */
function accounts(n: number): StartupProgressSource & { set(i: number, state: string): void } {
  const states = Array.from({ length: n }, () => 'starting');
  const agents = states.map((_, i) => agent(`acct-${i}`, 'kubernetes', () => ({ state: states[i] ?? '', objects: states[i] === 'watching' ? 10 : 0 })));
  return {
    syncRecords: () => agents.map((a) => record(a)),
    set: (i, state) => void (states[i] = state),
  };
}

afterEach(() => void vi.useRealTimers());

describe('syncProgress', () => {
  it('counts an account synced only when every agent of it is', () => {
    const k = agent('a', 'kubernetes', () => ({ state: 'watching', objects: 5 }));
    const d = agent('a', 'dockerRegistry');
    const source = (dockerRuns: number, dockerFailures: number): StartupProgressSource => ({
      syncRecords: () => [record(k), record(d, dockerRuns, dockerFailures)],
    });
    expect(syncProgress(source(0, 0))).toEqual({ total: 2, synced: 1, syncing: 1, failing: 0, following: 0, objects: 5 });
    expect(syncProgress(source(1, 1))).toEqual({ total: 2, synced: 1, syncing: 0, failing: 1, following: 0, objects: 5 });
    expect(syncProgress(source(2, 1))).toEqual({ total: 2, synced: 2, syncing: 0, failing: 0, following: 0, objects: 5 });
  });

  it('reads unreachable and degraded accounts as failing, following ones apart', () => {
    const [a, b, c] = (['unreachable', 'following', 'listing'] as const).map((state, i) => agent(`${i}`, 'kubernetes', () => ({ state, objects: 0 })));
    const p = syncProgress({ syncRecords: () => [a, b, c].map((x) => record(x!)) });
    expect(p).toMatchObject({ total: 3, synced: 0, failing: 1, following: 1, syncing: 1 });
  });
});

describe('reportStartupProgress', () => {
  it('logs "accounts syncing: n/N" every interval until all accounts synced, then stops', () => {
    vi.useFakeTimers();
    const source = accounts(4);
    const lines: string[] = [];
    let now = 0;
    reportStartupProgress({ source, logger: { info: (_o, msg) => lines.push(msg) }, intervalMs: 5_000, now: () => now });
    expect(lines).toEqual(['accounts syncing: 0/4']);
    source.set(0, 'watching');
    source.set(1, 'unreachable');
    now = 5_000;
    vi.advanceTimersByTime(5_000);
    expect(lines.at(-1)).toBe('accounts syncing: 2/4');
    source.set(2, 'watching');
    source.set(3, 'watching');
    now = 10_000;
    vi.advanceTimersByTime(5_000);
    expect(lines.slice(2)).toEqual(['accounts synced: 3/4 in 10 s (1 failing)']);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
  });

  it('waits for following accounts (not yet given to this instance) until they settle', () => {
    vi.useFakeTimers();
    const source = accounts(3);
    for (const i of [0, 1, 2]) source.set(i, 'following');
    const lines: string[] = [];
    reportStartupProgress({ source, logger: { info: (_o, msg) => lines.push(msg) }, intervalMs: 1_000, settleTicks: 2, now: () => 0 });
    expect(lines).toEqual(['accounts syncing: 0/3']);
    source.set(0, 'listing');
    vi.advanceTimersByTime(1_000);
    source.set(0, 'watching');
    vi.advanceTimersByTime(1_000);
    expect(lines).toEqual(['accounts syncing: 0/3', 'accounts syncing: 0/3', 'accounts syncing: 1/3']);
    // Two instances: the other two accounts stay led elsewhere.
    vi.advanceTimersByTime(2_000);
    expect(lines.slice(3)).toEqual(['accounts syncing: 1/3', 'accounts synced: 1/3 in 0 s (2 followed from other instances)']);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(5);
  });

  it('logs nothing when there are no accounts', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    reportStartupProgress({ source: { syncRecords: () => [] }, logger: { info: (_o, msg) => lines.push(msg) } });
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual([]);
  });
});

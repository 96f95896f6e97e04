import { describe, expect, it } from 'vitest';
import type { AgentIntrospection, AgentRunRecord } from '../../core/agents/AgentScheduler.js';
import { accountViews, agentState, combineStates, type AgentFacts } from './accountsView.js';

const introspection = (over: Partial<AgentIntrospection> = {}): AgentIntrospection => ({
  id: 'a/Agent', provider: 'p', totalAdditions: 0, totalEvictions: 0, details: {}, lastError: null, lastExecutionStartMs: null, lastExecutionDurationMs: null, runs: 0, failures: 0, running: false, ...over,
});
const record = (lastRun: AgentRunRecord['lastRun'], lastSuccessMs?: number): AgentRunRecord => ({ id: 'a/Agent', provider: 'p', accountName: 'a', lastRun, lastSuccessMs, consecutiveFailures: lastRun?.success === false ? 1 : 0, intervalMs: 1000 });
const run = (success: boolean, startMs = 10): AgentRunRecord['lastRun'] => ({ success, startMs, durationMs: 5, additions: 1, evictions: 0, ...(success ? {} : { error: 'boom' }) });

describe('account state', () => {
  it('takes a watching provider’s own state', () => {
    expect(agentState({ introspection: introspection({ details: { state: 'listing' } }), record: undefined })).toBe('syncing');
    expect(agentState({ introspection: introspection({ details: { state: 'watching' } }), record: undefined })).toBe('watching');
    expect(agentState({ introspection: introspection({ details: { state: 'unreachable' } }), record: undefined })).toBe('unreachable');
  });

  it('derives a polling agent’s state from its runs', () => {
    expect(agentState({ introspection: introspection(), record: record(undefined) })).toBe('syncing');
    expect(agentState({ introspection: introspection(), record: record(run(true)) })).toBe('synced');
    expect(agentState({ introspection: introspection(), record: record(run(false)) })).toBe('unreachable');
    expect(agentState({ introspection: introspection(), record: record(run(false, 20), 10) })).toBe('stale');
  });

  it('combines agents: the worst state, but a partial outage is degraded', () => {
    expect(combineStates(['synced', 'syncing'])).toBe('syncing');
    expect(combineStates(['unreachable', 'unreachable'])).toBe('unreachable');
    expect(combineStates(['unreachable', 'synced'])).toBe('degraded');
    expect(combineStates(['stale', 'synced'])).toBe('stale');
  });

  it('builds rows with objects, the oldest last success, the first error and sync progress', () => {
    const facts: AgentFacts[] = [
      { introspection: introspection({ details: { state: 'listing', objects: 3, collections: { pods: { phase: 'watching' }, services: { phase: 'listing' } } } }), record: record(undefined) },
    ];
    const [row] = accountViews([{ cloudProvider: 'p', name: 'a' }], new Map([['p/a', facts]]));
    expect(row).toMatchObject({ state: 'syncing', objects: 3, lastSyncMs: null, progress: { done: 1, total: 2, unit: 'collections' } });
    const polling: AgentFacts[] = [
      { introspection: introspection(), record: record(run(true, 50), 50) },
      { introspection: introspection({ lastError: 'denied' }), record: record(run(false, 60), 40) },
    ];
    const [p] = accountViews([{ cloudProvider: 'p', name: 'a' }], new Map([['p/a', polling]]));
    expect(p).toMatchObject({ state: 'stale', stale: true, objects: null, lastSyncMs: 40, lastError: 'boom', progress: null, agents: 2 });
  });
});

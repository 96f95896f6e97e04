import type { AgentIntrospection, AgentRunRecord } from '../../core/agents/AgentScheduler.js';

/**
 * An account's state in the console:
 * - `watching`: kept current by a watch (Kubernetes); `synced`: its polling agents' last runs succeeded;
 * - `syncing`: the first sync is still running (see `progress`);
 * - `following`: another instance caches it; this one reads what that one writes;
 * - `stale`: the last runs failed after an earlier success (the cache holds older data);
 * - `degraded`: part of it fails (some collections or agents), the rest is current;
 * - `unreachable`: nothing of it can be read from the cloud now.
 */
export type AccountState = 'watching' | 'synced' | 'syncing' | 'following' | 'stale' | 'degraded' | 'unreachable';

export interface AccountView {
  readonly provider: string;
  readonly name: string;
  readonly state: AccountState;
  /** Cached data is older than the cloud's (Kubernetes: loaded from the store, or no longer watched). */
  readonly stale: boolean;
  /** Objects cached, where the provider reports it (null otherwise). */
  readonly objects: number | null;
  /** When the account last synced successfully (the oldest of its agents' last successes). */
  readonly lastSyncMs: number | null;
  readonly lastError: string | null;
  readonly agents: number;
  /** While syncing: collections (Kubernetes) or agents done out of all. */
  readonly progress: { readonly done: number; readonly total: number; readonly unit: 'collections' | 'agents' } | null;
  /** The instance that caches it now (filled by the caller from the provider's hook). */
  owner?: string | null;
}

export interface AccountRef {
  readonly cloudProvider: string;
  readonly name: string;
}

export interface AgentFacts {
  readonly introspection: AgentIntrospection;
  readonly record: AgentRunRecord | undefined;
}

const RANK: readonly AccountState[] = ['unreachable', 'degraded', 'stale', 'syncing', 'following', 'watching', 'synced'];

/** One agent's state: from its live `details.state` when it reports one (Kubernetes), else from its runs. */
export function agentState(a: AgentFacts): AccountState {
  const state = a.introspection.details.state;
  if (typeof state === 'string') {
    if (state === 'starting' || state === 'listing') return 'syncing';
    if (state === 'watching' || state === 'following' || state === 'degraded' || state === 'unreachable') return state;
  }
  const last = a.record?.lastRun;
  if (last === undefined) return a.introspection.runs === 0 ? 'syncing' : a.introspection.lastError === null ? 'synced' : 'unreachable';
  if (last.success) return 'synced';
  return a.record?.lastSuccessMs === undefined ? 'unreachable' : 'stale';
}

/** The account's state from its agents' states: the worst one, except that a partial outage is `degraded`. */
export function combineStates(states: readonly AccountState[]): AccountState {
  if (states.length === 0) return 'syncing';
  const worst = states.reduce((w, s) => (RANK.indexOf(s) < RANK.indexOf(w) ? s : w));
  if (worst === 'unreachable' && states.some((s) => s !== 'unreachable')) return 'degraded';
  return worst;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The console's account rows, from the accounts and what their agents report (no owner: see `AccountView.owner`). */
export function accountViews(accounts: readonly AccountRef[], agentsByAccount: ReadonlyMap<string, readonly AgentFacts[]>): AccountView[] {
  return accounts.map((acct) => {
    const agents = agentsByAccount.get(`${acct.cloudProvider}/${acct.name}`) ?? [];
    const states = agents.map(agentState);
    const state = combineStates(states);
    const objects = agents.map((a) => num(a.introspection.details.objects)).filter((n): n is number => n !== undefined);
    const syncs = agents.map((a) => num(a.introspection.details.lastSyncMs) ?? a.record?.lastSuccessMs);
    const lastError = agents.map((a) => str(a.introspection.details.lastError) ?? a.record?.lastRun?.error ?? a.introspection.lastError ?? undefined).find((e) => e !== undefined);
    return {
      provider: acct.cloudProvider,
      name: acct.name,
      state,
      stale: state === 'stale' || agents.some((a) => a.introspection.details.stale === true),
      objects: objects.length === 0 ? null : objects.reduce((x, y) => x + y, 0),
      lastSyncMs: syncs.length === 0 || syncs.some((s) => s === undefined) ? null : Math.min(...(syncs as number[])),
      lastError: lastError ?? null,
      agents: agents.length,
      progress: state === 'syncing' ? progressOf(agents) : null,
    };
  });
}

/** How far a first sync is: Kubernetes collections listed, else agents that finished a run. */
function progressOf(agents: readonly AgentFacts[]): AccountView['progress'] {
  const collections = agents.flatMap((a) => {
    const c = a.introspection.details.collections;
    return typeof c === 'object' && c !== null ? Object.values(c as Record<string, { phase?: unknown }>) : [];
  });
  if (collections.length > 0) return { done: collections.filter((c) => c.phase === 'watching').length, total: collections.length, unit: 'collections' };
  return { done: agents.filter((a) => a.record?.lastRun !== undefined).length, total: agents.length, unit: 'agents' };
}

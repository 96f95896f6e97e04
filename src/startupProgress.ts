import type { AgentSyncRecord } from './core/agents/AgentScheduler.js';

/** What the reporter reads: the scheduler's agents with their run counts. */
export interface StartupProgressSource {
  syncRecords(): AgentSyncRecord[];
}

export interface StartupProgressLogger {
  info(obj: object, msg: string): void;
}

/**
 * `following`: the account's cache mirrors what another instance writes (Kubernetes accounts
 * start so until this instance is given them, and stay so when another instance leads them).
 */
export type AccountSyncState = 'synced' | 'syncing' | 'following' | 'failing';

export interface SyncProgress {
  readonly total: number;
  readonly synced: number;
  readonly syncing: number;
  /** First sync ended in error (unreachable, degraded, failing agent): done, but not well. */
  readonly failing: number;
  readonly following: number;
  /** Objects the accounts hold so far (where their agents report it). */
  readonly objects: number;
}

/** States an account cache reports (Kubernetes: `syncState().state`, as in its introspection details). */
const FAILING_STATES = new Set(['unreachable', 'degraded']);
/** When one account has several agents: the least advanced state is the account's. */
const ORDER: readonly AccountSyncState[] = ['syncing', 'following', 'failing', 'synced'];

function agentState(record: AgentSyncRecord, state: string | undefined): AccountSyncState {
  if (state !== undefined) return state === 'watching' ? 'synced' : state === 'following' ? 'following' : FAILING_STATES.has(state) ? 'failing' : 'syncing';
  // A polling agent has synced once a run succeeded.
  if (record.runs > record.failures) return 'synced';
  return record.failures > 0 ? 'failing' : 'syncing';
}

/** Per-account sync state across all scheduled agents: an account is synced when all its agents are. */
export function syncProgress(source: StartupProgressSource): SyncProgress {
  const accounts = new Map<string, { state: AccountSyncState; objects: number }>();
  for (const record of source.syncRecords()) {
    const { agent } = record;
    if (agent.accountName === undefined) continue;
    const live = agent.syncState?.();
    const key = `${agent.providerName}/${agent.accountName}`;
    const state = agentState(record, live?.state);
    const objects = live?.objects ?? 0;
    const prev = accounts.get(key);
    const merged = prev === undefined || ORDER.indexOf(state) < ORDER.indexOf(prev.state) ? state : prev.state;
    accounts.set(key, { state: merged, objects: (prev?.objects ?? 0) + objects });
  }
  let synced = 0;
  let syncing = 0;
  let failing = 0;
  let following = 0;
  let objects = 0;
  for (const a of accounts.values()) {
    if (a.state === 'synced') synced++;
    else if (a.state === 'syncing') syncing++;
    else if (a.state === 'following') following++;
    else failing++;
    objects += a.objects;
  }
  return { total: accounts.size, synced, syncing, failing, following, objects };
}

/**
 * Logs the accounts' first sync while the service starts (`/health` answers meanwhile): "accounts
 * syncing: 120/1000" every `intervalMs` until no account is still on its first sync, then one
 * "accounts synced" line with the time it took. Accounts that only follow another instance's
 * writes count as pending until they stay unchanged for `settleTicks` reports (then they are
 * named as followed). Nothing is logged when there are no accounts.
 */
export function reportStartupProgress(opts: { source: StartupProgressSource; logger: StartupProgressLogger; intervalMs?: number; settleTicks?: number; now?: () => number }): { stop(): void } {
  const now = opts.now ?? (() => performance.now());
  const settleTicks = opts.settleTicks ?? 3;
  const t0 = now();
  const seconds = (): number => Math.round((now() - t0) / 100) / 10;
  let timer: NodeJS.Timeout | undefined;
  let previous = '';
  let unchanged = 0;
  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  const tick = (): void => {
    const p = syncProgress(opts.source);
    if (p.total === 0) return stop();
    const signature = `${p.synced}/${p.syncing}/${p.failing}/${p.following}`;
    unchanged = signature === previous ? unchanged + 1 : 0;
    previous = signature;
    const done = p.synced + p.failing;
    const fields = { synced: p.synced, syncing: p.syncing, failing: p.failing, following: p.following, total: p.total, objects: p.objects, elapsedSeconds: seconds() };
    if (p.syncing > 0 || (p.following > 0 && unchanged < settleTicks)) {
      opts.logger.info(fields, `accounts syncing: ${done}/${p.total}`);
      return;
    }
    const notes = [...(p.failing > 0 ? [`${p.failing} failing`] : []), ...(p.following > 0 ? [`${p.following} followed from other instances`] : [])];
    opts.logger.info(fields, `accounts synced: ${p.synced}/${p.total} in ${seconds()} s${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
    stop();
  };
  timer = setInterval(tick, opts.intervalMs ?? 5_000);
  timer.unref();
  tick();
  return { stop };
}

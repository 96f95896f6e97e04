import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import type { ProviderCache, WriteStats } from '../cache/Cache.js';
import type { CacheResult } from '../cache/CacheData.js';
import { globMatcher } from '../cache/glob.js';
import { authoritativeTypes, type CachingAgent } from './CachingAgent.js';
import type { LeaseStore } from './LeaseStore.js';

export interface SchedulerTiming {
  readonly intervalMs: number;
  readonly errorIntervalMs: number;
  readonly timeoutMs: number;
}

/** One finished run, for metrics. */
export interface AgentRunEvent {
  readonly agent: CachingAgent;
  readonly success: boolean;
  readonly durationMs: number;
  readonly additions: number;
  readonly evictions: number;
  readonly error?: string;
}

export interface AgentSchedulerOptions {
  readonly leases: LeaseStore;
  /** This instance's lease owner token. */
  readonly nodeId: string;
  readonly cacheFor: (providerName: string) => ProviderCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly defaults: SchedulerTiming;
  /** At most this many runs at once on this instance. */
  readonly maxConcurrentAgents: number;
  /** How often due agents are looked for (Clouddriver: 1 s). */
  readonly pollIntervalMs: number;
  /** Only agents whose lower-cased type fully matches run (Clouddriver `enabledPattern`). */
  readonly enabledPattern?: string;
  /** false = never run agents (a read-only instance). */
  readonly writeEnabled?: boolean;
  readonly onRun?: (event: AgentRunEvent) => void;
  /** Whether this instance should run an agent at all (cache sharding across replicas); absent: every agent. */
  readonly runsHere?: (agent: CachingAgent) => boolean;
}

/** Introspection of one agent, as `GET /cache/introspection` shows it (`CacheController` in clouddriver-web, from `AgentIntrospection`). */
export interface AgentIntrospection {
  id: string;
  provider: string;
  totalAdditions: number;
  totalEvictions: number;
  details: Record<string, unknown>;
  lastError: string | null;
  lastExecutionStartMs: number | null;
  lastExecutionDurationMs: number | null;
  runs: number;
  failures: number;
  running: boolean;
}

/** What start-up progress reads of one agent (see `syncProgress`): no introspection is built. */
export interface AgentSyncRecord {
  readonly agent: CachingAgent;
  readonly runs: number;
  readonly failures: number;
}

/**
 * What the operator console shows of one agent beyond `/cache/introspection` (whose shape is
 * Clouddriver's and stays as it is): the last run's own figures and when a run last succeeded.
 */
export interface AgentRunRecord {
  readonly id: string;
  readonly provider: string;
  readonly accountName: string | undefined;
  /** The last finished run (undefined before the first one ends). */
  readonly lastRun: { readonly success: boolean; readonly startMs: number; readonly durationMs: number; readonly additions: number; readonly evictions: number; readonly error?: string } | undefined;
  /** When the last successful run started (undefined when none has succeeded). */
  readonly lastSuccessMs: number | undefined;
  /** Failed runs since the last success. */
  readonly consecutiveFailures: number;
  readonly intervalMs: number;
}

interface Entry {
  readonly agent: CachingAgent;
  readonly timing: SchedulerTiming;
  readonly stats: AgentIntrospection;
  /** Last-run figures for `runRecords()` (carried over when an agent is replaced, as `stats` is). */
  record: { lastRun: AgentRunRecord['lastRun']; lastSuccessMs: number | undefined; consecutiveFailures: number };
  /** Local hint of the next due time; the lease is the real schedule across instances. */
  nextDueMs: number;
  /** Whether `enabledPattern` admits the agent (its type does not change: tested once, not on every poll). */
  readonly enabled: boolean;
  run?: { controller: AbortController; done: Promise<void> };
}

/**
 * Runs caching agents on their intervals with one lease per agent (the lease key is the agent
 * type, as in Clouddriver's ClusteredAgentScheduler): acquire for `timeout`, run, write the
 * result, then keep the lease until the next run is due (released when under 500 ms remain).
 * A run that passes its timeout is aborted and recorded as a failure; a run whose lease was
 * lost has its result dropped. Agents are added and removed while running.
 */
export class AgentScheduler {
  private readonly entries = new Map<string, Entry>();
  /** Runs in progress (replaced and unscheduled agents' included until they end). */
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;
  private readonly enabled: RegExp;

  constructor(private readonly opts: AgentSchedulerOptions) {
    this.enabled = new RegExp(`^(?:${opts.enabledPattern ?? '.*'})$`);
  }

  /** Adds (or replaces) an agent; it becomes due at once. */
  schedule(agent: CachingAgent): void {
    const existing = this.entries.get(agent.agentType);
    existing?.run?.controller.abort(new Error('agent rescheduled'));
    const d = this.opts.defaults;
    const s = agent.schedule ?? {};
    this.entries.set(agent.agentType, {
      agent,
      timing: {
        intervalMs: s.intervalMs ?? d.intervalMs,
        errorIntervalMs: s.errorIntervalMs ?? d.errorIntervalMs,
        timeoutMs: s.timeoutMs ?? d.timeoutMs,
      },
      stats: existing?.stats ?? blankStats(agent),
      record: existing?.record ?? { lastRun: undefined, lastSuccessMs: undefined, consecutiveFailures: 0 },
      nextDueMs: 0,
      enabled: this.enabled.test(agent.agentType.toLowerCase()),
    });
    this.kick();
  }

  /** Stops an agent: aborts a running run (its result is dropped) and frees its lease. */
  async unschedule(agentType: string): Promise<void> {
    const entry = this.entries.get(agentType);
    if (!entry) return;
    this.entries.delete(agentType);
    if (entry.run) {
      entry.run.controller.abort(new Error('agent unscheduled'));
      await entry.run.done;
    }
    await this.opts.leases.release(agentType, this.opts.nodeId).catch(() => false);
  }

  agents(): CachingAgent[] {
    return [...this.entries.values()].map((e) => e.agent);
  }

  introspection(): AgentIntrospection[] {
    return [...this.entries.values()].map((e) => ({
      ...e.stats,
      details: { ...e.stats.details, ...(e.agent.introspectionDetails?.() ?? {}) },
      running: e.run !== undefined,
    }));
  }

  syncRecords(): AgentSyncRecord[] {
    return [...this.entries.values()].map((e) => ({ agent: e.agent, runs: e.stats.runs, failures: e.stats.failures }));
  }

  /**
   * Agent counts for `/health`, without each agent's `introspectionDetails` (which, for thousands
   * of Kubernetes accounts, would compute every account's status on every health check).
   */
  counts(): { scheduled: number; running: number; failing: number } {
    let running = 0;
    let failing = 0;
    for (const e of this.entries.values()) {
      if (e.run !== undefined) running++;
      if (e.stats.lastError) failing++;
    }
    return { scheduled: this.entries.size, running, failing };
  }

  /** Per agent: the last run, the last success and the failures since (see `AgentRunRecord`). */
  runRecords(): AgentRunRecord[] {
    return [...this.entries.values()].map((e) => ({
      id: e.agent.agentType,
      provider: e.agent.providerName,
      accountName: e.agent.accountName,
      ...e.record,
      intervalMs: e.timing.intervalMs,
    }));
  }

  /** The instance holding an agent's lease now (running it, or holding it until its next run), if any. */
  leaseHolder(agentType: string): Promise<string | undefined> {
    return this.opts.leases.holder(agentType);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  /** Stops polling and aborts running agents (their results are dropped). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    const running = [...this.entries.values()].flatMap((e) => (e.run ? [e.run] : []));
    for (const r of running) r.controller.abort(new Error('scheduler stopped'));
    await Promise.all(running.map((r) => r.done));
  }

  /** Runs a poll soon (after the current one). */
  private kick(): void {
    if (this.stopped || this.opts.writeEnabled === false) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), 0);
  }

  private poll(): void {
    this.timer = undefined;
    if (this.stopped || this.polling) return;
    this.polling = this.acquireDue()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'agent scheduling failed'))
      .finally(() => {
        this.polling = undefined;
        if (!this.stopped && !this.timer) this.timer = setTimeout(() => this.poll(), this.opts.pollIntervalMs);
      });
  }

  /**
   * Takes the lease of every due agent, in random order, and runs it. A due agent that is not
   * active here (an account not yet synced, or led by another instance) or belongs to another
   * shard is looked at again one poll interval later, not at each poll: a run ending asks for a
   * poll, and while thousands of accounts start (each with a snapshot agent due but inactive
   * until the account syncs) asking every inactive agent at each of those polls was quadratic.
   */
  private async acquireDue(): Promise<void> {
    const now = this.opts.clock.now();
    const due: Entry[] = [];
    for (const e of this.entries.values()) {
      if (e.run !== undefined || e.nextDueMs > now || !e.enabled) continue;
      if (e.agent.isActive?.() === false || this.opts.runsHere?.(e.agent) === false) e.nextDueMs = now + this.opts.pollIntervalMs;
      else due.push(e);
    }
    shuffle(due);
    for (const entry of due) {
      if (this.stopped || this.runningCount() >= this.opts.maxConcurrentAgents) return;
      if (this.entries.get(entry.agent.agentType) !== entry || entry.run) continue;
      const acquired = await this.opts.leases.tryAcquire(entry.agent.agentType, this.opts.nodeId, entry.timing.timeoutMs);
      if (!acquired) {
        // Another instance runs it or holds it until its next run: look again later.
        entry.nextDueMs = this.opts.clock.now() + Math.min(entry.timing.intervalMs, 5_000);
        continue;
      }
      this.startRun(entry);
    }
  }

  /** Counted, not found by a scan of every entry (checked once per due agent: quadratic with thousands of accounts). */
  private runningCount(): number {
    return this.running;
  }

  private startRun(entry: Entry): void {
    const controller = new AbortController();
    this.running++;
    const done = this.execute(entry, controller).finally(() => {
      this.running--;
      entry.run = undefined;
      this.kick();
    });
    entry.run = { controller, done };
  }

  /**
   * One run's work: `loadData`, then (lease and activity re-checked) `putCacheResult` and
   * `resultWritten`. Throws when the run fails or its result is dropped.
   */
  private async loadAndWrite(entry: Entry, signal: AbortSignal, logger: Logger): Promise<WriteStats> {
    const { agent, stats } = entry;
    const { clock, leases, nodeId } = this.opts;
    const cache = this.opts.cacheFor(agent.providerName);
    const result = await abortable(agent.loadData({ cache, signal, logger, clock }), signal);
    if ((await leases.holder(agent.agentType)) !== nodeId) throw new Error('agent lease lost; result dropped');
    if (agent.isActive?.() === false) throw new Error('agent no longer active on this instance; result dropped');
    signal.throwIfAborted();
    const written = await cache.putCacheResult(agent.agentType, authoritativeTypes(agent), await withPatternEvictions(agent, result, cache));
    agent.resultWritten?.(written);
    stats.details = { ...(result.introspectionDetails ?? {}) };
    return written;
  }

  private async execute(entry: Entry, controller: AbortController): Promise<void> {
    const { agent, timing, stats } = entry;
    const { clock, leases, nodeId } = this.opts;
    const startMs = clock.now();
    const timeout = setTimeout(
      () => controller.abort(new Error(`agent timed out after ${timing.timeoutMs} ms`)),
      timing.timeoutMs,
    );
    const logger = this.opts.logger.child({ agent: agent.agentType });
    let success = false;
    let additions = 0;
    let evictions = 0;
    let error: string | undefined;
    try {
      // An agent whose last result still stands skips the load and the write (see `unchanged`).
      if (agent.unchanged?.(startMs) !== true) ({ additions, evictions } = await this.loadAndWrite(entry, controller.signal, logger));
      success = true;
    } catch (err) {
      error = controller.signal.aborted ? String(reasonMessage(controller.signal.reason)) : reasonMessage(err);
      logger.warn({ err: error }, 'caching agent run failed');
    } finally {
      clearTimeout(timeout);
    }
    const endMs = clock.now();
    stats.lastExecutionStartMs = startMs;
    stats.lastExecutionDurationMs = endMs - startMs;
    stats.runs++;
    stats.totalAdditions += additions;
    stats.totalEvictions += evictions;
    if (success) stats.lastError = null;
    else {
      stats.failures++;
      stats.lastError = error ?? 'unknown error';
    }
    entry.record = {
      lastRun: { success, startMs, durationMs: endMs - startMs, additions, evictions, ...(success ? {} : { error: stats.lastError ?? 'unknown error' }) },
      lastSuccessMs: success ? startMs : entry.record.lastSuccessMs,
      consecutiveFailures: success ? 0 : entry.record.consecutiveFailures + 1,
    };
    entry.nextDueMs = startMs + (success ? timing.intervalMs : timing.errorIntervalMs);
    const holdMs = entry.nextDueMs - endMs;
    // The lease doubles as the schedule: keep it until the next run is due. A replaced or removed
    // agent frees it at once.
    const current = this.entries.get(agent.agentType) === entry;
    if (!current || holdMs < 500) await leases.release(agent.agentType, nodeId).catch(() => false);
    else if (!(await leases.extend(agent.agentType, nodeId, holdMs).catch(() => false))) {
      logger.debug('agent lease was lost before the run finished');
    }
    this.opts.onRun?.({ agent, success, durationMs: endMs - startMs, additions, evictions, ...(error ? { error } : {}) });
  }
}

function blankStats(agent: CachingAgent): AgentIntrospection {
  return {
    id: agent.agentType,
    provider: agent.providerName,
    totalAdditions: 0,
    totalEvictions: 0,
    details: {},
    lastError: null,
    lastExecutionStartMs: null,
    lastExecutionDurationMs: null,
    runs: 0,
    failures: 0,
    running: false,
  };
}

/** Adds evictions for ids that match an authoritative type's `cacheKeyPatterns` glob but were not loaded. */
async function withPatternEvictions(agent: CachingAgent, result: CacheResult, cache: ProviderCache): Promise<CacheResult> {
  const patterns = agent.cacheKeyPatterns;
  if (!patterns || result.partialResult) return result;
  const evictions: Record<string, readonly string[]> = { ...(result.evictions ?? {}) };
  for (const type of authoritativeTypes(agent)) {
    const glob = patterns[type];
    if (!glob) continue;
    const loaded = new Set([...(result.cacheResults[type] ?? []).map((i) => i.id), ...(result.unchanged?.[type] ?? [])]);
    const matches = globMatcher(glob);
    const missing = (await cache.filterIdentifiers(type, glob)).filter((id) => matches(id) && !loaded.has(id));
    if (missing.length > 0) evictions[type] = [...(evictions[type] ?? []), ...missing];
  }
  return { ...result, evictions };
}

/** Resolves with the promise, or rejects as soon as the signal aborts (the work is abandoned). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function reasonMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

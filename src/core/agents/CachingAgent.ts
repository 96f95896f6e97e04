import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import type { Cache, WriteStats } from '../cache/Cache.js';
import type { CacheResult, DataTypeAuthority } from '../cache/CacheData.js';

/** Per-agent timing; anything left out falls back to the scheduler's defaults. */
export interface AgentSchedule {
  readonly intervalMs?: number;
  readonly errorIntervalMs?: number;
  readonly timeoutMs?: number;
}

/** What an agent may use while it loads data. It never writes a store: it returns a result. */
export interface AgentContext {
  /** Read view of the agent's provider cache (e.g. to carry state between cycles). */
  readonly cache: Cache;
  /** Aborted when the run passes its timeout, loses its lease, or the scheduler stops. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * A caching agent (Clouddriver's `CachingAgent`). `agentType` is globally unique and stable
 * (`{account}/...`): it is the lease key and the owner name of everything the agent writes.
 */
export interface CachingAgent {
  readonly agentType: string;
  /** The provider whose cache the result is written to (its cache namespace). */
  readonly providerName: string;
  /** The account the agent serves, when it serves one (used for account removal). */
  readonly accountName?: string;
  readonly providedDataTypes: readonly DataTypeAuthority[];
  /** Authoritative types with a glob: matching ids absent from a result are evicted too. */
  readonly cacheKeyPatterns?: Readonly<Record<string, string>>;
  readonly schedule?: AgentSchedule;
  /**
   * Whether this instance should run the agent at all right now (it keeps the account's live
   * cache, say); when false the scheduler skips it without taking its lease, so the instance
   * that should run it can. Absent: always.
   */
  isActive?(): boolean;
  /**
   * Asked at the start of a run (lease held, `nowMs` from the scheduler's clock): true when the
   * agent knows that its last written result still stands, i.e. `loadData` would return what the
   * store already holds from it. The run then neither loads nor writes (`resultWritten` is not
   * called); it counts as a successful run with nothing added or evicted, and the next one is due
   * after the usual interval. An agent that says true must still bound how long it keeps saying
   * so if its full write also repairs the store. Absent: every run loads and writes.
   */
  unchanged?(nowMs: number): boolean;
  loadData(ctx: AgentContext): Promise<CacheResult>;
  /** Called once the result of a run is in the cache store (not after a failed or dropped run). */
  resultWritten?(written: WriteStats): void;
  /** Live state shown in `/cache/introspection` `details` (e.g. a watch's health). */
  introspectionDetails?(): Record<string, unknown>;
  /**
   * The `state` and `objects` of `introspectionDetails()` alone, for the start-up progress and
   * the console's first-sync figures, which ask every agent every few seconds while thousands of
   * accounts start (the full details of a Kubernetes account list each of its collections).
   * Absent: the agent has synced once a run succeeded.
   */
  syncState?(): { readonly state: string; readonly objects: number };
}

export function authoritativeTypes(agent: CachingAgent): string[] {
  return agent.providedDataTypes.filter((t) => t.authority === 'AUTHORITATIVE').map((t) => t.typeName);
}

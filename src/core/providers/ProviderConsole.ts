import type { CacheData } from '../cache/CacheData.js';

/** Whose a cache key is, for read authorization in the console (either may be unknown). */
export interface ConsoleKeyScope {
  readonly account?: string;
  readonly application?: string;
}

/** "Why is this missing?": an application, cluster or object name, optionally narrowed. */
export interface MissingQuery {
  readonly name: string;
  readonly account?: string;
  readonly namespace?: string;
  readonly kind?: string;
}

/** One cached item the query matched, with what it points to. */
export interface MissingFoundKey {
  readonly type: string;
  readonly id: string;
  readonly account?: string;
  readonly relationships: Readonly<Record<string, readonly string[]>>;
}

/** One filter's verdict on an object at the source (`excludes`: this filter keeps it out of the cache). */
export interface FilterVerdict {
  readonly filter: string;
  readonly excludes: boolean;
  readonly detail: string;
}

/** An object found at the source (the cloud), whether it is cached, and every filter's verdict. */
export interface MissingLiveObject {
  readonly account: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The cache key it has (or would have). */
  readonly key: string;
  readonly cached: boolean;
  readonly filters: readonly FilterVerdict[];
}

export interface MissingExplanation {
  readonly found: readonly MissingFoundKey[];
  readonly live: readonly MissingLiveObject[];
  /** Accounts that could not be asked (unreachable, timed out), with the reason. */
  readonly errors: readonly { readonly account: string; readonly message: string }[];
  readonly notes: readonly string[];
}

/**
 * What a provider adds to the operator console (`/console`), every part optional: the console
 * itself knows nothing of any provider. Account state, agents and the cache browser work from the
 * scheduler and the cache alone; these hooks add ownership, authorization scopes of keys,
 * redaction, on-demand refresh requests and the "why is this missing?" explanation.
 */
export interface ProviderConsole {
  /** The instance that caches an account now, when the instances share accounts out (one owner each). */
  accountOwner?(account: string): Promise<string | undefined>;
  /** The account and application a key belongs to (read authorization of key lists and items). */
  keyScope?(type: string, id: string): ConsoleKeyScope;
  /** The item without anything secret (called on every item the console shows). */
  redact?(type: string, item: CacheData): CacheData;
  /** The `POST /cache/{provider}/{type}` body that refreshes this item, when it can be refreshed. */
  onDemandRequest?(type: string, item: CacheData): { readonly type: string; readonly body: Record<string, unknown> } | undefined;
  /** Which keys exist for `query.name` and which filters keep matching objects out, within `accounts` (those the caller may read). */
  explainMissing?(query: MissingQuery, accounts: readonly string[]): Promise<MissingExplanation>;
}

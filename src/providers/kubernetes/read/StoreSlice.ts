import type { CacheData } from '../../../core/cache/CacheData.js';
import { ALWAYS_PRESENT_RELATIONSHIPS, inKeyOrder } from '../cacheModel.js';
import { APPLICATIONS, CLUSTERS, infrastructureKey, parseKey } from '../keys.js';
import { parseKindString } from '../KubernetesKind.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import type { CacheModelReader } from './CacheModelReader.js';
import type { LogicalType } from './StoreItemCache.js';

/** What one request has read from the cache store so far (its own copy and the shared cache). */
export interface StoreReadsSoFar {
  /** The stored item, null when the store has none, undefined when not read yet. */
  item(key: string): CacheData | null | undefined;
  /** Identifiers of an account's cached objects of one kind, or undefined when not read yet. */
  accountKeys(account: string, kind: string): readonly string[] | undefined;
  /** Identifiers of a logical type (every account), or undefined when not read yet. */
  logicalIds(type: LogicalType): readonly string[] | undefined;
}

/**
 * One account's cache as read from the cache store, for one pass of a read: answers from what
 * has been read so far and records what it was asked for and did not have (`missing*`). The read
 * is run again once those are fetched, until a pass misses nothing; that pass saw the same items
 * the watch-fed model would hold, so its answer is the same.
 *
 * The store's `applications:{app}` item spans accounts; here it has this account's
 * relationships only, and no item when the account has none of the application (as the model's).
 */
export class StoreSlice implements CacheModelReader {
  readonly missingItems = new Set<string>();
  /** Kinds whose keys (in this account) were asked for and not read yet. */
  readonly missingKinds = new Set<string>();
  readonly missingLogical = new Set<LogicalType>();

  constructor(
    readonly account: string,
    private readonly found: StoreReadsSoFar,
  ) {}

  resource(key: string): CacheData | undefined {
    return this.item(key);
  }

  item(key: string): CacheData | undefined {
    const stored = this.found.item(key);
    if (stored === undefined) this.missingItems.add(key);
    if (stored === undefined || stored === null) return undefined;
    const relationships: Record<string, readonly string[]> = {};
    for (const r of ALWAYS_PRESENT_RELATIONSHIPS) relationships[r] = [];
    const application = parseKey(key)?.type === APPLICATIONS;
    let links = 0;
    for (const [type, keys] of Object.entries(stored.relationships)) {
      const kept = application ? keys.filter((k) => this.owns(k)) : keys;
      links += kept.length;
      if (kept.length > 0 || (!application && relationships[type] === undefined)) relationships[type] = kept;
    }
    if (application && links === 0) return undefined;
    return { id: stored.id, attributes: stored.attributes, relationships: inKeyOrder(relationships) };
  }

  neighbours(key: string): ReadonlySet<string> {
    return new Set(Object.values(this.item(key)?.relationships ?? {}).flat());
  }

  manifest(key: string): KubernetesManifest | undefined {
    const m = this.item(key)?.attributes.manifest;
    return typeof m === 'object' && m !== null ? (m as KubernetesManifest) : undefined;
  }

  keyFor(kind: string, namespace: string, name: string): string {
    return infrastructureKey(parseKindString(kind), this.account, namespace, name);
  }

  logicalKeys(type: typeof APPLICATIONS | typeof CLUSTERS): string[] {
    const ids = this.found.logicalIds(type);
    if (ids === undefined) {
      this.missingLogical.add(type);
      return [];
    }
    return type === CLUSTERS ? ids.filter((k) => this.owns(k)) : [...ids];
  }

  keysOfKinds(kinds: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const kind of kinds) {
      const keys = this.found.accountKeys(this.account, kind);
      if (keys === undefined) this.missingKinds.add(kind);
      else out.push(...keys);
    }
    return out;
  }

  get missedAnything(): boolean {
    return this.missingItems.size > 0 || this.missingKinds.size > 0 || this.missingLogical.size > 0;
  }

  private owns(key: string): boolean {
    const p = parseKey(key);
    return p !== undefined && 'account' in p && p.account === this.account;
  }
}

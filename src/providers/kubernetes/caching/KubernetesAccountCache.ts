import type { ProviderCache } from '../../../core/cache/Cache.js';
import type { CacheData, CacheResult } from '../../../core/cache/CacheData.js';
import type { Logger } from '../../../core/Logger.js';
import type { ForegroundActivity } from '../../../core/ForegroundActivity.js';
import { processBackground, type BackgroundTurns } from '../../../core/BackgroundTurns.js';
import { StringInterner } from '../../../core/memory/StringInterner.js';
import type { KubernetesCredentials } from '../account/KubernetesCredentials.js';
import { KubernetesCacheModel } from '../cacheModel.js';
import type { CachingOptions } from '../cacheModel.js';
import type { KubeObject } from '../client/KubeClient.js';
import { KubeApiError } from '../client/KubeClient.js';
import { assertSameObject } from '../coordinates.js';
import { UI_DEFAULT_KINDS, apiVersionOfKind, createKindRegistry, parseKindString, resourcePath } from '../KubernetesKind.js';
import type { KubernetesKindProperties, KubernetesKindRegistry } from '../KubernetesKind.js';
import { APPLICATIONS, CLUSTERS, accountInfrastructurePattern, cacheTypeOfKey, infrastructureKey, parseKey } from '../keys.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import { ResourceWatcher } from './ResourceWatcher.js';

/** `following`: another instance watches the account; this one mirrors it from the cache store. */
export type AccountCacheState = 'starting' | 'listing' | 'watching' | 'degraded' | 'unreachable' | 'following';

/** `leader` watches the cluster and writes the store; `follower` mirrors the store (another instance leads). */
export type AccountCacheRole = 'leader' | 'follower';

/** What `/health` shows of one account. */
export interface AccountHealthDetail {
  readonly state: AccountCacheState;
  readonly stale: boolean;
  readonly objects: number;
  readonly lastError?: string;
}

export interface AccountCacheStatus {
  readonly account: string;
  readonly state: AccountCacheState;
  readonly stale: boolean;
  readonly objects: number;
  readonly lastSyncMs: number | undefined;
  readonly lastError: string | undefined;
  readonly collections: Record<string, { phase: string; objects: number; lastError?: string }>;
}

export interface AccountCacheOptions {
  readonly credentials: KubernetesCredentials;
  /** Write-through target (the provider cache); failures there never affect reads. */
  readonly cache: ProviderCache;
  readonly logger: Logger;
  /** Agent type the account's items are written under. */
  readonly agentType: string;
  /** False on read-only instances (`caching.writeEnabled: false`): nothing is written to the store. */
  readonly writeEnabled?: boolean;
  /** Changes are batched for this long before being written to the cache store. */
  readonly flushIntervalMs?: number;
  /** Requests being served: a bulk write-through steps aside for them between batches. */
  readonly foreground?: Pick<ForegroundActivity, 'quiet'>;
  /** Turns the write-through and snapshot steps wait for, shared with every other writer (default: the process's). */
  readonly turns?: Pick<BackgroundTurns, 'next'>;
  /**
   * How often the API server is probed (`/version`, with the account's request timeout); a failing
   * probe marks the account unreachable.
   */
  readonly probeIntervalMs?: number;
  /** Watch streams without a byte for this long are restarted. */
  readonly idleTimeoutMs?: number;
  /** Called with the keys whose cached items changed (after the in-memory model is updated). */
  readonly onChange?: (keys: ReadonlySet<string>) => void;
  /** Role at start (default `leader`); `lead()` and `follow()` switch it. */
  readonly role?: AccountCacheRole;
  /** Checked before each store write: false once this instance may no longer write the account (its lease lapsed). */
  readonly mayWrite?: () => boolean;
  /** Told, after each store write, which keys it wrote (the change feed to followers). */
  readonly published?: (keys: readonly string[]) => void;
  /**
   * False for `kubernetes.followerReads: store`: while another instance leads the account this
   * one keeps no model of it (reads go to the store), and loads it from the store only when it
   * comes to lead it. Default true: a follower mirrors the whole account in memory.
   */
  readonly mirrorStore?: boolean;
  /** Told how many items a bulk store write (a write-through of a LIST or relist) or a load from the store just handled. */
  readonly bulkLoaded?: (items: number) => void;
}

/** Kinds an account caches (`KubernetesCachingAgent.filteredPrimaryKinds`): `kinds` or the UI kinds, minus `omitKinds`, plus custom resources. */
export function cachedKinds(credentials: KubernetesCredentials, registry: KubernetesKindRegistry): KubernetesKindProperties[] {
  const c = credentials.config;
  const wanted = c.kinds.length > 0 ? c.kinds.map(parseKindString) : [...UI_DEFAULT_KINDS, ...c.customResources.map((r) => parseKindString(r.kubernetesKind))];
  const omitted = new Set(c.omitKinds.map((k) => parseKindString(k).toLowerCase()));
  return [...new Set(wanted)].filter((k) => !omitted.has(k.toLowerCase())).map((k) => registry.get(k));
}

/**
 * Keeps one account's resources in memory by LIST + WATCH of every cached kind, maintains the
 * Clouddriver cache model incrementally, and writes changes through to the provider cache in
 * batches. Reads are served from `model`; its last known data stays readable while the cluster
 * is unreachable (the status says `stale` / `unreachable`).
 */
export class KubernetesAccountCache {
  readonly model: KubernetesCacheModel;
  readonly registry: KubernetesKindRegistry;
  private readonly watchers = new Map<string, ResourceWatcher>();
  private readonly collectionObjects = new Map<string, Set<string>>();
  /** Keys seen so far by a (re)list in progress, per collection. */
  private readonly listing = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly discovered = new Map<string, KubernetesKindProperties>();
  private readonly discoveryTimers: NodeJS.Timeout[] = [];
  private pendingDiscoveries = 0;
  /** Objects loaded from the cache store at start (last known state). */
  private hydrated = 0;
  private probeError: string | undefined;
  /** The last `healthDetail()`, handed out again while nothing in it changed. */
  private lastHealth: AccountHealthDetail | undefined;
  private stopped = false;
  /** Pending writes are dropped (the account is being removed). */
  private abandoned = false;
  /** Every collection has completed its first LIST. */
  private synced = false;
  private readonly syncWaiters: (() => void)[] = [];
  private role: AccountCacheRole;
  /** When the last write-through started (`performance.now()`), for batching. */
  private lastFlushMs = -Infinity;
  /** Store writes failed in a row (their keys wait for the next flush). */
  private failedWrites = 0;
  /** Hydration from the store is still running (watching starts after it). */
  private hydrating = false;
  /** Follower updates from the store, applied one at a time in arrival order. */
  private mirroring: Promise<void> = Promise.resolve();
  /** Follower updates that failed in a row; a reload is retried until one succeeds. */
  private failedMirrors = 0;
  private mirrorRetryTimer: NodeJS.Timeout | undefined;
  /**
   * Keys changed since the snapshot agent took its result, until that result is written: the
   * snapshot may land after their write-through and put older copies back, so they are written
   * again once it has.
   */
  private touchedSinceSnapshot: Set<string> | undefined;
  /**
   * Keys whose current item this instance has not confirmed in the store during its current
   * term as leader: changed since their last successful write-through, or loaded before it began
   * leading. Empty once the write-through has caught up; a snapshot writes these (see `snapshot`).
   */
  private readonly unconfirmed = new Set<string>();
  /** Counts role switches, so a follower update begun under one role is not applied under another. */
  private roleChanges = 0;
  /** Model change count and role term when the snapshot in flight was taken. */
  private snapshotTaken: SnapshotMark | undefined;
  /** The keys whose items the snapshot in flight writes. */
  private snapshotKeys: readonly string[] = [];
  /** The same, for the last snapshot the store confirmed (`snapshotWritten`). */
  private snapshotStored: SnapshotMark | undefined;

  constructor(private readonly opts: AccountCacheOptions) {
    const c = opts.credentials.config;
    this.registry = createKindRegistry(c.customResources);
    const options: CachingOptions = { onlySpinnakerManaged: c.onlySpinnakerManaged, cacheAllApplicationRelationships: c.cacheAllApplicationRelationships, kinds: this.registry };
    this.model = new KubernetesCacheModel(c.name, options);
    this.role = opts.role ?? 'leader';
  }

  get currentRole(): AccountCacheRole {
    return this.role;
  }

  /** The model is this instance's to read: it leads the account and has loaded it. */
  get servesFromModel(): boolean {
    return this.role === 'leader' && this.synced;
  }

  get account(): string {
    return this.opts.credentials.name;
  }

  get credentials(): KubernetesCredentials {
    return this.opts.credentials;
  }

  start(): void {
    if (this.keepsModel()) this.hydrateThenWatch();
    else this.notifySynced();
  }

  /** Leading, or mirroring the store in memory (not `mirrorStore: false` while following). */
  private keepsModel(): boolean {
    return this.role === 'leader' || this.opts.mirrorStore !== false;
  }

  /** Loads the last known objects from the store, then (if leading) watches the cluster. */
  private hydrateThenWatch(): void {
    this.pendingDiscoveries++; // hydration holds back the initial sync like a discovery
    this.hydrating = true;
    void this.hydrate()
      .catch((e: unknown) => this.opts.logger.warn({ account: this.account, err: (e as Error).message }, 'could not load last known objects from the cache store'))
      .finally(() => {
        this.hydrating = false;
        if (this.role === 'leader' && !this.stopped) this.startWatching();
        this.pendingDiscoveries--;
        this.notifySynced();
      });
  }

  /**
   * The cached manifest of an infrastructure key: from the model where this instance keeps one,
   * else read from the cache store.
   */
  async cachedManifest(key: string): Promise<KubernetesManifest | undefined> {
    if (this.keepsModel()) return this.model.manifest(key);
    const type = cacheTypeOfKey(key);
    if (type === undefined) return undefined;
    return storedObjects(await this.opts.cache.getAll(type, [key]))[0]?.manifest;
  }

  /** Probes the API server and watches every cached kind (the leader's work). */
  private startWatching(): void {
    this.probe();
    for (const kind of cachedKinds(this.opts.credentials, this.registry)) {
      if (kind.resource !== undefined && kind.version !== undefined) this.watchKind(kind);
      else this.discoverAndWatch(kind);
    }
  }

  /** Opens the cluster connection ahead of `lead()` (see `ConnectAhead`); never rejects. */
  connect(): Promise<void> {
    return this.stopped ? Promise.resolve() : this.opts.credentials.client.connect();
  }

  /**
   * Becomes the account's leader: watches the cluster (a full LIST of every kind first, which
   * also removes what the store still had but the cluster no longer has) and writes the store.
   */
  lead(): void {
    if (this.stopped || this.role === 'leader') return;
    this.role = 'leader';
    this.roleChanges++;
    // What the store holds of the model is unknown to a new term: nothing is confirmed yet.
    this.unconfirmed.clear();
    for (const k of this.model.keys()) this.unconfirmed.add(k);
    clearTimeout(this.mirrorRetryTimer);
    this.synced = false;
    if (this.opts.mirrorStore === false && !this.hydrating) {
      // No model was kept while following: the last known objects come from the store first.
      this.hydrateThenWatch();
      return;
    }
    this.rebuildCollections();
    if (this.hydrating) return; // start() watches once hydration ends
    this.pendingDiscoveries++;
    this.startWatching();
    this.pendingDiscoveries--;
    this.notifySynced();
  }

  /**
   * Stops leading: the watches end; with `flush` (a handoff) what is pending is written first,
   * without it (the lease lapsed) it stays pending, unwritten. The model stays, mirrored from the
   * store from now on.
   */
  async follow(opts: { flush: boolean }): Promise<void> {
    if (this.role === 'follower') return;
    this.role = 'follower';
    this.roleChanges++;
    this.unconfirmed.clear();
    clearTimeout(this.probeTimer);
    for (const t of this.discoveryTimers.splice(0)) clearTimeout(t);
    const watchers = [...this.watchers.values()];
    this.watchers.clear();
    this.listing.clear();
    await Promise.all(watchers.map((w) => w.stop()));
    this.probeError = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // A handoff writes what is pending now (the lease is still held); after a lapsed lease the
    // keys stay pending, unwritten, in case this instance leads the account again (its model may
    // hold changes the store never got; a relist alone would not find them different).
    if (opts.flush) await this.flush();
    await this.flushing;
    if (!this.keepsModel()) {
      // Reads of the account go to the store now; a later lead() loads it from there (and its
      // LIST finds whatever the store missed, so pending keys need not be kept).
      this.model.clear();
      this.collectionObjects.clear();
      this.pending.clear();
    }
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /**
   * Follower: re-reads the given keys from the cache store into the model (what the leader
   * announced it wrote); a key the store no longer has is removed. Applied in arrival order.
   */
  mirror(keys: readonly string[]): Promise<void> {
    const byType = new Map<string, string[]>();
    for (const key of keys) {
      const type = cacheTypeOfKey(key);
      if (type === undefined || parseKey(key)?.type !== 'infrastructure') continue;
      byType.set(type, [...(byType.get(type) ?? []), key]);
    }
    return this.followerUpdate('could not mirror changes from the cache store', async () => {
      const stored: StoredObject[] = [];
      for (const [type, ids] of byType) stored.push(...storedObjects(await this.opts.cache.getAll(type, ids, [])));
      return { stored, replaced: [...byType.values()].flat() };
    });
  }

  /** Follower: reloads the whole account from the store (after the change feed may have lost messages). */
  reload(): Promise<void> {
    return this.followerUpdate('could not reload the account from the cache store', async () => {
      const stored = (await this.readStoredAccount()).flatMap((r) => r.objects);
      return { stored, replaced: [...this.model.keys()].filter((k) => parseKey(k)?.type === 'infrastructure') };
    });
  }

  /**
   * Runs a follower update after the ones before it: `read` fetches from the store what replaces
   * the model's objects under the `replaced` keys (those it does not return are gone), and the
   * result is applied in one step, only if this instance still follows the account as it did
   * when the read began — a read that straddles `lead()` would otherwise put the store's older
   * copy over what the new leader just listed. A read that fails (the store unreachable, or its
   * client still reconnecting after a restart while the feed already delivers) would leave the
   * model behind the store until the account changes again: the whole account is reloaded
   * instead, retried 0.5 s doubling to 30 s until a reload succeeds.
   */
  private followerUpdate(failure: string, read: () => Promise<{ stored: readonly StoredObject[]; replaced: readonly string[] }>): Promise<void> {
    this.mirroring = this.mirroring.then(async () => {
      const term = this.roleChanges;
      if (!this.keepsModel() || this.role !== 'follower' || this.stopped) return;
      let found: Awaited<ReturnType<typeof read>>;
      try {
        found = await read();
        this.failedMirrors = 0;
      } catch (e) {
        this.failedMirrors++;
        const retryInMs = backoffMs(this.failedMirrors);
        this.opts.logger.warn({ account: this.account, err: (e as Error).message, retryInMs }, `${failure}; reloading the account`);
        clearTimeout(this.mirrorRetryTimer);
        this.mirrorRetryTimer = setTimeout(() => void this.reload(), retryInMs);
        return;
      }
      if (this.roleChanges !== term || this.stopped) return;
      const touched = new Set<string>();
      const present = new Set<string>();
      for (const { key, manifest } of found.stored) {
        present.add(key);
        this.model.upsert(manifest, touched);
      }
      for (const key of found.replaced) {
        const gone = present.has(key) ? undefined : this.model.manifest(key);
        if (gone !== undefined) this.model.remove(gone, touched);
      }
      if (touched.size > 0) this.opts.onChange?.(touched);
    });
    return this.mirroring;
  }

  /**
   * The result for the snapshot agent; call `snapshotWritten()` once the store has it. With
   * `full`, every item. Otherwise the items this leader has not confirmed written since it began
   * leading (`unconfirmed`, and anything pending) plus the logical items, whose stored copies
   * expire unless rewritten; every other item is listed as `unchanged` (kept by the authoritative
   * write without being serialized again). The snapshot agent asks for a full one now and then,
   * for what the store itself may have lost.
   *
   * Built a slice of keys at a time, yielding between slices, so a snapshot of a big account
   * never stops the event loop for long (50k objects in one go took ~1 s). Objects that change
   * while it is built are among the keys written again once it is stored, so the store ends
   * with their latest state whichever state the snapshot caught.
   */
  async snapshot(opts: { full?: boolean } = {}): Promise<CacheResult> {
    this.touchedSinceSnapshot = new Set();
    this.snapshotTaken = { changes: this.model.changeCount, term: this.roleChanges };
    const keys: string[] = [];
    const unchanged: Record<string, string[]> = {};
    for (const k of this.model.allKeys()) {
      const type = this.model.itemTypeOf(k);
      if (type === undefined) continue;
      // Logical items are stored with a TTL: rewritten by every snapshot.
      if (opts.full === true || type === APPLICATIONS || type === CLUSTERS || this.unconfirmed.has(k) || this.pending.has(k)) keys.push(k);
      else (unchanged[type] ??= []).push(k);
    }
    this.snapshotKeys = keys;
    const cacheResults: Record<string, CacheData[]> = {};
    for (let i = 0; i < keys.length; i += SNAPSHOT_SLICE) {
      await this.turns.next();
      // Keys are in order and each slice's items too, so appending keeps every type's list in order.
      for (const [type, items] of Object.entries(this.model.itemsFor(keys.slice(i, i + SNAPSHOT_SLICE)).cacheResults)) (cacheResults[type] ??= []).push(...items);
    }
    return { cacheResults: Object.fromEntries(Object.entries(cacheResults).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), ...(opts.full === true ? {} : { unchanged }) };
  }

  /** The snapshot is in the store: what changed since it was taken is written (and announced) again. */
  snapshotWritten(): void {
    const taken = this.snapshotTaken;
    this.snapshotStored = taken;
    this.snapshotTaken = undefined;
    const changed = this.touchedSinceSnapshot;
    this.touchedSinceSnapshot = undefined;
    // What it wrote is confirmed, unless it changed since (then it is written again below).
    if (taken?.term === this.roleChanges) for (const k of this.snapshotKeys) if (changed?.has(k) !== true && !this.pending.has(k)) this.unconfirmed.delete(k);
    this.snapshotKeys = [];
    if (changed === undefined || changed.size === 0 || this.role !== 'leader') return;
    for (const k of changed) this.pending.add(k);
    this.scheduleFlush();
  }

  /**
   * True when a snapshot taken now would be the one the store last confirmed: this instance has
   * led the account without a break since that snapshot was taken, the model has not changed
   * since (`KubernetesCacheModel.changeCount`), the account is watching, no snapshot is in flight
   * or failed after it, and no write-through is pending or failed since. Every change after the
   * stored snapshot moves the count, so a true answer means the store holds the model as the
   * write-through and that snapshot left it. It says nothing of data the store itself lost:
   * the snapshot agent still writes a full snapshot now and then (see `KubernetesProvider`).
   */
  snapshotUpToDate(): boolean {
    const stored = this.snapshotStored;
    return (
      stored !== undefined &&
      this.role === 'leader' &&
      stored.term === this.roleChanges &&
      stored.changes === this.model.changeCount &&
      this.touchedSinceSnapshot === undefined &&
      this.pending.size === 0 &&
      this.failedWrites === 0 &&
      this.summary().state === 'watching'
    );
  }

  /**
   * Once the write-through has stored every item of the model during this term (none left
   * unconfirmed or pending) and no snapshot of the term is stored or in flight, the store holds
   * what a snapshot taken now would write: recorded as if one had been (`snapshotUpToDate`), so
   * the first snapshot after an account's first LIST, which would rewrite only its applications
   * and clusters, can be skipped. Not after a handoff or a restart that mirrored the store: the
   * items loaded then stay unconfirmed until a snapshot writes them.
   */
  private noteWrittenWhole(): void {
    if (this.snapshotStored?.term === this.roleChanges || this.snapshotTaken !== undefined) return;
    if (!this.synced || this.role !== 'leader' || this.unconfirmed.size > 0 || this.pending.size > 0) return;
    this.snapshotStored = { changes: this.model.changeCount, term: this.roleChanges };
  }

  /** The collection of every object in the model, so a leader's first LIST can tell what is gone. */
  private rebuildCollections(): void {
    const namespaced = this.opts.credentials.config.namespaces.length > 0;
    this.collectionObjects.clear();
    for (const key of this.model.keys()) {
      const p = parseKey(key);
      if (p?.type !== 'infrastructure') continue;
      const kind = this.registry.get(p.kind);
      const collection = namespaced && kind.namespaced ? `${kind.name}/${p.namespace}` : kind.name;
      const set = this.collectionObjects.get(collection) ?? new Set<string>();
      set.add(key);
      this.collectionObjects.set(collection, set);
    }
  }

  /** Every object of the account the cache store holds, by cached kind (none once stopped). */
  private async readStoredAccount(): Promise<{ kind: KubernetesKindProperties; objects: StoredObject[] }[]> {
    const out: { kind: KubernetesKindProperties; objects: StoredObject[] }[] = [];
    for (const kind of cachedKinds(this.opts.credentials, this.registry)) {
      const ids = await this.opts.cache.filterIdentifiers(kind.name, accountInfrastructurePattern(kind.name, this.account));
      if (ids.length > 0 && !this.stopped) out.push({ kind, objects: storedObjects(await this.opts.cache.getAll(kind.name, ids, [])) });
    }
    return out;
  }

  /**
   * Loads the objects this account last wrote to the cache store, so reads answer at once after
   * a restart (marked stale until the first LIST replaces them; objects the LIST does not see go).
   */
  private async hydrate(): Promise<void> {
    const touched = new Set<string>();
    const namespaced = this.opts.credentials.config.namespaces.length > 0;
    for (const { kind, objects } of await this.readStoredAccount()) {
      for (const { key, manifest } of objects) {
        if (this.model.manifest(key) !== undefined) continue;
        this.model.upsert(manifest, touched);
        this.unconfirmed.add(this.model.canonical(key));
        const ns = manifest.metadata?.namespace;
        const collection = namespaced && kind.namespaced && ns !== undefined ? `${kind.name}/${ns}` : kind.name;
        const set = this.collectionObjects.get(collection) ?? new Set<string>();
        set.add(this.model.canonical(key));
        this.collectionObjects.set(collection, set);
        this.hydrated++;
      }
    }
    // Tell readers, but do not write back what was just read.
    if (touched.size > 0) this.opts.onChange?.(touched);
    this.opts.bulkLoaded?.(touched.size);
  }

  /**
   * The kind with its API version, resource and scope; custom resources are looked up through
   * API discovery once (and remembered). Throws when the cluster does not serve the kind.
   */
  async resolveKind(name: string): Promise<KubernetesKindProperties> {
    const kind = this.registry.get(name);
    if (kind.resource !== undefined && kind.version !== undefined) return kind;
    const known = this.discovered.get(kind.name);
    if (known !== undefined) return known;
    const client = this.opts.credentials.client;
    const group = await client.request<{ preferredVersion?: { version?: string }; versions?: { version: string }[] }>('GET', `/apis/${encodeURIComponent(kind.group)}`);
    const versions = [group.preferredVersion?.version, ...(group.versions ?? []).map((v) => v.version)].filter((v): v is string => v !== undefined);
    for (const version of [...new Set(versions)]) {
      const list = await client.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', `/apis/${encodeURIComponent(kind.group)}/${version}`);
      const r = list.resources.find((x) => x.kind === kind.apiKind && !x.name.includes('/'));
      if (r !== undefined) {
        const resolved = { ...kind, version, resource: r.name, namespaced: r.namespaced };
        this.discovered.set(kind.name, resolved);
        return resolved;
      }
    }
    throw new KubeApiError(404, `kind ${kind.name} is not served by account ${this.account}`);
  }

  /** Discovers a custom kind (retrying every 30 s until the cluster serves it), then watches it. */
  private discoverAndWatch(kind: KubernetesKindProperties): void {
    this.pendingDiscoveries++;
    let first = true;
    const attempt = (): void => {
      if (this.stopped || this.role !== 'leader') return;
      this.resolveKind(kind.name)
        .then((resolved) => this.watchKind(resolved))
        .catch((e: unknown) => {
          this.opts.logger.warn({ account: this.account, kind: kind.name, err: (e as Error).message }, 'custom resource kind not available; retrying in 30 s');
          this.discoveryTimers.push(setTimeout(attempt, 30_000));
        })
        .finally(() => {
          // Only the first attempt holds back the initial sync; later ones run in the background.
          if (first) {
            first = false;
            this.pendingDiscoveries--;
            this.notifySynced();
          }
        });
    };
    attempt();
  }

  private watchKind(kind: KubernetesKindProperties): void {
    const c = this.opts.credentials.config;
    const omitNamespaces = new Set(c.omitNamespaces);
    const scopes = kind.namespaced && c.namespaces.length > 0 ? c.namespaces.map((ns) => ({ id: `${kind.name}/${ns}`, path: resourcePath(kind, ns) })) : [{ id: kind.name, path: resourcePath(kind) }];
    const keep = (o: KubeObject): boolean => !omitNamespaces.has(o.metadata.namespace ?? '');
    for (const collection of scopes) {
      if (this.stopped || this.role !== 'leader' || this.watchers.has(collection.id)) continue;
      const watcher = new ResourceWatcher({
        client: this.opts.credentials.client,
        collection,
        logger: this.opts.logger,
        idleTimeoutMs: this.opts.idleTimeoutMs ?? 90_000,
        onListStart: () => this.listing.set(collection.id, new Set()),
        onListPage: (objects) => this.listPage(collection.id, kind, objects.filter(keep)),
        onListDone: () => this.listDone(collection.id),
        onChange: (type, object) => {
          if (keep(object)) this.change(collection.id, kind, type, object);
        },
        onState: () => this.notifySynced(),
      });
      this.watchers.set(collection.id, watcher);
      watcher.start();
    }
  }

  /**
   * Stops watching. With `flush` (service shutdown) pending changes are written first; without
   * it (account removal, whose items are about to be evicted) they are dropped.
   */
  async stop(opts: { flush?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (opts.flush !== true) this.abandoned = true;
    clearTimeout(this.probeTimer);
    clearTimeout(this.flushTimer);
    for (const t of this.discoveryTimers) clearTimeout(t);
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
    if (opts.flush === true) await this.flush();
    await this.flushing;
    await this.mirroring;
    clearTimeout(this.mirrorRetryTimer);
  }

  /** Resolves once every collection has completed its first LIST (or `timeoutMs` passes). */
  waitForInitialSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.syncWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  status(): AccountCacheStatus {
    const collections: AccountCacheStatus['collections'] = {};
    for (const [id, w] of this.watchers) {
      const s = w.current();
      collections[id] = { phase: s.phase, objects: this.collectionSize(id), ...(s.lastError === undefined ? {} : { lastError: s.lastError }) };
    }
    return { ...this.summary(), collections };
  }

  /**
   * `status()` without the per-collection detail: what `/health` shows of every account, so it
   * is computed in one pass over the watchers with nothing allocated per collection.
   */
  /**
   * `summary()` as `/health` shows it: the same object for as long as it does not change, so a
   * health poll over thousands of accounts builds only the details that changed.
   */
  healthDetail(): AccountHealthDetail {
    const s = this.summary();
    const last = this.lastHealth;
    if (last !== undefined && last.state === s.state && last.stale === s.stale && last.objects === s.objects && last.lastError === s.lastError) return last;
    this.lastHealth = Object.freeze({ state: s.state, stale: s.stale, objects: s.objects, ...(s.lastError === undefined ? {} : { lastError: s.lastError }) });
    return this.lastHealth;
  }

  summary(): Omit<AccountCacheStatus, 'collections'> {
    if (this.role === 'follower') {
      return { account: this.account, state: 'following', stale: false, objects: this.model.size, lastSyncMs: undefined, lastError: undefined };
    }
    let synced = 0;
    let failing = 0;
    let listing = false;
    let firstFailure: string | undefined;
    let lastSyncMs: number | undefined;
    for (const w of this.watchers.values()) {
      const s = w.current();
      if (s.lastSyncMs !== undefined) {
        synced++;
        lastSyncMs = lastSyncMs === undefined ? s.lastSyncMs : Math.max(lastSyncMs, s.lastSyncMs);
      }
      if (s.phase === 'backoff') {
        if (failing === 0) firstFailure = s.lastError;
        failing++;
      }
      if (s.phase === 'listing') listing = true;
    }
    const watched = this.watchers.size;
    let state: AccountCacheState;
    if (this.probeError !== undefined || (watched > 0 && failing === watched)) state = 'unreachable';
    else if (failing > 0) state = 'degraded';
    else if (synced < watched) state = listing ? 'listing' : 'starting';
    else state = 'watching';
    return {
      account: this.account,
      state,
      // Data is stale when there is some (listed once, or loaded from the store) but it is not being kept current.
      stale: (synced > 0 || this.hydrated > 0) && (state !== 'watching' || !this.synced),
      objects: this.model.size,
      lastSyncMs,
      lastError: this.probeError ?? firstFailure,
    };
  }

  /**
   * The cached objects of a kind in a namespace ('' for cluster-scoped kinds), or undefined when
   * the cache cannot stand in for a live LIST: the kind is not watched, the account is not fully
   * watching, or `onlySpinnakerManaged` hides objects. (Objects annotated
   * `caching.spinnaker.io/ignore` are never in the cache.)
   */
  cachedObjects(kindName: string, namespace: string): KubernetesManifest[] | undefined {
    const kind = this.registry.get(kindName);
    const watched = this.watchers.has(kind.name) || this.watchers.has(`${kind.name}/${namespace}`);
    if (!watched || this.opts.credentials.config.onlySpinnakerManaged || this.summary().state !== 'watching') return undefined;
    const prefix = infrastructureKey(kind.name, this.account, kind.namespaced ? namespace : '', '');
    const out: KubernetesManifest[] = [];
    for (const key of this.model.keys()) {
      if (!key.startsWith(prefix)) continue;
      const m = this.model.manifest(key);
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  /**
   * On-demand refresh of one object: reads it live and, when the cache differs, writes it
   * through. Returns whether the cache already matched (`fresh`) or was just updated.
   */
  async refresh(kindName: string, namespace: string, name: string): Promise<'fresh' | 'updated'> {
    const kind = await this.resolveKind(kindName);
    const path = resourcePath(kind, namespace, name);
    const key = infrastructureKey(kind.name, this.account, kind.namespaced ? namespace : '', name);
    const cached = await this.cachedManifest(key);
    let live: KubeObject | undefined;
    try {
      live = await this.opts.credentials.client.request<KubeObject>('GET', path);
      // Never cache an answer that is not the object asked for (a list above all).
      assertSameObject({ apiKind: kind.apiKind, namespace: kind.namespaced ? namespace : '', name }, live);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
    if (live === undefined) {
      if (cached === undefined) return 'fresh';
      if (this.keepsModel()) this.apply(this.model.remove(cached));
      return 'updated';
    }
    if (cached !== undefined && cached.metadata?.resourceVersion === live.metadata.resourceVersion) return 'fresh';
    // Without a model (store reads) the watching instance writes the change; nothing to keep here.
    if (this.keepsModel()) this.apply(this.model.upsert(withKind(live, kind)));
    return 'updated';
  }

  /** Writes everything pending now (tests and shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlushMs = performance.now();
    const keys = [...this.pending];
    this.pending.clear();
    if (keys.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(keys));
    return this.flushing;
  }

  private initiallySynced(): boolean {
    return this.pendingDiscoveries === 0 && [...this.watchers.values()].every((w) => w.current().lastSyncMs !== undefined);
  }

  private notifySynced(): void {
    if (this.synced || !this.initiallySynced()) return;
    this.synced = true;
    if (this.pending.size > 0) this.scheduleFlush();
    for (const w of this.syncWaiters.splice(0)) w();
  }

  /** A page of a (re)list: upsert, remembering what this list has seen. */
  private listPage(collection: string, kind: KubernetesKindProperties, objects: readonly KubeObject[]): void {
    let seen = this.listing.get(collection);
    if (seen === undefined) this.listing.set(collection, (seen = new Set()));
    const touched = new Set<string>();
    // Until the first sync nothing is written and every touched key will be: the finer set of
    // changed items (two neighbour sets per object) is not worth building then.
    const changed = this.synced ? new Set<string>() : undefined;
    for (const o of objects) {
      this.model.upsert(withKind(o, kind), touched, changed);
      seen.add(this.keyOf(kind, o));
    }
    this.apply(touched, changed);
  }

  /** The (re)list is complete: objects of the collection it did not see are gone. */
  private listDone(collection: string): void {
    const seen = this.listing.get(collection) ?? new Set<string>();
    this.listing.delete(collection);
    const touched = new Set<string>();
    for (const key of this.collectionObjects.get(collection) ?? []) {
      if (seen.has(key)) continue;
      const gone = this.model.manifest(key);
      if (gone !== undefined) this.model.remove(gone, touched);
    }
    this.collectionObjects.set(collection, seen);
    this.apply(touched);
  }

  private change(collection: string, kind: KubernetesKindProperties, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: KubeObject): void {
    const set = this.collectionObjects.get(collection) ?? new Set<string>();
    this.collectionObjects.set(collection, set);
    const m = withKind(o, kind);
    const changed = new Set<string>();
    if (type === 'DELETED') {
      set.delete(this.keyOf(kind, o));
      this.apply(this.model.remove(m, undefined, changed), changed);
    } else {
      const touched = this.model.upsert(m, undefined, changed);
      set.add(this.keyOf(kind, o));
      this.apply(touched, changed);
    }
  }

  /** The object's key, the model's own copy when it holds it (the sets above then share it). */
  private keyOf(kind: KubernetesKindProperties, o: KubeObject): string {
    return this.model.canonical(infrastructureKey(kind.name, this.account, kind.namespaced ? (o.metadata.namespace ?? '') : '', o.metadata.name));
  }

  /** Objects of a collection: what its (re)list has seen so far while one runs, else what it holds. */
  private collectionSize(collection: string): number {
    return (this.listing.get(collection) ?? this.collectionObjects.get(collection))?.size ?? 0;
  }

  /**
   * A change is in the model: readers drop views of the `touched` keys; the `changed` ones (items
   * that differ: see `KubernetesCacheModel.upsert`; all touched ones when not told) are written
   * through. A pod whose annotation changed is then one item to write, not also its ReplicaSet and
   * Services, whose items are as they were.
   */
  private apply(touched: ReadonlySet<string>, changed: ReadonlySet<string> = touched): void {
    if (touched.size === 0) return;
    this.opts.onChange?.(touched);
    if (this.opts.writeEnabled === false || this.role !== 'leader') return;
    for (const k of changed) {
      this.pending.add(k);
      this.unconfirmed.add(k);
      this.touchedSinceSnapshot?.add(k);
    }
    // While the first LIST of every collection is running, the store write waits: reads are
    // served from memory, and the CPU goes to getting the account readable first.
    if (!this.synced) return;
    this.scheduleFlush();
  }

  /**
   * Writes soon: at once (next timer turn) when the last write started more than a batching
   * window ago, so a lone change reaches the store and the other instances without waiting;
   * otherwise at the end of the window, so a burst of changes is written in batches.
   */
  private scheduleFlush(delayMs?: number): void {
    if (this.stopped || this.role !== 'leader') return;
    const window = this.opts.flushIntervalMs ?? 100;
    const wait = delayMs ?? Math.max(0, this.lastFlushMs + window - performance.now());
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, wait);
  }

  /** Back-off after failed store writes. */
  private retryDelayMs(): number {
    return backoffMs(this.failedWrites);
  }

  private get turns(): Pick<BackgroundTurns, 'next'> {
    return this.opts.turns ?? processBackground;
  }

  /** One batched write-through: current items for the keys, explicit evictions for the rest. */
  private async write(keys: readonly string[]): Promise<void> {
    const BATCH = 1000;
    let lastBatchMs = 0;
    for (let i = 0; i < keys.length && !this.abandoned; i += BATCH) {
      // A lease that lapsed (a pause past its time to live) means another instance may lead now.
      if (this.opts.mayWrite?.() === false) {
        // Kept for when the lease is renewed; dropped by follow() if it went to another instance.
        for (const k of keys.slice(i)) this.pending.add(k);
        this.opts.logger.warn({ account: this.account, waiting: keys.length - i }, 'not writing while this instance’s lease on the account is unconfirmed');
        this.scheduleFlush(Math.max(this.opts.flushIntervalMs ?? 100, 250));
        return;
      }
      // The store copy is not on the read path: between batches, give the event loop at least
      // as long as the last batch took, so reads and watch events keep flowing during a big write.
      if (i > 0) await new Promise((r) => setTimeout(r, this.stopped ? 0 : Math.min(lastBatchMs, 250)));
      // A bulk write (after a first LIST) also waits, up to 250 ms a batch, while requests are
      // being served: a batch holds the loop for tens of ms, and reads matter more than the copy.
      if (keys.length > BATCH && !this.stopped) await this.opts.foreground?.quiet(250);
      // Making the items is the synchronous part (several ms for a hundred objects): it waits for
      // a background turn, which the write-throughs of other accounts due at the same time share.
      await this.turns.next();
      const started = performance.now();
      const slice = keys.slice(i, i + BATCH);
      const result = this.model.itemsFor(slice);
      const present = new Set(Object.values(result.cacheResults).flatMap((list: readonly CacheData[]) => list.map((d) => d.id)));
      const evictions: Record<string, string[]> = {};
      for (const k of slice) {
        if (present.has(k)) continue;
        const type = cacheTypeOfKey(k);
        if (type !== undefined) (evictions[type] ??= []).push(k);
      }
      try {
        await this.opts.cache.addCacheResult(this.opts.agentType, [], { cacheResults: result.cacheResults, evictions });
        this.opts.published?.(slice);
        this.failedWrites = 0;
        // Stored as the model has them, unless changed again since (then pending once more).
        for (const k of slice) if (!this.pending.has(k)) this.unconfirmed.delete(k);
        this.noteWrittenWhole();
      } catch (e) {
        // Written again later (after a back-off), so followers are told and nothing waits for the snapshot.
        this.failedWrites++;
        for (const k of slice) this.pending.add(k);
        this.opts.logger.warn({ account: this.account, err: (e as Error).message, retryInMs: this.retryDelayMs() }, 'cache write-through failed; retrying');
        this.scheduleFlush(this.retryDelayMs());
      }
      lastBatchMs = performance.now() - started;
    }
    if (keys.length >= BATCH) this.opts.bulkLoaded?.(keys.length);
  }

  /**
   * Asks the API server for `/version` every `probeIntervalMs`, unless it answered a request
   * within the interval anyway (a list, a watch opened, a get): that answer is what the probe
   * would have learnt, and thousands of accounts starting need not add a request each. The interval
   * varies by ±10 % so accounts started together do not probe together. A failed probe marks the
   * account unreachable until the server answers again.
   */
  private probe(): void {
    if (this.stopped || this.role !== 'leader') return;
    const interval = this.opts.probeIntervalMs ?? 10_000;
    const next = (): void => {
      if (!this.stopped && this.role === 'leader') this.probeTimer = setTimeout(() => this.probe(), interval * (0.9 + 0.2 * Math.random()));
    };
    const client = this.opts.credentials.client;
    if (performance.now() - client.answeredAtMs < interval) {
      this.probeError = undefined;
      return next();
    }
    client
      // Waits as long as any request to this account may (kubectlRequestTimeoutSeconds), not the
      // probe interval: a busy machine's slow answer is not an unreachable cluster.
      .request('GET', '/version')
      .then(() => {
        this.probeError = undefined;
      })
      .catch((e: unknown) => {
        this.probeError = e instanceof Error ? e.message : String(e);
      })
      .finally(next);
  }
}

/** Keys per slice of a snapshot (`snapshot()`): a few milliseconds of work each. */
const SNAPSHOT_SLICE = 1000;

/** Back-off after `failures` failed store operations in a row: 0.5 s doubling to 30 s. */
function backoffMs(failures: number): number {
  return Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
}

/** What a snapshot was taken from: the model's change count and the role term (`roleChanges`). */
interface SnapshotMark {
  readonly changes: number;
  readonly term: number;
}

/** An object as the cache store holds it: its key and manifest. */
interface StoredObject {
  readonly key: string;
  readonly manifest: KubernetesManifest;
}

/**
 * Repeated strings of the objects every account caches, shared process-wide (accounts of one
 * install repeat images, condition types and reasons too).
 */
const manifestStrings = new StringInterner();

/**
 * The objects among cache items (items without a manifest are skipped), their repeated strings
 * shared as the watched objects' are: a follower mirrors every account it does not watch. The
 * in-memory store hands out its own frozen copies, which are left as they are.
 */
function storedObjects(items: readonly CacheData[]): StoredObject[] {
  return items.flatMap((item) => {
    const m = item.attributes.manifest;
    if (typeof m !== 'object' || m === null) return [];
    if (!Object.isFrozen(m)) manifestStrings.internValues(m);
    return [{ key: item.id, manifest: m as KubernetesManifest }];
  });
}

/**
 * Takes a freshly parsed object into the model: watch and list items omit `kind`/`apiVersion`,
 * put back so the model can classify objects, and its repeated strings are shared
 * (`StringInterner`). Objects arrive freshly parsed and are owned here: both in place.
 */
function withKind(o: KubeObject, kind: KubernetesKindProperties): KubernetesManifest {
  o.kind ??= kind.apiKind;
  o.apiVersion ??= apiVersionOfKind(kind);
  manifestStrings.internValues(o);
  return o as unknown as KubernetesManifest;
}

import type { CacheData } from '../../../core/cache/CacheData.js';
import type { ClusterRef, TargetCoordinate } from '../../../core/read/ReadContributor.js';
import type { AccountReadSource } from './CacheModelReader.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import type { KubernetesKindProperties, SpinnakerKind } from '../KubernetesKind.js';
import { APPLICATIONS, CLUSTERS, applicationKey, clusterKey, infrastructureKey, parseKey, type InfrastructureKey } from '../keys.js';
import {
  applicationModel,
  clusterModel,
  instanceModel,
  loadBalancerModel,
  loadBalancerServerGroup,
  rawResourceModel,
  relatedKeys,
  securityGroupModel,
  serverGroupManagerModel,
  serverGroupModel,
  podInstanceSummaries,
  serverGroupSummary,
} from '../readModels.js';
import type {
  ApplicationView,
  CachedItem,
  ClusterView,
  InstanceView,
  KubernetesResourceView,
  LoadBalancerView,
  SecurityGroupView,
  ServerGroupManagerView,
  ServerGroupSummaryView,
  ServerGroupView,
} from '../readModels.js';


/** Memo keys are `{view prefix}{cache key}`; a change to a key drops every view of it. */
const VIEW_PREFIXES = ['', 'summary|', 'lb|'] as const;


/**
 * The Kubernetes read API's answers, computed from each account's cache (the watch-fed model, or
 * items read from the cache store: `CacheModelReader`). Server group, load balancer and instance
 * views are memoised per key and invalidated by the keys each cache change touches, so a read
 * costs a lookup per item, not a rebuild.
 */
export class KubernetesReadService {
  private readonly memo = new Map<string, Map<string, unknown>>();

  constructor(private readonly accounts: () => ReadonlyMap<string, AccountReadSource>) {}

  /** Bumped on every change in any account (the read layer keys memoised responses on it). */
  private changes = 0;

  generation(): number {
    return this.changes;
  }

  /** Accounts whose namespace list was asked for (see `invalidate`). */
  private readonly namespacesWarmed = new Set<string>();

  /**
   * Drops memoised views of the changed keys (called by each account cache). An account's first
   * change also asks for its live namespace list, so the expanded `/credentials` shows
   * `namespaces` once the account answers (Clouddriver's caching agents warm it the same way).
   */
  invalidate(account: string, keys: ReadonlySet<string>): void {
    if (!this.namespacesWarmed.has(account)) {
      this.namespacesWarmed.add(account);
      void this.accounts().get(account)?.credentials.refreshNamespaces();
    }
    this.changes++;
    const m = this.memo.get(account);
    if (m === undefined) return;
    for (const k of keys) for (const prefix of VIEW_PREFIXES) m.delete(prefix + k);
  }

  forgetAccount(account: string): void {
    this.namespacesWarmed.delete(account);
    this.changes++;
    this.memo.delete(account);
  }

  private cached<T>(account: string, key: string, build: () => T): T {
    let m = this.memo.get(account);
    if (m === undefined) this.memo.set(account, (m = new Map()));
    if (m.has(key)) return m.get(key) as T;
    const v = build();
    m.set(key, v);
    return v;
  }

  private *caches(account?: string): Iterable<AccountReadSource> {
    if (account === undefined) yield* this.accounts().values();
    else {
      const c = this.accounts().get(account);
      if (c !== undefined) yield c;
    }
  }

  private related(cache: AccountReadSource, item: CacheData, kind: SpinnakerKind): CacheData[] {
    return relatedKeys(item, kind, cache.registry).flatMap((k) => cache.model.item(k) ?? []);
  }

  // ---- per-key views ----

  serverGroupAt(cache: AccountReadSource, key: string): ServerGroupView | undefined {
    return this.cached(cache.account, key, () => {
      const item = cache.model.item(key);
      if (item === undefined) return undefined;
      return this.serverGroupOf(cache, item, (item.relationships.pod ?? []).flatMap((k) => cache.model.resource(k) ?? []));
    });
  }

  /**
   * Summaries list each pod by id, name and health only: they are made from the pods' manifests
   * (`podInstanceSummaries`), without the full view's instances, and without keeping a full view.
   */
  private summaryAt(cache: AccountReadSource, key: string): ServerGroupSummaryView | undefined {
    return this.cached(cache.account, `summary|${key}`, () => {
      const item = cache.model.item(key);
      const sg = item === undefined ? undefined : this.serverGroupOf(cache, item, []);
      if (item === undefined || sg === undefined) return undefined;
      const pods = (item.relationships.pod ?? []).map((k) => cache.model.manifest(k)).filter((pod): pod is KubernetesManifest => pod !== undefined);
      return serverGroupSummary(sg, undefined, podInstanceSummaries(pods));
    });
  }

  private serverGroupOf(cache: AccountReadSource, item: CacheData, pods: readonly CachedItem[]): ServerGroupView | undefined {
    return serverGroupModel({
      serverGroup: item,
      instances: pods,
      loadBalancerKeys: relatedKeys(item, 'loadBalancers', cache.registry),
      serverGroupManagerKeys: relatedKeys(item, 'serverGroupManagers', cache.registry),
    });
  }

  private loadBalancerAt(cache: AccountReadSource, key: string): LoadBalancerView | undefined {
    return this.cached(cache.account, `lb|${key}`, () => {
      const item = cache.model.item(key);
      if (item === undefined) return undefined;
      const groups = relatedKeys(item, 'serverGroups', cache.registry).flatMap((k) => {
        const sg = this.serverGroupAt(cache, k);
        return sg === undefined ? [] : [loadBalancerServerGroup(sg)];
      });
      return loadBalancerModel(item, groups);
    });
  }

  // ---- applications and clusters ----

  /**
   * Applications, as Clouddriver's Kubernetes provider lists them: those with at least one
   * cluster (a server group or manager), with their cluster names by account.
   */
  applications(): ApplicationView[] {
    const clusterKeys = new Map<string, string[]>();
    for (const cache of this.caches()) {
      for (const key of cache.model.logicalKeys(CLUSTERS)) {
        const p = parseKey(key);
        if (p?.type === CLUSTERS) clusterKeys.set(p.application, [...(clusterKeys.get(p.application) ?? []), key]);
      }
    }
    return [...clusterKeys].map(([name, keys]) => applicationModel(name, keys)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * Clouddriver's `ApplicationViewModel`: undefined when no account has a cluster of the
   * application. Cluster entries are summaries (Kubernetes fills no server group or load
   * balancer names there).
   */
  application(app: string): { name: string; attributes: Record<string, string>; clusters: Record<string, ClusterRef[]> } | undefined {
    const names = this.clusterNames(app);
    if (Object.keys(names).length === 0) return undefined;
    const clusters = Object.fromEntries(Object.entries(names).map(([account, list]) => [account, list.map((name) => ({ name, provider: 'kubernetes', loadBalancers: [], serverGroups: [] }))]));
    return { name: app, attributes: { name: app, cloudProviders: 'kubernetes' }, clusters };
  }

  /** Cluster names by account (empty when the application has none, as Clouddriver answers). */
  clusterNames(app: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const cache of this.caches()) {
      const names = this.clusterKeysOf(app, cache).flatMap((k) => {
        const p = parseKey(k);
        return p?.type === CLUSTERS ? [p.name] : [];
      });
      if (names.length > 0) out[cache.account] = names;
    }
    return out;
  }

  private clusterKeysOf(app: string, cache: AccountReadSource): string[] {
    return [...cache.model.neighbours(applicationKey(app))].filter((k) => parseKey(k)?.type === CLUSTERS).sort();
  }

  /** `[{name, account, moniker, loadBalancers, serverGroups}]` with names only. */
  clusterSummaries(app: string, account: string): { name: string; account: string; moniker: { app: string; cluster: string }; loadBalancers: string[]; serverGroups: string[] }[] {
    const out = [];
    for (const cache of this.caches(account)) {
      for (const key of this.clusterKeysOf(app, cache)) {
        const view = this.clusterAt(cache, key);
        if (view === undefined) continue;
        out.push({ name: view.name, account, moniker: { app, cluster: view.name }, loadBalancers: view.loadBalancers.map((l) => l.name), serverGroups: view.serverGroups.map((s) => s.name) });
      }
    }
    return out;
  }

  private clusterAt(cache: AccountReadSource, key: string): ClusterView | undefined {
    const item = cache.model.item(key);
    if (item === undefined) return undefined;
    const serverGroups = relatedKeys(item, 'serverGroups', cache.registry).flatMap((k) => this.serverGroupAt(cache, k) ?? []);
    const lbKeys = new Set(serverGroups.flatMap((sg) => relatedKeys(cache.model.item(infraKeyOf(sg)) ?? { id: '', attributes: {}, relationships: {} }, 'loadBalancers', cache.registry)));
    const loadBalancers = [...lbKeys].flatMap((k) => this.loadBalancerAt(cache, k) ?? []);
    return clusterModel(key, serverGroups, loadBalancers);
  }

  cluster(app: string, account: string, name: string): ClusterView | undefined {
    for (const cache of this.caches(account)) return this.clusterAt(cache, clusterKey(account, app, name));
    return undefined;
  }

  /** Server group chosen by a target coordinate among the cluster's groups in one namespace. */
  target(app: string, account: string, cluster: string, namespace: string, target: TargetCoordinate, onlyEnabled = false): ServerGroupView | undefined {
    const all = (this.cluster(app, account, cluster)?.serverGroups ?? []).filter((sg) => sg.namespace === namespace && (!onlyEnabled || !sg.disabled));
    const byAge = [...all].sort((a, b) => (b.createdTime ?? 0) - (a.createdTime ?? 0));
    switch (target) {
      case 'current':
        return byAge[0];
      case 'previous':
        return byAge[1];
      case 'oldest':
        return byAge[byAge.length - 1];
      case 'largest':
        return [...all].sort((a, b) => b.instances.length - a.instances.length || (b.createdTime ?? 0) - (a.createdTime ?? 0))[0];
      case 'fail':
        return undefined;
    }
  }

  // ---- server groups ----

  /** Every account's keys of `kind` linked to the application, with their account cache. */
  private *appKeys(app: string, kind: SpinnakerKind): Iterable<[AccountReadSource, string]> {
    for (const cache of this.caches()) {
      const appItem = cache.model.item(applicationKey(app));
      if (appItem !== undefined) for (const key of relatedKeys(appItem, kind, cache.registry)) yield [cache, key];
    }
  }

  applicationServerGroups(app: string, clusters?: ReadonlySet<string>): ServerGroupSummaryView[] {
    const out: ServerGroupSummaryView[] = [];
    for (const [cache, key] of this.appKeys(app, 'serverGroups')) {
      const s = this.summaryAt(cache, key);
      if (s !== undefined && (clusters === undefined || clusters.has(`${s.account}:${s.cluster ?? ''}`))) out.push(s);
    }
    return out;
  }

  serverGroup(account: string, namespace: string, name: string): ServerGroupView | undefined {
    for (const cache of this.caches(account)) {
      const [kind, plain] = splitName(name);
      const kinds = kind === undefined ? [...cache.registry.all()].filter((k) => k.spinnakerKind === 'serverGroups').map((k) => k.name) : [kind];
      for (const k of kinds) {
        const key = cache.model.keyFor(k, namespace, plain);
        const sg = this.serverGroupAt(cache, key);
        if (sg !== undefined) return sg;
      }
    }
    return undefined;
  }

  serverGroupsByIds(ids: readonly string[]): ServerGroupSummaryView[] {
    return ids.flatMap((id) => {
      const [account = '', region = '', ...rest] = id.split(':');
      const sg = this.serverGroup(account, region, rest.join(':'));
      return sg === undefined ? [] : [serverGroupSummary(sg)];
    });
  }

  serverGroupManagers(app: string): ServerGroupManagerView[] {
    const out: ServerGroupManagerView[] = [];
    for (const [cache, key] of this.appKeys(app, 'serverGroupManagers')) {
      const item = cache.model.item(key);
      const view = item === undefined ? undefined : serverGroupManagerModel(item, this.related(cache, item, 'serverGroups'));
      if (view !== undefined) out.push(view);
    }
    return out;
  }

  // ---- load balancers, security groups, instances ----

  applicationLoadBalancers(app: string): LoadBalancerView[] {
    const out: LoadBalancerView[] = [];
    for (const [cache, key] of this.appKeys(app, 'loadBalancers')) {
      const lb = this.loadBalancerAt(cache, key);
      if (lb !== undefined) out.push(lb);
    }
    return out;
  }

  /** Keys of cached objects whose kind maps to `spinnakerKind`, optionally in one namespace, sorted. */
  private keysOf(cache: AccountReadSource, spinnakerKind: SpinnakerKind, namespace?: string): string[] {
    const out: string[] = [];
    for (const key of cache.model.keysOfKinds(kindsWhere(cache, (k) => k.spinnakerKind === spinnakerKind))) {
      const p = parseKey(key);
      if (p?.type === 'infrastructure' && (namespace === undefined || p.namespace === namespace)) out.push(key);
    }
    return out.sort();
  }

  /** Every load balancer (for `/kubernetes/loadBalancers`), optionally one account/namespace/name. */
  loadBalancers(filter: { account?: string; namespace?: string; name?: string } = {}): LoadBalancerView[] {
    const out: LoadBalancerView[] = [];
    for (const cache of this.caches(filter.account)) {
      for (const key of this.keysOf(cache, 'loadBalancers', filter.namespace)) {
        const lb = this.loadBalancerAt(cache, key);
        if (lb !== undefined && (filter.name === undefined || lb.name === filter.name || lb.displayName === filter.name)) out.push(lb);
      }
    }
    return out;
  }

  securityGroups(filter: { account?: string; namespace?: string; name?: string } = {}): SecurityGroupView[] {
    const out: SecurityGroupView[] = [];
    for (const cache of this.caches(filter.account)) {
      for (const key of this.keysOf(cache, 'securityGroups', filter.namespace)) {
        const item = cache.model.item(key);
        const sg = item === undefined ? undefined : securityGroupModel(item);
        if (sg !== undefined && (filter.name === undefined || sg.name === filter.name || sg.displayName === filter.name)) out.push(sg);
      }
    }
    return out;
  }

  instance(account: string, namespace: string, id: string): InstanceView | undefined {
    for (const cache of this.caches(account)) {
      const [kind, plain] = splitName(id);
      const direct = cache.model.item(cache.model.keyFor(kind ?? 'pod', namespace, plain));
      if (direct !== undefined) return instanceModel(direct);
      // Instances are also addressed by pod UID (their `name` in views).
      for (const key of cache.model.keysOfKinds(new Set(['pod']))) {
        const p = parseKey(key);
        if (p?.type !== 'infrastructure' || p.namespace !== namespace) continue;
        const m = cache.model.manifest(key);
        if (m?.metadata?.uid === id) return instanceModel(cache.model.item(key) ?? { id: key, attributes: {}, relationships: {} });
      }
    }
    return undefined;
  }

  rawResources(app: string): KubernetesResourceView[] {
    const out: KubernetesResourceView[] = [];
    for (const cache of this.caches()) {
      const appItem = cache.model.item(applicationKey(app));
      if (appItem === undefined) continue;
      const expressions = rawResourceFilter(cache);
      for (const [type, keys] of Object.entries(appItem.relationships)) {
        if (type === CLUSTERS) continue;
        for (const key of keys) {
          const item = cache.model.item(key);
          const view = item === undefined ? undefined : rawResourceModel(item);
          if (view !== undefined && (expressions === undefined || expressions(view.kind))) out.push(view);
        }
      }
    }
    return out;
  }

  /**
   * Kubernetes search results for keys of `type` (a kind or a Spinnaker kind) matching `q`
   * (`KubernetesSearchProvider`): keys containing `q` first (ordered by where it occurs), then
   * keys related to an application or cluster whose key contains `q`, each key once.
   */
  search(q: string, type: string): Record<string, unknown>[] {
    const needle = q.toLowerCase();
    if (type === APPLICATIONS || type === CLUSTERS) return this.searchLogical(needle, type);
    const found = new Map<string, { score: number; result: Record<string, unknown> }>();
    for (const cache of this.caches()) {
      const kinds = kindsWhere(cache, (k) => k.name === type || k.spinnakerKind === type);
      kinds.add(cache.registry.get(type).name);
      const wanted = (kind: string): boolean => kinds.has(kind);
      for (const key of cache.model.keysOfKinds(kinds)) {
        const p = parseKey(key);
        if (p?.type !== 'infrastructure') continue;
        const at = key.toLowerCase().indexOf(needle);
        if (at < 0) continue;
        found.set(key, { score: at, result: searchResult(cache, key, p) });
      }
      if (needle === '') continue;
      // Indirect matches: what an application or cluster matching `q` is related to.
      for (const logical of [APPLICATIONS, CLUSTERS] as const) {
        for (const logicalKey of cache.model.logicalKeys(logical)) {
          if (!logicalKey.toLowerCase().includes(needle)) continue;
          const owner = parseKey(logicalKey);
          if (owner === undefined) continue;
          for (const key of cache.model.neighbours(logicalKey)) {
            const p = parseKey(key);
            if (p?.type !== 'infrastructure' || !wanted(p.kind)) continue;
            const hit = found.get(key) ?? { score: Number.MAX_SAFE_INTEGER, result: searchResult(cache, key, p) };
            hit.result[logical === APPLICATIONS ? 'application' : 'cluster'] = owner.name;
            found.set(key, hit);
          }
        }
      }
    }
    return bestFirst(found);
  }

  /** Search over logical keys: applications (merged across accounts) and clusters. */
  private searchLogical(needle: string, type: typeof APPLICATIONS | typeof CLUSTERS): Record<string, unknown>[] {
    const found = new Map<string, { score: number; result: Record<string, unknown> }>();
    for (const cache of this.caches()) {
      for (const key of cache.model.logicalKeys(type)) {
        const at = key.toLowerCase().indexOf(needle);
        const p = parseKey(key);
        if ((needle !== '' && at < 0) || p === undefined || found.has(key)) continue;
        const result =
          p.type === CLUSTERS
            ? { provider: 'kubernetes', group: CLUSTERS, logicalKind: CLUSTERS, name: p.name, account: p.account, application: p.application, cluster: p.name, type: CLUSTERS }
            : { provider: 'kubernetes', group: APPLICATIONS, logicalKind: APPLICATIONS, name: p.name, application: p.name, type: APPLICATIONS };
        found.set(key, { score: at, result });
      }
    }
    return bestFirst(found);
  }
}

/**
 * The field Deck's search result types and URL builders read as the object's name, by Spinnaker
 * kind. Clouddriver's handlers add it per kind (`hydrateSearchResult` of the ReplicaSet, DaemonSet,
 * StatefulSet, Service, Ingress, NetworkPolicy and Pod handlers); here every kind of the Spinnaker
 * kind gets it, so a Job or CronJob (server groups without `serverGroup` upstream, which breaks
 * the sort of Deck's server group tab) or a custom resource is listed like the others.
 */
const SEARCH_NAME_FIELD: Readonly<Partial<Record<SpinnakerKind, string>>> = {
  serverGroups: 'serverGroup',
  loadBalancers: 'loadBalancer',
  securityGroups: 'id',
  instances: 'instanceId',
};

/**
 * One infrastructure search result: Clouddriver's serialized `InfrastructureCacheKey` (`group` is
 * the kind name) with `region` = namespace, `name` = "kind name", the handler's extra field and
 * `type` = the Spinnaker kind. `application` and `cluster` come from the moniker, so Deck can link
 * a result to its application even when `q` matched the object's own name.
 */
function searchResult(cache: AccountReadSource, key: string, p: InfrastructureKey): Record<string, unknown> {
  const fullName = `${p.kind} ${p.name}`;
  const moniker = (cache.model.item(key)?.attributes.moniker ?? {}) as { app?: string; cluster?: string };
  const type = cache.registry.get(p.kind).spinnakerKind;
  const extra = SEARCH_NAME_FIELD[type];
  return {
    provider: 'kubernetes',
    account: p.account,
    name: fullName,
    namespace: p.namespace,
    region: p.namespace,
    kind: p.kind,
    kubernetesKind: p.kind,
    group: p.kind,
    type,
    ...(extra === undefined ? {} : { [extra]: fullName }),
    ...(moniker.app === undefined ? {} : { application: moniker.app }),
    ...(moniker.cluster === undefined ? {} : { cluster: moniker.cluster }),
  };
}

/** Names of the account's kinds that `test` accepts. */
function kindsWhere(cache: AccountReadSource, test: (kind: KubernetesKindProperties) => boolean): Set<string> {
  return new Set(cache.registry.all().filter(test).map((k) => k.name));
}

/** Results by score, then by key (an answer in one order whatever order the keys were visited in). */
function bestFirst(found: ReadonlyMap<string, { score: number; result: Record<string, unknown> }>): Record<string, unknown>[] {
  return [...found].sort(([ka, a], [kb, b]) => a.score - b.score || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, r]) => r.result);
}

const infraKeyOf = (sg: ServerGroupView): string => infrastructureKey(sg.kind, sg.account, sg.namespace, sg.displayName);

/** `"replicaSet web-1"` → [kind, name]; a bare name → [undefined, name]. */
export function splitName(name: string): [string | undefined, string] {
  const space = name.indexOf(' ');
  return space < 0 ? [undefined, name] : [name.slice(0, space), name.slice(space + 1)];
}

function rawResourceFilter(cache: AccountReadSource): ((kind: string) => boolean) | undefined {
  const cfg = cache.credentials.config.rawResourcesEndpointConfig;
  if (cfg.kindExpressions.length === 0 && cfg.omitKindExpressions.length === 0) return undefined;
  const include = cfg.kindExpressions.map((e) => new RegExp(e));
  const omit = cfg.omitKindExpressions.map((e) => new RegExp(e));
  return (kind) => (include.length === 0 || include.some((r) => r.test(kind))) && !omit.some((r) => r.test(kind));
}

import type { CacheData, CacheResult } from '../../core/cache/CacheData.js';
import { DEFAULT_KIND_REGISTRY, kindOfManifest, kubernetesKindName, parseKindString, type KubernetesKindRegistry, type SpinnakerKind } from './KubernetesKind.js';
import { APPLICATIONS, CLUSTERS, KUBERNETES_KEY_PREFIX, LOGICAL_TTL_SECONDS, applicationKey, clusterKey, infrastructureKey, parseKey } from './keys.js';
import {
  apiGroupOf,
  arrayAt,
  labelsOf,
  manifestName,
  manifestNamespace,
  ownerReferencesOf,
  pathOf,
  podTemplateLabels,
  stringAt,
  stringMapAt,
  type KubernetesManifest,
} from './model/KubernetesManifest.js';
import { ANNOTATION, cachingProperties, deriveMoniker, type Moniker } from './moniker.js';

/**
 * Kubernetes objects -> Clouddriver's cache model (`KubernetesCacheDataConverter`,
 * `KubernetesCacheData`, the handlers' `addRelationships`).
 *
 * Items: one per cached object under its kind's cache type, with attributes `kind, apiVersion,
 * name, namespace, fullResourceName, manifest, moniker` and no TTL; plus logical `applications`
 * and `clusters` items with attribute `name` and a 600 s TTL.
 *
 * Relationships are undirected edges between keys, written on both items, grouped by the other
 * key's cache type; every item carries a `service` and a `pod` group, possibly empty. Edges:
 * - owner: object -> each ownerReference (same namespace, kind from the reference), whether or
 *   not the owner is cached; Event -> its involvedObject likewise;
 * - selector: Service <-> ReplicaSet / StatefulSet / DaemonSet whose pod-template labels, and
 *   Pods whose labels, include every pair of a non-empty Service selector (same namespace);
 * - StatefulSet <-> the cached Service named by `spec.serviceName`;
 * - Ingress <-> the cached Services named by its backends (`defaultBackend`/`backend` and
 *   `rules[].http.paths[].backend`, v1 and v1beta1 field names);
 * - logical: objects whose Spinnaker kind is loadBalancers, securityGroups, serverGroups or
 *   serverGroupManagers (every kind with `cacheAllApplicationRelationships`) -> `applications:{app}`;
 *   serverGroups and serverGroupManagers also -> `clusters:{account}:{app}:{cluster}`, and each
 *   cluster <-> its application.
 * Items for infrastructure keys that are only edge endpoints (an owner not cached) are not emitted.
 *
 * Incremental use: every edge depends only on the states of its two endpoints, so
 * `objectEdges(m)` (all edges touching `m`, given the other objects in a `PeerIndex`) fully
 * replaces `m`'s edges after a change; `KubernetesCacheModel` packages that bookkeeping.
 */
export interface CachingOptions {
  /** Skip objects without a `moniker.spinnaker.io/application` annotation. */
  readonly onlySpinnakerManaged?: boolean;
  /** Link every kind (not only the four Spinnaker kinds) to its application. */
  readonly cacheAllApplicationRelationships?: boolean;
  /** Spinnaker kinds for custom resources; built-ins when absent. */
  readonly kinds?: KubernetesKindRegistry;
}

export interface ResourceAttributes {
  readonly kind: string;
  readonly apiVersion: string | undefined;
  readonly name: string;
  readonly namespace: string;
  readonly fullResourceName: string;
  readonly manifest: KubernetesManifest;
  readonly moniker: Moniker;
  readonly [k: string]: unknown;
}

export interface ResourceItem {
  readonly key: string;
  /** Cache type = kind name. */
  readonly type: string;
  readonly attributes: ResourceAttributes;
}

/** An undirected relationship between two keys. */
export type Edge = readonly [string, string];

/** False for `caching.spinnaker.io/ignore: "true"` and, with onlySpinnakerManaged, unannotated objects. */
export function shouldCache(m: KubernetesManifest, options: CachingOptions = {}): boolean {
  const props = cachingProperties(m);
  if (props.ignore) return false;
  return !(options.onlySpinnakerManaged === true && props.application === '');
}

/**
 * The manifest as cached: Secrets lose `data` and `stringData`, and the kubectl
 * last-applied-configuration annotation (which repeats the data in clear). Others are returned as is.
 */
export function sanitizeManifest(m: KubernetesManifest): KubernetesManifest {
  if (kindOfManifest(m) !== 'secret') return m;
  const { data: _data, stringData: _stringData, ...rest } = m;
  const annotations = stringMapAt(m, 'metadata', 'annotations');
  if (!(ANNOTATION.lastAppliedConfiguration in annotations)) return rest;
  const { [ANNOTATION.lastAppliedConfiguration]: _lastApplied, ...kept } = annotations;
  return { ...rest, metadata: { ...rest.metadata, annotations: kept } };
}

/** The item for one object (attributes only; relationships come from edges). */
export function resourceItem(account: string, m: KubernetesManifest): ResourceItem {
  const kind = kindOfManifest(m);
  const name = manifestName(m);
  const namespace = manifestNamespace(m);
  return {
    key: infrastructureKey(kind, account, namespace, name),
    type: kind,
    attributes: {
      kind,
      apiVersion: m.apiVersion,
      name,
      namespace,
      fullResourceName: `${kind} ${name}`,
      manifest: sanitizeManifest(m),
      moniker: deriveMoniker(m),
    },
  };
}

const LOGICAL_KINDS: ReadonlySet<SpinnakerKind> = new Set(['loadBalancers', 'securityGroups', 'serverGroups', 'serverGroupManagers']);
const CLUSTER_KINDS: ReadonlySet<SpinnakerKind> = new Set(['serverGroups', 'serverGroupManagers']);
const SELECTABLE_KINDS: ReadonlySet<string> = new Set(['replicaSet', 'statefulSet', 'daemonSet', 'pod']);

/** Infrastructure keys an object references: its owners, and for Events the involved object. */
export function referencedKeys(account: string, m: KubernetesManifest): string[] {
  const namespace = manifestNamespace(m);
  const out = ownerReferencesOf(m).map((ref) => infrastructureKey(kubernetesKindName(ref.kind, apiGroupOf(ref.apiVersion)), account, namespace, ref.name));
  const involved = kindOfManifest(m) === 'event' ? involvedObjectKey(account, m) : undefined;
  if (involved !== undefined) out.push(involved);
  return out;
}

/** Keys an object links to on its own (owners, involved object, application and cluster). */
export function ownEdges(account: string, m: KubernetesManifest, options: CachingOptions = {}): Edge[] {
  const kind = kindOfManifest(m);
  const key = infrastructureKey(kind, account, manifestNamespace(m), manifestName(m));
  const out: Edge[] = referencedKeys(account, m).map((target): Edge => [key, target]);
  const spinnakerKind = (options.kinds ?? DEFAULT_KIND_REGISTRY).get(kind).spinnakerKind;
  if (options.cacheAllApplicationRelationships === true || LOGICAL_KINDS.has(spinnakerKind)) {
    const moniker = deriveMoniker(m);
    if (moniker.app !== undefined && moniker.app !== '') {
      out.push([key, applicationKey(moniker.app)]);
      if (CLUSTER_KINDS.has(spinnakerKind) && moniker.cluster !== undefined && moniker.cluster !== '') {
        out.push([key, clusterKey(account, moniker.app, moniker.cluster)]);
      }
    }
  }
  return out;
}

function involvedObjectKey(account: string, event: KubernetesManifest): string | undefined {
  const kind = stringAt(event, 'involvedObject', 'kind');
  const name = stringAt(event, 'involvedObject', 'name');
  if (kind === undefined || name === undefined) return undefined;
  const group = apiGroupOf(stringAt(event, 'involvedObject', 'apiVersion'));
  return infrastructureKey(kubernetesKindName(kind, group), account, stringAt(event, 'involvedObject', 'namespace') ?? manifestNamespace(event), name);
}

/** Names of the Services an Ingress routes to (v1 `service.name`, v1beta1 `serviceName`). */
export function ingressBackendServices(ingress: KubernetesManifest): string[] {
  const names = new Set<string>();
  const add = (backend: unknown): void => {
    const name = stringAt(backend, 'service', 'name') ?? stringAt(backend, 'serviceName');
    if (name !== undefined && name !== '') names.add(name);
  };
  add(pathOf(ingress, 'spec', 'defaultBackend'));
  add(pathOf(ingress, 'spec', 'backend'));
  for (const rule of arrayAt(ingress, 'spec', 'rules')) for (const path of arrayAt(rule, 'http', 'paths')) add(pathOf(path, 'backend'));
  return [...names];
}

// Manifests are never mutated once cached, so derived values are memoised per object.
const SELECTORS = new WeakMap<KubernetesManifest, Record<string, string>>();
const SELECTABLE = new WeakMap<KubernetesManifest, Record<string, string> | null>();

/** Service selector (`spec.selector`); empty selects nothing. */
export function serviceSelector(service: KubernetesManifest): Record<string, string> {
  let selector = SELECTORS.get(service);
  if (selector === undefined) SELECTORS.set(service, (selector = stringMapAt(service, 'spec', 'selector')));
  return selector;
}

/** The labels a Service selector is matched against: pod-template labels, or a Pod's own labels. */
export function selectableLabels(m: KubernetesManifest): Record<string, string> | undefined {
  let labels = SELECTABLE.get(m);
  if (labels === undefined) {
    const kind = kindOfManifest(m);
    labels = !SELECTABLE_KINDS.has(kind) ? null : ((kind === 'pod' ? labelsOf(m) : podTemplateLabels(m)) ?? null);
    SELECTABLE.set(m, labels);
  }
  return labels ?? undefined;
}

function firstEntry(selector: Readonly<Record<string, string>>): string | undefined {
  for (const [k, v] of Object.entries(selector)) return `${k}=${v}`;
  return undefined;
}

function addTo<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<T>(map: Map<string, Set<T>>, key: string, value: T): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}

export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * The cached objects of one account, queried for relationships. Mutable so a watch can keep it
 * current; holds the objects as given (callers pass what passed `shouldCache`).
 */
export class PeerIndex {
  private readonly objects = new Map<string, KubernetesManifest>();
  /** `${namespace}\0${kind}` -> name -> object, for the kinds relationships look up. */
  private readonly byNsKind = new Map<string, Map<string, KubernetesManifest>>();
  /** target key -> keys of objects whose own edges point at it (owners, involved objects). */
  private readonly referrers = new Map<string, Set<string>>();
  private readonly ownTargets = new Map<string, string[]>();

  constructor(readonly account: string) {}

  get size(): number {
    return this.objects.size;
  }

  get(key: string): KubernetesManifest | undefined {
    return this.objects.get(key);
  }

  keyOf(m: KubernetesManifest): string {
    let key = this.keys.get(m);
    if (key === undefined) this.keys.set(m, (key = infrastructureKey(kindOfManifest(m), this.account, manifestNamespace(m), manifestName(m))));
    return key;
  }

  private readonly keys = new WeakMap<KubernetesManifest, string>();

  /** Adds or replaces the object with the same key; returns the previous one. */
  upsert(m: KubernetesManifest): KubernetesManifest | undefined {
    const key = this.keyOf(m);
    const previous = this.remove(key);
    this.objects.set(key, m);
    const bucket = this.bucketKey(kindOfManifest(m), manifestNamespace(m));
    let names = this.byNsKind.get(bucket);
    if (names === undefined) this.byNsKind.set(bucket, (names = new Map()));
    names.set(manifestName(m), m);
    for (const entry of this.selectionEntries(m)) addTo(this.selection, entry, m);
    const targets = referencedKeys(this.account, m);
    this.ownTargets.set(key, targets);
    for (const t of targets) {
      let set = this.referrers.get(t);
      if (set === undefined) this.referrers.set(t, (set = new Set()));
      set.add(key);
    }
    return previous;
  }

  /** Removes by key; returns the removed object. */
  remove(key: string): KubernetesManifest | undefined {
    const m = this.objects.get(key);
    if (m === undefined) return undefined;
    this.objects.delete(key);
    this.byNsKind.get(this.bucketKey(kindOfManifest(m), manifestNamespace(m)))?.delete(manifestName(m));
    for (const entry of this.selectionEntries(m)) removeFrom(this.selection, entry, m);
    for (const t of this.ownTargets.get(key) ?? []) this.referrers.get(t)?.delete(key);
    this.ownTargets.delete(key);
    return m;
  }

  clear(): void {
    this.objects.clear();
    this.byNsKind.clear();
    this.referrers.clear();
    this.ownTargets.clear();
    this.selection.clear();
  }

  /** Objects of `kind` in `namespace`. */
  inNamespace(kind: string, namespace: string): Iterable<KubernetesManifest> {
    return this.byNsKind.get(this.bucketKey(kind, namespace))?.values() ?? [];
  }

  find(kind: string, namespace: string, name: string): KubernetesManifest | undefined {
    return this.byNsKind.get(this.bucketKey(kind, namespace))?.get(name);
  }

  /** Services in `namespace` whose selector matches `labels`. */
  servicesSelecting(namespace: string, labels: Readonly<Record<string, string>>): KubernetesManifest[] {
    const out = new Set<KubernetesManifest>();
    for (const [k, v] of Object.entries(labels)) {
      for (const svc of this.selection.get(`s\u0000${namespace}\u0000${k}=${v}`) ?? []) if (selectorMatches(serviceSelector(svc), labels)) out.add(svc);
    }
    return [...out];
  }

  /** Selectable workloads (pods, replica sets, stateful sets, daemon sets) in `namespace` a selector matches. */
  selectedBy(namespace: string, selector: Readonly<Record<string, string>>): KubernetesManifest[] {
    const first = firstEntry(selector);
    if (first === undefined) return [];
    const out: KubernetesManifest[] = [];
    for (const w of this.selection.get(`w\u0000${namespace}\u0000${first}`) ?? []) {
      const labels = selectableLabels(w);
      if (labels !== undefined && selectorMatches(selector, labels)) out.push(w);
    }
    return out;
  }

  /**
   * Index entries of an object for selector matching: a Service under its first selector pair
   * (every match must have it); a workload under each of its selectable label pairs.
   */
  private selectionEntries(m: KubernetesManifest): string[] {
    const namespace = manifestNamespace(m);
    if (kindOfManifest(m) === 'service') {
      const first = firstEntry(serviceSelector(m));
      return first === undefined ? [] : [`s\u0000${namespace}\u0000${first}`];
    }
    const labels = selectableLabels(m);
    return labels === undefined ? [] : Object.entries(labels).map(([k, v]) => `w\u0000${namespace}\u0000${k}=${v}`);
  }

  private readonly selection = new Map<string, Set<KubernetesManifest>>();

  /** Keys of cached objects whose ownerReferences (or involvedObject) point at `key`. */
  referrersOf(key: string): Iterable<string> {
    return this.referrers.get(key) ?? [];
  }

  private bucketKey(kind: string, namespace: string): string {
    return `${namespace}\u0000${kind}`;
  }
}

/**
 * Every edge touching `m`, given the other cached objects in `peers`: its own edges (owners,
 * involved object, application, cluster), objects that reference it, and the selector,
 * serviceName and ingress-backend edges in either direction.
 */
export function objectEdges(m: KubernetesManifest, peers: PeerIndex, options: CachingOptions = {}): Edge[] {
  const account = peers.account;
  const kind = kindOfManifest(m);
  const namespace = manifestNamespace(m);
  const key = infrastructureKey(kind, account, namespace, manifestName(m));
  const out = ownEdges(account, m, options);
  for (const referrer of peers.referrersOf(key)) if (referrer !== key) out.push([referrer, key]);
  const peerKey = (p: KubernetesManifest): string => peers.keyOf(p);

  const labels = selectableLabels(m);
  if (labels !== undefined) for (const svc of peers.servicesSelecting(namespace, labels)) out.push([key, peerKey(svc)]);
  if (kind === 'statefulSet') {
    const serviceName = stringAt(m, 'spec', 'serviceName');
    const svc = serviceName === undefined || serviceName === '' ? undefined : peers.find('service', namespace, serviceName);
    if (svc !== undefined) out.push([key, peerKey(svc)]);
  }
  if (kind === 'ingress') {
    for (const name of ingressBackendServices(m)) {
      const svc = peers.find('service', namespace, name);
      if (svc !== undefined) out.push([key, peerKey(svc)]);
    }
  }
  if (kind === 'service') {
    const name = manifestName(m);
    for (const w of peers.selectedBy(namespace, serviceSelector(m))) out.push([key, peerKey(w)]);
    for (const sts of peers.inNamespace('statefulSet', namespace)) if (stringAt(sts, 'spec', 'serviceName') === name) out.push([key, peerKey(sts)]);
    for (const ing of peers.inNamespace('ingress', namespace)) if (ingressBackendServices(ing).includes(name)) out.push([key, peerKey(ing)]);
  }
  return out;
}

/**
 * Relationships with their types and each list in sorted order, however they were gathered, so
 * that views list related objects in one order whether they come from the model or a store.
 */
export function inKeyOrder(relationships: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of Object.keys(relationships).sort()) out[type] = [...(relationships[type] ?? [])].sort();
  return out;
}

/** Relationship groups every item carries, even when empty (Clouddriver's "sticky" kinds). */
export const ALWAYS_PRESENT_RELATIONSHIPS: readonly string[] = ['service', 'pod'];

/**
 * Builds the cache result from items and edges: each edge is written on both ends, grouped by
 * the other end's cache type; cluster keys also link to their application; logical items get
 * attribute `name` and the logical TTL; infrastructure keys without an item are dropped.
 * Types, ids and relationship lists are sorted so equal inputs give equal output.
 */
export function assembleCacheResult(items: Iterable<ResourceItem>, edges: Iterable<Edge>): CacheResult {
  const nodes = new Map<string, { type: string; attributes: Record<string, unknown> | undefined; rel: Map<string, Set<string>> }>();
  const typeCache = new Map<string, string | undefined>();
  const typeOf = (key: string): string | undefined => {
    if (!typeCache.has(key)) typeCache.set(key, parseKey(key)?.group);
    return typeCache.get(key);
  };
  const node = (key: string) => {
    let n = nodes.get(key);
    if (n === undefined) {
      const type = typeOf(key) ?? 'unknown';
      n = { type, attributes: undefined, rel: new Map(ALWAYS_PRESENT_RELATIONSHIPS.map((r) => [r, new Set<string>()])) };
      nodes.set(key, n);
    }
    return n;
  };
  const link = (a: string, b: string): void => {
    if (a === b) return;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const rel = node(from).rel;
      const type = typeOf(to) ?? 'unknown';
      let set = rel.get(type);
      if (set === undefined) rel.set(type, (set = new Set()));
      set.add(to);
    }
  };
  for (const item of items) node(item.key).attributes = { ...item.attributes };
  for (const [a, b] of edges) {
    link(a, b);
    for (const k of [a, b]) {
      const parsed = parseKey(k);
      if (parsed?.type === CLUSTERS) link(k, applicationKey(parsed.application));
    }
  }
  const byType = new Map<string, CacheData[]>();
  for (const [key, n] of [...nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parsed = parseKey(key);
    const logical = parsed?.type === APPLICATIONS || parsed?.type === CLUSTERS;
    if (!logical && n.attributes === undefined) continue;
    const relationships: Record<string, string[]> = {};
    for (const [type, ids] of [...n.rel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) relationships[type] = [...ids].sort();
    const attributes = logical ? { name: parsed.name, ...n.attributes } : (n.attributes ?? {});
    const data: CacheData = logical ? { id: key, attributes, relationships, ttlSeconds: LOGICAL_TTL_SECONDS } : { id: key, attributes, relationships };
    let list = byType.get(n.type);
    if (list === undefined) byType.set(n.type, (list = []));
    list.push(data);
  }
  return { cacheResults: Object.fromEntries([...byType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/** The whole cache result for one account's objects (one caching-agent cycle). */
export function toCacheData(account: string, objects: Iterable<KubernetesManifest>, options: CachingOptions = {}): CacheResult {
  const model = new KubernetesCacheModel(account, options);
  for (const m of objects) model.upsert(m);
  return model.result();
}

/**
 * Incrementally maintained cache model of one account: apply watch events with `upsert` /
 * `remove`, each returning the keys whose items changed (the object, the old and new
 * neighbours, logical keys), and read the full `result()` or `items(keys)` for just those.
 */
const EMPTY: ReadonlySet<string> = new Set();
const CLUSTER_KEY_PREFIX = `${KUBERNETES_KEY_PREFIX}:logical:${CLUSTERS}:`;

export class KubernetesCacheModel {
  private readonly peers: PeerIndex;
  private readonly items = new Map<string, ResourceItem>();
  /** Adjacency: key -> neighbour keys (both directions). */
  private readonly adjacency = new Map<string, Set<string>>();
  private changes = 0;

  constructor(
    readonly account: string,
    private readonly options: CachingOptions = {},
  ) {
    this.peers = new PeerIndex(account);
  }

  /** Adds or replaces an object; an object that should not be cached is removed instead. */
  upsert(m: KubernetesManifest, touched: Set<string> = new Set()): Set<string> {
    if (!shouldCache(m, this.options)) return this.remove(m, touched);
    this.changes++;
    const key = this.peers.keyOf(m);
    this.detach(key, touched);
    this.peers.upsert(m);
    this.items.set(key, resourceItem(this.account, m));
    touched.add(key);
    for (const [a, b] of objectEdges(m, this.peers, this.options)) {
      this.connect(a, b);
      this.touch(touched, a);
      this.touch(touched, b);
    }
    return touched;
  }

  /** Removes an object (by its kind, namespace and name). */
  remove(m: KubernetesManifest, touched: Set<string> = new Set()): Set<string> {
    this.changes++;
    const key = this.peers.keyOf(m);
    this.detach(key, touched);
    this.peers.remove(key);
    if (this.items.delete(key)) touched.add(key);
    // Objects that still name this one as owner (or involved object) keep that link, as a rebuild would.
    for (const referrer of this.peers.referrersOf(key)) if (referrer !== key) this.connect(referrer, key);
    return touched;
  }

  /**
   * Moves with every call that may change the model (`upsert`, `remove`, `clear`), whether or not
   * it did: an unchanged count means the model, and so `result()`, is as it was.
   */
  get changeCount(): number {
    return this.changes;
  }

  /** Number of cached objects. */
  get size(): number {
    return this.items.size;
  }

  /** Forgets every object (the memory goes; an account read from the store keeps no model). */
  clear(): void {
    this.changes++;
    this.peers.clear();
    this.items.clear();
    this.adjacency.clear();
  }

  /** The cached manifest of an infrastructure key. */
  manifest(key: string): KubernetesManifest | undefined {
    return this.peers.get(key);
  }

  /** The infrastructure key of an object of this account. */
  keyFor(kind: string, namespace: string, name: string): string {
    return infrastructureKey(parseKindString(kind), this.account, namespace, name);
  }

  /** Keys linked to `key` (both directions). */
  neighbours(key: string): ReadonlySet<string> {
    return this.adjacency.get(key) ?? EMPTY;
  }

  /** Keys of the logical items of a type (`applications` or `clusters`) currently linked to anything, sorted. */
  logicalKeys(type: typeof APPLICATIONS | typeof CLUSTERS): string[] {
    const prefix = `${KUBERNETES_KEY_PREFIX}:logical:${type}:`;
    return [...this.adjacency.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Keys of every cached object. */
  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** Keys of the cached objects of these kinds. */
  *keysOfKinds(kinds: ReadonlySet<string>): Iterable<string> {
    for (const item of this.items.values()) if (kinds.has(item.type)) yield item.key;
  }

  /**
   * One item as a cache read returns it: attributes, and relationships grouped by the other
   * end's type, each list sorted (logical items get `name`). Undefined for keys with no item and
   * no links.
   */
  item(key: string): CacheData | undefined {
    const item = this.items.get(key);
    const links = this.adjacency.get(key);
    if (item === undefined && links === undefined) return undefined;
    const parsed = parseKey(key);
    const logical = parsed?.type === APPLICATIONS || parsed?.type === CLUSTERS;
    if (item === undefined && !logical) return undefined;
    const relationships: Record<string, string[]> = {};
    for (const r of ALWAYS_PRESENT_RELATIONSHIPS) relationships[r] = [];
    for (const n of links ?? []) (relationships[parseKey(n)?.group ?? 'unknown'] ??= []).push(n);
    return { id: key, attributes: item?.attributes ?? { name: parsed?.name }, relationships: inKeyOrder(relationships) };
  }

  /** The full result: every item and its relationships. */
  result(): CacheResult {
    return assembleCacheResult(this.items.values(), this.allEdges());
  }

  /**
   * Current items for the given keys, by cache type (keys no longer present are absent: the
   * caller evicts them). Logical items are included while anything links to them.
   */
  itemsFor(keys: Iterable<string>): CacheResult {
    const wanted = new Set(keys);
    const edges: Edge[] = [];
    for (const k of wanted) for (const n of this.adjacency.get(k) ?? []) edges.push([k, n]);
    const full = assembleCacheResult([...wanted].flatMap((k) => this.items.get(k) ?? []), edges);
    const cacheResults: Record<string, CacheData[]> = {};
    for (const [type, list] of Object.entries(full.cacheResults)) {
      const kept = list.filter((d) => wanted.has(d.id) && (this.items.has(d.id) || this.adjacency.has(d.id)));
      if (kept.length > 0) cacheResults[type] = kept;
    }
    return { cacheResults };
  }

  private *allEdges(): Iterable<Edge> {
    for (const [a, ns] of this.adjacency) for (const b of ns) if (a < b) yield [a, b];
  }

  private connect(a: string, b: string): void {
    this.link(a, b);
    for (const k of [a, b]) {
      const parsed = parseKey(k);
      if (parsed?.type === CLUSTERS) this.link(k, applicationKey(parsed.application));
    }
  }

  private link(a: string, b: string): void {
    if (a === b) return;
    for (const [x, y] of [[a, b], [b, a]] as const) {
      let set = this.adjacency.get(x);
      if (set === undefined) this.adjacency.set(x, (set = new Set()));
      set.add(y);
    }
  }

  private unlink(a: string, b: string): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const set = this.adjacency.get(x);
      set?.delete(y);
      if (set?.size === 0) this.adjacency.delete(x);
    }
  }

  /** Drops every edge touching `key`; returns the neighbours it had. */
  private detach(key: string, touched: Set<string>): void {
    for (const n of [...(this.adjacency.get(key) ?? [])]) {
      this.unlink(key, n);
      this.touch(touched, n);
      // A cluster left linked only to its application is gone.
      const parsed = parseKey(n);
      if (parsed?.type === CLUSTERS) {
        const app = applicationKey(parsed.application);
        const rest = this.adjacency.get(n);
        if (rest !== undefined && rest.size === 1 && rest.has(app)) {
          this.unlink(n, app);
          touched.add(app);
        }
      }
    }
  }

  /** Marks a key changed; a cluster's change is also its application's. */
  private touch(touched: Set<string>, key: string): void {
    touched.add(key);
    if (key.startsWith(CLUSTER_KEY_PREFIX)) {
      const parsed = parseKey(key);
      if (parsed?.type === CLUSTERS) touched.add(applicationKey(parsed.application));
    }
  }
}

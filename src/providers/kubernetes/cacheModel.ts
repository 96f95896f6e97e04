import type { CacheData, CacheResult } from '../../core/cache/CacheData.js';
import { DEFAULT_KIND_REGISTRY, kindOfApiVersion, kindOfManifest, kubernetesKindName, parseKindString, type KubernetesKindRegistry, type SpinnakerKind } from './KubernetesKind.js';
import { APPLICATIONS, CLUSTERS, KUBERNETES_KEY_PREFIX, LOGICAL_TTL_SECONDS, applicationKey, clusterKey, infrastructureKey, manifestKey, parseKey } from './keys.js';
import {
  apiGroupOf,
  arrayAt,
  manifestName,
  manifestNamespace,
  pathOf,
  stringAt,
  stringMapAt,
  stringMapView,
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

/**
 * Whether `next` is the version of the object `held` already is: the API server gives every
 * change a new `resourceVersion`. Not for Secrets: a copy loaded from the store lacks their data.
 */
function sameVersion(held: KubernetesManifest | undefined, next: KubernetesManifest): boolean {
  const version = next.metadata?.resourceVersion;
  return held !== undefined && typeof version === 'string' && version !== '' && held.metadata?.resourceVersion === version && kindOfManifest(next) !== 'secret';
}

/** The item for one object (attributes only; relationships come from edges); `key` when the caller has it. */
export function resourceItem(account: string, m: KubernetesManifest, key = manifestKey(account, m)): ResourceItem {
  const kind = kindOfManifest(m);
  const name = manifestName(m);
  const namespace = manifestNamespace(m);
  return {
    key,
    type: kind,
    attributes: {
      kind,
      apiVersion: m.apiVersion,
      name,
      namespace,
      // join() gives a flat string; a template literal would keep a concatenation node per item.
      fullResourceName: [kind, name].join(' '),
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
  const out: string[] = [];
  // ownerReferencesOf's checks, without making a reference object per owner (every object of a fill passes here).
  for (const ref of arrayAt(m, 'metadata', 'ownerReferences')) {
    const kind = stringAt(ref, 'kind');
    const name = stringAt(ref, 'name');
    if (kind !== undefined && name !== undefined) out.push(infrastructureKey(kindOfApiVersion(stringAt(ref, 'apiVersion') ?? '', kind), account, namespace, name));
  }
  const involved = kindOfManifest(m) === 'event' ? involvedObjectKey(account, m) : undefined;
  if (involved !== undefined) out.push(involved);
  return out;
}

/** Receives the edges of an object one at a time (no pair is allocated per edge). */
export type EdgeVisitor = (a: string, b: string) => void;

/**
 * Keys an object links to on its own (owners, involved object, application and cluster);
 * `targets` are its `referencedKeys` when the caller has them.
 */
function visitOwnEdges(account: string, m: KubernetesManifest, options: CachingOptions, key: string, visit: EdgeVisitor, targets: readonly string[] = referencedKeys(account, m)): void {
  for (const target of targets) visit(key, target);
  const spinnakerKind = (options.kinds ?? DEFAULT_KIND_REGISTRY).get(kindOfManifest(m)).spinnakerKind;
  if (options.cacheAllApplicationRelationships === true || LOGICAL_KINDS.has(spinnakerKind)) {
    const { app, cluster } = deriveMoniker(m);
    if (app !== undefined && app !== '') {
      visit(key, applicationKey(app));
      if (CLUSTER_KINDS.has(spinnakerKind) && cluster !== undefined && cluster !== '') visit(key, clusterKey(account, app, cluster));
    }
  }
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

/** Service selector (`spec.selector`); empty selects nothing. */
export function serviceSelector(service: KubernetesManifest): Readonly<Record<string, string>> {
  return stringMapView(service, 'spec', 'selector');
}

/** The labels a Service selector is matched against: pod-template labels, or a Pod's own labels. */
export function selectableLabels(m: KubernetesManifest): Readonly<Record<string, string>> | undefined {
  const kind = kindOfManifest(m);
  if (!SELECTABLE_KINDS.has(kind)) return undefined;
  if (kind === 'pod') return stringMapView(m, 'metadata', 'labels');
  const template = pathOf(m, 'spec', 'template');
  return template !== null && typeof template === 'object' && !Array.isArray(template) ? stringMapView(template, 'metadata', 'labels') : undefined;
}

/** The first label of a selector (every object it selects has it). */
function firstLabel(selector: Readonly<Record<string, string>>): string | undefined {
  for (const k in selector) return k;
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
  let any = false;
  for (const k in selector) {
    if (labels[k] !== selector[k]) return false;
    any = true;
  }
  return any;
}

/**
 * Objects by namespace, label and value, as nested maps: a lookup or an insert builds no
 * combined key string.
 */
class LabelIndex {
  private readonly byNamespace = new Map<string, Map<string, Map<string, Set<Peer>>>>();

  add(namespace: string, label: string, value: string, peer: Peer): void {
    let labels = this.byNamespace.get(namespace);
    if (labels === undefined) this.byNamespace.set(namespace, (labels = new Map()));
    let values = labels.get(label);
    if (values === undefined) labels.set(label, (values = new Map()));
    let peers = values.get(value);
    if (peers === undefined) values.set(value, (peers = new Set()));
    peers.add(peer);
  }

  remove(namespace: string, label: string, value: string, peer: Peer): void {
    const labels = this.byNamespace.get(namespace);
    const values = labels?.get(label);
    const peers = values?.get(value);
    if (labels === undefined || values === undefined || peers === undefined) return;
    peers.delete(peer);
    if (peers.size > 0) return;
    values.delete(value);
    if (values.size > 0) return;
    labels.delete(label);
    if (labels.size === 0) this.byNamespace.delete(namespace);
  }

  get(namespace: string, label: string, value: string | undefined): ReadonlySet<Peer> | undefined {
    return value === undefined ? undefined : this.byNamespace.get(namespace)?.get(label)?.get(value);
  }

  clear(): void {
    this.byNamespace.clear();
  }
}

/** One cached object as the relationship index holds it, with what matching needs worked out once. */
export interface Peer {
  readonly key: string;
  readonly manifest: KubernetesManifest;
  /** Keys its own edges point at: owners, the involved object of an Event. */
  readonly targets: readonly string[];
  /** A Service's selector, or the labels a selector matches on a Pod or workload template. */
  readonly match: Readonly<Record<string, string>> | undefined;
}

/**
 * The cached objects of one account, queried for relationships. Mutable so a watch can keep it
 * current; holds the objects as given (callers pass what passed `shouldCache`). Keys pass through
 * `canonical` so that one string per key is kept however many objects name it.
 */
export class PeerIndex {
  private readonly objects = new Map<string, Peer>();
  /** `${namespace}\0${kind}` -> name -> object, for the kinds relationships look up. */
  private readonly byNsKind = new Map<string, Map<string, Peer>>();
  /** target key -> keys of objects whose own edges point at it (owners, involved objects). */
  private readonly referrers = new Map<string, Set<string>>();
  /** Services by the first pair of their selector (every object a Service selects has that pair). */
  private readonly services = new LabelIndex();
  /** Selectable workloads (pods, and workloads by their pod template) by each of their label pairs. */
  private readonly workloads = new LabelIndex();

  constructor(
    readonly account: string,
    private readonly canonical: (key: string) => string = (key) => key,
  ) {}

  get size(): number {
    return this.objects.size;
  }

  get(key: string): KubernetesManifest | undefined {
    return this.objects.get(key)?.manifest;
  }

  /** Adds or replaces the object under `key` (its infrastructure key); returns the previous one. */
  upsert(key: string, m: KubernetesManifest): KubernetesManifest | undefined {
    const previous = this.remove(key);
    const kind = kindOfManifest(m);
    const targets = referencedKeys(this.account, m).map(this.canonical);
    const peer: Peer = { key, manifest: m, targets, match: kind === 'service' ? serviceSelector(m) : selectableLabels(m) };
    this.objects.set(key, peer);
    const bucket = this.bucketKey(kind, manifestNamespace(m));
    let names = this.byNsKind.get(bucket);
    if (names === undefined) this.byNsKind.set(bucket, (names = new Map()));
    names.set(manifestName(m), peer);
    this.indexSelection(peer, (index, namespace, label, value) => index.add(namespace, label, value, peer));
    for (const t of targets) addTo(this.referrers, t, key);
    return previous;
  }

  /** Removes by key; returns the removed object. */
  remove(key: string): KubernetesManifest | undefined {
    const peer = this.objects.get(key);
    if (peer === undefined) return undefined;
    const m = peer.manifest;
    this.objects.delete(key);
    const bucket = this.bucketKey(kindOfManifest(m), manifestNamespace(m));
    const names = this.byNsKind.get(bucket);
    names?.delete(manifestName(m));
    if (names?.size === 0) this.byNsKind.delete(bucket);
    this.indexSelection(peer, (index, namespace, label, value) => index.remove(namespace, label, value, peer));
    for (const t of peer.targets) removeFrom(this.referrers, t, key);
    return m;
  }

  clear(): void {
    this.objects.clear();
    this.byNsKind.clear();
    this.referrers.clear();
    this.services.clear();
    this.workloads.clear();
  }

  /** Objects of `kind` in `namespace`. */
  inNamespace(kind: string, namespace: string): Iterable<Peer> {
    return this.byNsKind.get(this.bucketKey(kind, namespace))?.values() ?? [];
  }

  find(kind: string, namespace: string, name: string): Peer | undefined {
    return this.byNsKind.get(this.bucketKey(kind, namespace))?.get(name);
  }

  /**
   * Visits the Services in `namespace` whose selector matches `labels`, each once: a Service is
   * indexed under one pair only, so only one of the labels can find it.
   */
  forServicesSelecting(namespace: string, labels: Readonly<Record<string, string>>, visit: (service: Peer) => void): void {
    for (const k in labels) {
      const services = this.services.get(namespace, k, labels[k]);
      if (services !== undefined) for (const svc of services) if (svc.match !== undefined && selectorMatches(svc.match, labels)) visit(svc);
    }
  }

  /** Visits the selectable workloads (pods, replica sets, stateful sets, daemon sets) in `namespace` a selector matches. */
  forSelectedBy(namespace: string, selector: Readonly<Record<string, string>>, visit: (workload: Peer) => void): void {
    const first = firstLabel(selector);
    const workloads = first === undefined ? undefined : this.workloads.get(namespace, first, selector[first]);
    if (workloads !== undefined) for (const w of workloads) if (w.match !== undefined && selectorMatches(selector, w.match)) visit(w);
  }

  /** Keys an object's own edges point at (owners, involved object), as indexed; undefined when it is not held. */
  targetsOf(key: string): readonly string[] | undefined {
    return this.objects.get(key)?.targets;
  }

  /**
   * An object's entries for selector matching: a Service under its first selector pair (every
   * match must have it); a workload under each of its selectable label pairs.
   */
  private indexSelection(peer: Peer, entry: (index: LabelIndex, namespace: string, label: string, value: string) => void): void {
    const { match } = peer;
    if (match === undefined) return;
    const namespace = manifestNamespace(peer.manifest);
    if (kindOfManifest(peer.manifest) === 'service') {
      const first = firstLabel(match);
      if (first !== undefined) entry(this.services, namespace, first, match[first] ?? '');
      return;
    }
    for (const k in match) entry(this.workloads, namespace, k, match[k] ?? '');
  }

  /** Keys of cached objects whose ownerReferences (or involvedObject) point at `key`. */
  referrersOf(key: string): Iterable<string> {
    return this.referrers.get(key) ?? [];
  }

  private bucketKey(kind: string, namespace: string): string {
    return `${namespace}\u0000${kind}`;
  }
}

/**
 * Every edge touching the object `m` (cached under `key`), given the other cached objects in
 * `peers`: its own edges (owners, involved object, application, cluster), objects that reference
 * it, and the selector, serviceName and ingress-backend edges in either direction.
 */
export function objectEdges(key: string, m: KubernetesManifest, peers: PeerIndex, options: CachingOptions = {}): Edge[] {
  const out: Edge[] = [];
  visitObjectEdges(key, m, peers, options, (a, b) => out.push([a, b]));
  return out;
}

/** `objectEdges`, each edge handed to `visit` as it is found; the object's own targets come from `peers` when it holds them. */
export function visitObjectEdges(key: string, m: KubernetesManifest, peers: PeerIndex, options: CachingOptions, visit: EdgeVisitor): void {
  const kind = kindOfManifest(m);
  const namespace = manifestNamespace(m);
  visitOwnEdges(peers.account, m, options, key, visit, peers.targetsOf(key));
  for (const referrer of peers.referrersOf(key)) if (referrer !== key) visit(referrer, key);

  const labels = selectableLabels(m);
  if (labels !== undefined) peers.forServicesSelecting(namespace, labels, (svc) => visit(key, svc.key));
  if (kind === 'statefulSet') {
    const serviceName = stringAt(m, 'spec', 'serviceName');
    const svc = serviceName === undefined || serviceName === '' ? undefined : peers.find('service', namespace, serviceName);
    if (svc !== undefined) visit(key, svc.key);
  }
  if (kind === 'ingress') {
    for (const name of ingressBackendServices(m)) {
      const svc = peers.find('service', namespace, name);
      if (svc !== undefined) visit(key, svc.key);
    }
  }
  if (kind === 'service') {
    const name = manifestName(m);
    peers.forSelectedBy(namespace, serviceSelector(m), (w) => visit(key, w.key));
    for (const sts of peers.inNamespace('statefulSet', namespace)) if (stringAt(sts.manifest, 'spec', 'serviceName') === name) visit(key, sts.key);
    for (const ing of peers.inNamespace('ingress', namespace)) if (ingressBackendServices(ing.manifest).includes(name)) visit(key, ing.key);
  }
}

/**
 * Relationships with their types and each list in sorted order, however they were gathered, so
 * that views list related objects in one order whether they come from the model or a store.
 */
export function inKeyOrder(relationships: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return inTypeOrder(relationships, (list) => inOrderInPlace([...list]));
}

/** The relationships with their types in order, each list as `order` makes it. */
function inTypeOrder<L extends readonly string[]>(relationships: Readonly<Record<string, L>>, order: (list: L) => string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const type of inOrderInPlace(Object.keys(relationships))) out[type] = order(relationships[type] as L);
  return out;
}

/** Relationship groups every item carries, even when empty (Clouddriver's "sticky" kinds). */
export const ALWAYS_PRESENT_RELATIONSHIPS: readonly string[] = ['service', 'pod'];

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Cache results (with their types) grouped by type, types and items in key order. */
function groupByType(items: Iterable<readonly [string, CacheData]>): CacheResult {
  const byType = new Map<string, CacheData[]>();
  for (const [type, d] of [...items].sort(([, a], [, b]) => byString(a.id, b.id))) {
    let list = byType.get(type);
    if (list === undefined) byType.set(type, (list = []));
    list.push(d);
  }
  return { cacheResults: Object.fromEntries([...byType].sort(([a], [b]) => byString(a, b))) };
}

/**
 * Builds the cache result from items and edges: each edge is written on both ends, grouped by
 * the other end's cache type; cluster keys also link to their application; logical items get
 * attribute `name` and the logical TTL; infrastructure keys without an item are dropped.
 * Types, ids and relationship lists are sorted so equal inputs give equal output.
 */
export function assembleCacheResult(items: Iterable<ResourceItem>, edges: Iterable<Edge>): CacheResult {
  const links = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (a === b) return;
    addTo(links, a, b);
    addTo(links, b, a);
  };
  const attributes = new Map<string, ResourceAttributes>();
  for (const item of items) attributes.set(item.key, item.attributes);
  for (const [a, b] of edges) {
    link(a, b);
    for (const k of [a, b]) {
      const parsed = parseKey(k);
      if (parsed?.type === CLUSTERS) link(k, applicationKey(parsed.application));
    }
  }
  const typeOf = (key: string): string => parseKey(key)?.group ?? 'unknown';
  const out: [string, CacheData][] = [];
  for (const key of new Set([...attributes.keys(), ...links.keys()])) {
    const type = typeOf(key);
    const data = cacheData(key, type, attributes.get(key), links.get(key), typeOf);
    if (data !== undefined) out.push([type, data]);
  }
  return groupByType(out);
}

/**
 * One key as the cache holds it: attributes, and relationships grouped by the other end's type
 * (each list sorted, `service` and `pod` always present); logical keys get `name` and the
 * logical TTL; undefined for an infrastructure key without an item.
 */
function cacheData(
  key: string,
  type: string,
  attributes: Readonly<Record<string, unknown>> | undefined,
  links: Iterable<string> | undefined,
  typeOf: (key: string) => string,
): CacheData | undefined {
  const logical = type === APPLICATIONS || type === CLUSTERS;
  if (!logical && attributes === undefined) return undefined;
  const relationships: Record<string, string[]> = {};
  for (const r of ALWAYS_PRESENT_RELATIONSHIPS) relationships[r] = [];
  for (const n of links ?? []) (relationships[typeOf(n)] ??= []).push(n);
  if (!logical) return { id: key, attributes: attributes ?? {}, relationships: sortedInPlace(relationships) };
  return { id: key, attributes: { name: parseKey(key)?.name, ...attributes }, relationships: sortedInPlace(relationships), ttlSeconds: LOGICAL_TTL_SECONDS };
}

/** `inKeyOrder` for lists made for the occasion: sorted where they are, not copied first (every item of every write passes here). */
function sortedInPlace(relationships: Record<string, string[]>): Record<string, string[]> {
  // Most lists hold zero or one key, and most come in order already: a sort copies its array first.
  return inTypeOrder(relationships, inOrderInPlace);
}

/**
 * Sorts `list` as `sort()` does (by UTF-16 code units) and returns it; short lists by insertion,
 * which allocates nothing and leaves a list already in order untouched.
 */
function inOrderInPlace(list: string[]): string[] {
  if (list.length > 16) return list.sort();
  for (let i = 1; i < list.length; i++) {
    const x = list[i] as string;
    let j = i - 1;
    for (; j >= 0 && (list[j] as string) > x; j--) list[j + 1] = list[j] as string;
    list[j + 1] = x;
  }
  return list;
}

/**
 * The whole cache result for one account's objects, built in one pass with every object known
 * before any edge is drawn: the reference the incremental model is tested against.
 */
export function toCacheData(account: string, objects: Iterable<KubernetesManifest>, options: CachingOptions = {}): CacheResult {
  const peers = new PeerIndex(account);
  const cached = new Map<string, KubernetesManifest>();
  for (const m of objects) {
    const key = manifestKey(account, m);
    if (shouldCache(m, options)) cached.set(key, m);
    else cached.delete(key);
  }
  for (const [key, m] of cached) peers.upsert(key, m);
  const edges: Edge[] = [];
  for (const [key, m] of cached) edges.push(...objectEdges(key, m, peers, options));
  return assembleCacheResult([...cached].map(([key, m]) => resourceItem(account, m, key)), edges);
}

/**
 * A key the model holds: the cached object (its item's attributes are made from it when read),
 * and the keys it is linked to (both directions).
 */
interface ModelNode {
  /** The one copy of the key string everything in the model shares. */
  readonly key: string;
  /** Cache type: the kind, `applications` or `clusters` (`unknown` for a key of another form). */
  readonly type: string;
  object: KubernetesManifest | undefined;
  links: Set<string> | undefined;
}

const EMPTY: ReadonlySet<string> = new Set();
const CLUSTER_KEY_PREFIX = `${KUBERNETES_KEY_PREFIX}:logical:${CLUSTERS}:`;

/**
 * Incrementally maintained cache model of one account: apply watch events with `upsert` /
 * `remove`, each returning the keys whose items changed (the object, the old and new
 * neighbours, logical keys), and read the full `result()` or `items(keys)` for just those.
 *
 * Memory: one node per key holds the object and the neighbour set (item attributes are made when
 * read), and every structure (the relationship index, neighbour sets, touched sets, cache
 * results) shares the node's key string, so a ReplicaSet named by the ownerReferences of 10 pods
 * is one string, not eleven.
 */
export class KubernetesCacheModel {
  private readonly peers: PeerIndex;
  private readonly nodes = new Map<string, ModelNode>();
  private objects = 0;
  private changes = 0;

  constructor(
    readonly account: string,
    private readonly options: CachingOptions = {},
  ) {
    this.peers = new PeerIndex(account, (key) => this.canonical(key));
  }

  /**
   * Adds or replaces an object; an object that should not be cached is removed instead. `touched`
   * gets every key whose item or views built on it may have changed (a ReplicaSet when one of its
   * pods changes: its server group shows the pod); `changed`, when given, only the keys whose
   * item itself did (the object, and neighbours that gained or lost a link to it): what the
   * store needs rewritten. The version the model holds again (same `resourceVersion`: a relist,
   * a store reload) changes nothing and touches nothing.
   */
  upsert(m: KubernetesManifest, touched: Set<string> = new Set(), changed?: Set<string>): Set<string> {
    if (!shouldCache(m, this.options)) return this.remove(m, touched, changed);
    const key = this.canonical(manifestKey(this.account, m));
    if (sameVersion(this.peers.get(key), m)) return touched;
    this.changes++;
    const before = changed === undefined ? undefined : new Set(this.neighbours(key));
    this.detach(key, touched);
    this.peers.upsert(key, m);
    const node = this.node(key, kindOfManifest(m));
    if (node.object === undefined) this.objects++;
    node.object = m;
    touched.add(key);
    visitObjectEdges(key, m, this.peers, this.options, (a, b) => {
      this.connect(a, b);
      this.touch(touched, a);
      this.touch(touched, b);
    });
    if (changed !== undefined && before !== undefined) this.linksChanged(key, before, changed);
    return touched;
  }

  /** Removes an object (by its kind, namespace and name); `touched` and `changed` as for `upsert`. */
  remove(m: KubernetesManifest, touched: Set<string> = new Set(), changed?: Set<string>): Set<string> {
    this.changes++;
    const key = this.canonical(manifestKey(this.account, m));
    const before = changed === undefined ? undefined : new Set(this.neighbours(key));
    const had = this.nodes.get(key)?.object !== undefined;
    this.detach(key, touched);
    this.peers.remove(key);
    const node = this.nodes.get(key);
    if (node?.object !== undefined) {
      node.object = undefined;
      this.objects--;
      this.release(node);
      touched.add(key);
    }
    // Objects that still name this one as owner (or involved object) keep that link, as a rebuild would.
    for (const referrer of this.peers.referrersOf(key)) if (referrer !== key) this.connect(referrer, key);
    if (changed !== undefined && before !== undefined) {
      if (had) changed.add(key);
      this.linksChanged(key, before, changed, false);
    }
    return touched;
  }

  /** Adds to `changed` the key (unless told not to) and the neighbours that gained or lost a link to it since `before`. */
  private linksChanged(key: string, before: ReadonlySet<string>, changed: Set<string>, self = true): void {
    if (self) changed.add(key);
    const after = this.neighbours(key);
    for (const n of before) if (!after.has(n)) this.touch(changed, n);
    for (const n of after) if (!before.has(n)) this.touch(changed, n);
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
    return this.objects;
  }

  /** Forgets every object (the memory goes; an account read from the store keeps no model). */
  clear(): void {
    this.changes++;
    this.peers.clear();
    this.nodes.clear();
    this.objects = 0;
  }

  /** The cached manifest of an infrastructure key. */
  manifest(key: string): KubernetesManifest | undefined {
    return this.peers.get(key);
  }

  /** The infrastructure key of an object of this account. */
  keyFor(kind: string, namespace: string, name: string): string {
    return this.canonical(infrastructureKey(parseKindString(kind), this.account, namespace, name));
  }

  /** The model's own copy of `key` when it holds the key (so callers keeping keys share it), else `key`. */
  canonical(key: string): string {
    return this.nodes.get(key)?.key ?? key;
  }

  /** Keys linked to `key` (both directions). */
  neighbours(key: string): ReadonlySet<string> {
    return this.nodes.get(key)?.links ?? EMPTY;
  }

  /** Keys of the logical items of a type (`applications` or `clusters`) currently linked to anything, sorted. */
  logicalKeys(type: typeof APPLICATIONS | typeof CLUSTERS): string[] {
    const prefix = `${KUBERNETES_KEY_PREFIX}:logical:${type}:`;
    const out: string[] = [];
    for (const [key, node] of this.nodes) if (node.links !== undefined && key.startsWith(prefix)) out.push(key);
    return out.sort();
  }

  /** Keys of every cached object. */
  *keys(): IterableIterator<string> {
    for (const node of this.nodes.values()) if (node.object !== undefined) yield node.key;
  }

  /** Keys of the cached objects of these kinds. */
  *keysOfKinds(kinds: ReadonlySet<string>): Iterable<string> {
    for (const node of this.nodes.values()) if (node.object !== undefined && kinds.has(node.type)) yield node.key;
  }

  /**
   * One item as a cache read returns it: attributes, and relationships grouped by the other
   * end's type, each list sorted (logical items get `name`). Undefined for keys with no item and
   * no links.
   */
  item(key: string): CacheData | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    const data = this.cacheData(node);
    if (data === undefined || data.ttlSeconds === undefined) return data;
    const { ttlSeconds: _ttl, ...read } = data;
    return read;
  }

  /** An object's id and attributes, without building its relationships (`CacheModelReader.resource`). */
  resource(key: string): { readonly id: string; readonly attributes: Readonly<Record<string, unknown>> } | undefined {
    const node = this.nodes.get(key);
    return node?.object === undefined ? undefined : { id: node.key, attributes: resourceItem(this.account, node.object, node.key).attributes };
  }

  /** The full result: every item and its relationships. */
  result(): CacheResult {
    return this.itemsFor(this.nodes.keys());
  }

  /** Every key the model holds (objects, linked logical items and owners), sorted: `itemsFor` them in slices to build `result()` piecemeal. */
  allKeys(): string[] {
    return [...this.nodes.keys()].sort();
  }

  /**
   * The cache type of the key's item, without building it: its object's kind, or the logical
   * type (applications, clusters); undefined for a key with no item (an owner that is not cached).
   */
  itemTypeOf(key: string): string | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    return node.object !== undefined || node.type === APPLICATIONS || node.type === CLUSTERS ? node.type : undefined;
  }

  /**
   * Current items for the given keys, by cache type (keys no longer present are absent: the
   * caller evicts them). Logical items are included while anything links to them.
   */
  itemsFor(keys: Iterable<string>): CacheResult {
    const out: [string, CacheData][] = [];
    for (const key of new Set(keys)) {
      const node = this.nodes.get(key);
      const data = node === undefined ? undefined : this.cacheData(node);
      if (node !== undefined && data !== undefined) out.push([node.type, data]);
    }
    return groupByType(out);
  }

  private cacheData(node: ModelNode): CacheData | undefined {
    const attributes = node.object === undefined ? undefined : resourceItem(this.account, node.object, node.key).attributes;
    return cacheData(node.key, node.type, attributes, node.links, this.typeOf);
  }

  /** Cache type of a key the model holds (every linked key has a node). */
  private readonly typeOf = (key: string): string => this.nodes.get(key)?.type ?? parseKey(key)?.group ?? 'unknown';

  private node(key: string, type?: string): ModelNode {
    let node = this.nodes.get(key);
    if (node === undefined) this.nodes.set(key, (node = { key, type: type ?? parseKey(key)?.group ?? 'unknown', object: undefined, links: undefined }));
    return node;
  }

  /** Drops a node that holds neither an object nor links. */
  private release(node: ModelNode): void {
    if (node.object === undefined && node.links === undefined) this.nodes.delete(node.key);
  }

  private connect(a: string, b: string): void {
    this.link(a, b);
    this.linkClusterToApplication(a);
    this.linkClusterToApplication(b);
  }

  private linkClusterToApplication(key: string): void {
    const parsed = key.startsWith(CLUSTER_KEY_PREFIX) ? parseKey(key) : undefined;
    if (parsed?.type === CLUSTERS) this.link(key, applicationKey(parsed.application));
  }

  private link(a: string, b: string): void {
    if (a === b) return;
    const x = this.node(a);
    const y = this.node(b);
    (x.links ??= new Set()).add(y.key);
    (y.links ??= new Set()).add(x.key);
  }

  private unlink(a: string, b: string): void {
    this.unlinkOneWay(a, b);
    this.unlinkOneWay(b, a);
  }

  private unlinkOneWay(from: string, to: string): void {
    const node = this.nodes.get(from);
    if (node?.links === undefined) return;
    node.links.delete(to);
    if (node.links.size === 0) {
      node.links = undefined;
      this.release(node);
    }
  }

  /** Drops every edge touching `key`, marking its neighbours touched. */
  private detach(key: string, touched: Set<string>): void {
    const neighbours = this.neighbours(key);
    if (neighbours.size === 0) return;
    for (const n of [...neighbours]) {
      this.unlink(key, n);
      this.touch(touched, n);
      // A cluster left linked only to its application is gone.
      const parsed = n.startsWith(CLUSTER_KEY_PREFIX) ? parseKey(n) : undefined;
      if (parsed?.type === CLUSTERS) {
        const app = applicationKey(parsed.application);
        const rest = this.nodes.get(n)?.links;
        if (rest !== undefined && rest.size === 1 && rest.has(app)) {
          this.unlink(n, app);
          touched.add(this.canonical(app));
        }
      }
    }
  }

  /** Marks a key changed; a cluster's change is also its application's. */
  private touch(touched: Set<string>, key: string): void {
    touched.add(this.canonical(key));
    if (key.startsWith(CLUSTER_KEY_PREFIX)) {
      const parsed = parseKey(key);
      if (parsed?.type === CLUSTERS) touched.add(this.canonical(applicationKey(parsed.application)));
    }
  }
}

import { DEFAULT_KIND_REGISTRY, kindOfManifest, parseKindString, type KubernetesKindRegistry, type SpinnakerKind } from './KubernetesKind.js';
import { APPLICATIONS, CLUSTERS, accountOfInfrastructureKey, parseKey } from './keys.js';
import { healthStateOf, podHealth, type HealthEntry, type HealthState } from './manifestStatus.js';
import {
  arrayAt,
  creationTimestampMillis,
  isObject,
  labelsOf,
  manifestName,
  manifestNamespace,
  manifestUid,
  numberAt,
  pathOf,
  stringAt,
  type KubernetesManifest,
} from './model/KubernetesManifest.js';
import { parseFriggaName, trafficLoadBalancers, type Moniker } from './moniker.js';

/**
 * Read-API JSON built from cached Kubernetes items, field for field as Clouddriver's
 * `caching/view/model/Kubernetes*` classes serialise with Jackson's NON_NULL inclusion: absent
 * values are left out rather than written as null. Sets are written as arrays sorted by name so
 * equal caches give equal bytes.
 *
 * Inputs are cache items as stored by `cacheModel` (attributes `manifest` and `moniker`; the
 * account comes from the key). Every builder returns undefined for an item without a manifest.
 */
export const CLOUD_PROVIDER = 'kubernetes';

export interface CachedItem {
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly relationships?: Readonly<Record<string, readonly string[]>>;
}

/** Fields every Kubernetes view object has (`KubernetesResource` plus account/labels/moniker). */
export interface KubernetesResourceView {
  readonly account: string;
  /** `"{kind} {name}"` */
  readonly name: string;
  readonly displayName: string;
  readonly namespace: string;
  readonly region: string;
  readonly kind: string;
  readonly apiVersion?: string;
  readonly labels: Record<string, string>;
  readonly moniker: Moniker;
  readonly createdTime?: number;
}

export interface InstanceView {
  readonly account: string;
  /** Pod UID: globally unique, as Deck expects. */
  readonly name: string;
  readonly humanReadableName: string;
  readonly displayName: string;
  readonly namespace: string;
  readonly zone: string;
  readonly kind: string;
  readonly apiVersion?: string;
  readonly labels: Record<string, string>;
  readonly moniker: Moniker;
  readonly createdTime?: number;
  readonly health: HealthEntry[];
  readonly healthState: HealthState;
  readonly cloudProvider: 'kubernetes';
  readonly providerType: 'kubernetes';
}

export interface Capacity {
  readonly min?: number;
  readonly max?: number;
  readonly desired: number;
  readonly pinned: boolean;
}

export interface InstanceCounts {
  readonly total: number;
  readonly up: number;
  readonly down: number;
  readonly unknown: number;
  readonly outOfService: number;
  readonly starting: number;
}

export interface ServerGroupManagerSummary {
  readonly name: string;
  readonly location: string;
  readonly account: string;
}

/** Full server group (`GET /serverGroups/{account}/{region}/{name}`, cluster details). */
export interface ServerGroupView extends KubernetesResourceView {
  readonly type: 'kubernetes';
  readonly cloudProvider: 'kubernetes';
  readonly disabled: boolean;
  readonly instances: InstanceView[];
  readonly loadBalancers: string[];
  readonly securityGroups: string[];
  readonly zones: string[];
  readonly launchConfig: Record<string, never>;
  readonly capacity: Capacity;
  readonly instanceCounts: InstanceCounts;
  readonly serverGroupManagers: ServerGroupManagerSummary[];
  readonly buildInfo: { readonly images: string[] };
  readonly imagesSummary: { readonly summaries: { serverGroupName: string; buildInfo: { images: string[] } }[] };
}

/** Instance inside a summary (`ServerGroupController.InstanceViewModel`). */
export interface InstanceSummaryView {
  readonly id: string;
  readonly name: string;
  readonly health: { readonly type?: string; readonly state?: string }[];
  readonly healthState: HealthState;
  readonly availabilityZone: string;
}

/** Server group summary (`/applications/{app}/serverGroups`, `/serverGroups`): note `isDisabled`. */
export interface ServerGroupSummaryView {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly cluster?: string;
  readonly application?: string;
  readonly type: 'kubernetes';
  readonly cloudProvider: 'kubernetes';
  readonly isDisabled: boolean;
  readonly moniker: Moniker;
  readonly buildInfo: { readonly images: string[] };
  readonly createdTime?: number;
  readonly capacity: Capacity;
  readonly instances: InstanceSummaryView[];
  readonly loadBalancers: string[];
  readonly securityGroups: string[];
  readonly instanceCounts: InstanceCounts;
  readonly labels?: Record<string, string>;
  readonly serverGroupManagers: ServerGroupManagerSummary[];
}

export interface LoadBalancerInstanceView {
  readonly id: string;
  readonly name: string;
  readonly zone: string;
  readonly health: Record<string, unknown>;
}

export interface LoadBalancerServerGroupView {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly isDisabled: boolean;
  readonly detachedInstances: string[];
  readonly instances: LoadBalancerInstanceView[];
  readonly cloudProvider: 'kubernetes';
}

export interface LoadBalancerView extends KubernetesResourceView {
  readonly type: 'kubernetes';
  readonly cloudProvider: 'kubernetes';
  readonly serverGroups: LoadBalancerServerGroupView[];
}

export interface ServerGroupSummaryRef {
  readonly name: string;
  readonly account: string;
  readonly namespace: string;
  readonly region: string;
  readonly moniker: Moniker;
}

export interface ServerGroupManagerView extends KubernetesResourceView {
  readonly cloudProvider: 'kubernetes';
  readonly serverGroups: ServerGroupSummaryRef[];
}

export interface PortRange {
  readonly startPort?: number;
  readonly endPort?: number;
  readonly startPortName?: string;
  readonly endPortName?: string;
}

export interface SecurityGroupRule {
  readonly protocol?: string;
  readonly portRanges?: PortRange[];
}

export interface SecurityGroupView {
  readonly type: 'kubernetes';
  readonly cloudProvider: 'kubernetes';
  /** `"networkPolicy {name}"`, also the name. */
  readonly id: string;
  readonly name: string;
  readonly application?: string;
  readonly account: string;
  readonly accountName: string;
  readonly region: string;
  readonly namespace: string;
  readonly displayName: string;
  readonly kind: string;
  readonly apiVersion?: string;
  readonly labels: Record<string, string>;
  readonly moniker: Moniker;
  readonly createdTime?: number;
  readonly inboundRules: SecurityGroupRule[];
  readonly outboundRules: SecurityGroupRule[];
  readonly summary: { readonly name: string; readonly id: string };
}

export interface ClusterView {
  readonly name: string;
  readonly moniker: Moniker;
  readonly type: 'kubernetes';
  readonly accountName: string;
  readonly application: string;
  readonly serverGroups: ServerGroupView[];
  readonly loadBalancers: LoadBalancerView[];
}

export interface ApplicationView {
  readonly name: string;
  readonly attributes: { readonly name: string };
  readonly clusterNames: Record<string, string[]>;
}

// ---------------------------------------------------------------------------------------------

const manifestOf = (item: CachedItem): KubernetesManifest | undefined => {
  const m = item.attributes.manifest;
  return isObject(m) ? (m as KubernetesManifest) : undefined;
};

const monikerOf = (item: CachedItem): Moniker => {
  const m = item.attributes.moniker;
  return isObject(m) ? (m as Moniker) : {};
};

const accountOf = (item: CachedItem): string => accountOfInfrastructureKey(item.id) ?? '';

const inOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = <T extends { readonly name: string }>(list: T[]): T[] => list.sort((a, b) => inOrder(a.name, b.name));

function withoutUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** Common fields; undefined when the item has no manifest. */
export function resourceView(item: CachedItem): KubernetesResourceView | undefined {
  const m = manifestOf(item);
  if (m === undefined) return undefined;
  const kind = typeof item.attributes.kind === 'string' ? item.attributes.kind : parseKindString(m.kind ?? 'none');
  const namespace = manifestNamespace(m);
  return withoutUndefined({
    account: accountOf(item),
    name: `${kind} ${manifestName(m)}`,
    displayName: manifestName(m),
    namespace,
    region: namespace,
    kind,
    apiVersion: m.apiVersion,
    labels: labelsOf(m),
    moniker: monikerOf(item),
    createdTime: creationTimestampMillis(m),
  });
}

/** `GET /applications/{app}/rawResources` entries. */
export const rawResourceModel = resourceView;

export function instanceModel(item: CachedItem): InstanceView | undefined {
  const base = resourceView(item);
  const m = manifestOf(item);
  if (base === undefined || m === undefined) return undefined;
  const health = podHealth(m);
  return withoutUndefined<InstanceView>({
    account: base.account,
    name: manifestUid(m) ?? base.name,
    humanReadableName: base.name,
    displayName: base.displayName,
    namespace: base.namespace,
    zone: base.namespace,
    kind: base.kind,
    apiVersion: base.apiVersion,
    labels: base.labels,
    moniker: base.moniker,
    createdTime: base.createdTime,
    health,
    healthState: healthStateOf(health),
    cloudProvider: CLOUD_PROVIDER,
    providerType: CLOUD_PROVIDER,
  });
}

/**
 * Docker images of a workload: `image` of every container and init container under any
 * `spec.template.spec` (so CronJob job templates count), containers first, without duplicates.
 * The manifest's `metadata` (whose managedFields can outweigh the rest) and `status` never hold a
 * pod template and are not searched.
 */
export function dockerImages(m: KubernetesManifest): string[] {
  const images = new Set<string>();
  const templateImages = (node: Record<string, unknown>): void => {
    const podSpec = pathOf(node, 'spec', 'template', 'spec');
    if (!isObject(podSpec)) return;
    for (const field of ['containers', 'initContainers']) {
      for (const c of arrayAt(podSpec, field)) {
        const image = stringAt(c, 'image');
        if (image !== undefined) images.add(image);
      }
    }
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x);
      return;
    }
    if (!isObject(node)) return;
    templateImages(node);
    for (const v of Object.values(node)) visit(v);
  };
  templateImages(m);
  for (const [k, v] of Object.entries(m)) if (k !== 'metadata' && k !== 'status') visit(v);
  return [...images];
}

/** `"service my-svc"` written the way Clouddriver re-serialises traffic annotations. */
const normaliseResourceName = (fullName: string): string => {
  const space = fullName.indexOf(' ');
  return space < 0 ? fullName : `${parseKindString(fullName.slice(0, space))} ${fullName.slice(space + 1)}`;
};

function infraFullName(key: string): string | undefined {
  const k = parseKey(key);
  return k?.type === 'infrastructure' ? `${k.kind} ${k.name}` : undefined;
}

export interface ServerGroupInput {
  readonly serverGroup: CachedItem;
  /** Pod items related to the server group. */
  readonly instances?: readonly CachedItem[];
  /** Keys of related load balancers (services, ingresses). */
  readonly loadBalancerKeys?: readonly string[];
  /** Keys of related server group managers (deployments). */
  readonly serverGroupManagerKeys?: readonly string[];
}

/**
 * Full server group. `disabled` is true when the traffic annotation names load balancers but
 * none is related in the cache; `loadBalancers` is the union of both. Capacity has only
 * `desired` (= `spec.replicas`, 0 when absent), as Clouddriver reports for Kubernetes.
 */
export function serverGroupModel(input: ServerGroupInput): ServerGroupView | undefined {
  const base = resourceView(input.serverGroup);
  const m = manifestOf(input.serverGroup);
  if (base === undefined || m === undefined) return undefined;
  const instances = byName((input.instances ?? []).flatMap((i) => instanceModel(i) ?? []));
  const related = new Set((input.loadBalancerKeys ?? []).flatMap((k) => infraFullName(k) ?? []));
  const explicit = trafficLoadBalancers(m).map(normaliseResourceName);
  const disabled = related.size === 0 && explicit.length > 0;
  const images = dockerImages(m);
  const buildInfo = { images };
  return withoutUndefined<ServerGroupView>({
    ...base,
    type: CLOUD_PROVIDER,
    cloudProvider: CLOUD_PROVIDER,
    disabled,
    instances,
    loadBalancers: [...new Set([...related, ...explicit])].sort(),
    securityGroups: [],
    zones: [],
    launchConfig: {},
    capacity: { desired: numberAt(m, 'spec', 'replicas') ?? 0, pinned: false },
    instanceCounts: instanceCounts(instances),
    serverGroupManagers: (input.serverGroupManagerKeys ?? [])
      .flatMap((k) => {
        const p = parseKey(k);
        return p?.type === 'infrastructure' ? [{ name: p.name, location: p.namespace, account: p.account }] : [];
      })
      .sort((a, b) => inOrder(a.name, b.name)),
    buildInfo,
    imagesSummary: { summaries: [{ serverGroupName: base.displayName, buildInfo: { images } }] },
  });
}

export function instanceCounts(instances: readonly { readonly healthState: HealthState }[]): InstanceCounts {
  const n = (s: HealthState): number => instances.filter((i) => i.healthState === s).length;
  return { total: instances.length, up: n('Up'), down: n('Down'), unknown: n('Unknown'), outOfService: n('OutOfService'), starting: n('Starting') };
}

/**
 * Summary view. `cluster` is the containing cluster's name (for `/serverGroups?ids=` Clouddriver
 * uses the moniker's); `application` is Frigga's parse of the full name, which for
 * `"kind name"` is absent, as in Clouddriver.
 */
export function serverGroupSummary(
  sg: ServerGroupView,
  cluster: string | undefined = sg.moniker.cluster,
  instances: InstanceSummaryView[] = sg.instances.map(instanceSummary),
): ServerGroupSummaryView {
  return withoutUndefined<ServerGroupSummaryView>({
    name: sg.name,
    account: sg.account,
    region: sg.region,
    cluster,
    application: parseFriggaName(sg.name).app,
    type: sg.type,
    cloudProvider: sg.cloudProvider,
    isDisabled: sg.disabled,
    moniker: sg.moniker,
    buildInfo: sg.buildInfo,
    createdTime: sg.createdTime,
    capacity: sg.capacity,
    instances,
    loadBalancers: sg.loadBalancers,
    securityGroups: sg.securityGroups,
    instanceCounts: instanceCounts(instances),
    labels: Object.keys(sg.labels).length > 0 ? sg.labels : undefined,
    serverGroupManagers: sg.serverGroupManagers,
  });
}

const healthSummary = (health: readonly HealthEntry[]): InstanceSummaryView['health'] => health.map((h) => ({ type: h.type, state: h.state }));

/** An instance as a server group summary lists it. */
export function instanceSummary(i: InstanceView): InstanceSummaryView {
  return { id: i.name, name: i.humanReadableName, health: healthSummary(i.health), healthState: i.healthState, availabilityZone: i.zone };
}

/**
 * The same summary straight from a pod's manifest, equal to `instanceSummary(instanceModel(pod))`
 * without the full view's labels, moniker and times: a server group summary (Deck's first call
 * for an application) lists every pod this way.
 */
export function podInstanceSummary(pod: KubernetesManifest): InstanceSummaryView {
  const health = podHealth(pod);
  const name = `${kindOfManifest(pod)} ${manifestName(pod)}`;
  return { id: manifestUid(pod) ?? name, name, health: healthSummary(health), healthState: healthStateOf(health), availabilityZone: manifestNamespace(pod) };
}

/** A server group's pods as its summary lists them, in the full view's instance order (by id, the full view's name). */
export function podInstanceSummaries(pods: readonly KubernetesManifest[]): InstanceSummaryView[] {
  return pods.map(podInstanceSummary).sort((a, b) => inOrder(a.id, b.id));
}

/** A server group as listed under a load balancer; instance health is the entries merged. */
export function loadBalancerServerGroup(sg: ServerGroupView): LoadBalancerServerGroupView {
  return {
    name: sg.name,
    account: sg.account,
    region: sg.region,
    isDisabled: sg.disabled,
    detachedInstances: [],
    instances: sg.instances.map((i) => ({ id: i.name, name: i.humanReadableName, zone: i.zone, health: Object.assign({}, ...i.health) as Record<string, unknown> })),
    cloudProvider: CLOUD_PROVIDER,
  };
}

export function loadBalancerModel(loadBalancer: CachedItem, serverGroups: readonly LoadBalancerServerGroupView[] = []): LoadBalancerView | undefined {
  const base = resourceView(loadBalancer);
  if (base === undefined) return undefined;
  return { ...base, type: CLOUD_PROVIDER, cloudProvider: CLOUD_PROVIDER, serverGroups: byName([...serverGroups]) };
}

export function serverGroupManagerModel(manager: CachedItem, serverGroups: readonly CachedItem[] = []): ServerGroupManagerView | undefined {
  const base = resourceView(manager);
  if (base === undefined) return undefined;
  const refs = serverGroups.flatMap((sg) => {
    const v = resourceView(sg);
    return v === undefined ? [] : [{ name: v.name, account: v.account, namespace: v.namespace, region: v.region, moniker: v.moniker }];
  });
  return { ...base, cloudProvider: CLOUD_PROVIDER, serverGroups: byName(refs) };
}

function policyRules(m: KubernetesManifest, direction: 'ingress' | 'egress'): SecurityGroupRule[] {
  const seen = new Map<string, SecurityGroupRule>();
  for (const rule of arrayAt(m, 'spec', direction)) {
    for (const port of arrayAt(rule, 'ports')) {
      const raw = pathOf(port, 'port');
      let range: PortRange | undefined;
      if (typeof raw === 'number') range = { startPort: raw, endPort: raw };
      else if (typeof raw === 'string') range = /^-?\d+$/.test(raw) ? { startPort: Number(raw), endPort: Number(raw) } : { startPortName: raw, endPortName: raw };
      const r = withoutUndefined({ protocol: stringAt(port, 'protocol'), portRanges: range === undefined ? undefined : [range] });
      seen.set(JSON.stringify(r), r);
    }
  }
  return [...seen.values()];
}

/** Network policy as a security group: rules are the ports of `spec.ingress` / `spec.egress`. */
export function securityGroupModel(item: CachedItem): SecurityGroupView | undefined {
  const base = resourceView(item);
  const m = manifestOf(item);
  if (base === undefined || m === undefined) return undefined;
  const isPolicy = base.kind === 'networkPolicy';
  return withoutUndefined<SecurityGroupView>({
    type: CLOUD_PROVIDER,
    cloudProvider: CLOUD_PROVIDER,
    id: base.name,
    name: base.name,
    application: base.moniker.app,
    account: base.account,
    accountName: base.account,
    region: base.region,
    namespace: base.namespace,
    displayName: base.displayName,
    kind: base.kind,
    apiVersion: base.apiVersion,
    labels: base.labels,
    moniker: base.moniker,
    createdTime: base.createdTime,
    inboundRules: isPolicy ? policyRules(m, 'ingress') : [],
    outboundRules: isPolicy ? policyRules(m, 'egress') : [],
    summary: { name: base.name, id: base.name },
  });
}

/** A cluster from its key; without details the lists are empty (`getClusterSummaries`). */
export function clusterModel(key: string, serverGroups: readonly ServerGroupView[] = [], loadBalancers: readonly LoadBalancerView[] = []): ClusterView | undefined {
  const k = parseKey(key);
  if (k?.type !== CLUSTERS) return undefined;
  return {
    name: k.name,
    moniker: { app: k.application, cluster: k.name },
    type: CLOUD_PROVIDER,
    accountName: k.account,
    application: k.application,
    serverGroups: byName([...serverGroups]),
    loadBalancers: byName([...loadBalancers]),
  };
}

/** Cluster names by account from cluster keys (other keys are ignored). */
export function clusterNamesByAccount(clusterKeys: Iterable<string>): Record<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const key of clusterKeys) {
    const k = parseKey(key);
    if (k?.type !== CLUSTERS) continue;
    let set = out.get(k.account);
    if (set === undefined) out.set(k.account, (set = new Set()));
    set.add(k.name);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : 1)).map(([a, s]) => [a, [...s].sort()]));
}

/** An application from the keys of its clusters (`KubernetesApplicationProvider`). */
export function applicationModel(name: string, clusterKeys: Iterable<string>): ApplicationView {
  const mine = [...clusterKeys].filter((key) => {
    const k = parseKey(key);
    return k?.type === CLUSTERS && k.application === name;
  });
  return { name, attributes: { name }, clusterNames: clusterNamesByAccount(mine) };
}

/**
 * Keys in an item's relationships whose kind maps to `spinnakerKind` (`KubernetesCacheUtils.
 * getRelationshipKeys`), e.g. the load balancers or server group managers of a server group.
 */
export function relatedKeys(item: CachedItem, spinnakerKind: SpinnakerKind, kinds: KubernetesKindRegistry = DEFAULT_KIND_REGISTRY): string[] {
  const out: string[] = [];
  for (const [type, ids] of Object.entries(item.relationships ?? {})) {
    if (type === APPLICATIONS || type === CLUSTERS) continue;
    if (kinds.get(type).spinnakerKind === spinnakerKind) out.push(...ids);
  }
  return out.sort();
}

import { InputError } from '../../core/errors.js';
import { assertValidName, assertValidNamespace } from './coordinates.js';
import { apiGroupOf, type KubernetesManifest } from './model/KubernetesManifest.js';

/**
 * Kubernetes kinds as Clouddriver names them (`KubernetesKind.java`, `KubernetesKindProperties.java`,
 * the `op/handler/*Handler.java` properties).
 *
 * A kind name is the registered lower-camel name for built-ins (`replicaSet`, `horizontalpodautoscaler`)
 * and `{Kind}.{group}` for anything in a non-native API group (`Rollout.argoproj.io`). Kinds compare
 * case-insensitively, so `Deployment`, `deployment`, `deploy` and `deployment.apps` all name `deployment`.
 */
export type SpinnakerKind =
  | 'instances'
  | 'configs'
  | 'serverGroups'
  | 'serverGroupManagers'
  | 'loadBalancers'
  | 'securityGroups'
  | 'unclassified';

export const SPINNAKER_KINDS: readonly SpinnakerKind[] = [
  'instances',
  'configs',
  'serverGroups',
  'serverGroupManagers',
  'loadBalancers',
  'securityGroups',
  'unclassified',
];

export interface KubernetesKindProperties {
  /** Clouddriver kind name, as written in cache keys and `fullResourceName`. */
  readonly name: string;
  /** The API `kind` (`ReplicaSet`); for custom resources the part before the group. */
  readonly apiKind: string;
  /** API group; `""` is the core group. */
  readonly group: string;
  /** Preferred version to list/watch; undefined for custom resources until discovered. */
  readonly version: string | undefined;
  /** Resource plural in API paths (`replicasets`); undefined for custom resources until discovered. */
  readonly resource: string | undefined;
  readonly namespaced: boolean;
  readonly spinnakerKind: SpinnakerKind;
  /** Deployed as `<name>-vNNN` by default. */
  readonly versioned: boolean;
  /** Lower deploys first. */
  readonly deployPriority: number;
  readonly alias: string | undefined;
  /** False for custom resources and kinds unknown to the registry. */
  readonly builtIn: boolean;
}

/** API groups Clouddriver treats as native: their kinds are named without `.{group}`. */
export const NATIVE_API_GROUPS: ReadonlySet<string> = new Set([
  '',
  'core',
  'batch',
  'apps',
  'extensions',
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'autoscaling',
  'admissionregistration.k8s.io',
  'policy',
  'scheduling.k8s.io',
  'settings.k8s.io',
  'authorization.k8s.io',
  'authentication.k8s.io',
  'rbac.authorization.k8s.io',
  'certificates.k8s.io',
  'networking.k8s.io',
]);

export const isNativeGroup = (group: string): boolean => NATIVE_API_GROUPS.has(group.toLowerCase());

/** Priority of custom and unknown kinds (`LOWEST_PRIORITY`). */
export const LOWEST_DEPLOY_PRIORITY = 1000;

type Row = [name: string, apiKind: string, group: string, version: string, resource: string, namespaced: boolean, spinnakerKind: SpinnakerKind, versioned: boolean, priority: number, alias?: string];

const ROWS: readonly Row[] = [
  ['apiService', 'APIService', 'apiregistration.k8s.io', 'v1', 'apiservices', false, 'unclassified', false, 80],
  ['clusterRole', 'ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', false, 'unclassified', false, 20],
  ['clusterRoleBinding', 'ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', false, 'unclassified', false, 30],
  ['configMap', 'ConfigMap', '', 'v1', 'configmaps', true, 'configs', true, 50, 'cm'],
  ['controllerRevision', 'ControllerRevision', 'apps', 'v1', 'controllerrevisions', true, 'unclassified', false, LOWEST_DEPLOY_PRIORITY],
  ['customResourceDefinition', 'CustomResourceDefinition', 'apiextensions.k8s.io', 'v1', 'customresourcedefinitions', false, 'unclassified', false, 30, 'crd'],
  ['cronJob', 'CronJob', 'batch', 'v1', 'cronjobs', true, 'serverGroups', false, 100],
  ['csiDriver', 'CSIDriver', 'storage.k8s.io', 'v1', 'csidrivers', false, 'unclassified', false, LOWEST_DEPLOY_PRIORITY],
  ['csiNode', 'CSINode', 'storage.k8s.io', 'v1', 'csinodes', false, 'unclassified', false, LOWEST_DEPLOY_PRIORITY],
  ['daemonSet', 'DaemonSet', 'apps', 'v1', 'daemonsets', true, 'serverGroups', false, 100, 'ds'],
  ['deployment', 'Deployment', 'apps', 'v1', 'deployments', true, 'serverGroupManagers', false, 100, 'deploy'],
  ['event', 'Event', '', 'v1', 'events', true, 'unclassified', false, LOWEST_DEPLOY_PRIORITY],
  ['horizontalpodautoscaler', 'HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers', true, 'unclassified', false, 110, 'hpa'],
  ['ingress', 'Ingress', 'networking.k8s.io', 'v1', 'ingresses', true, 'loadBalancers', false, 70],
  ['job', 'Job', 'batch', 'v1', 'jobs', true, 'serverGroups', false, 100],
  ['limitRange', 'LimitRange', '', 'v1', 'limitranges', true, 'unclassified', false, 90],
  ['mutatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', false, 'unclassified', false, 40],
  ['namespace', 'Namespace', '', 'v1', 'namespaces', false, 'unclassified', false, 0, 'ns'],
  ['networkPolicy', 'NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', true, 'securityGroups', false, 70, 'netpol'],
  ['persistentVolume', 'PersistentVolume', '', 'v1', 'persistentvolumes', false, 'configs', false, 40, 'pv'],
  ['persistentVolumeClaim', 'PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims', true, 'configs', false, 50, 'pvc'],
  ['pod', 'Pod', '', 'v1', 'pods', true, 'instances', true, 100, 'po'],
  ['podPreset', 'PodPreset', 'settings.k8s.io', 'v1alpha1', 'podpresets', true, 'unclassified', false, 90],
  ['podSecurityPolicy', 'PodSecurityPolicy', 'policy', 'v1beta1', 'podsecuritypolicies', false, 'unclassified', false, 90],
  ['podDisruptionBudget', 'PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets', true, 'unclassified', false, 90],
  ['replicaSet', 'ReplicaSet', 'apps', 'v1', 'replicasets', true, 'serverGroups', true, 100, 'rs'],
  ['role', 'Role', 'rbac.authorization.k8s.io', 'v1', 'roles', true, 'unclassified', false, 20],
  ['roleBinding', 'RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', true, 'unclassified', false, 30],
  ['secret', 'Secret', '', 'v1', 'secrets', true, 'configs', true, 50],
  ['service', 'Service', '', 'v1', 'services', true, 'loadBalancers', false, 70, 'svc'],
  ['serviceAccount', 'ServiceAccount', '', 'v1', 'serviceaccounts', true, 'unclassified', false, 40, 'sa'],
  ['statefulSet', 'StatefulSet', 'apps', 'v1', 'statefulsets', true, 'serverGroups', false, 100],
  ['storageClass', 'StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', false, 'unclassified', false, 40, 'sc'],
  ['validatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', false, 'unclassified', false, 40],
];

/** Every built-in kind, in name order. */
export const BUILT_IN_KINDS: readonly KubernetesKindProperties[] = ROWS.map(
  ([name, apiKind, group, version, resource, namespaced, spinnakerKind, versioned, deployPriority, alias]) => ({
    name, apiKind, group, version, resource, namespaced, spinnakerKind, versioned, deployPriority, alias, builtIn: true,
  }),
);

/** Kinds cached when neither `cacheAll` nor `cacheKinds` is set: the kinds Deck shows (`KubernetesCachingAgent.filteredPrimaryKinds`). */
export const UI_DEFAULT_KINDS: readonly string[] = [
  'deployment', 'replicaSet', 'statefulSet', 'daemonSet', 'job', 'cronJob', 'pod', 'service', 'ingress', 'networkPolicy',
];

// Built-ins (and their aliases) by lower-cased name; native groups never take part in identity.
const BY_LC_NAME = new Map<string, KubernetesKindProperties>();
for (const k of BUILT_IN_KINDS) {
  BY_LC_NAME.set(k.name.toLowerCase(), k);
  if (k.alias !== undefined) BY_LC_NAME.set(k.alias, k);
}

/**
 * The Clouddriver name of `apiKind` in `group`: a built-in's registered name when the group is
 * native (aliases accepted), otherwise `{apiKind}.{group}` keeping the given spelling.
 * An empty kind gives `"none"` (Clouddriver's marker for "no kind").
 */
export function kubernetesKindName(apiKind: string | undefined, group = ''): string {
  if (apiKind === undefined || apiKind === '') return 'none';
  if (!isNativeGroup(group)) return `${apiKind}.${group.toLowerCase()}`;
  return BY_LC_NAME.get(apiKind.toLowerCase())?.name ?? apiKind;
}

/** Parses a configured `kind[.group]` (`rs`, `deployment.apps`, `Rollout.argoproj.io`) to a kind name. */
export function parseKindString(qualified: string): string {
  const dot = qualified.indexOf('.');
  return dot < 0 ? kubernetesKindName(qualified) : kubernetesKindName(qualified.slice(0, dot), qualified.slice(dot + 1));
}

/** The kind name of a live object, from its `kind` and the group of its `apiVersion`. */
export function kindOfManifest(m: KubernetesManifest): string {
  return kindOfApiVersion(m.apiVersion, m.kind);
}

/**
 * The kind name of `kind` served at `apiVersion` (an object's, an owner reference's), memoized
 * by apiVersion then kind: a hot path, called several times per object and relationship, that
 * allocates nothing once both are known.
 */
export function kindOfApiVersion(apiVersion: string | undefined, kind: string | undefined): string {
  let kinds = KIND_MEMO.get(apiVersion ?? '');
  let name = kinds?.get(kind ?? '');
  if (name === undefined) {
    name = kubernetesKindName(kind, apiGroupOf(apiVersion));
    if (kinds === undefined) {
      if (KIND_MEMO.size > 1_000) KIND_MEMO.clear();
      KIND_MEMO.set(apiVersion ?? '', (kinds = new Map()));
    }
    if (kinds.size > 1_000) kinds.clear();
    kinds.set(kind ?? '', name);
  }
  return name;
}

/** apiVersion -> kind -> kind name. */
const KIND_MEMO = new Map<string, Map<string, string>>();

/** `apiVersion` of a kind (`v1`, `apps/v1`); kinds not yet discovered default to `v1`. */
export function apiVersionOfKind(kind: Pick<KubernetesKindProperties, 'group' | 'version'>): string {
  const version = kind.version ?? 'v1';
  return kind.group === '' ? version : `${kind.group}/${version}`;
}

/**
 * REST path of a kind's collection (all namespaces when `namespace` is undefined or the kind is
 * cluster-scoped), or of one object when `name` is given.
 */
export function resourcePath(kind: Pick<KubernetesKindProperties, 'name' | 'group' | 'version' | 'resource' | 'namespaced'>, namespace?: string, name?: string): string {
  // Checked here, the one place URLs are built, so no caller can address a collection by accident.
  if (name !== undefined) assertValidName(name);
  if (kind.namespaced && namespace !== undefined) {
    if (namespace === '') throw new InputError(`${kind.name} is namespaced: a namespace is required`);
    assertValidNamespace(namespace);
  }
  const base = kind.group === '' ? `/api/${kind.version ?? 'v1'}` : `/apis/${kind.group}/${kind.version ?? 'v1'}`;
  const scope = kind.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${kind.resource ?? ''}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** Kind names are case-insensitive. */
export const sameKind = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** One `customResources[]` account entry (`KubernetesAccountProperties.CustomKubernetesResource`). */
export interface CustomResourceConfig {
  readonly kubernetesKind: string;
  readonly spinnakerKind?: string;
  readonly deployPriority?: string | number;
  readonly versioned?: boolean;
  readonly namespaced?: boolean;
}

/** Parses `serverGroups`, `SERVER_GROUPS`, `server_groups`...; anything else is `unclassified`. */
export function parseSpinnakerKind(value: string | undefined): SpinnakerKind {
  const flat = (value ?? '').replaceAll('_', '').toLowerCase();
  return SPINNAKER_KINDS.find((k) => k.toLowerCase() === flat) ?? 'unclassified';
}

/**
 * Kind properties for one account: built-ins, then its custom resources. Lookups accept any
 * spelling `parseKindString` accepts. `get` always answers: unknown kinds are unclassified,
 * namespaced, unversioned, with the lowest deploy priority (Clouddriver's defaults).
 */
export interface KubernetesKindRegistry {
  get(kind: string): KubernetesKindProperties;
  /** Built-in or configured custom resource. */
  isRegistered(kind: string): boolean;
  all(): readonly KubernetesKindProperties[];
}

export function createKindRegistry(customResources: readonly CustomResourceConfig[] = []): KubernetesKindRegistry {
  // Registries are immutable: every account without custom resources (most of them, and each
  // asks twice: its credentials and its cache) shares one, instead of a map of every kind each.
  if (customResources.length === 0 && builtInOnly !== undefined) return builtInOnly;
  const byLc = new Map<string, KubernetesKindProperties>();
  for (const k of BUILT_IN_KINDS) byLc.set(k.name.toLowerCase(), k);
  for (const cr of customResources) {
    const name = parseKindString(cr.kubernetesKind);
    const dot = name.indexOf('.');
    const priority = Number(cr.deployPriority ?? 100);
    byLc.set(name.toLowerCase(), {
      name,
      apiKind: dot < 0 ? name : name.slice(0, dot),
      group: dot < 0 ? '' : name.slice(dot + 1),
      version: undefined,
      resource: undefined,
      namespaced: cr.namespaced ?? true,
      spinnakerKind: parseSpinnakerKind(cr.spinnakerKind),
      versioned: cr.versioned ?? false,
      deployPriority: Number.isFinite(priority) ? priority : 100,
      alias: undefined,
      builtIn: false,
    });
  }
  const all = [...byLc.values()];
  const registry: KubernetesKindRegistry = {
    get(kind) {
      const name = parseKindString(kind);
      const found = byLc.get(name.toLowerCase());
      if (found !== undefined) return found;
      const dot = name.indexOf('.');
      return {
        name,
        apiKind: dot < 0 ? name : name.slice(0, dot),
        group: dot < 0 ? '' : name.slice(dot + 1),
        version: undefined,
        resource: undefined,
        namespaced: true,
        spinnakerKind: 'unclassified',
        versioned: false,
        deployPriority: LOWEST_DEPLOY_PRIORITY,
        alias: undefined,
        builtIn: false,
      };
    },
    isRegistered: (kind) => byLc.has(parseKindString(kind).toLowerCase()),
    all: () => all,
  };
  if (customResources.length === 0) builtInOnly = registry;
  return registry;
}

/** The built-ins-only registry, once made (see `createKindRegistry`). */
let builtInOnly: KubernetesKindRegistry | undefined;

/** The registry with built-ins only. */
export const DEFAULT_KIND_REGISTRY: KubernetesKindRegistry = createKindRegistry();

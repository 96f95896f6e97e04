/**
 * The resource types a simulated cluster serves: the built-in kinds Spinnaker uses, plus the
 * custom resources of every CustomResourceDefinition created at runtime. Drives discovery,
 * URL routing and scoping (namespaced or cluster-wide).
 */

export interface ResourceType {
  /** API group, '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural lower-case name used in URLs. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Subresources served: status, scale, log, token, eviction. */
  readonly subresources: readonly string[];
  /**
   * Types answered without storage: `review` (create-only access reviews and whoami) and
   * `metrics` (read-only metrics.k8s.io usage computed from the running pods).
   */
  readonly virtual?: 'review' | 'metrics';
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Row = [group: string, version: string, resource: string, kind: string, namespaced: boolean, shortNames?: string[], subresources?: string[], virtual?: 'review' | 'metrics'];

const ROWS: Row[] = [
  ['', 'v1', 'namespaces', 'Namespace', false, ['ns'], ['status']],
  ['', 'v1', 'nodes', 'Node', false, ['no'], ['status']],
  ['', 'v1', 'pods', 'Pod', true, ['po'], ['status', 'log', 'eviction']],
  ['', 'v1', 'services', 'Service', true, ['svc'], ['status']],
  ['', 'v1', 'endpoints', 'Endpoints', true, ['ep']],
  ['', 'v1', 'replicationcontrollers', 'ReplicationController', true, ['rc'], ['status', 'scale']],
  ['', 'v1', 'configmaps', 'ConfigMap', true, ['cm']],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'events', 'Event', true, ['ev']],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa'], ['token']],
  ['', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc'], ['status']],
  ['', 'v1', 'persistentvolumes', 'PersistentVolume', false, ['pv'], ['status']],
  ['', 'v1', 'limitranges', 'LimitRange', true, ['limits']],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true, ['quota'], ['status']],
  ['apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], ['status', 'scale']],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], ['status', 'scale']],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts'], ['status', 'scale']],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds'], ['status']],
  ['apps', 'v1', 'controllerrevisions', 'ControllerRevision', true],
  ['batch', 'v1', 'jobs', 'Job', true, [], ['status']],
  ['batch', 'v1', 'cronjobs', 'CronJob', true, ['cj'], ['status']],
  ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing'], ['status']],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']],
  ['networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false],
  ['autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['status']],
  ['autoscaling', 'v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['status']],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], ['status']],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']],
  ['scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, ['pc']],
  ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, [], [], 'review'],
  ['authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, [], [], 'review'],
  ['authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', false, [], [], 'review'],
  ['metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false, [], [], 'metrics'],
  ['metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', true, [], [], 'metrics'],
  ['apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], ['status']],
];

/** The `all` category, as the API server assigns it (kubectl get all). */
const CATEGORY_ALL = new Set(['pods', 'replicationcontrollers', 'services', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'horizontalpodautoscalers']);

export const BUILT_IN_TYPES: readonly ResourceType[] = ROWS.map(([group, version, resource, kind, namespaced, shortNames = [], subresources = [], virtual]) => ({
  group,
  version,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  shortNames,
  categories: CATEGORY_ALL.has(resource) ? ['all'] : [],
  subresources,
  ...(virtual === undefined ? {} : { virtual }),
}));

export const apiVersionOf = (t: Pick<ResourceType, 'group' | 'version'>): string => (t.group === '' ? t.version : `${t.group}/${t.version}`);

/** `group/resource`: the storage identity of a type (shared by its versions). */
export const groupResource = (t: Pick<ResourceType, 'group' | 'resource'>): string => `${t.group}/${t.resource}`;

export const verbsOf = (t: ResourceType): readonly string[] => (t.virtual === 'review' ? ['create'] : t.virtual === 'metrics' ? ['get', 'list'] : VERBS);

/** The types one cluster serves; CRDs add and remove entries at runtime. */
export class ResourceCatalog {
  private readonly types: ResourceType[];
  private changes = 0;

  /** `metricsServer` adds the metrics.k8s.io types, as installing metrics-server does. */
  constructor(options: { metricsServer?: boolean } = {}) {
    this.types = BUILT_IN_TYPES.filter((t) => t.virtual !== 'metrics' || options.metricsServer === true);
  }

  /** Bumped whenever CRDs add or remove types (documents derived from the catalog are cached by it). */
  get generation(): number {
    return this.changes;
  }

  all(): readonly ResourceType[] {
    return this.types;
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.resource === resource);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** Groups in discovery order (core excluded), each with its versions, preferred first. */
  groups(): { name: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      if (t.group === '') continue;
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return [...out].map(([name, versions]) => ({ name, versions }));
  }

  /** Registers the served versions of a CRD (replacing earlier ones); returns the new types. */
  defineCustom(crd: Record<string, unknown>): ResourceType[] {
    const spec = (crd.spec ?? {}) as {
      group?: string;
      scope?: string;
      names?: { plural?: string; singular?: string; kind?: string; shortNames?: string[]; categories?: string[] };
      versions?: { name?: string; served?: boolean; subresources?: { status?: unknown; scale?: unknown } }[];
    };
    const names = spec.names ?? {};
    if (spec.group === undefined || names.plural === undefined || names.kind === undefined) return [];
    this.removeCustom(spec.group, names.plural);
    const added = (spec.versions ?? [])
      .filter((v) => v.served !== false && v.name !== undefined)
      .map(
        (v): ResourceType => ({
          group: spec.group ?? '',
          version: v.name ?? '',
          resource: names.plural ?? '',
          singular: names.singular ?? (names.kind ?? '').toLowerCase(),
          kind: names.kind ?? '',
          namespaced: spec.scope !== 'Cluster',
          shortNames: names.shortNames ?? [],
          categories: names.categories ?? [],
          subresources: [...(v.subresources?.status !== undefined ? ['status'] : []), ...(v.subresources?.scale !== undefined ? ['scale'] : [])],
        }),
      );
    this.types.push(...added);
    this.changes++;
    return added;
  }

  removeCustom(group: string, plural: string): void {
    for (let i = this.types.length - 1; i >= 0; i--) {
      const t = this.types[i];
      if (t !== undefined && t.group === group && t.resource === plural && !BUILT_IN_TYPES.includes(t)) {
        this.types.splice(i, 1);
        this.changes++;
      }
    }
  }
}

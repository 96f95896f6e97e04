/**
 * Server-side printing: `meta.k8s.io/v1` Table responses, which `kubectl get` asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Columns follow the API server's
 * printers (pkg/printers/internalversion) for the common kinds, with `priority: 1` for the
 * columns `-o wide` adds; custom resources use their CRD's `additionalPrinterColumns`; other
 * kinds get the default Name / Created At table. Rows carry the object as
 * PartialObjectMetadata (`includeObject=Metadata`, the default), the full object (`Object`) or
 * nothing (`None`).
 */
import type { KubeObj } from './objectStore.js';
import type { ResourceType } from './resources.js';
import { VERSION_INFO } from './discovery.js';

type Obj = Record<string, unknown>;
type Cell = string | number | boolean | null;

interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format?: string;
  readonly priority?: number;
  readonly description: string;
  readonly cell: (o: KubeObj, now: number) => Cell;
}

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const spec = (o: KubeObj): Obj => obj(o.spec);
const status = (o: KubeObj): Obj => obj(o.status);

/** apimachinery duration.HumanDuration: 45s, 3m20s, 15m, 5h30m, 2d4h, 40d, 3y20d. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const since = (ts: unknown, now: number): string => (typeof ts === 'string' && ts !== '' ? humanDuration(now - Date.parse(ts)) : '<unknown>');

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' };
const AGE: Column = { name: 'Age', type: 'string', description: 'Time since the object was created.', cell: (o, now) => since(o.metadata.creationTimestamp, now) };
const col = (name: string, cell: Column['cell'], priority = 0, type: Column['type'] = 'string'): Column => ({ name, type, description: name, cell, ...(priority > 0 ? { priority } : {}) });

function podTemplate(o: KubeObj): Obj {
  return obj(obj(spec(o).template).spec);
}
const containerNames = (o: KubeObj): string => arr(podTemplate(o).containers).map((c) => str(c.name)).join(',');
const images = (o: KubeObj): string => arr(podTemplate(o).containers).map((c) => str(c.image)).join(',');
function selectorText(o: KubeObj): string {
  return selectorOf(obj(spec(o).selector));
}

/** metav1.FormatLabelSelector: `a=b,c in (d,e)`, `<none>` for an empty selector. */
function selectorOf(sel: Obj): string {
  const parts = Object.entries(obj(sel.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(sel.matchExpressions)) {
    const values = Array.isArray(e.values) ? (e.values as string[]).join(',') : '';
    const op = str(e.operator);
    parts.push(op === 'Exists' ? str(e.key) : op === 'DoesNotExist' ? `!${str(e.key)}` : `${str(e.key)} ${op.toLowerCase()} (${values})`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}
const WORKLOAD_WIDE = [col('Containers', containerNames, 1), col('Images', images, 1), col('Selector', selectorText, 1)];

/** The pod STATUS column as kubectl shows it (waiting/terminated reasons, Terminating, Completed). */
function podStatus(p: KubeObj): string {
  const st = status(p);
  let reason = str(st.reason) || str(st.phase, 'Pending');
  for (const c of arr(st.containerStatuses)) {
    const state = obj(c.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    if (str(waiting.reason) !== '') reason = str(waiting.reason);
    else if (str(terminated.reason) !== '') reason = str(terminated.reason);
  }
  if (p.metadata.deletionTimestamp !== undefined) reason = 'Terminating';
  return reason;
}

function podReady(p: KubeObj): string {
  const containers = arr(spec(p).containers).length;
  const ready = arr(status(p).containerStatuses).filter((c) => c.ready === true).length;
  return `${ready}/${containers}`;
}

/** RESTARTS as kubectl's pod printer shows it: the count, and how long ago the last one ended. */
function podRestarts(p: KubeObj, now: number): string {
  const statuses = arr(status(p).containerStatuses);
  const restarts = statuses.reduce((n, c) => n + num(c.restartCount), 0);
  const finished = statuses.map((c) => Date.parse(str(obj(obj(c.lastState).terminated).finishedAt))).filter((t) => !Number.isNaN(t));
  return restarts > 0 && finished.length > 0 ? `${restarts} (${humanDuration(now - Math.max(...finished))} ago)` : String(restarts);
}

function servicePorts(o: KubeObj): string {
  const ports = arr(spec(o).ports).map((p) => `${num(p.port)}${num(p.nodePort) > 0 ? `:${num(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`);
  return ports.length === 0 ? '<none>' : ports.join(',');
}

function externalIp(o: KubeObj): string {
  const type = str(spec(o).type, 'ClusterIP');
  const external = Array.isArray(spec(o).externalIPs) ? (spec(o).externalIPs as string[]) : [];
  if (type === 'ExternalName') return str(spec(o).externalName);
  if (type === 'LoadBalancer') {
    const ingress = arr(obj(status(o).loadBalancer).ingress).map((i) => str(i.ip) || str(i.hostname));
    const all = [...ingress, ...external];
    return all.length === 0 ? '<pending>' : all.join(',');
  }
  return external.length === 0 ? '<none>' : external.join(',');
}

function jobStatus(o: KubeObj): string {
  const conditions = arr(status(o).conditions);
  const has = (t: string): boolean => conditions.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp !== undefined) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(o: KubeObj, now: number): string {
  const start = str(status(o).startTime);
  if (start === '') return '';
  const end = str(status(o).completionTime);
  return humanDuration((end === '' ? now : Date.parse(end)) - Date.parse(start));
}

function nodeStatus(n: KubeObj): string {
  const ready = arr(status(n).conditions).find((c) => c.type === 'Ready');
  const base = ready?.status === 'True' ? 'Ready' : 'NotReady';
  return spec(n).unschedulable === true ? `${base},SchedulingDisabled` : base;
}

function nodeRoles(n: KubeObj): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length === 0 ? '<none>' : roles.join(',');
}

function endpointsText(o: KubeObj): string {
  const out: string[] = [];
  for (const subset of arr(o.subsets)) {
    const ports = arr(subset.ports);
    for (const a of arr(subset.addresses)) {
      if (ports.length === 0) out.push(str(a.ip));
      for (const p of ports) out.push(`${str(a.ip)}:${num(p.port)}`);
    }
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

const intOrString = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v as string | number));
const countKeys = (v: unknown): number => Object.keys(obj(v)).length;

function hpaTargets(o: KubeObj): string {
  const metrics = arr(spec(o).metrics);
  const cpu = spec(o).targetCPUUtilizationPercentage;
  if (typeof cpu === 'number') return `<unknown>/${cpu}%`;
  if (metrics.length === 0) return '<none>';
  return metrics
    .map((m) => {
      const target = obj(obj(m.resource).target);
      return typeof target.averageUtilization === 'number' ? `${str(obj(m.resource).name)}: <unknown>/${target.averageUtilization}%` : '<unknown>';
    })
    .join(', ');
}

const COLUMNS: Record<string, readonly Column[]> = {
  '/pods': [
    NAME,
    col('Ready', podReady),
    col('Status', podStatus),
    col('Restarts', podRestarts, 0, 'string'),
    AGE,
    col('IP', (p) => str(status(p).podIP, '<none>'), 1),
    col('Node', (p) => str(spec(p).nodeName, '<none>'), 1),
    col('Nominated Node', (p) => str(status(p).nominatedNodeName, '<none>'), 1),
    col('Readiness Gates', (p) => (arr(spec(p).readinessGates).length === 0 ? '<none>' : String(arr(spec(p).readinessGates).length)), 1),
  ],
  'apps/deployments': [
    NAME,
    col('Ready', (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`),
    col('Up-to-date', (o) => num(status(o).updatedReplicas), 0, 'integer'),
    col('Available', (o) => num(status(o).availableReplicas), 0, 'integer'),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  'apps/replicasets': [
    NAME,
    col('Desired', (o) => num(spec(o).replicas), 0, 'integer'),
    col('Current', (o) => num(status(o).replicas), 0, 'integer'),
    col('Ready', (o) => num(status(o).readyReplicas), 0, 'integer'),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  '/replicationcontrollers': [
    NAME,
    col('Desired', (o) => num(spec(o).replicas), 0, 'integer'),
    col('Current', (o) => num(status(o).replicas), 0, 'integer'),
    col('Ready', (o) => num(status(o).readyReplicas), 0, 'integer'),
    AGE,
    col('Containers', containerNames, 1),
    col('Images', images, 1),
    col('Selector', (o) => Object.entries(obj(spec(o).selector)).map(([k, v]) => `${k}=${String(v)}`).join(',') || '<none>', 1),
  ],
  'apps/statefulsets': [NAME, col('Ready', (o) => `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`), AGE, col('Containers', containerNames, 1), col('Images', images, 1)],
  'apps/daemonsets': [
    NAME,
    col('Desired', (o) => num(status(o).desiredNumberScheduled), 0, 'integer'),
    col('Current', (o) => num(status(o).currentNumberScheduled), 0, 'integer'),
    col('Ready', (o) => num(status(o).numberReady), 0, 'integer'),
    col('Up-to-date', (o) => num(status(o).updatedNumberScheduled), 0, 'integer'),
    col('Available', (o) => num(status(o).numberAvailable), 0, 'integer'),
    col('Node Selector', (o) => Object.entries(obj(podTemplate(o).nodeSelector)).map(([k, v]) => `${k}=${String(v)}`).join(',') || '<none>'),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  'apps/controllerrevisions': [
    NAME,
    col('Controller', (o) => {
      const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
      if (ref === undefined) return '<none>';
      const group = ref.apiVersion.includes('/') ? `.${ref.apiVersion.split('/')[0] ?? ''}` : '';
      return `${ref.kind.toLowerCase()}${group}/${ref.name}`;
    }),
    col('Revision', (o) => num(o.revision), 0, 'integer'),
    AGE,
  ],
  'batch/jobs': [
    NAME,
    col('Status', jobStatus),
    col('Completions', (o) => `${num(status(o).succeeded)}/${num(spec(o).completions) || 1}`),
    col('Duration', jobDuration),
    AGE,
    ...WORKLOAD_WIDE,
  ],
  'batch/cronjobs': [
    NAME,
    col('Schedule', (o) => str(spec(o).schedule)),
    col('Timezone', (o) => str(spec(o).timeZone, '<none>')),
    col('Suspend', (o) => (spec(o).suspend === true ? 'True' : 'False')),
    col('Active', (o) => arr(status(o).active).length, 0, 'integer'),
    col('Last Schedule', (o, now) => (status(o).lastScheduleTime === undefined ? '<none>' : since(status(o).lastScheduleTime, now))),
    AGE,
    col('Containers', (o) => arr(obj(obj(obj(obj(spec(o).jobTemplate).spec).template).spec).containers).map((c) => str(c.name)).join(','), 1),
    col('Images', (o) => arr(obj(obj(obj(obj(spec(o).jobTemplate).spec).template).spec).containers).map((c) => str(c.image)).join(','), 1),
  ],
  '/services': [
    NAME,
    col('Type', (o) => str(spec(o).type, 'ClusterIP')),
    col('Cluster-IP', (o) => str(spec(o).clusterIP, '<none>')),
    col('External-IP', externalIp),
    col('Port(s)', servicePorts),
    AGE,
    col('Selector', (o) => Object.entries(obj(spec(o).selector)).map(([k, v]) => `${k}=${String(v)}`).join(',') || '<none>', 1),
  ],
  '/endpoints': [NAME, col('Endpoints', endpointsText), AGE],
  'discovery.k8s.io/endpointslices': [
    NAME,
    col('AddressType', (o) => str(o.addressType)),
    col('Ports', (o) => arr(o.ports).map((p) => String(num(p.port))).join(',') || '<unset>'),
    col('Endpoints', (o) => {
      const ips = arr(o.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? (e.addresses as string[]) : []));
      return ips.length === 0 ? '<unset>' : ips.length > 3 ? `${ips.slice(0, 3).join(',')} + ${ips.length - 3} more...` : ips.join(',');
    }),
    AGE,
  ],
  'networking.k8s.io/networkpolicies': [NAME, col('Pod-Selector', (o) => selectorOf(obj(spec(o).podSelector))), AGE],
  'networking.k8s.io/ingressclasses': [NAME, col('Controller', (o) => str(spec(o).controller)), col('Parameters', (o) => (spec(o).parameters === undefined ? '<none>' : str(obj(spec(o).parameters).name))), AGE],
  'storage.k8s.io/storageclasses': [
    NAME,
    col('Provisioner', (o) => str(o.provisioner)),
    col('ReclaimPolicy', (o) => str(o.reclaimPolicy, 'Delete')),
    col('VolumeBindingMode', (o) => str(o.volumeBindingMode, 'Immediate')),
    col('AllowVolumeExpansion', (o) => o.allowVolumeExpansion === true),
    AGE,
  ],
  '/persistentvolumeclaims': [
    NAME,
    col('Status', (o) => str(status(o).phase, 'Pending')),
    col('Volume', (o) => str(spec(o).volumeName)),
    col('Capacity', (o) => str(obj(status(o).capacity).storage)),
    col('Access Modes', (o) => (Array.isArray(status(o).accessModes) ? (status(o).accessModes as string[]).map((m) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(',') : '')),
    col('StorageClass', (o) => str(spec(o).storageClassName, '<unset>')),
    AGE,
  ],
  '/configmaps': [NAME, col('Data', (o) => countKeys(o.data) + countKeys(o.binaryData), 0, 'integer'), AGE],
  '/secrets': [NAME, col('Type', (o) => str(o.type)), col('Data', (o) => countKeys(o.data), 0, 'integer'), AGE],
  '/namespaces': [NAME, col('Status', (o) => str(status(o).phase, 'Active')), AGE],
  '/serviceaccounts': [NAME, col('Secrets', (o) => arr(o.secrets).length, 0, 'integer'), AGE],
  '/nodes': [
    NAME,
    col('Status', nodeStatus),
    col('Roles', nodeRoles),
    AGE,
    col('Version', (n) => str(obj(obj(status(n)).nodeInfo).kubeletVersion, VERSION_INFO.gitVersion)),
    col('Internal-IP', (n) => str(arr(status(n).addresses).find((a) => a.type === 'InternalIP')?.address, '<none>'), 1),
    col('External-IP', (n) => str(arr(status(n).addresses).find((a) => a.type === 'ExternalIP')?.address, '<none>'), 1),
    col('OS-Image', (n) => str(obj(status(n).nodeInfo).osImage, '<unknown>'), 1),
    col('Kernel-Version', (n) => str(obj(status(n).nodeInfo).kernelVersion, '<unknown>'), 1),
    col('Container-Runtime', (n) => str(obj(status(n).nodeInfo).containerRuntimeVersion, '<unknown>'), 1),
  ],
  '/events': [
    col('Last Seen', (e, now) => since(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp, now)),
    col('Type', (e) => str(e.type)),
    col('Reason', (e) => str(e.reason)),
    col('Object', (e) => `${str(obj(e.involvedObject).kind).toLowerCase()}/${str(obj(e.involvedObject).name)}`),
    col('Message', (e) => str(e.message)),
  ],
  'autoscaling/horizontalpodautoscalers': [
    NAME,
    col('Reference', (o) => `${str(obj(spec(o).scaleTargetRef).kind)}/${str(obj(spec(o).scaleTargetRef).name)}`),
    col('Targets', hpaTargets),
    col('MinPods', (o) => (typeof spec(o).minReplicas === 'number' ? (spec(o).minReplicas as number) : '<unset>')),
    col('MaxPods', (o) => num(spec(o).maxReplicas), 0, 'integer'),
    col('Replicas', (o) => num(status(o).currentReplicas), 0, 'integer'),
    AGE,
  ],
  'networking.k8s.io/ingresses': [
    NAME,
    col('Class', (o) => str(spec(o).ingressClassName, '<none>')),
    col('Hosts', (o) => arr(spec(o).rules).map((r) => str(r.host, '*')).join(',') || '*'),
    col('Address', (o) => arr(obj(status(o).loadBalancer).ingress).map((i) => str(i.ip) || str(i.hostname)).join(',')),
    col('Ports', (o) => (arr(spec(o).tls).length > 0 ? '80, 443' : '80')),
    AGE,
  ],
  'policy/poddisruptionbudgets': [
    NAME,
    col('Min Available', (o) => intOrString(spec(o).minAvailable)),
    col('Max Unavailable', (o) => intOrString(spec(o).maxUnavailable)),
    col('Allowed Disruptions', (o) => num(status(o).disruptionsAllowed), 0, 'integer'),
    AGE,
  ],
  'scheduling.k8s.io/priorityclasses': [NAME, col('Value', (o) => num(o.value), 0, 'integer'), col('Global-Default', (o) => o.globalDefault === true), AGE, col('PreemptionPolicy', (o) => str(o.preemptionPolicy))],
  'rbac.authorization.k8s.io/roles': [NAME, col('Created At', (o) => str(o.metadata.creationTimestamp))],
  'rbac.authorization.k8s.io/clusterroles': [NAME, col('Created At', (o) => str(o.metadata.creationTimestamp))],
  'rbac.authorization.k8s.io/rolebindings': [NAME, col('Role', (o) => `${str(obj(o.roleRef).kind)}/${str(obj(o.roleRef).name)}`), AGE],
  'rbac.authorization.k8s.io/clusterrolebindings': [NAME, col('Role', (o) => `${str(obj(o.roleRef).kind)}/${str(obj(o.roleRef).name)}`), AGE],
  '/resourcequotas': [NAME, AGE, col('Request', (o) => Object.entries(obj(spec(o).hard)).map(([k, v]) => `${k}: ${String(obj(status(o).used)[k] ?? 0)}/${String(v)}`).join(', ')), col('Limit', () => '')],
  'apiextensions.k8s.io/customresourcedefinitions': [NAME, col('Created At', (o) => str(o.metadata.creationTimestamp), 0, 'date')],
};

const DEFAULT_COLUMNS: readonly Column[] = [NAME, col('Created At', (o) => str(o.metadata.creationTimestamp), 0, 'date')];

/** A JSONPath-lite reader for `additionalPrinterColumns` (`.spec.size`, `.status.conditions[0].type`). */
function readPath(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (part === '') continue;
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) return undefined;
    if (m[1] !== '' && m[1] !== undefined) cur = obj(cur)[m[1]];
    for (const idx of (m[2] ?? '').match(/\d+/g) ?? []) cur = Array.isArray(cur) ? (cur as unknown[])[Number(idx)] : undefined;
  }
  return cur;
}

/** Columns of a custom resource: its CRD version's additionalPrinterColumns, else Name and Age. */
export function customColumns(crd: KubeObj | undefined, version: string): readonly Column[] {
  const v = arr(spec(crd ?? { metadata: {} }).versions).find((x) => x.name === version);
  const extra = arr(v?.additionalPrinterColumns);
  if (extra.length === 0) return [NAME, AGE];
  return [
    NAME,
    ...extra.map((c): Column => {
      const type = str(c.type, 'string');
      const path = str(c.jsonPath);
      return {
        name: str(c.name),
        type: type === 'date' ? 'date' : type === 'integer' || type === 'number' || type === 'boolean' ? type : 'string',
        description: str(c.description, str(c.name)),
        ...(num(c.priority) > 0 ? { priority: num(c.priority) } : {}),
        cell: (o, now) => {
          const value = readPath(o, path);
          if (type === 'date') return since(value, now);
          if (value === undefined || value === null) return null;
          return typeof value === 'object' ? JSON.stringify(value) : (value as Cell);
        },
      };
    }),
  ];
}

export function columnsFor(type: ResourceType, crd?: KubeObj): readonly Column[] {
  const builtIn = COLUMNS[`${type.group}/${type.resource}`];
  if (builtIn !== undefined) return builtIn;
  if (crd !== undefined) return customColumns(crd, type.version);
  return DEFAULT_COLUMNS;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether the client asked for a Table (`as=Table;g=meta.k8s.io;v=v1`). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part) && /;\s*v=v1(;|$|\s)/.test(`${part};`));
}

export function toTable(columns: readonly Column[], objects: readonly KubeObj[], include: IncludeObject, listMeta: Obj = {}, withHeaders = true): Obj {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    ...(withHeaders ? { columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority ?? 0 })) } : { columnDefinitions: null }),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      ...(include === 'None'
        ? {}
        : { object: include === 'Object' ? o : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } }),
    })),
  };
}

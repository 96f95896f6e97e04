/**
 * One simulated cluster's API semantics, independent of HTTP: CRUD with resourceVersion
 * conflicts, generateName, generation bumps, status/scale subresources, the four patch types and
 * server-side apply, consistent paginated LIST (snapshots held for `continue`), LIST at an exact
 * older resourceVersion, WATCH from a version with selector transitions and 410 Gone, garbage
 * collection of dependents by ownerReferences (Background, Foreground, Orphan), namespace
 * deletion, CRDs that register new resource types, and Events.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Change, KubeObj } from './objectStore.js';
import { ObjectStore } from './objectStore.js';
import type { ResourceType } from './resources.js';
import { ResourceCatalog, apiVersionOf, groupResource } from './resources.js';
import type { Json } from './patch.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';
import { recordUpdate, serverSideApply } from './fieldManager.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { StatusError as Failure, alreadyExists, badRequest, conflict, gone, invalid, notFound } from './status.js';
import { parse as parseYaml } from 'yaml';
import { serviceSpecDefaults, workloadDefaults } from './defaults.js';

export interface SimClusterOptions {
  /** Watch history window in events (older resume points get 410 Gone). */
  readonly historyLimit?: number;
  /** How long a paginated LIST snapshot stays valid for `continue`. */
  readonly continueTtlMs?: number;
  /** Simulated worker nodes (DaemonSets run one pod per node). */
  readonly nodes?: number;
  /** Serve the resource metrics API (metrics.k8s.io, for `kubectl top`), as a cluster with metrics-server does. Default false. */
  readonly metricsServer?: boolean;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
}

export interface ListResult {
  readonly items: readonly KubeObj[];
  readonly resourceVersion: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export interface WriteOptions {
  readonly fieldManager?: string;
  readonly subresource?: string;
  readonly dryRun?: boolean;
}

export interface WatchEventOut {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** The kube-controller-manager controller that reports events about each kind. */
const CONTROLLER_OF: Readonly<Record<string, string>> = {
  Deployment: 'deployment-controller',
  ReplicaSet: 'replicaset-controller',
  StatefulSet: 'statefulset-controller',
  DaemonSet: 'daemonset-controller',
  Job: 'job-controller',
  CronJob: 'cronjob-controller',
};

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const MAX_EVENTS = 5000;
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += GENERATE_ALPHABET[b % GENERATE_ALPHABET.length];
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);
const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const withoutStatusAndMeta = (o: KubeObj): string => {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
};

interface Snapshot {
  readonly items: readonly KubeObj[];
  readonly rv: string;
  readonly expires: number;
}

export class SimCluster {
  readonly catalog: ResourceCatalog;
  readonly store: ObjectStore;
  /** Dependents by owner uid: `gr|namespace|name`. */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly liveUids = new Set<string>();
  private eventCount = 0;

  constructor(
    readonly name: string,
    private readonly options: SimClusterOptions = {},
  ) {
    this.catalog = new ResourceCatalog({ metricsServer: options.metricsServer === true });
    this.store = new ObjectStore(options.historyLimit ?? 10_000);
    this.store.subscribe((c) => this.index(c));
    for (const ns of DEFAULT_NAMESPACES) this.put(this.type('', 'v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    for (let i = 1; i <= (options.nodes ?? 3); i++) {
      this.put(this.type('', 'v1', 'nodes'), {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: `sim-node-${i}`, labels: { 'kubernetes.io/hostname': `sim-node-${i}`, 'kubernetes.io/os': 'linux' } },
        spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
          addresses: [
            { type: 'InternalIP', address: `10.0.0.${i}` },
            { type: 'Hostname', address: `sim-node-${i}` },
          ],
          capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
          allocatable: { cpu: '3900m', memory: '15Gi', pods: '110', 'ephemeral-storage': '95Gi' },
          nodeInfo: { kubeletVersion: 'v1.32.4', containerRuntimeVersion: 'containerd://1.7.24', osImage: 'Simulated Linux', kernelVersion: '6.1.0-sim', operatingSystem: 'linux', architecture: 'amd64' },
        },
      });
    }
  }

  type(group: string, version: string, resource: string): ResourceType {
    const t = this.catalog.find(group, version, resource);
    if (t === undefined) throw new Failure(404, 'NotFound', `the server could not find the requested resource`);
    return t;
  }

  typeOfKind(apiVersion: string, kind: string): ResourceType {
    const t = this.catalog.byKind(apiVersion, kind);
    if (t === undefined) throw new Failure(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return t;
  }

  // ---- reads ----

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObj {
    const found = this.store.get(groupResource(type), type.namespaced ? namespace : undefined, name);
    if (found === undefined) throw notFound(type.resource, type.group, name);
    return this.present(type, found);
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): KubeObj | undefined {
    return this.store.get(groupResource(type), type.namespaced ? namespace : undefined, name);
  }

  list(type: ResourceType, namespace: string | undefined, opts: ListOptions = {}): ListResult {
    if (opts.continue !== undefined && opts.continue !== '') return this.continueList(type, opts);
    const gr = groupResource(type);
    const labels = parseLabelSelector(opts.labelSelector ?? '');
    const fields = parseFieldSelector(opts.fieldSelector ?? '');
    let base: readonly KubeObj[];
    let rv = String(this.store.resourceVersion);
    const requested = opts.resourceVersion;
    if (requested !== undefined && requested !== '' && requested !== '0' && opts.resourceVersionMatch === 'Exact') {
      base = this.listAt(gr, Number(requested));
      rv = requested;
    } else {
      if (requested !== undefined && requested !== '' && Number(requested) > this.store.resourceVersion) {
        throw new Failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${this.store.resourceVersion}`);
      }
      base = this.store.list(gr);
    }
    const items = base.filter((o) => (namespace === undefined || o.metadata.namespace === namespace) && labels.matches(o.metadata.labels) && fields.matches(o));
    return this.page(type, items, rv, 0, opts.limit);
  }

  /** The objects of `gr` as they were at `rv`, rebuilt from the change history. */
  private listAt(gr: string, rv: number): readonly KubeObj[] {
    const changes = this.store.changesSince(rv);
    if (changes === 'gone') throw gone(`too old resource version: ${rv} (${this.store.oldestResumableRv})`);
    if (rv > this.store.resourceVersion) throw new Failure(504, 'Timeout', `Too large resource version: ${rv}, current: ${this.store.resourceVersion}`);
    const byKey = new Map(this.store.list(gr).map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`, o]));
    for (let i = changes.length - 1; i >= 0; i--) {
      const c = changes[i];
      if (c === undefined || c.gr !== gr) continue;
      const key = `${c.object.metadata.namespace ?? ''}/${c.object.metadata.name ?? ''}`;
      if (c.previous === undefined) byKey.delete(key);
      else byKey.set(key, c.previous);
    }
    return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  private page(type: ResourceType, items: readonly KubeObj[], rv: string, start: number, limit: number | undefined): ListResult {
    const end = limit === undefined || limit <= 0 ? items.length : Math.min(items.length, start + limit);
    const out = items.slice(start, end).map((o) => this.present(type, o));
    if (end >= items.length) return { items: out, resourceVersion: rv };
    const id = randomUUID();
    this.expireSnapshots();
    this.snapshots.set(id, { items, rv, expires: Date.now() + (this.options.continueTtlMs ?? 300_000) });
    const token = Buffer.from(JSON.stringify({ id, start: end, rv })).toString('base64url');
    return { items: out, resourceVersion: rv, continue: token, remainingItemCount: items.length - end };
  }

  private continueList(type: ResourceType, opts: ListOptions): ListResult {
    let parsed: { id?: string; start?: number };
    try {
      parsed = JSON.parse(Buffer.from(opts.continue ?? '', 'base64url').toString()) as { id?: string; start?: number };
    } catch {
      throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    }
    this.expireSnapshots();
    const snap = this.snapshots.get(parsed.id ?? '');
    if (snap === undefined || typeof parsed.start !== 'number') {
      throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    return this.page(type, snap.items, snap.rv, parsed.start, opts.limit);
  }

  private expireSnapshots(): void {
    const now = Date.now();
    for (const [id, s] of this.snapshots) if (s.expires < now || this.snapshots.size > 200) this.snapshots.delete(id);
  }

  /** Expire every held LIST snapshot, so pending `continue` tokens get 410. */
  expireContinueTokens(): void {
    this.snapshots.clear();
  }

  // ---- writes ----

  create(type: ResourceType, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): KubeObj {
    const obj = this.validBody(type, body);
    const meta = obj.metadata;
    if (type.namespaced) {
      const ns = namespace ?? meta.namespace ?? 'default';
      if (meta.namespace !== undefined && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = ns;
      const nsObj = this.store.get('/namespaces', undefined, ns);
      if (nsObj === undefined) throw notFound('namespaces', '', ns);
      if (nsObj.metadata.deletionTimestamp !== undefined) throw new Failure(403, 'Forbidden', `${type.resource} "${meta.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
    } else delete meta.namespace;
    if ((meta.name === undefined || meta.name === '') && meta.generateName !== undefined) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (meta.name === undefined || meta.name === '') throw invalid(type.kind, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    if (this.tryGet(type, meta.namespace, meta.name) !== undefined) throw alreadyExists(type.resource, type.group, meta.name);
    meta.uid = randomUUID();
    this.defaults(type, obj);
    meta.creationTimestamp = nowIso();
    if (obj.spec !== undefined) meta.generation = 1;
    else delete meta.generation;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (opts.fieldManager !== undefined && opts.fieldManager !== '') meta.managedFields = recordUpdate(undefined, obj, opts.fieldManager, nowIso());
    if (opts.dryRun === true) return this.present(type, obj);
    const stored = this.put(type, obj);
    if (type.resource === 'customresourcedefinitions') this.establishCrd(stored);
    return this.present(type, stored);
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): KubeObj {
    const obj = this.validBody(type, body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    const existing = this.tryGet(type, namespace, name);
    if (existing === undefined) {
      if (opts.subresource !== undefined) throw notFound(type.resource, type.group, name);
      return this.create(type, namespace, { ...obj, metadata: { ...obj.metadata, name } }, opts);
    }
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== existing.metadata.resourceVersion) {
      throw conflict(type.resource, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.replace(type, existing, obj, opts);
  }

  patch(type: ResourceType, namespace: string | undefined, name: string, contentType: string, body: string, opts: WriteOptions & { force?: boolean } = {}): KubeObj {
    const existing = this.tryGet(type, namespace, name);
    const media = contentType.split(';')[0]?.trim() ?? '';
    if (media === 'application/apply-patch+yaml' || media === 'application/apply-patch+cbor') {
      if (opts.fieldManager === undefined || opts.fieldManager === '') throw badRequest('PATCH, fieldManager is required for apply requests');
      const config = this.validBody(type, parseYaml(body));
      if (config.metadata.name !== undefined && config.metadata.name !== name) throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`);
      const applied = serverSideApply(existing, { ...config, metadata: { ...config.metadata, name } }, opts.fieldManager, opts.force === true, nowIso());
      if (existing === undefined) {
        const created = this.create(type, namespace, applied, { ...opts, fieldManager: undefined });
        return this.replaceRaw(type, created, { ...created, metadata: { ...created.metadata, managedFields: applied.metadata.managedFields } });
      }
      return this.replace(type, existing, applied, { ...opts, fieldManager: undefined }, applied.metadata.managedFields);
    }
    if (existing === undefined) throw notFound(type.resource, type.group, name);
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch {
      try {
        patch = parseYaml(body);
      } catch (e) {
        throw badRequest(`error decoding patch: ${(e as Error).message}`);
      }
    }
    const target = clone(existing) as unknown as Json;
    let result: Json;
    try {
      if (media === 'application/json-patch+json') result = applyJsonPatch(target, patch);
      else if (media === 'application/merge-patch+json') result = applyMergePatch(target, patch as Json);
      else if (media === 'application/strategic-merge-patch+json') {
        if (!this.isBuiltIn(type)) throw new Failure(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources');
        result = applyStrategicMergePatch(target, patch as Json);
      } else throw new Failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    } catch (e) {
      if (e instanceof PatchError) throw new Failure(e.status, e.status === 422 ? 'Invalid' : 'BadRequest', e.message);
      throw e;
    }
    const patched = result as unknown as KubeObj;
    const rv = patched.metadata.resourceVersion;
    if (rv !== undefined && rv !== existing.metadata.resourceVersion) throw conflict(type.resource, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    return this.replace(type, existing, this.validBody(type, patched), opts);
  }

  /** Common update path: subresource scoping, generation bump, managed fields, store. */
  private replace(type: ResourceType, existing: KubeObj, incoming: KubeObj, opts: WriteOptions, managedFields?: unknown[]): KubeObj {
    const next = clone(incoming);
    const keep = existing.metadata;
    next.metadata = { ...next.metadata, name: keep.name, uid: keep.uid, creationTimestamp: keep.creationTimestamp, generation: keep.generation };
    if (type.namespaced) next.metadata.namespace = keep.namespace;
    if (keep.deletionTimestamp !== undefined) next.metadata.deletionTimestamp = keep.deletionTimestamp;
    if (opts.subresource === 'status') {
      const { status } = next;
      Object.assign(next, clone(existing), { status });
      next.metadata = { ...clone(existing.metadata) };
    } else if (type.subresources.includes('status')) {
      if (existing.status === undefined) delete next.status;
      else next.status = existing.status;
    }
    if (opts.subresource === undefined && this.isBuiltIn(type)) this.updateDefaults(type, existing, next);
    if (keep.generation === undefined) delete next.metadata.generation;
    else if (withoutStatusAndMeta(next) !== withoutStatusAndMeta(existing)) next.metadata.generation = keep.generation + 1;
    if (managedFields !== undefined) next.metadata.managedFields = managedFields;
    else if (opts.fieldManager !== undefined && opts.fieldManager !== '') next.metadata.managedFields = recordUpdate(existing, next, opts.fieldManager, nowIso(), opts.subresource);
    else next.metadata.managedFields = keep.managedFields;
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    if (opts.dryRun === true) return this.present(type, next);
    const stored = this.replaceRaw(type, existing, next);
    if (type.resource === 'customresourcedefinitions') this.establishCrd(stored);
    if (stored.metadata.deletionTimestamp !== undefined && (stored.metadata.finalizers ?? []).length === 0) this.store.remove(groupResource(type), stored.metadata.namespace, stored.metadata.name ?? '');
    return stored;
  }

  private replaceRaw(type: ResourceType, _existing: KubeObj, next: KubeObj): KubeObj {
    return this.present(type, this.put(type, next));
  }

  delete(type: ResourceType, namespace: string | undefined, name: string, policy?: PropagationPolicy, preconditions?: { uid?: string; resourceVersion?: string }): { object: KubeObj; pending: boolean } {
    const existing = this.tryGet(type, namespace, name);
    if (existing === undefined) throw notFound(type.resource, type.group, name);
    if (preconditions?.uid !== undefined && preconditions.uid !== existing.metadata.uid) throw conflict(type.resource, type.group, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${existing.metadata.uid ?? ''}`);
    if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(type.resource, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const effective = policy ?? (type.resource === 'replicationcontrollers' ? 'Orphan' : 'Background');
    if (type.resource === 'namespaces') return { object: this.present(type, this.terminateNamespace(existing)), pending: true };
    if (effective === 'Orphan') this.orphanDependents(existing);
    if (effective === 'Foreground' && this.dependentsOf(existing).length > 0) {
      const marked = this.put(type, { ...existing, metadata: { ...existing.metadata, deletionTimestamp: existing.metadata.deletionTimestamp ?? nowIso(), finalizers: [...new Set([...(existing.metadata.finalizers ?? []), 'foregroundDeletion'])] } });
      setTimeout(() => this.finishForeground(type, marked), 50).unref();
      return { object: this.present(type, marked), pending: true };
    }
    if ((existing.metadata.finalizers ?? []).length > 0) {
      const marked = this.put(type, { ...existing, metadata: { ...existing.metadata, deletionTimestamp: existing.metadata.deletionTimestamp ?? nowIso() } });
      return { object: this.present(type, marked), pending: true };
    }
    const removed = this.remove(type, existing);
    if (effective === 'Background') setTimeout(() => this.collectOrphans(existing), 20).unref();
    return { object: this.present(type, removed), pending: false };
  }

  private finishForeground(type: ResourceType, owner: KubeObj): void {
    for (const [depType, dep] of this.dependentsOf(owner)) {
      if (this.tryGet(depType, dep.metadata.namespace, dep.metadata.name ?? '') === undefined) continue;
      this.delete(depType, dep.metadata.namespace, dep.metadata.name ?? '', 'Foreground');
    }
    const remaining = this.dependentsOf(owner).filter(([, d]) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true));
    if (remaining.length > 0) {
      setTimeout(() => this.finishForeground(type, owner), 50).unref();
      return;
    }
    const current = this.tryGet(type, owner.metadata.namespace, owner.metadata.name ?? '');
    if (current === undefined) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== 'foregroundDeletion');
    if (finalizers.length === 0) this.remove(type, current);
    else this.put(type, { ...current, metadata: { ...current.metadata, finalizers } });
  }

  /** Background GC: delete objects whose every owner is gone. */
  private collectOrphans(owner: KubeObj): void {
    for (const [depType, dep] of this.dependentsOf(owner)) {
      const refs = dep.metadata.ownerReferences ?? [];
      const live = refs.filter((r) => r.uid !== owner.metadata.uid && this.findByUid(r.uid));
      if (live.length > 0) continue;
      if (this.tryGet(depType, dep.metadata.namespace, dep.metadata.name ?? '') === undefined) continue;
      this.delete(depType, dep.metadata.namespace, dep.metadata.name ?? '', 'Background');
    }
  }

  private orphanDependents(owner: KubeObj): void {
    for (const [depType, dep] of this.dependentsOf(owner)) {
      const ownerReferences = (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
      const metadata: KubeObj['metadata'] = { ...dep.metadata, ownerReferences };
      if (ownerReferences.length === 0) delete metadata.ownerReferences;
      this.put(depType, { ...dep, metadata });
    }
  }

  private terminateNamespace(ns: KubeObj): KubeObj {
    const marked = this.put(this.type('', 'v1', 'namespaces'), { ...ns, metadata: { ...ns.metadata, deletionTimestamp: ns.metadata.deletionTimestamp ?? nowIso() }, status: { phase: 'Terminating' } });
    const name = ns.metadata.name ?? '';
    setTimeout(() => {
      for (const t of this.catalog.all()) {
        if (!t.namespaced) continue;
        for (const o of this.store.list(groupResource(t), name)) this.store.remove(groupResource(t), name, o.metadata.name ?? '');
      }
      this.store.remove('/namespaces', undefined, name);
    }, 50).unref();
    return marked;
  }

  dependentsOf(owner: KubeObj): [ResourceType, KubeObj][] {
    const out: [ResourceType, KubeObj][] = [];
    for (const ref of this.dependents.get(owner.metadata.uid ?? '') ?? []) {
      const [gr = '', ns = '', name = ''] = ref.split('|');
      const type = this.catalog.all().find((t) => groupResource(t) === gr);
      const obj = this.store.get(gr, ns === '' ? undefined : ns, name);
      if (type !== undefined && obj !== undefined) out.push([type, obj]);
    }
    return out;
  }

  private findByUid(uid: string): boolean {
    return this.liveUids.has(uid);
  }

  // ---- watch ----

  /**
   * Streams changes of `type` (optionally one namespace and selectors) to `send`, starting from
   * `resourceVersion` ('' or '0': synthetic ADDED events for the current state first). Returns
   * a function that stops the watch; a too-old version sends one ERROR event (410) and stops.
   */
  watch(type: ResourceType, namespace: string | undefined, opts: ListOptions, send: (e: WatchEventOut) => void): () => void {
    const gr = groupResource(type);
    const labels = parseLabelSelector(opts.labelSelector ?? '');
    const fields = parseFieldSelector(opts.fieldSelector ?? '');
    const selected = (o: KubeObj | undefined): boolean => o !== undefined && (namespace === undefined || o.metadata.namespace === namespace) && labels.matches(o.metadata.labels) && fields.matches(o);
    const emit = (c: Change): void => {
      if (c.gr !== gr) return;
      const now = c.type !== 'DELETED' && selected(c.object);
      const before = c.type !== 'ADDED' && selected(c.previous);
      if (c.type === 'DELETED') {
        if (before) send({ type: 'DELETED', object: this.present(type, c.object) });
      } else if (now && before) send({ type: 'MODIFIED', object: this.present(type, c.object) });
      else if (now) send({ type: 'ADDED', object: this.present(type, c.object) });
      else if (before) send({ type: 'DELETED', object: this.present(type, c.object) });
    };
    const from = opts.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      for (const o of this.store.list(gr)) if (selected(o)) send({ type: 'ADDED', object: this.present(type, o) });
    } else {
      const changes = this.store.changesSince(Number(from));
      if (changes === 'gone' || Number.isNaN(Number(from))) {
        send({ type: 'ERROR', object: gone(`too old resource version: ${from} (${this.store.oldestResumableRv})`).toJSON() });
        return () => undefined;
      }
      for (const c of changes) emit(c);
    }
    return this.store.subscribe(emit);
  }

  bookmark(type: ResourceType): WatchEventOut {
    return { type: 'BOOKMARK', object: { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: String(this.store.resourceVersion) } } };
  }

  // ---- helpers for controllers and the generator ----

  /** Stores an object as-is (controllers, seeding): stamps uid, timestamps and generation when new. */
  put(type: ResourceType, obj: KubeObj): KubeObj {
    const meta = obj.metadata;
    if (meta.uid === undefined) meta.uid = randomUUID();
    if (meta.creationTimestamp === undefined) meta.creationTimestamp = nowIso();
    if (meta.generation === undefined && obj.spec !== undefined) meta.generation = 1;
    if (obj.apiVersion === undefined) obj.apiVersion = apiVersionOf(type);
    if (obj.kind === undefined) obj.kind = type.kind;
    return this.store.put(groupResource(type), obj);
  }

  remove(type: ResourceType, obj: KubeObj): KubeObj {
    return this.store.remove(groupResource(type), type.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name ?? '') ?? obj;
  }

  /** Records a v1 Event about `involved` (bounded: the oldest go first past a cap). */
  /** Records an Event; the source defaults to the controller of the involved kind (`deployment-controller`, ...). */
  recordEvent(involved: KubeObj, reason: string, message: string, eventType: 'Normal' | 'Warning' = 'Normal', source?: string): void {
    const component = source ?? CONTROLLER_OF[involved.kind ?? ''] ?? 'kube-controller-manager';
    const namespace = involved.metadata.namespace ?? 'default';
    const now = nowIso();
    const eventsType = this.type('', 'v1', 'events');
    this.put(eventsType, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name ?? ''}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: { apiVersion: involved.apiVersion, kind: involved.kind, name: involved.metadata.name, namespace: involved.metadata.namespace, uid: involved.metadata.uid, resourceVersion: involved.metadata.resourceVersion },
      reason,
      message,
      type: eventType,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component },
      reportingComponent: component,
    });
    if (++this.eventCount > MAX_EVENTS) {
      const oldest = this.store.list('/events')[0];
      if (oldest !== undefined) this.remove(eventsType, oldest);
      this.eventCount--;
    }
  }

  isBuiltIn(type: ResourceType): boolean {
    return type.group === '' || !type.group.includes('.') || type.group.endsWith('.k8s.io');
  }

  private present(type: ResourceType, o: KubeObj): KubeObj {
    const apiVersion = apiVersionOf(type);
    return o.apiVersion === apiVersion && o.kind === type.kind ? o : { ...o, apiVersion, kind: type.kind };
  }

  private validBody(type: ResourceType, body: unknown): KubeObj {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body of the request must be a JSON or YAML object');
    const obj = clone(body) as KubeObj;
    if (type.resource === 'secrets' && typeof obj.stringData === 'object' && obj.stringData !== null) {
      // As the API server does: stringData is write-only, merged into data as base64.
      const encoded = Object.entries(obj.stringData as Record<string, string>).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]);
      obj.data = { ...((obj.data ?? {}) as Record<string, string>), ...Object.fromEntries(encoded) };
      delete obj.stringData;
    }
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    if (obj.kind !== undefined && obj.kind !== type.kind) throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(type)}) or kind ${String(obj.kind)} is not ${type.kind}`);
    obj.kind = type.kind;
    obj.apiVersion = apiVersionOf(type);
    return obj;
  }

  /** Server-populated defaults the clients rely on. */
  private defaults(type: ResourceType, obj: KubeObj): void {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    if (['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets'].includes(type.resource) && spec.replicas === undefined) spec.replicas = 1;
    if (type.resource === 'replicationcontrollers') {
      // SetDefaults_ReplicationController: selector and labels from the template's labels.
      const templateLabels = ((spec.template ?? {}) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels;
      if (templateLabels !== undefined) {
        spec.selector ??= { ...templateLabels };
        obj.metadata.labels ??= { ...templateLabels };
      }
    }
    if (type.resource === 'deployments') {
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    }
    if (type.resource === 'statefulsets') {
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
    }
    if (type.resource === 'daemonsets') {
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      spec.revisionHistoryLimit ??= 10;
    }
    if (type.resource === 'jobs') {
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      // The Job strategy selects the Job's pods by its uid and labels the template to match.
      if (spec.manualSelector !== true && spec.selector === undefined && obj.metadata.uid !== undefined) {
        const uid = obj.metadata.uid;
        spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        const template = (spec.template ?? {}) as { metadata?: { labels?: Record<string, string> } };
        template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': obj.metadata.name ?? '', 'controller-uid': uid, 'job-name': obj.metadata.name ?? '' } };
        spec.template = template;
      }
    }
    if (type.resource === 'services') {
      spec.type ??= 'ClusterIP';
      if (spec.clusterIP === undefined && spec.type !== 'ExternalName') spec.clusterIP = `10.96.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
      spec.sessionAffinity ??= 'None';
      serviceSpecDefaults(spec);
    }
    workloadDefaults(type.resource, { spec });
    if (type.resource === 'pods' && obj.status === undefined) obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
    if (type.resource === 'namespaces') obj.status = { phase: 'Active' };
    if (type.resource === 'secrets') obj.type ??= 'Opaque';
    if (obj.spec !== undefined || Object.keys(spec).length > 0) obj.spec = spec;
    if (type.resource === 'configmaps' || type.resource === 'secrets' || type.resource === 'serviceaccounts' || type.resource === 'events' || type.resource === 'endpoints' || type.resource === 'roles' || type.resource === 'rolebindings' || type.resource === 'clusterroles' || type.resource === 'clusterrolebindings') {
      if (Object.keys(spec).length === 0) delete obj.spec;
    }
  }

  /** Defaulting on update: pod specs as on create; a Service keeps its allocated cluster IP. */
  private updateDefaults(type: ResourceType, existing: KubeObj, next: KubeObj): void {
    if (typeof next.spec !== 'object' || next.spec === null) return;
    const spec = next.spec as Record<string, unknown>;
    if (type.resource === 'services') {
      const old = (existing.spec ?? {}) as Record<string, unknown>;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.clusterIP === undefined && old.clusterIP !== undefined) spec.clusterIP = old.clusterIP;
      serviceSpecDefaults(spec, old);
    }
    workloadDefaults(type.resource, next);
  }

  private establishCrd(crd: KubeObj): void {
    const added = this.catalog.defineCustom(crd);
    const conditions = [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: nowIso() },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: nowIso() },
    ];
    const spec = (crd.spec ?? {}) as { names?: unknown };
    const status = { conditions, acceptedNames: spec.names ?? {}, storedVersions: added.map((t) => t.version).slice(0, 1) };
    if (JSON.stringify(crd.status) !== JSON.stringify(status)) this.store.put('apiextensions.k8s.io/customresourcedefinitions', { ...crd, status });
  }

  /** Keeps the owner-uid index current. */
  private index(c: Change): void {
    const key = `${c.gr}|${c.object.metadata.namespace ?? ''}|${c.object.metadata.name ?? ''}`;
    for (const r of c.previous?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    if (c.type !== 'DELETED') for (const r of c.object.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(r.uid) ?? new Set<string>();
      set.add(key);
      this.dependents.set(r.uid, set);
    }
    const uid = c.object.metadata.uid ?? '';
    if (c.type === 'DELETED') {
      this.liveUids.delete(uid);
      if (c.gr === 'apiextensions.k8s.io/customresourcedefinitions') {
        const spec = (c.object.spec ?? {}) as { group?: string; names?: { plural?: string } };
        this.catalog.removeCustom(spec.group ?? '', spec.names?.plural ?? '');
      }
    } else this.liveUids.add(uid);
  }
}


/**
 * Simulated kube-controller-manager and kubelet for one cluster: Deployment -> ReplicaSet (pod
 * template hash, revision annotations, rollback by re-activating a matching ReplicaSet, pause,
 * history limit) -> Pods; StatefulSet and DaemonSet pods; Jobs to completion or failure; CronJobs
 * on their schedule; Service Endpoints; and pod start-up with a delay. Reconciles are debounced
 * per object and write status only when it changes, so the system converges and goes quiet.
 *
 * Pod behaviour is steered by the pod template annotation `sim.spinnaker.io/behavior`:
 * `ready` (default; Jobs' pods `succeed`), `never-ready`, `crash` (CrashLoopBackOff),
 * `fail` (exit 1), `succeed` (exit 0 after `sim.spinnaker.io/run-ms`, default 300).
 */
import { createHash } from 'node:crypto';
import type { Change, KubeObj } from './objectStore.js';
import type { SimCluster } from './SimCluster.js';
import { randomSuffix } from './SimCluster.js';
import type { ResourceType } from './resources.js';
import { labelSelectorFromObject } from './selectors.js';

export interface ControllerTiming {
  /** Delay before a reconcile runs after a change (debounce). */
  readonly reconcileDelayMs: number;
  /** Delay from pod creation to running (and ready). */
  readonly podStartMs: number;
}

export const DEFAULT_TIMING: ControllerTiming = { reconcileDelayMs: 20, podStartMs: 150 };

export const BEHAVIOR_ANNOTATION = 'sim.spinnaker.io/behavior';
export const RUN_MS_ANNOTATION = 'sim.spinnaker.io/run-ms';
const REVISION = 'deployment.kubernetes.io/revision';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Sorted keys, with nulls and empty maps/lists dropped (clients serialize those differently). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) {
    const entries = Object.keys(v)
      .sort()
      .map((k) => [k, canonical((v as Obj)[k])] as const)
      .filter(([, x]) => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0) && !(typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0));
    return Object.fromEntries(entries);
  }
  return v;
}

/** A pod-template hash in the API server's safe alphabet (stable for equal templates). */
export function templateHash(template: unknown): string {
  const t = structuredClone(obj(template));
  const labels = obj(obj(t.metadata).labels);
  delete labels['pod-template-hash'];
  delete labels['controller-revision-hash'];
  const digest = createHash('sha1').update(JSON.stringify(canonical(t))).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length];
  return out;
}

/** Deployment annotations the controller copies to its ReplicaSets (all but kubectl's and the revision ones). */
function copiedAnnotations(d: KubeObj): Record<string, string> {
  const skip = (k: string): boolean => k === 'kubectl.kubernetes.io/last-applied-configuration' || k.startsWith('deployment.kubernetes.io/');
  return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !skip(k)));
}

const ownerRef = (owner: KubeObj): NonNullable<KubeObj['metadata']['ownerReferences']>[number] => ({
  apiVersion: owner.apiVersion ?? '',
  kind: owner.kind ?? '',
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

const isControlledBy = (o: KubeObj, owner: KubeObj): boolean => (o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);
const podReady = (p: KubeObj): boolean => (obj(p.status).conditions as Obj[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const podPhase = (p: KubeObj): string => String(obj(p.status).phase ?? 'Pending');
const terminating = (o: KubeObj): boolean => o.metadata.deletionTimestamp !== undefined;

export class Controllers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private suspended = 0;
  private stopped = false;
  private nodeCursor = 0;
  private readonly types: Record<string, ResourceType>;
  private readonly cronTimer: NodeJS.Timeout;

  constructor(
    private readonly cluster: SimCluster,
    private readonly timing: ControllerTiming = DEFAULT_TIMING,
  ) {
    const t = (g: string, v: string, r: string): ResourceType => cluster.type(g, v, r);
    this.types = {
      pods: t('', 'v1', 'pods'),
      services: t('', 'v1', 'services'),
      endpoints: t('', 'v1', 'endpoints'),
      endpointslices: t('discovery.k8s.io', 'v1', 'endpointslices'),
      controllerrevisions: t('apps', 'v1', 'controllerrevisions'),
      nodes: t('', 'v1', 'nodes'),
      deployments: t('apps', 'v1', 'deployments'),
      replicasets: t('apps', 'v1', 'replicasets'),
      replicationcontrollers: t('', 'v1', 'replicationcontrollers'),
      statefulsets: t('apps', 'v1', 'statefulsets'),
      daemonsets: t('apps', 'v1', 'daemonsets'),
      jobs: t('batch', 'v1', 'jobs'),
      cronjobs: t('batch', 'v1', 'cronjobs'),
    };
    this.unsubscribe = cluster.store.subscribe((c) => this.onChange(c));
    this.cronTimer = setInterval(() => this.runCronJobs(new Date()), 60_000 - (Date.now() % 60_000));
    this.cronTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.cronTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Runs `fn` (bulk seeding of already-converged objects) without reacting to its writes. */
  suspend<T>(fn: () => T): T {
    this.suspended++;
    try {
      return fn();
    } finally {
      this.suspended--;
    }
  }

  private onChange(c: Change): void {
    if (this.suspended > 0 || this.stopped) return;
    const o = c.object;
    const ns = o.metadata.namespace;
    const resource = c.gr.split('/')[1] ?? '';
    if (['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets', 'daemonsets', 'jobs'].includes(resource) && c.type !== 'DELETED') this.enqueue(resource, ns, o.metadata.name ?? '');
    for (const r of o.metadata.ownerReferences ?? []) {
      if (r.controller !== true) continue;
      const ownerResource = { ReplicaSet: 'replicasets', ReplicationController: 'replicationcontrollers', Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs' }[r.kind];
      if (ownerResource !== undefined) this.enqueue(ownerResource, ns, r.name);
    }
    if (resource === 'services') this.enqueue('endpoints', ns, o.metadata.name ?? '');
    if (resource === 'pods') {
      for (const svc of this.cluster.store.list('/services', ns)) {
        const selector = obj(obj(svc.spec).selector);
        const sel = labelSelectorFromObject({ matchLabels: selector });
        if (Object.keys(selector).length > 0 && (sel.matches(o.metadata.labels) || sel.matches(c.previous?.metadata.labels))) this.enqueue('endpoints', ns, svc.metadata.name ?? '');
      }
      if (c.type === 'ADDED' && podPhase(o) === 'Pending') this.later(`kubelet|${ns ?? ''}|${o.metadata.name ?? ''}`, this.timing.podStartMs, () => this.startPod(ns, o.metadata.name ?? ''));
    }
  }

  private enqueue(resource: string, ns: string | undefined, name: string): void {
    this.later(`${resource}|${ns ?? ''}|${name}`, this.timing.reconcileDelayMs, () => this.reconcile(resource, ns, name));
  }

  private later(key: string, ms: number, fn: () => void): void {
    if (this.timers.has(key) || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      if (this.stopped) return;
      try {
        fn();
      } catch {
        // A reconcile that loses a race (object changed or deleted meanwhile) is simply retried later.
        this.later(key, 100, fn);
      }
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  private reconcile(resource: string, ns: string | undefined, name: string): void {
    const type = this.types[resource];
    if (type === undefined) return;
    if (resource === 'endpoints') return this.syncEndpoints(ns, name);
    const o = this.cluster.tryGet(type, ns, name);
    if (o === undefined || terminating(o)) return;
    if (resource === 'deployments') this.syncDeployment(o);
    else if (resource === 'replicasets' || resource === 'replicationcontrollers') this.syncPodsFor(o, num(obj(o.spec).replicas, 1), type);
    else if (resource === 'statefulsets') this.syncStatefulSet(o);
    else if (resource === 'daemonsets') this.syncDaemonSet(o);
    else if (resource === 'jobs') this.syncJob(o);
  }

  private owned(owner: KubeObj, type: ResourceType): KubeObj[] {
    return this.cluster
      .dependentsOf(owner)
      .filter(([t, d]) => t.resource === type.resource && isControlledBy(d, owner))
      .map(([, d]) => d);
  }

  private writeStatus(type: ResourceType, o: KubeObj, status: Obj): void {
    if (same(o.status, status)) return;
    this.cluster.put(type, { ...o, status });
  }

  // ---- Deployment ----

  private syncDeployment(d: KubeObj): void {
    const spec = obj(d.spec);
    const desired = num(spec.replicas, 1);
    const paused = spec.paused === true;
    const template = obj(spec.template);
    const hash = templateHash(template);
    const rsType = this.types.replicasets as ResourceType;
    let sets = this.owned(d, rsType);
    const revisionOf = (rs: KubeObj): number => Number(rs.metadata.annotations?.[REVISION] ?? '0');
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    let current = sets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    if (!paused) {
      if (current === undefined) {
        const name = `${d.metadata.name ?? ''}-${hash}`;
        const labels = { ...(obj(obj(template.metadata).labels) as Record<string, string>), 'pod-template-hash': hash };
        current = this.cluster.put(rsType, {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name,
            namespace: d.metadata.namespace,
            labels,
            annotations: {
              ...copiedAnnotations(d),
              [REVISION]: String(maxRevision + 1),
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(desired + 1),
            },
            ownerReferences: [ownerRef(d)],
          },
          spec: {
            replicas: desired,
            selector: { matchLabels: { ...(obj(obj(spec.selector).matchLabels) as Record<string, string>), 'pod-template-hash': hash } },
            template: { ...template, metadata: { ...obj(template.metadata), labels } },
          },
          status: { replicas: 0, observedGeneration: 1 },
        });
        this.cluster.recordEvent(d, 'ScalingReplicaSet', `Scaled up replica set ${name} to ${desired}`);
        sets = [...sets, current];
      } else if (revisionOf(current) < maxRevision || num(obj(current.spec).replicas, 0) !== desired) {
        const annotations = { ...current.metadata.annotations, [REVISION]: String(revisionOf(current) < maxRevision ? maxRevision + 1 : revisionOf(current)), 'deployment.kubernetes.io/desired-replicas': String(desired) };
        const scaledUp = num(obj(current.spec).replicas, 0) < desired;
        const updated = this.cluster.put(rsType, { ...current, metadata: { ...current.metadata, annotations }, spec: { ...obj(current.spec), replicas: desired } });
        if (scaledUp) this.cluster.recordEvent(d, 'ScalingReplicaSet', `Scaled up replica set ${updated.metadata.name ?? ''} to ${desired}`);
        sets = sets.map((rs) => (rs.metadata.uid === updated.metadata.uid ? updated : rs));
        current = updated;
      }
      const currentAvailable = num(obj(current.status).availableReplicas, 0);
      if (currentAvailable >= desired) {
        for (const old of sets) {
          if (old === current || num(obj(old.spec).replicas, 0) === 0) continue;
          this.cluster.put(rsType, { ...old, spec: { ...obj(old.spec), replicas: 0 } });
          this.cluster.recordEvent(d, 'ScalingReplicaSet', `Scaled down replica set ${old.metadata.name ?? ''} to 0`);
        }
      }
      const history = num(spec.revisionHistoryLimit, 10);
      const idle = sets.filter((rs) => rs !== current && num(obj(rs.spec).replicas, 0) === 0 && num(obj(rs.status).replicas, 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - history))) this.cluster.remove(rsType, rs);
    }
    const fresh = this.owned(d, rsType);
    const sum = (f: string): number => fresh.reduce((n, rs) => n + num(obj(rs.status)[f], 0), 0);
    const currentNow = fresh.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const updated = currentNow === undefined ? 0 : num(obj(currentNow.status).replicas, 0);
    const replicas = sum('replicas');
    const available = sum('availableReplicas');
    const complete = updated === desired && replicas === desired && available === desired;
    const previous = obj(d.status);
    const prevConditions = (previous.conditions as Obj[] | undefined) ?? [];
    const condition = (type: string, status: string, reason: string, message: string): Obj => {
      const old = prevConditions.find((c) => c.type === type);
      const changed = old?.status !== status || old.reason !== reason;
      const now = nowIso();
      return { type, status, lastUpdateTime: changed ? now : old.lastUpdateTime, lastTransitionTime: old?.status === status ? old.lastTransitionTime : now, reason, message };
    };
    const rsName = currentNow?.metadata.name ?? '';
    const status: Obj = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
      conditions: [
        available >= desired
          ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        paused
          ? condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused')
          : complete
            ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
            : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    // The deployment controller stamps the Deployment itself with its current revision (SetDeploymentRevision);
    // `kubectl rollout undo` replaces /metadata/annotations and relies on the map existing.
    const revision = currentNow === undefined ? undefined : currentNow.metadata.annotations?.[REVISION];
    const annotations = revision === undefined || d.metadata.annotations?.[REVISION] === revision ? d.metadata.annotations : { ...d.metadata.annotations, [REVISION]: revision };
    const statusChanged = !same({ ...previous, conditions: undefined }, { ...status, conditions: undefined }) || !same(prevConditions.map((c) => [c.type, c.status, c.reason]), (status.conditions as Obj[]).map((c) => [c.type, c.status, c.reason]));
    if (statusChanged || annotations !== d.metadata.annotations) {
      this.cluster.put(this.types.deployments as ResourceType, { ...d, metadata: { ...d.metadata, ...(annotations === undefined ? {} : { annotations }) }, status });
    }
  }

  // ---- ReplicaSet / StatefulSet / DaemonSet / Job pods ----

  private newPod(owner: KubeObj, name: string, extraLabels: Record<string, string> = {}, nodeName?: string): KubeObj {
    const template = obj(obj(owner.spec).template);
    const tmeta = obj(template.metadata);
    return this.cluster.put(this.types.pods as ResourceType, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...(obj(tmeta.labels) as Record<string, string>), ...extraLabels },
        ...(tmeta.annotations === undefined ? {} : { annotations: { ...(tmeta.annotations as Record<string, string>) } }),
        ownerReferences: [ownerRef(owner)],
      },
      spec: { ...structuredClone(obj(template.spec)), ...(nodeName === undefined ? {} : { nodeName }) },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
  }

  /** The ReplicaSet (and ReplicationController) controller: keeps `desired` pods from the template. */
  private syncPodsFor(rs: KubeObj, desired: number, type: ResourceType): void {
    const podType = this.types.pods as ResourceType;
    let pods = this.owned(rs, podType).filter((p) => !terminating(p));
    for (let i = pods.length; i < desired; i++) {
      const pod = this.newPod(rs, `${rs.metadata.name ?? ''}-${randomSuffix()}`);
      this.cluster.recordEvent(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
      pods.push(pod);
    }
    if (pods.length > desired) {
      const doomed = [...pods].sort((a, b) => Number(podReady(a)) - Number(podReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))).slice(0, pods.length - desired);
      for (const p of doomed) {
        this.cluster.remove(podType, p);
        this.cluster.recordEvent(rs, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
      }
      pods = pods.filter((p) => !doomed.includes(p));
    }
    const ready = pods.filter(podReady).length;
    const status: Obj = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    this.writeStatus(type, rs, status);
  }

  /**
   * The controller history (ControllerRevisions) of a StatefulSet or DaemonSet, as
   * k8s.io/kubernetes pkg/controller/history keeps it: one revision per distinct pod template,
   * named `{owner}-{hash}`, holding `{"spec":{"template":{..., "$patch":"replace"}}}` (what
   * `kubectl rollout undo` patches back), numbered upwards; returning to an earlier template
   * renumbers its revision instead of adding one; the oldest beyond revisionHistoryLimit go.
   */
  private syncHistory(owner: KubeObj, hash: string): void {
    const crType = this.types.controllerrevisions as ResourceType;
    const spec = obj(owner.spec);
    const revisions = this.owned(owner, crType);
    const revisionOf = (cr: KubeObj): number => num(cr.revision, 0);
    const latest = Math.max(0, ...revisions.map(revisionOf));
    const name = `${owner.metadata.name ?? ''}-${hash}`;
    const current = revisions.find((cr) => cr.metadata.name === name);
    const changeCause = owner.metadata.annotations?.['kubernetes.io/change-cause'];
    if (current === undefined) {
      this.cluster.put(crType, {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name,
          namespace: owner.metadata.namespace,
          labels: { ...(obj(obj(spec.selector).matchLabels) as Record<string, string>), 'controller-revision-hash': hash },
          ...(changeCause === undefined ? {} : { annotations: { 'kubernetes.io/change-cause': changeCause } }),
          ownerReferences: [ownerRef(owner)],
        },
        data: { spec: { template: { ...obj(spec.template), $patch: 'replace' } } },
        revision: latest + 1,
      });
    } else if (revisionOf(current) < latest) {
      this.cluster.put(crType, { ...current, revision: latest + 1 });
    }
    const old = this.owned(owner, crType)
      .filter((cr) => cr.metadata.name !== name)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const cr of old.slice(0, Math.max(0, old.length - num(spec.revisionHistoryLimit, 10)))) this.cluster.remove(crType, cr);
  }

  private syncStatefulSet(sts: KubeObj): void {
    const podType = this.types.pods as ResourceType;
    const desired = num(obj(sts.spec).replicas, 1);
    const hash = templateHash(obj(sts.spec).template);
    this.syncHistory(sts, hash);
    const revision = `${sts.metadata.name ?? ''}-${hash}`;
    const pods = this.owned(sts, podType).filter((p) => !terminating(p));
    const byOrdinal = new Map(pods.map((p) => [Number((p.metadata.name ?? '').slice((sts.metadata.name ?? '').length + 1)), p]));
    for (const [ordinal, p] of byOrdinal) {
      if (ordinal >= desired || p.metadata.labels?.['controller-revision-hash'] !== revision) {
        this.cluster.remove(podType, p);
        this.cluster.recordEvent(sts, 'SuccessfulDelete', `delete Pod ${p.metadata.name ?? ''} in StatefulSet ${sts.metadata.name ?? ''} successful`);
        byOrdinal.delete(ordinal);
      }
    }
    for (let i = 0; i < desired; i++) {
      if (byOrdinal.has(i)) continue;
      const name = `${sts.metadata.name ?? ''}-${i}`;
      byOrdinal.set(i, this.newPod(sts, name, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) }));
      this.cluster.recordEvent(sts, 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name ?? ''} successful`);
    }
    const live = [...byOrdinal.values()];
    const ready = live.filter(podReady).length;
    this.writeStatus(this.types.statefulsets as ResourceType, sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: ready,
      currentReplicas: live.length,
      updatedReplicas: live.length,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  private syncDaemonSet(ds: KubeObj): void {
    const podType = this.types.pods as ResourceType;
    const nodes = this.cluster.store.list('/nodes').map((n) => n.metadata.name ?? '');
    const revision = templateHash(obj(ds.spec).template);
    this.syncHistory(ds, revision);
    const pods = this.owned(ds, podType).filter((p) => !terminating(p));
    const kept: KubeObj[] = [];
    for (const p of pods) {
      const node = String(obj(p.spec).nodeName ?? '');
      if (!nodes.includes(node) || p.metadata.labels?.['controller-revision-hash'] !== revision || kept.some((k) => obj(k.spec).nodeName === node)) this.cluster.remove(podType, p);
      else kept.push(p);
    }
    for (const node of nodes) {
      if (kept.some((k) => obj(k.spec).nodeName === node)) continue;
      const pod = this.newPod(ds, `${ds.metadata.name ?? ''}-${randomSuffix()}`, { 'controller-revision-hash': revision }, node);
      this.cluster.recordEvent(ds, 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
      kept.push(pod);
    }
    const ready = kept.filter(podReady).length;
    this.writeStatus(this.types.daemonsets as ResourceType, ds, {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: nodes.length,
      currentNumberScheduled: kept.length,
      updatedNumberScheduled: kept.length,
      numberReady: ready,
      numberAvailable: ready,
      numberMisscheduled: 0,
    });
  }

  private syncJob(job: KubeObj): void {
    const spec = obj(job.spec);
    const completions = num(spec.completions, 1);
    const parallelism = num(spec.parallelism, 1);
    const backoffLimit = num(spec.backoffLimit, 6);
    const pods = this.owned(job, this.types.pods as ResourceType);
    const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => podPhase(p) === 'Failed').length;
    const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)) && !terminating(p)).length;
    const previous = obj(job.status);
    const conditions = [...((previous.conditions as Obj[] | undefined) ?? [])];
    const finished = conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    let newActive = active;
    const now = nowIso();
    if (!finished) {
      if (succeeded >= completions) conditions.push({ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now });
      else if (failed > backoffLimit) {
        conditions.push({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now });
        this.cluster.recordEvent(job, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'Warning');
      } else {
        const uid = job.metadata.uid ?? '';
        for (let i = active; i < Math.min(parallelism, completions - succeeded); i++) {
          const pod = this.newPod(job, `${job.metadata.name ?? ''}-${randomSuffix()}`, { 'job-name': job.metadata.name ?? '', 'batch.kubernetes.io/job-name': job.metadata.name ?? '', 'controller-uid': uid, 'batch.kubernetes.io/controller-uid': uid });
          this.cluster.recordEvent(job, 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
          newActive++;
        }
      }
    }
    const done = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
    const status: Obj = {
      ...(previous.startTime === undefined ? { startTime: now } : { startTime: previous.startTime }),
      ...(done ? { completionTime: previous.completionTime ?? now } : {}),
      ...(newActive > 0 ? { active: newActive } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready: pods.filter(podReady).length,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
    this.writeStatus(this.types.jobs as ResourceType, job, status);
  }

  // ---- kubelet ----

  private startPod(ns: string | undefined, name: string): void {
    const podType = this.types.pods as ResourceType;
    const pod = this.cluster.tryGet(podType, ns, name);
    if (pod === undefined || terminating(pod)) return;
    const spec = obj(pod.spec);
    const nodes = this.cluster.store.list('/nodes');
    // Round-robin over schedulable nodes: cordoned ones (spec.unschedulable) are skipped unless all are.
    const schedulable = nodes.filter((n) => obj(n.spec).unschedulable !== true);
    const candidates = schedulable.length > 0 ? schedulable : nodes;
    const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : (candidates[this.nodeCursor++ % Math.max(1, candidates.length)]?.metadata.name ?? 'sim-node-1');
    const ownedByJob = (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'Job');
    const behavior = pod.metadata.annotations?.[BEHAVIOR_ANNOTATION] ?? (ownedByJob ? 'succeed' : 'ready');
    const now = nowIso();
    const containers = ((spec.containers as Obj[] | undefined) ?? []).map((c) => ({ name: String(c.name ?? ''), image: String(c.image ?? '') }));
    const ready = behavior === 'ready' || behavior === 'succeed';
    const containerStatuses = containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `docker-pullable://${c.image}@sha256:${createHash('sha256').update(c.image).digest('hex')}`,
      containerID: `containerd://${createHash('sha256').update(`${name}/${c.name}`).digest('hex')}`,
      ready: behavior !== 'never-ready' && behavior !== 'crash',
      started: behavior !== 'crash',
      restartCount: behavior === 'crash' ? 3 : 0,
      state:
        behavior === 'crash'
          ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${c.name} pod=${name}` } }
          : { running: { startedAt: now } },
      ...(behavior === 'crash' ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } } } : {}),
    }));
    const cond = (type: string, status: boolean): Obj => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
    const running: KubeObj = {
      ...pod,
      spec: { ...spec, nodeName },
      status: {
        phase: 'Running',
        conditions: [cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
        hostIP: `10.0.0.${1 + (nodes.findIndex((n) => n.metadata.name === nodeName) + nodes.length) % Math.max(1, nodes.length)}`,
        podIP: `10.244.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`,
        startTime: now,
        containerStatuses,
        qosClass: 'BestEffort',
      },
    };
    this.cluster.put(podType, running);
    this.cluster.recordEvent(running, 'Scheduled', `Successfully assigned ${ns ?? ''}/${name} to ${nodeName}`, 'Normal', 'default-scheduler');
    if (behavior === 'crash') this.cluster.recordEvent(running, 'BackOff', 'Back-off restarting failed container', 'Warning', 'kubelet');
    else this.cluster.recordEvent(running, 'Started', 'Started container', 'Normal', 'kubelet');
    if (behavior === 'succeed' || behavior === 'fail') {
      const runMs = Number(pod.metadata.annotations?.[RUN_MS_ANNOTATION] ?? '300');
      this.later(`finish|${ns ?? ''}|${name}`, runMs, () => this.finishPod(ns, name, behavior === 'succeed' ? 0 : 1));
    }
  }

  private finishPod(ns: string | undefined, name: string, exitCode: number): void {
    const podType = this.types.pods as ResourceType;
    const pod = this.cluster.tryGet(podType, ns, name);
    if (pod === undefined) return;
    const status = obj(pod.status);
    const now = nowIso();
    const containerStatuses = ((status.containerStatuses as Obj[] | undefined) ?? []).map((c) => ({
      ...c,
      ready: false,
      started: false,
      state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: status.startTime, finishedAt: now } },
    }));
    const conditions = ((status.conditions as Obj[] | undefined) ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'PodCompleted' } : c));
    this.cluster.put(podType, { ...pod, status: { ...status, phase: exitCode === 0 ? 'Succeeded' : 'Failed', conditions, containerStatuses } });
  }

  // ---- Endpoints ----

  private syncEndpoints(ns: string | undefined, name: string): void {
    const epType = this.types.endpoints as ResourceType;
    const svc = this.cluster.tryGet(this.types.services as ResourceType, ns, name);
    const existing = this.cluster.tryGet(epType, ns, name);
    const selector = obj(obj(svc?.spec).selector);
    if (svc === undefined || Object.keys(selector).length === 0) {
      if (existing !== undefined && svc === undefined) this.cluster.remove(epType, existing);
      return;
    }
    const sel = labelSelectorFromObject({ matchLabels: selector });
    const pods = this.cluster.store.list('/pods', ns).filter((p) => sel.matches(p.metadata.labels) && typeof obj(p.status).podIP === 'string');
    const address = (p: KubeObj): Obj => ({ ip: obj(p.status).podIP, nodeName: obj(p.spec).nodeName, targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid } });
    const ports = ((obj(svc.spec).ports as Obj[] | undefined) ?? []).map((p) => ({ ...(p.name === undefined ? {} : { name: p.name }), port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' }));
    const ready = pods.filter(podReady).map(address);
    const notReady = pods.filter((p) => !podReady(p)).map(address);
    const subsets = pods.length === 0 ? [] : [{ ...(ready.length > 0 ? { addresses: ready } : {}), ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}), ports }];
    this.syncEndpointSlice(svc, pods, ports);
    if (existing !== undefined && same(existing.subsets, subsets)) return;
    this.cluster.put(epType, { apiVersion: 'v1', kind: 'Endpoints', metadata: existing?.metadata ?? { name, namespace: ns, labels: svc.metadata.labels }, subsets });
  }

  /** The EndpointSlice controller's view of the same pods: one IPv4 slice per Service, owned by it. */
  private syncEndpointSlice(svc: KubeObj, pods: readonly KubeObj[], ports: readonly Obj[]): void {
    const sliceType = this.types.endpointslices as ResourceType;
    const ns = svc.metadata.namespace;
    const name = `${svc.metadata.name ?? ''}-${createHash('sha1').update(svc.metadata.uid ?? '').digest('hex').slice(0, 5)}`;
    const existing = this.cluster.tryGet(sliceType, ns, name);
    const endpoints = pods.map((p) => ({
      addresses: [obj(p.status).podIP],
      conditions: { ready: podReady(p), serving: podReady(p), terminating: terminating(p) },
      ...(typeof obj(p.spec).nodeName === 'string' ? { nodeName: obj(p.spec).nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid },
    }));
    const slicePorts = ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }));
    if (existing !== undefined && same(existing.endpoints ?? [], endpoints) && same(existing.ports, slicePorts)) return;
    this.cluster.put(sliceType, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: existing?.metadata ?? {
        name,
        namespace: ns,
        labels: { ...svc.metadata.labels, 'kubernetes.io/service-name': svc.metadata.name ?? '', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ ...ownerRef(svc), blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints,
      ports: slicePorts,
    });
  }

  // ---- CronJob ----

  /** Creates the Jobs of every CronJob whose schedule matches `at` (called each minute). */
  runCronJobs(at: Date): void {
    const cronType = this.types.cronjobs as ResourceType;
    for (const cj of this.cluster.store.list('batch/cronjobs')) {
      const spec = obj(cj.spec);
      if (spec.suspend === true || !cronMatches(String(spec.schedule ?? ''), at)) continue;
      const minute = Math.floor(at.getTime() / 60_000);
      const jobName = `${cj.metadata.name ?? ''}-${minute}`;
      if (this.cluster.tryGet(this.types.jobs as ResourceType, cj.metadata.namespace, jobName) !== undefined) continue;
      const template = obj(spec.jobTemplate);
      const job = this.cluster.put(this.types.jobs as ResourceType, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: jobName, namespace: cj.metadata.namespace, labels: obj(obj(template.metadata).labels) as Record<string, string>, ownerReferences: [ownerRef(cj)] },
        spec: structuredClone(obj(template.spec)),
      });
      this.cluster.recordEvent(cj, 'SuccessfulCreate', `Created job ${jobName}`);
      this.cluster.put(cronType, { ...cj, status: { ...obj(cj.status), lastScheduleTime: at.toISOString().replace(/\.\d+Z$/, 'Z'), active: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, namespace: cj.metadata.namespace, uid: job.metadata.uid }] } });
    }
  }
}

const MACROS: Record<string, string> = { '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *' };

/** Whether a five-field cron schedule (`*`, lists, ranges, steps, macros) fires at minute `at` (UTC). */
export function cronMatches(schedule: string, at: Date): boolean {
  const fields = (MACROS[schedule.trim()] ?? schedule).trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  const ranges: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
  return fields.every((field, i) => {
    const value = values[i] ?? 0;
    const [lo, hi] = ranges[i] ?? [0, 0];
    return field.split(',').some((part) => {
      const [range = '*', stepText] = part.split('/');
      const step = stepText === undefined ? 1 : Number(stepText);
      const [from, to] = range === '*' ? [lo, hi] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText === undefined ? Number(range) : hi];
      return from !== undefined && to !== undefined && value >= from && value <= to && (value - from) % step === 0;
    });
  });
}

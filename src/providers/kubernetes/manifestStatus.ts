import { kindOfManifest } from './KubernetesKind.js';
import { arrayAt, isObject, numberAt, pathOf, stringAt, type KubernetesManifest } from './model/KubernetesManifest.js';

/**
 * Manifest status (Clouddriver's `model/Manifest.java` and the kind handlers' `status`), and pod health
 * (`KubernetesHealth`, `KubernetesModelUtil.getHealthState`).
 *
 * A condition serialises as `{state}` or `{state, message}` (Clouddriver omits null messages).
 * `manifestStatus` throws `UnsupportedApiVersionError` for Deployments, ReplicaSets, StatefulSets
 * and DaemonSets outside `apps/v1`, as Clouddriver does.
 */
export interface StatusCondition {
  readonly state: boolean;
  readonly message?: string;
}

export interface ManifestStatus {
  readonly stable: StatusCondition;
  readonly paused: StatusCondition;
  readonly available: StatusCondition;
  readonly failed: StatusCondition;
}

export class UnsupportedApiVersionError extends Error {
  constructor(kind: string, apiVersion: string | undefined) {
    super(`No support for ${kind} with api version ${apiVersion ?? '(none)'}`);
    this.name = 'UnsupportedApiVersionError';
  }
}

const cond = (state: boolean, message?: string): StatusCondition => (message === undefined ? { state } : { state, message });

class StatusBuilder {
  stable = cond(true);
  paused = cond(false);
  available = cond(true);
  failed = cond(false);
  unstable(message: string | undefined): this {
    this.stable = cond(false, message);
    return this;
  }
  unavailable(message: string | undefined): this {
    this.available = cond(false, message);
    return this;
  }
  build(): ManifestStatus {
    return { stable: this.stable, paused: this.paused, available: this.available, failed: this.failed };
  }
}

const ok = (): StatusBuilder => new StatusBuilder();
const noneReported = (): StatusBuilder => ok().unstable('No status reported yet').unavailable('No availability reported');
const unstable = (message: string): ManifestStatus => ok().unstable(message).build();

const MSG = {
  available: 'Waiting for all replicas to be available',
  fullyLabeled: 'Waiting for all replicas to be fully-labeled',
  oldGeneration: 'Waiting for status generation to match updated object generation',
  oldReplicas: 'Waiting for old replicas to finish termination',
  ready: 'Waiting for all replicas to be ready',
  updated: 'Waiting for all replicas to be updated',
} as const;

const APPS_V1_KINDS = new Set(['deployment', 'replicaSet', 'statefulSet', 'daemonSet']);

export function manifestStatus(m: KubernetesManifest): ManifestStatus {
  const kind = kindOfManifest(m);
  if (APPS_V1_KINDS.has(kind) && m.apiVersion !== 'apps/v1') throw new UnsupportedApiVersionError(kind, m.apiVersion);
  switch (kind) {
    case 'deployment':
      return deploymentStatus(m);
    case 'replicaSet':
      return replicaSetStatus(m);
    case 'statefulSet':
      return statefulSetStatus(m);
    case 'daemonSet':
      return daemonSetStatus(m);
    case 'pod':
      return podStatus(m);
    case 'job':
      return jobStatus(m);
    case 'horizontalpodautoscaler':
      return hpaStatus(m);
    default:
      return ok().build();
  }
}

const count = (m: unknown, ...path: string[]): number => numberAt(m, ...path) ?? 0;

/** True only when the status reports an observedGeneration equal to metadata.generation. */
function generationMatches(m: KubernetesManifest): boolean {
  const observed = numberAt(m, 'status', 'observedGeneration');
  return observed !== undefined && observed === numberAt(m, 'metadata', 'generation');
}

function conditionsOf(m: KubernetesManifest): Record<string, unknown>[] {
  return arrayAt(m, 'status', 'conditions').filter(isObject);
}

const eqIgnoreCase = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

function deploymentStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  if (!generationMatches(m)) return unstable(MSG.oldGeneration);
  const conditions = conditionsOf(m);
  const result = ok();
  const paused = conditions.find((c) => eqIgnoreCase(c.reason, 'DeploymentPaused'));
  if (paused !== undefined) result.paused = cond(true, stringAt(paused, 'message'));
  const unavailable = conditions.find((c) => eqIgnoreCase(c.type, 'Available') && eqIgnoreCase(c.status, 'False'));
  if (unavailable !== undefined) result.unstable(stringAt(unavailable, 'message')).unavailable(stringAt(unavailable, 'message'));
  if (conditions.some((c) => eqIgnoreCase(c.type, 'Progressing') && eqIgnoreCase(c.reason, 'ProgressDeadlineExceeded'))) {
    result.failed = cond(true, 'Deployment exceeded its progress deadline');
  }
  const desired = count(m, 'spec', 'replicas');
  const updated = count(status, 'updatedReplicas');
  let reason: string | undefined;
  if (updated < desired) reason = MSG.updated;
  else if (count(status, 'replicas') > updated) reason = MSG.oldReplicas;
  else if (count(status, 'availableReplicas') < desired) reason = MSG.available;
  else if (count(status, 'readyReplicas') < desired) reason = MSG.ready;
  if (reason !== undefined) result.unstable(reason);
  return result.build();
}

function replicaSetStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  const desired = count(m, 'spec', 'replicas');
  let reason: string | undefined;
  if (desired > count(status, 'fullyLabeledReplicas')) reason = MSG.fullyLabeled;
  else if (desired > count(status, 'readyReplicas')) reason = MSG.ready;
  else if (desired > count(status, 'availableReplicas')) reason = MSG.available;
  if (reason !== undefined) return ok().unstable(reason).unavailable(reason).build();
  if (!generationMatches(m)) return unstable('Waiting for replicaset spec update to be observed');
  return ok().build();
}

function statefulSetStatus(m: KubernetesManifest): ManifestStatus {
  const strategy = stringAt(m, 'spec', 'updateStrategy', 'type');
  if (eqIgnoreCase(strategy, 'OnDelete')) return ok().build();
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  if (!generationMatches(m)) return unstable(MSG.oldGeneration);
  const desired = count(m, 'spec', 'replicas');
  if (desired > count(status, 'replicas')) return unstable('Waiting for at least the desired replica count to be met');
  if (desired > count(status, 'readyReplicas')) return unstable('Waiting for all updated replicas to be ready');
  const rollingUpdate = pathOf(m, 'spec', 'updateStrategy', 'rollingUpdate');
  const updated = numberAt(status, 'updatedReplicas');
  if (eqIgnoreCase(strategy, 'RollingUpdate') && updated !== undefined && isObject(rollingUpdate)) {
    const partition = numberAt(rollingUpdate, 'partition');
    const replicas = numberAt(status, 'replicas');
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return unstable('Waiting for partitioned roll out to finish');
    }
    const result = ok();
    result.stable = cond(true, 'Partitioned roll out complete');
    return result.build();
  }
  if (desired > count(status, 'currentReplicas')) return unstable('Waiting for all updated replicas to be scheduled');
  if (stringAt(status, 'currentRevision') !== stringAt(status, 'updateRevision')) {
    return unstable('Waiting for the updated revision to match the current revision');
  }
  return ok().build();
}

function daemonSetStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  if (!generationMatches(m)) return unstable(MSG.oldGeneration);
  if (!eqIgnoreCase(stringAt(m, 'spec', 'updateStrategy', 'type'), 'RollingUpdate')) return ok().build();
  const desired = count(status, 'desiredNumberScheduled');
  if (desired > count(status, 'currentNumberScheduled')) return unstable('Waiting for all replicas to be scheduled');
  if (desired > count(status, 'updatedNumberScheduled')) return unstable('Waiting for all updated replicas to be scheduled');
  if (desired > count(status, 'numberAvailable')) return unstable(MSG.available);
  if (desired > count(status, 'numberReady')) return unstable(MSG.ready);
  return ok().build();
}

const POD_PHASE_MESSAGES: Readonly<Record<string, string | undefined>> = {
  Pending: 'Pod is pending',
  Running: undefined,
  Succeeded: undefined,
  Failed: 'Pod has failed',
};

function podStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  const phase = stringAt(status, 'phase') ?? 'Unknown';
  const message = Object.hasOwn(POD_PHASE_MESSAGES, phase) ? POD_PHASE_MESSAGES[phase] : 'Pod phase is unknown';
  return message === undefined ? ok().build() : ok().unstable(message).unavailable(message).build();
}

function jobStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  const completions = numberAt(m, 'spec', 'completions') ?? 1;
  if (count(status, 'succeeded') >= completions) return ok().build();
  const failed = conditionsOf(m).find((c) => eqIgnoreCase(c.type, 'Failed') && eqIgnoreCase(c.status, 'True'));
  if (failed === undefined) return unstable('Waiting for jobs to finish');
  const result = ok();
  result.failed = cond(true, stringAt(failed, 'message'));
  return result.build();
}

function hpaStatus(m: KubernetesManifest): ManifestStatus {
  const status = pathOf(m, 'status');
  if (!isObject(status)) return noneReported().build();
  const desired = count(status, 'desiredReplicas');
  const current = count(status, 'currentReplicas');
  if (desired > current) return unstable(`Waiting for HPA to complete a scale up, current: ${current} desired: ${desired}`);
  if (desired < current) return unstable(`Waiting for HPA to complete a scale down, current: ${current} desired: ${desired}`);
  return ok().build();
}

// ---------------------------------------------------------------------------------------------
// Instance health

export type HealthState = 'Failed' | 'Down' | 'OutOfService' | 'Unknown' | 'Starting' | 'Succeeded' | 'Up' | 'Draining';

/**
 * One health entry of a pod. Clouddriver writes `{state, source, type}` plus a stray
 * `platform: "platform"` key (its `healthClass` field used as a map key); we keep that key and
 * also write `healthClass: "platform"`, which is what Orca's health checks read.
 */
export interface HealthEntry {
  readonly state: HealthState;
  readonly source: string;
  readonly type: 'kubernetes/pod' | 'kubernetes/container';
  readonly healthClass: 'platform';
  readonly platform: 'platform';
}

const entry = (state: HealthState, source: string, type: HealthEntry['type']): HealthEntry => ({
  state, source, type, healthClass: 'platform', platform: 'platform',
});

/**
 * Pod health: one `kubernetes/pod` entry (phase Pending -> Down, Running -> Up, else Unknown),
 * then one `kubernetes/container` entry per container status (ready -> Up, else Down).
 * A pod without status has no entries.
 */
export function podHealth(pod: KubernetesManifest): HealthEntry[] {
  const status = pathOf(pod, 'status');
  if (!isObject(status)) return [];
  const phase = (stringAt(status, 'phase') ?? '').toLowerCase();
  const out = [entry(phase === 'pending' ? 'Down' : phase === 'running' ? 'Up' : 'Unknown', 'Pod', 'kubernetes/pod')];
  for (const cs of arrayAt(status, 'containerStatuses')) {
    if (!isObject(cs)) continue;
    out.push(entry(cs.ready === true ? 'Up' : 'Down', `Container ${stringAt(cs, 'name') ?? ''}`, 'kubernetes/container'));
  }
  return out;
}

/**
 * Overall state from entries, first match wins: all known entries Up -> Up; all known Succeeded
 * -> Succeeded; any Starting; any Down; any Failed; any OutOfService; else Unknown
 * ("known" = not Unknown; no known entries falls through).
 */
export function healthStateOf(entries: readonly { readonly state?: unknown }[]): HealthState {
  const known = entries.filter((h) => h.state !== 'Unknown');
  const any = (s: HealthState): boolean => entries.some((h) => h.state === s);
  if (known.length > 0 && known.every((h) => h.state === 'Up')) return 'Up';
  if (known.length > 0 && known.every((h) => h.state === 'Succeeded')) return 'Succeeded';
  if (any('Starting')) return 'Starting';
  if (any('Down')) return 'Down';
  if (any('Failed')) return 'Failed';
  if (any('OutOfService')) return 'OutOfService';
  return 'Unknown';
}

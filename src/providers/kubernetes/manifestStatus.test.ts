import { describe, expect, it } from 'vitest';
import { healthStateOf, manifestStatus, podHealth, UnsupportedApiVersionError } from './manifestStatus.js';
import type { KubernetesManifest } from './model/KubernetesManifest.js';
import { currentReplicaSet, deployment, pendingPod, runningPod, service, statefulSet } from '../../../test/fixtures/kubernetesDocsNamespace.js';

type Obj = Record<string, unknown>;
/** Deep-merges `patch` into a copy of `base` (null deletes). */
function patch(base: KubernetesManifest, p: Obj): KubernetesManifest {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === null) return undefined;
    if (typeof a !== 'object' || a === null || Array.isArray(a) || typeof b !== 'object' || Array.isArray(b)) return b;
    const out: Obj = { ...(a as Obj) };
    for (const [k, v] of Object.entries(b as Obj)) {
      const merged = merge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  };
  return merge(structuredClone(base), p) as KubernetesManifest;
}

const STABLE = { stable: { state: true }, paused: { state: false }, available: { state: true }, failed: { state: false } };
const NONE = { ...STABLE, stable: { state: false, message: 'No status reported yet' }, available: { state: false, message: 'No availability reported' } };

describe('deployment status', () => {
  it('is stable when every replica is updated, available and ready', () => {
    expect(manifestStatus(deployment())).toEqual(STABLE);
  });

  it('reports none without a status', () => {
    expect(manifestStatus(patch(deployment(), { status: null }))).toEqual(NONE);
  });

  it('waits for the observed generation and stops there', () => {
    const d = patch(deployment(), { metadata: { generation: 4 }, status: { updatedReplicas: 0 } });
    expect(manifestStatus(d).stable).toEqual({ state: false, message: 'Waiting for status generation to match updated object generation' });
  });

  it('reports a paused rollout with the condition message', () => {
    const d = patch(deployment(), { status: { conditions: [{ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }] } });
    expect(manifestStatus(d).paused).toEqual({ state: true, message: 'Deployment is paused' });
  });

  it('is unstable and unavailable when Available is False', () => {
    const d = patch(deployment(), { status: { conditions: [{ type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' }] } });
    const s = manifestStatus(d);
    expect(s.available).toEqual({ state: false, message: 'Deployment does not have minimum availability.' });
    expect(s.stable.state).toBe(false);
  });

  it('fails when the progress deadline is exceeded', () => {
    const d = patch(deployment(), { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } });
    expect(manifestStatus(d).failed).toEqual({ state: true, message: 'Deployment exceeded its progress deadline' });
  });

  it('names the first replica count that lags', () => {
    const msg = (status: Obj) => manifestStatus(patch(deployment(), { status })).stable.message;
    expect(msg({ updatedReplicas: 1 })).toBe('Waiting for all replicas to be updated');
    expect(msg({ replicas: 3 })).toBe('Waiting for old replicas to finish termination');
    expect(msg({ availableReplicas: 1 })).toBe('Waiting for all replicas to be available');
    expect(msg({ readyReplicas: 1 })).toBe('Waiting for all replicas to be ready');
  });

  it('rejects workloads outside apps/v1', () => {
    expect(() => manifestStatus(patch(deployment(), { apiVersion: 'extensions/v1beta1' }))).toThrow(UnsupportedApiVersionError);
  });
});

describe('replicaSet status', () => {
  it('is stable when counts meet the desired replicas', () => {
    expect(manifestStatus(currentReplicaSet())).toEqual(STABLE);
  });

  it('is unstable and unavailable while replicas are not fully labeled, ready or available', () => {
    const s = manifestStatus(patch(currentReplicaSet(), { status: { readyReplicas: 1 } }));
    expect(s.stable).toEqual({ state: false, message: 'Waiting for all replicas to be ready' });
    expect(s.available).toEqual({ state: false, message: 'Waiting for all replicas to be ready' });
    expect(manifestStatus(patch(currentReplicaSet(), { status: { fullyLabeledReplicas: 0 } })).stable.message).toBe('Waiting for all replicas to be fully-labeled');
  });

  it('then waits for the spec update to be observed', () => {
    const s = manifestStatus(patch(currentReplicaSet(), { metadata: { generation: 2 } }));
    expect(s.stable).toEqual({ state: false, message: 'Waiting for replicaset spec update to be observed' });
    expect(s.available.state).toBe(true);
  });
});

describe('statefulSet status', () => {
  it('reports a finished partitioned roll out as stable with a message', () => {
    expect(manifestStatus(statefulSet()).stable).toEqual({ state: true, message: 'Partitioned roll out complete' });
  });

  it('waits for a partitioned roll out', () => {
    const s = patch(statefulSet(), { spec: { replicas: 3, updateStrategy: { rollingUpdate: { partition: 1 } } }, status: { replicas: 3, readyReplicas: 3, updatedReplicas: 1 } });
    expect(manifestStatus(s).stable.message).toBe('Waiting for partitioned roll out to finish');
  });

  it('is stable with OnDelete whatever the status', () => {
    expect(manifestStatus(patch(statefulSet(), { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } }, status: null }))).toEqual(STABLE);
  });

  it('checks replicas, readiness, then revisions without a rolling update block', () => {
    const base = patch(statefulSet(), { spec: { updateStrategy: { rollingUpdate: null } } });
    expect(manifestStatus(patch(base, { status: { replicas: 0 } })).stable.message).toBe('Waiting for at least the desired replica count to be met');
    expect(manifestStatus(patch(base, { status: { readyReplicas: 0 } })).stable.message).toBe('Waiting for all updated replicas to be ready');
    expect(manifestStatus(patch(base, { status: { updateRevision: 'docs-db-2' } })).stable.message).toBe('Waiting for the updated revision to match the current revision');
    expect(manifestStatus(base)).toEqual(STABLE);
  });
});

describe('daemonSet status', () => {
  const ds = (status: Obj, strategy = 'RollingUpdate'): KubernetesManifest => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', generation: 2 },
    spec: { updateStrategy: { type: strategy } },
    status: { observedGeneration: 2, desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberReady: 3, ...status },
  });

  it('compares desired with scheduled, updated, available and ready counts in order', () => {
    expect(manifestStatus(ds({}))).toEqual(STABLE);
    expect(manifestStatus(ds({ currentNumberScheduled: 2 })).stable.message).toBe('Waiting for all replicas to be scheduled');
    expect(manifestStatus(ds({ updatedNumberScheduled: 2 })).stable.message).toBe('Waiting for all updated replicas to be scheduled');
    expect(manifestStatus(ds({ numberAvailable: 2 })).stable.message).toBe('Waiting for all replicas to be available');
    expect(manifestStatus(ds({ numberReady: 2 })).stable.message).toBe('Waiting for all replicas to be ready');
  });

  it('is stable for OnDelete and unstable on a generation mismatch', () => {
    expect(manifestStatus(ds({ numberReady: 0 }, 'OnDelete'))).toEqual(STABLE);
    expect(manifestStatus(ds({ observedGeneration: 1 })).stable.message).toBe('Waiting for status generation to match updated object generation');
  });
});

describe('pod, job, hpa and other kinds', () => {
  it('reports pending, failed and unknown pods as unstable and unavailable', () => {
    expect(manifestStatus(runningPod())).toEqual(STABLE);
    expect(manifestStatus(pendingPod()).available).toEqual({ state: false, message: 'Pod is pending' });
    const phase = (p: string | null) => manifestStatus(patch(runningPod(), { status: { phase: p } })).stable.message;
    expect(phase('Failed')).toBe('Pod has failed');
    expect(phase('Weird')).toBe('Pod phase is unknown');
    expect(phase(null)).toBe('Pod phase is unknown');
  });

  const job = (status: Obj | undefined, completions?: number): KubernetesManifest => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: completions === undefined ? {} : { completions }, ...(status === undefined ? {} : { status }),
  });

  it('waits for jobs to finish, fails on a Failed condition, and is stable once complete', () => {
    expect(manifestStatus(job(undefined))).toEqual(NONE);
    expect(manifestStatus(job({ active: 1 })).stable).toEqual({ state: false, message: 'Waiting for jobs to finish' });
    expect(manifestStatus(job({ succeeded: 1 }))).toEqual(STABLE);
    expect(manifestStatus(job({ succeeded: 1 }, 3)).stable.state).toBe(false);
    const failed = manifestStatus(job({ failed: 6, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }));
    expect(failed.failed).toEqual({ state: true, message: 'Job has reached the specified backoff limit' });
    expect(failed.stable.state).toBe(true);
  });

  it('waits for an HPA to reach its desired replicas', () => {
    const hpa = (current: number, desired: number): KubernetesManifest => ({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, status: { currentReplicas: current, desiredReplicas: desired },
    });
    expect(manifestStatus(hpa(2, 4)).stable.message).toBe('Waiting for HPA to complete a scale up, current: 2 desired: 4');
    expect(manifestStatus(hpa(4, 2)).stable.message).toBe('Waiting for HPA to complete a scale down, current: 4 desired: 2');
    expect(manifestStatus(hpa(3, 3))).toEqual(STABLE);
  });

  it('treats services, cron jobs and the rest as stable', () => {
    expect(manifestStatus(service())).toEqual(STABLE);
    expect(manifestStatus({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' } })).toEqual(STABLE);
  });
});

describe('instance health', () => {
  it('gives one pod entry and one entry per container', () => {
    expect(podHealth(pendingPod())).toEqual([
      { state: 'Down', source: 'Pod', type: 'kubernetes/pod', healthClass: 'platform', platform: 'platform' },
      { state: 'Down', source: 'Container web', type: 'kubernetes/container', healthClass: 'platform', platform: 'platform' },
      { state: 'Up', source: 'Container envoy', type: 'kubernetes/container', healthClass: 'platform', platform: 'platform' },
    ]);
    expect(podHealth(runningPod()).map((h) => h.state)).toEqual(['Up', 'Up', 'Up']);
    expect(podHealth(patch(runningPod(), { status: null }))).toEqual([]);
  });

  it('marks succeeded pods Unknown at pod level', () => {
    expect(podHealth(patch(runningPod(), { status: { phase: 'Succeeded', containerStatuses: [] } }))[0]?.state).toBe('Unknown');
  });

  it('summarises entries as Clouddriver does', () => {
    expect(healthStateOf(podHealth(runningPod()))).toBe('Up');
    expect(healthStateOf(podHealth(pendingPod()))).toBe('Down');
    expect(healthStateOf([{ state: 'Up' }, { state: 'Unknown' }])).toBe('Up');
    expect(healthStateOf([{ state: 'Succeeded' }])).toBe('Succeeded');
    expect(healthStateOf([{ state: 'Up' }, { state: 'Starting' }, { state: 'Down' }])).toBe('Starting');
    expect(healthStateOf([{ state: 'Up' }, { state: 'Failed' }])).toBe('Failed');
    expect(healthStateOf([{ state: 'Up' }, { state: 'OutOfService' }])).toBe('OutOfService');
    expect(healthStateOf([])).toBe('Unknown');
    expect(healthStateOf([{ state: 'Unknown' }])).toBe('Unknown');
  });
});

import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../client/KubeClient.js';
import { jobState, kubernetesJobStatus } from './KubernetesJobStatus.js';

const job = (status: Record<string, unknown> | undefined, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'team', uid: 'u1', creationTimestamp: '2024-05-01T10:00:00Z' },
  spec: { completions: 1, ...spec },
  ...(status === undefined ? {} : { status }),
});

const pod = (name: string, startTime: string | undefined, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team' },
  status: { phase: 'Failed', ...(startTime === undefined ? {} : { startTime }), ...status },
});

const FAILED = { failed: 2, conditions: [{ type: 'Complete', status: 'False' }, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] };

describe('jobState (KubernetesJobStatus.getJobState)', () => {
  it.each([
    ['no status', undefined, {}, 'Running'],
    ['an empty status', {}, {}, 'Running'],
    ['fewer succeeded than completions, no Failed condition', { succeeded: 1, active: 1 }, { completions: 2 }, 'Running'],
    ['a Failed=True condition (any case)', { conditions: [{ type: 'failed', status: 'TRUE' }] }, {}, 'Failed'],
    ['a Failed=False condition', { conditions: [{ type: 'Failed', status: 'False' }] }, {}, 'Running'],
    ['succeeded reaching completions (default 1)', { succeeded: 1 }, { completions: undefined }, 'Succeeded'],
    ['succeeded reaching completions even with a Failed condition', { succeeded: 3, ...FAILED }, { completions: 3 }, 'Succeeded'],
  ])('%s → %s', (_what, status, spec, expected) => {
    expect(jobState(job(status, spec))).toBe(expected);
  });
});

describe('kubernetesJobStatus', () => {
  it('is Clouddriver’s shape for a succeeded job: pods by start time, the last one most recent, no failure fields', () => {
    const status = kubernetesJobStatus('k8s', job({ succeeded: 1, completionTime: '2024-05-01T10:00:09Z', conditions: [{ type: 'Complete', status: 'True' }] }), [
      pod('pi-b', '2024-05-01T10:00:05Z', { phase: 'Succeeded' }),
      pod('pi-pending', undefined, { phase: 'Pending' }),
      pod('pi-a', '2024-05-01T10:00:01Z'),
    ]);
    expect(status).toEqual({
      name: 'pi',
      account: 'k8s',
      location: 'team',
      provider: 'kubernetes',
      createdTime: Date.parse('2024-05-01T10:00:00Z'),
      completedTime: Date.parse('2024-05-01T10:00:09Z'),
      jobState: 'Succeeded',
      completionDetails: { exitCode: '', signal: '', message: '', reason: '' },
      pods: [
        { name: 'pi-a', status: { phase: 'Failed', startTime: '2024-05-01T10:00:01Z' } },
        { name: 'pi-b', status: { phase: 'Succeeded', startTime: '2024-05-01T10:00:05Z' } },
        { name: 'pi-pending', status: { phase: 'Pending' } },
      ],
      mostRecentPodName: 'pi-pending',
    });
  });

  it('has no mostRecentPodName when the job has no pods', () => {
    const status = kubernetesJobStatus('k8s', job(undefined), []);
    expect(status.jobState).toBe('Running');
    expect(status.pods).toEqual([]);
    expect(status).not.toHaveProperty('mostRecentPodName');
  });

  it('describes a failed job: condition message and reason, and the first container that exited non-zero', () => {
    const status = kubernetesJobStatus('k8s', job(FAILED), [
      pod('pi-2', '2024-05-01T10:01:00Z', { containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 2, reason: 'Error' } } }] }),
      pod('pi-1', '2024-05-01T10:00:00Z', {
        initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        containerStatuses: [
          { name: 'sidecar', state: { running: { startedAt: '2024-05-01T10:00:01Z' } } },
          { name: 'main', state: { terminated: { exitCode: 1, reason: 'Error', message: 'boom' } } },
        ],
      }),
    ]);
    expect(status).toMatchObject({
      jobState: 'Failed',
      message: 'Job has reached the specified backoff limit',
      reason: 'BackoffLimitExceeded',
      completionDetails: { exitCode: '', signal: '', message: 'Job has reached the specified backoff limit', reason: 'BackoffLimitExceeded' },
      failureDetails: "Pod: 'pi-1' had errors.\n Container: 'main' exited with code: 1.\n Status: Error.\n Logs: boom",
      mostRecentPodName: 'pi-2',
    });
  });

  it('names an init container that failed, and writes a missing termination message as null', () => {
    const status = kubernetesJobStatus('k8s', job(FAILED), [
      pod('pi-1', '2024-05-01T10:00:00Z', {
        initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 127, reason: 'ContainerCannotRun' } } }],
        containerStatuses: [{ name: 'main', state: { waiting: { reason: 'PodInitializing' } } }],
      }),
    ]);
    expect(status.failureDetails).toBe("Pod: 'pi-1' had errors.\n Container: 'setup' exited with code: 127.\n Status: ContainerCannotRun.\n Logs: null");
  });

  it('falls back to a container stuck waiting (no exit code), e.g. an image that cannot be pulled', () => {
    const status = kubernetesJobStatus('k8s', job(FAILED), [
      pod('pi-1', '2024-05-01T10:00:00Z', { containerStatuses: [{ name: 'main', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } }] }),
    ]);
    expect(status.failureDetails).toBe("Pod: 'pi-1' had errors.\n Container: 'main' exited with code: .\n Status: ImagePullBackOff.\n Logs: Back-off pulling image \"nope\"");
  });

  it('has no failureDetails when no container failed or waits (deadline exceeded while running)', () => {
    const deadline = { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] };
    const status = kubernetesJobStatus('k8s', job(deadline), [pod('pi-1', '2024-05-01T10:00:00Z', { containerStatuses: [{ name: 'main', state: { running: {} } }] })]);
    expect(status).toMatchObject({ jobState: 'Failed', reason: 'DeadlineExceeded' });
    expect(status).not.toHaveProperty('failureDetails');
  });

  it('leaves failure fields out of a running job even when a pod failed', () => {
    const status = kubernetesJobStatus('k8s', job({ active: 1, failed: 1 }), [pod('pi-1', '2024-05-01T10:00:00Z', { containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 1 } } }] })]);
    expect(status.jobState).toBe('Running');
    expect(status).not.toHaveProperty('failureDetails');
    expect(status).not.toHaveProperty('message');
  });
});

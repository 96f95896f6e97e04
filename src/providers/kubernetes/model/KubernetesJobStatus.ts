import type { KubeObject } from '../client/KubeClient.js';
import { isObject, pathOf, stringAt, type JsonObject } from './KubernetesManifest.js';

/** Clouddriver's `JobState` values a Kubernetes job can have. */
export type JobState = 'Running' | 'Succeeded' | 'Failed';

/**
 * The job status Orca's `WaitOnJobCompletion` polls and Deck's Run Job details show: Clouddriver's
 * `KubernetesJobStatus` as its ObjectMapper writes it (null fields left out). Orca reads
 * `jobState`, `completionDetails`, `name`, `message`, `reason`, `failureDetails` and
 * `pods[].status.phase`; Deck reads `location`, `pods[].name` and `mostRecentPodName`.
 */
export interface KubernetesJobStatus {
  readonly name: string;
  readonly account: string;
  readonly location: string;
  readonly provider: 'kubernetes';
  readonly createdTime: number;
  /** `status.completionTime`; Clouddriver never fills it in (an addition here). */
  readonly completedTime?: number;
  readonly jobState: JobState;
  /** Always the four keys, `""` when unknown (`getCompletionDetails`). */
  readonly completionDetails: { exitCode: string; signal: string; message: string; reason: string };
  /** From the job's `Failed` condition, when the job failed. */
  readonly message?: string;
  readonly reason?: string;
  /** Which container of which pod failed (`captureFailureDetails`), when the job failed. */
  readonly failureDetails?: string;
  /** The job's pods, oldest start first, each with its live `status`. */
  readonly pods: readonly { name: string; status?: unknown }[];
  /** The pod started last; absent when the job has no pods. */
  readonly mostRecentPodName?: string;
}

const millis = (iso: string | undefined): number | undefined => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

/** Job pods sorted as `KubernetesJobProvider` sorts them: by `status.startTime`, pods not started yet last. */
export function sortJobPods(pods: readonly KubeObject[]): KubeObject[] {
  const start = (p: KubeObject): number => millis(stringAt(p, 'status', 'startTime')) ?? Number.POSITIVE_INFINITY;
  return [...pods].sort((a, b) => {
    const x = start(a);
    const y = start(b);
    return x === y ? 0 : x < y ? -1 : 1;
  });
}

/** `getJobState`: no status → Running; fewer succeeded than `completions` (default 1) → Failed with a `Failed=True` condition, else Running. */
export function jobState(job: KubeObject): JobState {
  const status = job.status;
  if (!isObject(status)) return 'Running';
  const completions = pathOf(job, 'spec', 'completions');
  const succeeded = status.succeeded;
  if ((typeof succeeded === 'number' ? succeeded : 0) < (typeof completions === 'number' ? completions : 1)) return failedCondition(status) === undefined ? 'Running' : 'Failed';
  return 'Succeeded';
}

function failedCondition(status: JsonObject): JsonObject | undefined {
  const conditions = Array.isArray(status.conditions) ? (status.conditions as unknown[]) : [];
  return conditions.filter(isObject).find((c) => String(c.type).toLowerCase() === 'failed' && String(c.status).toLowerCase() === 'true');
}

interface ContainerDetails {
  readonly name: unknown;
  readonly state: 'terminated' | 'waiting' | 'running';
  readonly exitCode: string;
  readonly status: unknown;
  readonly logs: unknown;
}

/** `ContainerExecutionDetails` of every init and app container with a state. */
function containerDetails(pod: KubeObject): ContainerDetails[] {
  const statuses = (key: string): JsonObject[] => {
    const list = pathOf(pod, 'status', key);
    return Array.isArray(list) ? list.filter(isObject) : [];
  };
  return [...statuses('initContainerStatuses'), ...statuses('containerStatuses')]
    .filter((s) => isObject(s.state))
    .map((s) => {
      const terminated = pathOf(s, 'state', 'terminated');
      const waiting = pathOf(s, 'state', 'waiting');
      if (isObject(terminated)) return { name: s.name, state: 'terminated', exitCode: terminated.exitCode === undefined || terminated.exitCode === null ? '' : String(terminated.exitCode), status: terminated.reason, logs: terminated.message };
      if (isObject(waiting)) return { name: s.name, state: 'waiting', exitCode: '', status: waiting.reason, logs: waiting.message };
      return { name: s.name, state: 'running', exitCode: '', status: '', logs: 'container is still in running state' };
    });
}

// Java's String.format("%s") writes null as "null"; the message keeps that wording.
const text = (v: unknown): string => (v === undefined || v === null ? 'null' : String(v));

/**
 * `captureFailureDetails`: the first pod with a container that exited non-zero (or, failing
 * that, one stuck waiting) names that container, its exit code, reason and termination message.
 */
function failureDetails(pods: readonly KubeObject[]): string | undefined {
  for (const pod of pods) {
    const details = containerDetails(pod);
    const failed = details.find((d) => d.state === 'terminated' && d.exitCode !== '0') ?? details.find((d) => d.state === 'waiting');
    if (failed !== undefined) {
      return `Pod: '${pod.metadata.name}' had errors.\n Container: '${text(failed.name)}' exited with code: ${failed.exitCode}.\n Status: ${text(failed.status)}.\n Logs: ${text(failed.logs)}`;
    }
  }
  return undefined;
}

/** The status of `job` (a live Job) with its `pods` (listed by the job's selector, any order). */
export function kubernetesJobStatus(account: string, job: KubeObject, pods: readonly KubeObject[]): KubernetesJobStatus {
  const sorted = sortJobPods(pods);
  const state = jobState(job);
  const failed = state === 'Failed' && isObject(job.status) ? failedCondition(job.status) : undefined;
  const message = typeof failed?.message === 'string' ? failed.message : undefined;
  const reason = typeof failed?.reason === 'string' ? failed.reason : undefined;
  const details = state === 'Failed' ? failureDetails(sorted) : undefined;
  const completedTime = millis(stringAt(job, 'status', 'completionTime'));
  const mostRecent = sorted.at(-1);
  return {
    name: job.metadata.name,
    account,
    location: job.metadata.namespace ?? '',
    provider: 'kubernetes',
    createdTime: millis(stringAt(job, 'metadata', 'creationTimestamp')) ?? 0,
    ...(completedTime === undefined ? {} : { completedTime }),
    jobState: state,
    completionDetails: { exitCode: '', signal: '', message: message ?? '', reason: reason ?? '' },
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { reason }),
    ...(details === undefined ? {} : { failureDetails: details }),
    pods: sorted.map((p) => ({ name: p.metadata.name, ...(p.status === undefined ? {} : { status: p.status }) })),
    ...(mostRecent === undefined ? {} : { mostRecentPodName: mostRecent.metadata.name }),
  };
}

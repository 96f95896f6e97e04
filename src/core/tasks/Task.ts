/** Task states as Clouddriver names them; "completed" means any state but STARTED. */
export type TaskState = 'STARTED' | 'COMPLETED' | 'FAILED' | 'FAILED_RETRYABLE';

/** One append-only history line. */
export interface TaskStatusEntry {
  readonly phase: string;
  readonly status: string;
  readonly state: TaskState;
}

/** Output of an operation that ran something (e.g. a job's manifest and logs). */
export interface TaskOutput {
  readonly manifest: string;
  readonly phase: string;
  readonly stdOut: string | null;
  readonly stdError: string | null;
}

export interface SagaId {
  readonly name: string;
  readonly id: string;
}

/** A task as stored. `history` is never empty: creation writes the first entry. */
export interface TaskRecord {
  readonly id: string;
  /** The `clientRequestId` it was created for, or a random id. */
  readonly requestId: string;
  readonly ownerId: string;
  readonly startTimeMs: number;
  readonly history: readonly TaskStatusEntry[];
  readonly resultObjects: readonly unknown[];
  readonly outputs: readonly TaskOutput[];
  readonly sagaIds: readonly SagaId[];
  /**
   * What is needed to run the task again on any instance (its operations and the identity that
   * authorized them), sealed by `TaskExecutionSealer`; absent when none is stored. Opaque to
   * repositories, never part of the `/task` JSON.
   */
  readonly execution?: string;
}

export function currentEntry(task: TaskRecord): TaskStatusEntry {
  const last = task.history[task.history.length - 1];
  if (!last) throw new Error(`task ${task.id} has no history`);
  return last;
}

export function isCompleted(state: TaskState): boolean {
  return state !== 'STARTED';
}

/** The `/task/{id}` JSON Orca reads (`DefaultTask`, serialized by `TaskController`), properties in alphabetical order. */
export function toTaskJson(task: TaskRecord): Record<string, unknown> {
  const cur = currentEntry(task);
  const completed = isCompleted(cur.state);
  const failed = cur.state === 'FAILED' || cur.state === 'FAILED_RETRYABLE';
  const retryable = cur.state === 'FAILED_RETRYABLE';
  return {
    history: task.history.map((h) => ({ phase: h.phase, status: h.status })),
    id: task.id,
    outputs: task.outputs,
    ownerId: task.ownerId,
    requestId: task.requestId,
    resultObjects: task.resultObjects,
    retryable,
    sagaIds: task.sagaIds,
    startTimeMs: task.startTimeMs,
    status: { complete: completed, completed, failed, phase: cur.phase, retryable, status: cur.status },
  };
}

import type { SagaId, TaskOutput, TaskRecord, TaskState, TaskStatusEntry } from './Task.js';

export interface NewTask {
  /** Idempotency key (`clientRequestId`); a random one when the caller gave none. */
  readonly requestId: string;
  readonly ownerId: string;
  readonly startTimeMs: number;
  /** The first history entry (state STARTED). */
  readonly first: TaskStatusEntry;
  /** Sealed execution (see `TaskRecord.execution`), stored with the task when given. */
  readonly execution?: string;
}

/** Thrown by every driver for an update to a task id it does not hold. */
export class UnknownTaskError extends Error {
  override name = 'UnknownTaskError';
  constructor(readonly taskId: string) {
    super(`unknown task ${taskId}`);
  }
}

/** The condition of a `transition`: the task's current state, and (when given) its owner. */
export interface TaskExpectation {
  readonly state: TaskState;
  readonly ownerId?: string;
}

/**
 * Task storage SPI. Repositories are dumb and durable: they append what they are told; rules such
 * as "a completed task rejects updates" live in the orchestration layer.
 *
 * Invariants (checked by `describeTaskRepositoryContract`):
 * - `create` is atomic per `requestId`: when a task for it already exists, that task is returned
 *   with `created: false` and nothing is written, even under concurrent calls.
 * - Ids are unique, URL-safe strings; `get` of an unknown id resolves `undefined`.
 * - History, result objects and outputs keep insertion order.
 * - `listRunning` returns tasks whose latest history state is STARTED, oldest first.
 * - Updates to an unknown id reject with `UnknownTaskError`.
 * - `transition` is atomic: of concurrent transitions expecting the same state and owner, exactly
 *   one resolves true (it is how one instance, and only one, takes over a task).
 * - `execution` round-trips byte for byte; `setExecution(id, undefined)` removes it.
 */
export interface TaskRepository {
  create(task: NewTask): Promise<{ task: TaskRecord; created: boolean }>;
  get(id: string): Promise<TaskRecord | undefined>;
  getByRequestId(requestId: string): Promise<TaskRecord | undefined>;
  appendHistory(id: string, entry: TaskStatusEntry): Promise<void>;
  addResultObjects(id: string, objects: readonly unknown[]): Promise<void>;
  addOutput(id: string, output: TaskOutput): Promise<void>;
  addSagaId(id: string, sagaId: SagaId): Promise<void>;
  setOwner(id: string, ownerId: string): Promise<void>;
  /** Replaces (or, with undefined, removes) the sealed execution stored with the task. */
  setExecution(id: string, execution: string | undefined): Promise<void>;
  /**
   * If the task's latest state is `expect.state` (and its owner `expect.ownerId`, when given),
   * sets its owner to `ownerId` and appends `entry`, atomically; resolves whether it did.
   */
  transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean>;
  listRunning(): Promise<TaskRecord[]>;
  close(): Promise<void>;
}

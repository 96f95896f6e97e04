import type { SagaId, TaskOutput, TaskRecord, TaskStatusEntry } from './Task.js';

export interface NewTask {
  /** Idempotency key (`clientRequestId`); a random one when the caller gave none. */
  readonly requestId: string;
  readonly ownerId: string;
  readonly startTimeMs: number;
  /** The first history entry (state STARTED). */
  readonly first: TaskStatusEntry;
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
  listRunning(): Promise<TaskRecord[]>;
  close(): Promise<void>;
}

import type { SagaId, TaskOutput, TaskRecord, TaskStatusEntry } from '../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskExpectation, type TaskRepository } from '../core/tasks/TaskRepository.js';

/**
 * Clouddriver's DualTaskRepository, for moving tasks from one store to another without losing
 * running ones: new tasks are created in `primary`; `get`, `getByRequestId` and `listRunning`
 * fall back to (and merge with) `previous`; an update goes to whichever store holds the task, so
 * a task started before the switch is still updated in `previous` until it ends (upstream gets
 * this for free: a Task object writes to the repository that made it).
 *
 * `create` looks the request id up in `previous` first, so a clientRequestId retried across the
 * switch returns its old task instead of starting a second one (Clouddriver's orchestration
 * processor does the same look-up through `getByClientRequestId`). The look-up and the create
 * are two steps: two submissions of one new request id racing during the switch could each
 * create a task, one per store; after the switch, `primary` alone keeps create atomic.
 */
export class DualTaskRepository implements TaskRepository {
  /** Ids found only in `previous`, so their updates skip a miss on `primary`. */
  private readonly inPrevious = new Set<string>();

  constructor(
    private readonly primary: TaskRepository,
    private readonly previous: TaskRepository,
  ) {}

  async create(task: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    if ((await this.primary.getByRequestId(task.requestId)) === undefined) {
      const old = await this.previous.getByRequestId(task.requestId);
      if (old !== undefined) return { task: this.note(old), created: false };
    }
    return this.primary.create(task);
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const found = await this.primary.get(id);
    if (found !== undefined) return found;
    const old = await this.previous.get(id);
    return old === undefined ? undefined : this.note(old);
  }

  async getByRequestId(requestId: string): Promise<TaskRecord | undefined> {
    const found = await this.primary.getByRequestId(requestId);
    if (found !== undefined) return found;
    const old = await this.previous.getByRequestId(requestId);
    return old === undefined ? undefined : this.note(old);
  }

  appendHistory(id: string, entry: TaskStatusEntry): Promise<void> {
    return this.route(id, (repo) => repo.appendHistory(id, entry));
  }

  addResultObjects(id: string, objects: readonly unknown[]): Promise<void> {
    return this.route(id, (repo) => repo.addResultObjects(id, objects));
  }

  addOutput(id: string, output: TaskOutput): Promise<void> {
    return this.route(id, (repo) => repo.addOutput(id, output));
  }

  addSagaId(id: string, sagaId: SagaId): Promise<void> {
    return this.route(id, (repo) => repo.addSagaId(id, sagaId));
  }

  setOwner(id: string, ownerId: string): Promise<void> {
    return this.route(id, (repo) => repo.setOwner(id, ownerId));
  }

  setExecution(id: string, execution: string | undefined): Promise<void> {
    return this.route(id, (repo) => repo.setExecution(id, execution));
  }

  transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean> {
    return this.route(id, (repo) => repo.transition(id, expect, ownerId, entry));
  }

  /** Both stores' running tasks, oldest first; a task in both counts once, as `primary` has it. */
  async listRunning(): Promise<TaskRecord[]> {
    const [fresh, old] = await Promise.all([this.primary.listRunning(), this.previous.listRunning()]);
    const ids = new Set(fresh.map((t) => t.id));
    const merged = [...fresh, ...old.filter((t) => !ids.has(t.id)).map((t) => this.note(t))];
    return merged.sort((a, b) => a.startTimeMs - b.startTimeMs || (a.id < b.id ? -1 : 1));
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.primary.close(), this.previous.close()]);
  }

  /** Runs an update against the store holding the task: `primary`, else `previous`. */
  private async route<T>(id: string, update: (repo: TaskRepository) => Promise<T>): Promise<T> {
    if (this.inPrevious.has(id)) return update(this.previous);
    try {
      return await update(this.primary);
    } catch (err) {
      if (!(err instanceof UnknownTaskError)) throw err;
      const result = await update(this.previous);
      this.inPrevious.add(id);
      return result;
    }
  }

  /** Remembers that `task` lives in `previous` (bounded by the tasks running at the switch). */
  private note(task: TaskRecord): TaskRecord {
    this.inPrevious.add(task.id);
    return task;
  }
}

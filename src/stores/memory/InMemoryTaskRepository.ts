import { randomBytes } from 'node:crypto';
import type { SagaId, TaskOutput, TaskRecord, TaskStatusEntry } from '../../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskExpectation, type TaskRepository } from '../../core/tasks/TaskRepository.js';

interface MutableTask {
  id: string;
  requestId: string;
  ownerId: string;
  startTimeMs: number;
  history: TaskStatusEntry[];
  resultObjects: unknown[];
  outputs: TaskOutput[];
  sagaIds: SagaId[];
  execution?: string;
}

/** Tasks in process memory (lost on restart). Returned records are snapshots. */
export class InMemoryTaskRepository implements TaskRepository {
  private readonly tasks = new Map<string, MutableTask>();
  private readonly byRequestId = new Map<string, string>();

  async create(input: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    const existing = this.byRequestId.get(input.requestId);
    if (existing) return { task: this.snapshot(this.mustGet(existing)), created: false };
    const task: MutableTask = {
      id: newTaskId(),
      requestId: input.requestId,
      ownerId: input.ownerId,
      startTimeMs: input.startTimeMs,
      history: [input.first],
      resultObjects: [],
      outputs: [],
      sagaIds: [],
      ...(input.execution === undefined ? {} : { execution: input.execution }),
    };
    this.tasks.set(task.id, task);
    this.byRequestId.set(task.requestId, task.id);
    return { task: this.snapshot(task), created: true };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const t = this.tasks.get(id);
    return t && this.snapshot(t);
  }

  async getByRequestId(requestId: string): Promise<TaskRecord | undefined> {
    const id = this.byRequestId.get(requestId);
    return id === undefined ? undefined : this.get(id);
  }

  async appendHistory(id: string, entry: TaskStatusEntry): Promise<void> {
    this.mustGet(id).history.push(entry);
  }

  async addResultObjects(id: string, objects: readonly unknown[]): Promise<void> {
    this.mustGet(id).resultObjects.push(...structuredClone(objects));
  }

  async addOutput(id: string, output: TaskOutput): Promise<void> {
    this.mustGet(id).outputs.push({ ...output });
  }

  async addSagaId(id: string, sagaId: SagaId): Promise<void> {
    this.mustGet(id).sagaIds.push({ ...sagaId });
  }

  async setOwner(id: string, ownerId: string): Promise<void> {
    this.mustGet(id).ownerId = ownerId;
  }

  async setExecution(id: string, execution: string | undefined): Promise<void> {
    const t = this.mustGet(id);
    if (execution === undefined) delete t.execution;
    else t.execution = execution;
  }

  async transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean> {
    const t = this.mustGet(id);
    if (t.history[t.history.length - 1]?.state !== expect.state || (expect.ownerId !== undefined && t.ownerId !== expect.ownerId)) return false;
    t.ownerId = ownerId;
    t.history.push({ ...entry });
    return true;
  }

  async listRunning(): Promise<TaskRecord[]> {
    return [...this.tasks.values()]
      .filter((t) => t.history[t.history.length - 1]?.state === 'STARTED')
      .sort((a, b) => a.startTimeMs - b.startTimeMs)
      .map((t) => this.snapshot(t));
  }

  async close(): Promise<void> {}

  private mustGet(id: string): MutableTask {
    const t = this.tasks.get(id);
    if (!t) throw new UnknownTaskError(id);
    return t;
  }

  private snapshot(t: MutableTask): TaskRecord {
    return structuredClone(t);
  }
}

/** URL-safe, unguessable task id (lower-case base 36). */
export function newTaskId(): string {
  return BigInt(`0x${randomBytes(16).toString('hex')}`).toString(36);
}

import type { SagaId, TaskOutput, TaskRecord, TaskState, TaskStatusEntry } from '../../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskExpectation, type TaskRepository } from '../../core/tasks/TaskRepository.js';
import { newTaskId } from '../memory/InMemoryTaskRepository.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';

interface TaskRow {
  id: string;
  request_id: string;
  owner_id: string;
  start_time_ms: number;
  state: TaskState;
  execution: string | null;
}

/**
 * Tasks in the embedded database: a row per task (with its current state, for `listRunning`)
 * and append-only child rows for history, results, outputs and saga ids. `create` is atomic per
 * request id through the UNIQUE index.
 */
export class SqliteTaskRepository implements TaskRepository {
  private readonly s;

  constructor(private readonly opts: { db: SqliteDatabase }) {
    const db = opts.db;
    this.s = {
      insertTask: db.prepare(
        'INSERT INTO tasks (id, request_id, owner_id, start_time_ms, state, execution) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING',
      ),
      byId: db.prepare<[string], TaskRow>('SELECT id, request_id, owner_id, start_time_ms, state, execution FROM tasks WHERE id = ?'),
      byRequestId: db.prepare<[string], TaskRow>('SELECT id, request_id, owner_id, start_time_ms, state, execution FROM tasks WHERE request_id = ?'),
      running: db.prepare<[], TaskRow>(
        "SELECT id, request_id, owner_id, start_time_ms, state, execution FROM tasks WHERE state = 'STARTED' ORDER BY start_time_ms, id",
      ),
      history: db.prepare<[string], TaskStatusEntry>('SELECT phase, status, state FROM task_history WHERE task_id = ? ORDER BY seq'),
      results: db.prepare<[string], { body: string }>('SELECT body FROM task_results WHERE task_id = ? ORDER BY seq'),
      outputs: db.prepare<[string], { body: string }>('SELECT body FROM task_outputs WHERE task_id = ? ORDER BY seq'),
      sagas: db.prepare<[string], SagaId>('SELECT name, saga_id AS id FROM task_sagas WHERE task_id = ? ORDER BY seq'),
      appendHistory: db.prepare(
        'INSERT INTO task_history (task_id, seq, phase, status, state) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_history WHERE task_id = ?), ?, ?, ?)',
      ),
      setState: db.prepare('UPDATE tasks SET state = ? WHERE id = ?'),
      addResult: db.prepare(
        'INSERT INTO task_results (task_id, seq, body) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_results WHERE task_id = ?), ?)',
      ),
      addOutput: db.prepare(
        'INSERT INTO task_outputs (task_id, seq, body) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_outputs WHERE task_id = ?), ?)',
      ),
      addSaga: db.prepare(
        'INSERT INTO task_sagas (task_id, seq, name, saga_id) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_sagas WHERE task_id = ?), ?, ?)',
      ),
      setOwner: db.prepare('UPDATE tasks SET owner_id = ? WHERE id = ?'),
      setExecution: db.prepare('UPDATE tasks SET execution = ? WHERE id = ?'),
    };
  }

  async create(input: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    const id = newTaskId();
    const created = this.opts.db.transaction(() => {
      const inserted = this.s.insertTask.run(id, input.requestId, input.ownerId, input.startTimeMs, input.first.state, input.execution ?? null).changes === 1;
      if (inserted) this.s.appendHistory.run(id, id, input.first.phase, input.first.status, input.first.state);
      return inserted;
    })();
    const row = created ? this.s.byId.get(id) : this.s.byRequestId.get(input.requestId);
    if (!row) throw new Error(`task for request ${input.requestId} vanished`);
    return { task: this.load(row), created };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.s.byId.get(id);
    return row && this.load(row);
  }

  async getByRequestId(requestId: string): Promise<TaskRecord | undefined> {
    const row = this.s.byRequestId.get(requestId);
    return row && this.load(row);
  }

  async appendHistory(id: string, entry: TaskStatusEntry): Promise<void> {
    this.opts.db.transaction(() => {
      this.mustExist(id);
      this.s.appendHistory.run(id, id, entry.phase, entry.status, entry.state);
      this.s.setState.run(entry.state satisfies TaskState, id);
    })();
  }

  async addResultObjects(id: string, objects: readonly unknown[]): Promise<void> {
    this.opts.db.transaction(() => {
      this.mustExist(id);
      for (const o of objects) this.s.addResult.run(id, id, JSON.stringify(o));
    })();
  }

  async addOutput(id: string, output: TaskOutput): Promise<void> {
    this.mustExist(id);
    this.s.addOutput.run(id, id, JSON.stringify(output));
  }

  async addSagaId(id: string, sagaId: SagaId): Promise<void> {
    this.mustExist(id);
    this.s.addSaga.run(id, id, sagaId.name, sagaId.id);
  }

  async setOwner(id: string, ownerId: string): Promise<void> {
    if (this.s.setOwner.run(ownerId, id).changes === 0) throw new UnknownTaskError(id);
  }

  async setExecution(id: string, execution: string | undefined): Promise<void> {
    if (this.s.setExecution.run(execution ?? null, id).changes === 0) throw new UnknownTaskError(id);
  }

  async transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean> {
    return this.opts.db.transaction(() => {
      const row = this.s.byId.get(id);
      if (!row) throw new UnknownTaskError(id);
      if (row.state !== expect.state || (expect.ownerId !== undefined && row.owner_id !== expect.ownerId)) return false;
      this.s.setOwner.run(ownerId, id);
      this.s.appendHistory.run(id, id, entry.phase, entry.status, entry.state);
      this.s.setState.run(entry.state, id);
      return true;
    }).immediate();
  }

  async listRunning(): Promise<TaskRecord[]> {
    return this.s.running.all().map((r) => this.load(r));
  }

  async close(): Promise<void> {}

  private mustExist(id: string): void {
    if (!this.s.byId.get(id)) throw new UnknownTaskError(id);
  }

  private load(row: TaskRow): TaskRecord {
    return {
      id: row.id,
      requestId: row.request_id,
      ownerId: row.owner_id,
      startTimeMs: row.start_time_ms,
      history: this.s.history.all(row.id).map((h) => ({ phase: h.phase, status: h.status, state: h.state })),
      resultObjects: this.s.results.all(row.id).map((r) => JSON.parse(r.body) as unknown),
      outputs: this.s.outputs.all(row.id).map((r) => JSON.parse(r.body) as TaskOutput),
      sagaIds: this.s.sagas.all(row.id).map((r) => ({ name: r.name, id: r.id })),
      ...(row.execution === null ? {} : { execution: row.execution }),
    };
  }
}

import type { SagaId, TaskOutput, TaskRecord, TaskStatusEntry } from '../../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskExpectation, type TaskRepository } from '../../core/tasks/TaskRepository.js';
import type { SqlClient, SqlExecutor } from './SqlClient.js';
import { ulid, ulidTime } from './ulid.js';

interface TaskRow {
  id: string;
  request_id: string;
  owner_id: string;
  created_at: number;
  saga_ids: string | null;
}

/**
 * Tasks in clouddriver-sql's SqlTaskRepository tables: `tasks` (id, request_id, owner_id,
 * created_at = start time, saga_ids JSON), append-only `task_states` (latest row = current state),
 * `task_results` (one JSON body per result object) and `task_outputs`; child rows have ULID ids,
 * so ordering by id is insertion order. `create` is atomic per request id through the unique
 * index on `request_id` (insert-if-absent, then the first state, in one transaction). The sealed
 * execution lives in our own `task_executions` table, so clouddriver-sql's tables stay as the Java
 * service reads them.
 */
export class SqlTaskRepository implements TaskRepository {
  constructor(private readonly opts: { client: SqlClient }) {}

  async create(task: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    const { client } = this.opts;
    const id = ulid();
    const created = await client.transaction(async (tx) => {
      const inserted = await tx.query(
        client.dialect.insertIgnore('tasks', ['id', 'request_id', 'owner_id', 'created_at', 'saga_ids'], ['request_id'], 1),
        [id, task.requestId, task.ownerId, task.startTimeMs, '[]'],
      );
      if (inserted.affected !== 1) return false;
      await insertState(tx, id, task.first);
      if (task.execution !== undefined) await tx.query('INSERT INTO task_executions (task_id, body) VALUES (?, ?)', [id, task.execution]);
      return true;
    });
    const record = created ? await this.get(id) : await this.getByRequestId(task.requestId);
    if (!record) throw new Error(`task for request ${task.requestId} vanished`);
    return { task: record, created };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    return this.load('id', id);
  }

  async getByRequestId(requestId: string): Promise<TaskRecord | undefined> {
    return this.load('request_id', requestId);
  }

  async appendHistory(id: string, entry: TaskStatusEntry): Promise<void> {
    await this.mustExist(id);
    await insertState(this.opts.client, id, entry);
  }

  async addResultObjects(id: string, objects: readonly unknown[]): Promise<void> {
    await this.mustExist(id);
    if (objects.length === 0) return;
    const now = Date.now();
    await this.opts.client.query(
      `INSERT INTO task_results (id, task_id, body) VALUES ${objects.map(() => '(?, ?, ?)').join(', ')}`,
      objects.flatMap((o) => [ulid(now), id, JSON.stringify(o)]),
    );
  }

  async addOutput(id: string, output: TaskOutput): Promise<void> {
    await this.mustExist(id);
    await this.opts.client.query('INSERT INTO task_outputs (id, task_id, created_at, manifest, phase, std_out, std_error) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      ulid(),
      id,
      Date.now(),
      output.manifest,
      output.phase,
      output.stdOut,
      output.stdError,
    ]);
  }

  async addSagaId(id: string, sagaId: SagaId): Promise<void> {
    await this.opts.client.transaction(async (tx) => {
      const { rows } = await tx.query<{ saga_ids: string | null }>('SELECT saga_ids FROM tasks WHERE id = ? FOR UPDATE', [id]);
      const row = rows[0];
      if (!row) throw new UnknownTaskError(id);
      const sagas = [...(JSON.parse(row.saga_ids ?? '[]') as SagaId[]), { name: sagaId.name, id: sagaId.id }];
      await tx.query('UPDATE tasks SET saga_ids = ? WHERE id = ?', [JSON.stringify(sagas), id]);
    });
  }

  async setOwner(id: string, ownerId: string): Promise<void> {
    await this.mustExist(id);
    await this.opts.client.query('UPDATE tasks SET owner_id = ? WHERE id = ?', [ownerId, id]);
  }

  async setExecution(id: string, execution: string | undefined): Promise<void> {
    await this.mustExist(id);
    await this.opts.client.transaction(async (tx) => {
      await tx.query('DELETE FROM task_executions WHERE task_id = ?', [id]);
      if (execution !== undefined) await tx.query('INSERT INTO task_executions (task_id, body) VALUES (?, ?)', [id, execution]);
    });
  }

  async transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean> {
    return this.opts.client.transaction(async (tx) => {
      // The row lock serializes transitions of one task across instances.
      const row = (await tx.query<{ owner_id: string }>('SELECT owner_id FROM tasks WHERE id = ? FOR UPDATE', [id])).rows[0];
      if (!row) throw new UnknownTaskError(id);
      const last = (await tx.query<{ id: string; state: string }>('SELECT id, state FROM task_states WHERE task_id = ? ORDER BY id DESC LIMIT 1', [id])).rows[0];
      if (last?.state !== expect.state || (expect.ownerId !== undefined && row.owner_id !== expect.ownerId)) return false;
      await tx.query('UPDATE tasks SET owner_id = ? WHERE id = ?', [ownerId, id]);
      // Another instance wrote the last state; a clock behind its own must still sort after it.
      await insertState(tx, id, entry, Math.max(Date.now(), ulidTime(last.id) + 1));
      return true;
    });
  }

  async listRunning(): Promise<TaskRecord[]> {
    const { rows } = await this.opts.client.query<{ id: string }>(
      `SELECT t.id FROM tasks t
       WHERE (SELECT s.state FROM task_states s WHERE s.task_id = t.id ORDER BY s.id DESC LIMIT 1) = 'STARTED'
       ORDER BY t.created_at, t.id`,
    );
    const tasks = await Promise.all(rows.map((r) => this.get(r.id)));
    return tasks.filter((t): t is TaskRecord => t !== undefined);
  }

  async close(): Promise<void> {}

  private async mustExist(id: string): Promise<void> {
    const { rows } = await this.opts.client.query('SELECT id FROM tasks WHERE id = ?', [id]);
    if (rows.length === 0) throw new UnknownTaskError(id);
  }

  private async load(column: 'id' | 'request_id', value: string): Promise<TaskRecord | undefined> {
    const { client } = this.opts;
    const row = (await client.query<TaskRow>(`SELECT id, request_id, owner_id, created_at, saga_ids FROM tasks WHERE ${column} = ?`, [value])).rows[0];
    if (!row) return undefined;
    const [states, results, outputs, execution] = await Promise.all([
      client.query<TaskStatusEntry>('SELECT phase, status, state FROM task_states WHERE task_id = ? ORDER BY id', [row.id]),
      client.query<{ body: string }>('SELECT body FROM task_results WHERE task_id = ? ORDER BY id', [row.id]),
      client.query<{ manifest: string; phase: string; std_out: string | null; std_error: string | null }>(
        'SELECT manifest, phase, std_out, std_error FROM task_outputs WHERE task_id = ? ORDER BY id',
        [row.id],
      ),
      client.query<{ body: string }>('SELECT body FROM task_executions WHERE task_id = ?', [row.id]),
    ]);
    const sealed = execution.rows[0]?.body;
    return {
      id: row.id,
      requestId: row.request_id,
      ownerId: row.owner_id,
      startTimeMs: Number(row.created_at),
      history: states.rows.map((s) => ({ phase: s.phase, status: s.status, state: s.state })),
      resultObjects: results.rows.map((r) => JSON.parse(r.body) as unknown),
      outputs: outputs.rows.map((o) => ({ manifest: o.manifest, phase: o.phase, stdOut: o.std_out, stdError: o.std_error })),
      sagaIds: JSON.parse(row.saga_ids ?? '[]') as SagaId[],
      ...(sealed === undefined ? {} : { execution: sealed }),
    };
  }
}

async function insertState(db: SqlExecutor, taskId: string, entry: TaskStatusEntry, now = Date.now()): Promise<void> {
  await db.query('INSERT INTO task_states (id, task_id, created_at, state, phase, status) VALUES (?, ?, ?, ?, ?, ?)', [
    ulid(now),
    taskId,
    now,
    entry.state,
    entry.phase,
    entry.status,
  ]);
}

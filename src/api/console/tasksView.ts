import { currentEntry, type TaskRecord, type TaskState } from '../../core/tasks/Task.js';
import type { RecentTask } from './recentTasks.js';

/** One task in the console's list. */
export interface TaskRow {
  readonly id: string;
  readonly state: TaskState;
  readonly phase: string;
  readonly status: string;
  readonly startTimeMs: number;
  readonly ownerId: string;
  /** What this instance knows of the submission (null/empty for tasks submitted elsewhere). */
  readonly cloudProvider: string | null;
  readonly operations: readonly string[];
  readonly accounts: readonly string[];
  readonly user: string | null;
  readonly historyLines: number;
}

export function taskRow(task: TaskRecord, known: RecentTask | undefined): TaskRow {
  const cur = currentEntry(task);
  return {
    id: task.id,
    state: cur.state,
    phase: cur.phase,
    status: cur.status,
    startTimeMs: task.startTimeMs,
    ownerId: task.ownerId,
    cloudProvider: known?.cloudProvider ?? null,
    operations: known?.operations ?? [],
    accounts: known?.accounts ?? [],
    user: known?.user ?? null,
    historyLines: task.history.length,
  };
}

/** Whether a row passes the list's filters: its state (empty = any) and text in its id, status, operations or accounts (case-insensitive). */
export function matchesTaskFilter(row: TaskRow, filter: { state?: string | undefined; q?: string | undefined }): boolean {
  if (filter.state !== undefined && filter.state !== '' && row.state !== filter.state) return false;
  const q = filter.q?.trim().toLowerCase() ?? '';
  return q === '' || [row.id, row.status, ...row.operations, ...row.accounts].some((s) => s.toLowerCase().includes(q));
}

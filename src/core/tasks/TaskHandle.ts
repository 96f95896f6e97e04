import type { TaskOutput } from './Task.js';

/** What an operation sees of its task: status lines and outputs, nothing else. */
export interface TaskHandle {
  readonly id: string;
  /** Appends a history line; throws once the task is completed (a failed task takes no updates). */
  updateStatus(phase: string, status: string): Promise<void>;
  addOutput(output: TaskOutput): Promise<void>;
}

/** A task submitted through this instance's HTTP API, as the console lists it. */
export interface RecentTask {
  readonly id: string;
  readonly cloudProvider: string;
  /** Operation names, in order. */
  readonly operations: readonly string[];
  /** Accounts the operations name (`account`, `credentials`, `accountName`): the console shows the task only to those who may read them all. */
  readonly accounts: readonly string[];
  readonly user: string | null;
  readonly submittedMs: number;
}

/**
 * The tasks submitted through this instance, newest first, at most `limit` (the oldest drop off).
 * The task store has no "recent tasks" query (Clouddriver's has none either); the console lists
 * these plus the running tasks of every instance (`TaskRepository.listRunning`), and opens any
 * task by id.
 */
export class RecentTaskIndex {
  private readonly tasks = new Map<string, RecentTask>();

  constructor(private readonly limit = 500) {}

  add(task: RecentTask): void {
    this.tasks.delete(task.id);
    this.tasks.set(task.id, task);
    while (this.tasks.size > this.limit) {
      const oldest = this.tasks.keys().next().value;
      if (oldest === undefined) break;
      this.tasks.delete(oldest);
    }
  }

  get(id: string): RecentTask | undefined {
    return this.tasks.get(id);
  }

  list(): RecentTask[] {
    return [...this.tasks.values()].reverse();
  }
}

/** Operation names and the accounts they name, from an operations request body (`[{op: description}]` or one description for `/ops/{name}`). */
export function describeSubmission(body: unknown, name: string | undefined): { operations: string[]; accounts: string[] } {
  const descriptions: [string, unknown][] =
    name !== undefined ? [[name, body]] : Array.isArray(body) ? body.flatMap((m) => (typeof m === 'object' && m !== null ? Object.entries(m as Record<string, unknown>) : [])) : [];
  const accounts = new Set<string>();
  for (const [, d] of descriptions) {
    if (typeof d !== 'object' || d === null) continue;
    const desc = d as Record<string, unknown>;
    for (const field of ['account', 'credentials', 'accountName']) if (typeof desc[field] === 'string' && desc[field] !== '') accounts.add(desc[field]);
  }
  return { operations: descriptions.map(([op]) => op), accounts: [...accounts] };
}

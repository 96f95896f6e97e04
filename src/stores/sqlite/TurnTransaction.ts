import type { SqliteDatabase } from './openSqliteDatabase.js';

interface Step {
  readonly write: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The cache writes one event-loop turn gives a connection, committed as one transaction: each
 * write is queued, and at the end of the turn (`setImmediate`) they run in order inside a single
 * transaction, each in a savepoint of its own, so a write that fails is rolled back alone and
 * only its caller sees the error. Once the writes have taken `budgetMs` (25 ms), the transaction
 * is committed and the rest wait, first in line, for the next turn. A write's promise settles
 * once the transaction is committed (or has failed: then every write of the turn is rejected,
 * and nothing of them is stored).
 *
 * A commit costs far more than the rows of a small write: it appends every page the transaction
 * touched to the WAL, and now and then checkpoints. Thousands of accounts each writing a hundred
 * items in a dozen small writes (a type each, and the snapshot agent's id lists) made commits the
 * largest part of the write-through (docs/benchmarks.md §5: 17 rows per transaction took 2.5x the
 * CPU of 105 or more per transaction; savepoints inside one transaction cost little).
 */
export class TurnTransaction {
  private static readonly byConnection = new WeakMap<SqliteDatabase, TurnTransaction>();
  private queue: Step[] = [];
  private scheduled = false;
  /** Runs a step in a savepoint when called inside a transaction (better-sqlite3 nests them so). */
  private readonly inSavepoint;
  private readonly inTransaction;

  /** The connection's: the stores opened on it share one transaction per turn. `budgetMs` and `now` apply when it is first asked for. */
  static of(db: SqliteDatabase, budgetMs?: number, now?: () => number): TurnTransaction {
    let t = TurnTransaction.byConnection.get(db);
    if (t === undefined) TurnTransaction.byConnection.set(db, (t = new TurnTransaction(db, budgetMs, now)));
    return t;
  }

  private constructor(
    db: SqliteDatabase,
    /** Writes run in one transaction until they have taken this long; the rest wait for the next turn. */
    private readonly budgetMs = 25,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.inSavepoint = db.transaction((write: () => unknown) => write());
    this.inTransaction = db.transaction((steps: readonly Step[], outcomes: Outcome[]) => {
      // A lone write needs no savepoint: when it fails, the transaction is rolled back (below).
      if (steps.length === 1) return void outcomes.push({ ok: true, value: steps[0]?.write() });
      const started = this.now();
      for (const step of steps) {
        try {
          outcomes.push({ ok: true, value: this.inSavepoint(step.write) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
        // The rest go in the next turn's transaction: one commit never holds the loop for long.
        if (this.now() - started >= this.budgetMs) return;
      }
    });
  }

  /** Runs `write` (synchronous statements) in this turn's transaction; settles once it is committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    const steps = this.queue;
    this.queue = [];
    const outcomes: Outcome[] = [];
    try {
      this.inTransaction(steps, outcomes);
    } catch (error) {
      // A lone write failed, or the commit itself did (a busy or full database): nothing of this turn is stored.
      for (const step of steps) step.reject(error);
      return;
    }
    // Writes the budget left out wait, first in line, for the next turn.
    if (outcomes.length < steps.length) {
      this.queue = [...steps.slice(outcomes.length), ...this.queue];
      this.schedule();
    }
    outcomes.forEach((o, i) => {
      const step = steps[i];
      if (o.ok) step?.resolve(o.value);
      else step?.reject(o.error);
    });
  }
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

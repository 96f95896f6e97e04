import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './openSqliteDatabase.js';

/**
 * Copies the write-ahead log back into the database file from a thread of its own, so the
 * service's event loop does not. By default SQLite checkpoints inside the commit that takes the
 * WAL past 1,000 pages: copying and syncing pages there made checkpoints the largest part of a
 * big fill's store writes (docs/benchmarks.md §5; 210,000 items written 17 to a transaction:
 * 10.6 s of the writer's time with the default, 6.6 s with the checkpoints in a worker). The
 * worker runs a PASSIVE checkpoint (it never blocks the writer) every `busyEveryMs` while the
 * WAL holds frames, every `idleEveryMs` when it is empty. The writer's own automatic checkpoint
 * stays on at `writerPages` (~200 MB), a bound on the WAL should the worker fall behind or fail.
 * A reset WAL keeps its file up to that bound (`journal_size_limit`): truncated to 64 MB, it grew
 * back to 100-200 MB every few seconds of a 5,000-account fill, and the filesystem zeroed each
 * new block under the frames written into it (4.9 % of the event loop's busy samples in `perf`).
 */
export class WalCheckpointer {
  private constructor(
    private readonly worker: Worker,
    private readonly db: SqliteDatabase,
  ) {}

  /** Starts checkpointing the file `db` is open on; undefined for an in-memory database (no WAL). */
  static start(db: SqliteDatabase, opts: { busyEveryMs?: number; idleEveryMs?: number; writerPages?: number } = {}): WalCheckpointer | undefined {
    if (db.memory) return undefined;
    const writerPages = opts.writerPages ?? 50_000;
    db.pragma(`wal_autocheckpoint = ${writerPages}`);
    db.pragma(`journal_size_limit = ${writerPages * Number(db.pragma('page_size', { simple: true }))}`);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path: db.name, library: createRequire(import.meta.url).resolve('better-sqlite3'), busyEveryMs: opts.busyEveryMs ?? 50, idleEveryMs: opts.idleEveryMs ?? 1000 },
    });
    worker.unref();
    const checkpointer = new WalCheckpointer(worker, db);
    // Without the worker, the writer checkpoints as SQLite does by default.
    worker.once('error', () => checkpointer.fallBack());
    return checkpointer;
  }

  /** Stops the worker after a last checkpoint; the connection itself is the caller's to close. */
  async close(): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
      setTimeout(resolve, 2_000).unref();
    });
    this.worker.postMessage('close');
    await done;
    await this.worker.terminate();
  }

  private fallBack(): void {
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }
}

/** The worker: its own connection to the file, checkpointing on a timer until told to close. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.library);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
let timer;
const tick = () => {
  let frames = 0;
  try {
    // [{ busy, log, checkpointed }]: frames in the WAL and how many are in the database file.
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    frames = r.log - r.checkpointed;
  } catch {
    // Busy or locked: the next tick tries again.
    frames = 1;
  }
  timer = setTimeout(tick, frames > 0 ? workerData.busyEveryMs : workerData.idleEveryMs);
};
timer = setTimeout(tick, workerData.busyEveryMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage('closed');
});
`;

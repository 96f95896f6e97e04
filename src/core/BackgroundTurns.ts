/**
 * Shares the event loop between background work done in short synchronous steps — cache
 * write-throughs and snapshots above all — and everything else. A step waits for `next()`,
 * which resolves in a later event-loop turn; within one turn, waiters are released one after
 * another (each runs its synchronous step before the next is released) until `sliceMs` of their
 * work has run, and the rest wait for the turn after, so I/O and requests are served between
 * slices.
 *
 * Without it, every writer yielding on its own (`setImmediate` per step) meant that a hundred
 * accounts whose write-throughs fell due together each ran a step in the same turn: one task of
 * hundreds of milliseconds that a read arriving meanwhile waited out, while thousands of
 * accounts filled. Waiters are released in the order they asked (first come, first served).
 */
export class BackgroundTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  constructor(
    private readonly sliceMs = 10,
    private readonly now: () => number = () => performance.now(),
    private readonly defer: (run: () => void) => void = (run) => setImmediate(run),
  ) {}

  /** Resolves in a later turn, once the steps released before it in that turn took less than `sliceMs`. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Steps waiting for a turn. */
  get pending(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(this.turn);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    const started = this.now();
    const releaseNext = (): void => {
      if (this.waiting.length === 0) return;
      if (this.now() - started >= this.sliceMs) return this.schedule();
      this.waiting.shift()?.();
      // Queued after the released step's continuation, so this runs once its synchronous part has.
      queueMicrotask(releaseNext);
    };
    releaseNext();
  };
}

/** The process's: background steps of every provider and store share one event loop. */
export const processBackground = new BackgroundTurns();

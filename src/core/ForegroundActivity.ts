/**
 * Whether the process is serving requests, so bulk background work can step aside: the event
 * loop is shared, and a batch of a big cache write-through holds it for tens of milliseconds,
 * which a read arriving meanwhile waits out. The HTTP server reports each request's start and
 * end; `quiet()` waits until none is in flight and none ended within `quietMs` (the next of a
 * client's sequence of reads is likely on its way), but never longer than it is told, so
 * background work is slowed under a steady stream of requests, never stopped.
 */
export class ForegroundActivity {
  private inFlight = 0;
  private lastEndMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly quietMs = 20,
  ) {}

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastEndMs = this.now();
  }

  /** A request in flight, or one ended less than `quietMs` ago. */
  active(): boolean {
    return this.inFlight > 0 || this.now() - this.lastEndMs < this.quietMs;
  }

  /** Resolves once not `active()`, or after `maxWaitMs`. */
  async quiet(maxWaitMs: number): Promise<void> {
    const deadline = this.now() + maxWaitMs;
    for (let left = maxWaitMs; this.active() && left > 0; left = deadline - this.now()) await this.sleep(Math.min(POLL_MS, left));
  }
}

/** How often `quiet()` looks again while requests are being served. */
const POLL_MS = 5;

/** The process's: requests of every server in it share one event loop. */
export const processForeground = new ForegroundActivity();

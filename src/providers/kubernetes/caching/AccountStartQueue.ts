/** What the queue starts: an account cache's `lead()` and its wait for the first sync. */
export interface StartableAccount {
  lead(): void;
  waitForInitialSync(timeoutMs: number): Promise<unknown>;
}

export interface AccountStartQueueOptions<A extends StartableAccount> {
  /** At most this many accounts on their first LIST at once. */
  readonly concurrency: number;
  /** Asked when an account's turn comes: false skips it (removed, or led by another instance meanwhile). */
  readonly stillWanted: (account: A) => boolean;
  /** How late the event loop has run lately (ms): see `EventLoopLag`. Absent: never late. */
  readonly lagMs?: () => number;
  /** Called when accounts wait and when none do any more (starts and stops the lag readings). */
  readonly onBusy?: (busy: boolean) => void;
  /** Above this lateness no account starts beyond the first `minRunning`. */
  readonly lagTargetMs?: number;
  readonly minRunning?: number;
  /** An account holds its turn until its first sync, or for this long at most (a dead cluster). */
  readonly turnMs?: number;
  /** How soon a start held back by lag is tried again. */
  readonly retryMs?: number;
}

/**
 * Starts account caches a few at a time (thousands listing at once made every LIST slow and
 * exhausted memory). A start is also held back while the event loop runs late: the LIST pages of
 * the accounts already starting, their store writes and snapshot agents keep a 2-core machine
 * busy, and each start added then only lengthens the queue every request waits in (reads of an
 * account already cached took p50 130 ms, p99 2.4 s while 5,000 accounts filled 32 at a time). At
 * least `minRunning` start whatever the lag, so the fill always moves; a dead cluster holds its
 * turn for `turnMs` at most, and uses no event loop meanwhile.
 */
export class AccountStartQueue<A extends StartableAccount> {
  private readonly waiting: A[] = [];
  private running = 0;
  private retry: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;

  constructor(private readonly opts: AccountStartQueueOptions<A>) {}

  enqueue(account: A): void {
    this.waiting.push(account);
    this.busy();
    this.startSoon();
  }

  /** Accounts on their first sync now (for tests and introspection). */
  get inProgress(): number {
    return this.running;
  }

  /**
   * Starts one account, and the next in a later event-loop turn: an account's start submits a
   * dozen requests (discovery and one LIST per kind) and makes its connection, and thirty-two
   * started in one task held the event loop for hundreds of milliseconds at a time while
   * thousands of accounts filled, which reads of accounts already cached waited out.
   */
  private next(): void {
    const { concurrency, stillWanted, lagMs, lagTargetMs = 50, minRunning = 2, turnMs = 30_000, retryMs = 50 } = this.opts;
    while (this.running < concurrency && this.waiting.length > 0) {
      if (this.running >= minRunning && (lagMs?.() ?? 0) > lagTargetMs) {
        this.retry ??= setTimeout(() => {
          this.retry = undefined;
          this.next();
        }, retryMs);
        this.retry.unref();
        return;
      }
      const account = this.waiting.shift();
      if (account === undefined || !stillWanted(account)) continue;
      this.running++;
      account.lead();
      void account.waitForInitialSync(turnMs).finally(() => {
        this.running--;
        this.startSoon();
      });
      break; // one start per turn: the next is asked for below
    }
    if (this.running < concurrency && this.waiting.length > 0) this.startSoon();
    this.busy();
  }

  /** `next()` in a later turn (once, however often asked before it runs). */
  private startSoon(): void {
    this.soon ??= setImmediate(() => {
      this.soon = undefined;
      this.next();
    });
  }

  private busy(): void {
    this.opts.onBusy?.(this.waiting.length > 0 || this.running > 0);
  }
}

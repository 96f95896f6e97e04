/**
 * Opens the connections of accounts waiting for a start-up turn ahead of that turn, a few at a
 * time, so that a big start makes them while the heap is still small.
 *
 * Why: Node reports each TLS connection's native memory to V8 as external memory (~115 KB a
 * connection), and V8 starts a full collection whenever that grows by 64 MB
 * ("external memory pressure", `Heap::ReportExternalMemoryPressure`). Connections made as each
 * account's turn comes spread those collections over the whole fill, each marking a heap that
 * has grown to gigabytes by then (5,000 accounts: ~9 of them, each a second or more of the event
 * loop's time); made first, they come while the heap is small and cheap to mark.
 */
export class ConnectAhead {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = 0;

  /** `concurrency`: connections being made at once, at most. */
  constructor(private readonly concurrency: number) {}

  /** Queues a connection; `connect` resolves once it is up or failed, and never rejects. */
  enqueue(connect: () => Promise<void>): void {
    this.waiting.push(connect);
    this.next();
  }

  /** Connections queued or being made. */
  get pending(): number {
    return this.waiting.length + this.running;
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const connect = this.waiting.shift();
      if (connect === undefined) break;
      this.running++;
      void connect().finally(() => {
        this.running--;
        this.next();
      });
    }
  }
}

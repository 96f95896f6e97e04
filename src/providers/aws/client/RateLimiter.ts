/**
 * A token bucket (Clouddriver's per-account, per-service `RateLimiter` in `AmazonClientProvider`):
 * `acquire()` resolves when a token is free. It limits real request rates, so it runs on a
 * monotonic real-time source (injectable), not the service's logical clock.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number = Math.max(1, perSecond),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Waits for a token (calls are served in order); aborted waits reject with the signal's reason. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.perSecond <= 0) return Promise.resolve();
    const next = this.queue.then(() => this.take(signal));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, waitMs);
        signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
      });
    }
  }
}

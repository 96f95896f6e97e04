/**
 * How late the event loop has run lately: while started, a timer every `intervalMs` measures how
 * much later than due it fired, and `recentMs()` is the largest lateness of the last `windowMs`.
 * Work that can wait (starting more account caches while thousands start) asks it before taking
 * more of the loop, so requests keep being answered. The timer runs only between `start()` and
 * `stop()` (an idle service pays nothing) and never keeps the process alive.
 */
export class EventLoopLag {
  private timer: NodeJS.Timeout | undefined;
  private expectedMs = 0;
  /** Lateness of the last readings, newest last (at most `windowMs / intervalMs` of them). */
  private readonly readings: number[] = [];

  constructor(
    private readonly intervalMs = 20,
    private readonly windowMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.expectedMs = this.now() + this.intervalMs;
    this.timer = setInterval(() => this.read(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.readings.length = 0;
  }

  /** The largest lateness (ms) of the readings in the last window; 0 before the first one. */
  recentMs(): number {
    return this.readings.length === 0 ? 0 : Math.max(...this.readings);
  }

  private read(): void {
    const now = this.now();
    this.readings.push(Math.max(0, now - this.expectedMs));
    if (this.readings.length > Math.max(1, Math.round(this.windowMs / this.intervalMs))) this.readings.shift();
    this.expectedMs = now + this.intervalMs;
  }
}

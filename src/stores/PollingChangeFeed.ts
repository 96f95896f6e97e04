import type { Clock } from '../core/Clock.js';
import { checkChangeFeedMessage, checkChangeFeedTopic, closedFeedError, type ChangeFeed, type ChangeFeedHandlers } from '../core/cache/ChangeFeed.js';
import { ChangeFeedSubscriptions, type ChangeFeedSubscription } from './ChangeFeedSubscriptions.js';

export interface ChangeFeedRow {
  readonly id: number;
  readonly topic: string;
  readonly message: string;
}

/**
 * The `cdts_change_feed` table of a backend without notifications (id auto-increment, topic,
 * message, created_at by the publisher's clock).
 */
export interface ChangeFeedTable {
  /** Inserts the rows in one statement; their ids increase in this order. */
  insert(rows: readonly { readonly topic: string; readonly message: string; readonly createdAt: number }[]): Promise<void>;
  /** The largest id, 0 when the table is empty. */
  maxId(): Promise<number>;
  /** Rows with `id >= from`, by id, at most `limit`. */
  readFrom(from: number, limit: number): Promise<ChangeFeedRow[]>;
  /** The rows of these ids that exist. */
  readIds(ids: readonly number[]): Promise<ChangeFeedRow[]>;
  /**
   * Deletes every row below the first one created at or after `cutoff` (all but the newest when
   * none is): always a prefix of the ids, and never the newest row, so a missing row that has a
   * successor means everything before that successor was deleted.
   */
  purge(cutoff: number): Promise<void>;
  ping(): Promise<void>;
}

export interface PollingChangeFeedOptions {
  readonly name: string;
  readonly table: ChangeFeedTable;
  /** created_at, retention, and how long a hole in the ids is waited for. */
  readonly clock: Clock;
  readonly pollIntervalMs: number;
  /**
   * While polls find nothing the interval doubles from `pollIntervalMs` up to this (default
   * `pollIntervalMs`: no back-off); a poll that finds rows, or a publish from this instance, brings
   * it back to `pollIntervalMs`. Each poll wakes the process: an idle instance need not do it 20
   * times a second, at the price of up to this much delay for the first message after a quiet spell.
   */
  readonly idlePollIntervalMs?: number;
  readonly maxMessageBytes: number;
  /** Rows older than this are deleted by publishers (default 5 minutes). */
  readonly retentionMs?: number;
  /** A publisher purges at most this often (default 30 s). */
  readonly purgeIntervalMs?: number;
  /** A missing id below the newest seen is waited for this long, then reported as a gap (default 10 s). */
  readonly holeGraceMs?: number;
  /** Rows read per query (default 500); a full read polls again at once. */
  readonly batchSize?: number;
}

/** Most missing ids tracked at once; a wider jump is reported as a gap at once. */
const MAX_HOLES = 1000;
/** Bytes of messages per INSERT statement (MySQL's max_allowed_packet is 16 MiB and up). */
const MAX_INSERT_BYTES = 1024 * 1024;

interface Pending {
  readonly topic: string;
  readonly message: string;
  readonly bytes: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * A change feed over a table, for backends without notifications (MySQL/MariaDB, SQLite).
 *
 * Publishing appends rows, one INSERT at a time in publish order (messages queued meanwhile go
 * in the next INSERT), so one publisher's rows get increasing ids and commit in that order.
 * Before an INSERT, at most every `purgeIntervalMs`, a publisher deletes the rows older than the
 * retention, as a prefix of the ids and never the newest row (see `purge`).
 *
 * Each feed instance polls once every `pollIntervalMs` (backing off to `idlePollIntervalMs` while
 * nothing arrives) while it has subscriptions, reading
 * every topic's rows after the newest id it has seen (the cursor starts at the newest id when
 * the first subscription is made) and dispatching them by topic. Ids are assigned at insert but
 * become visible at commit, so a concurrent publisher's lower id can appear after a higher one:
 * such a missing id (a hole) is looked up again on every poll until it shows up (delivered
 * then: one publisher's rows still arrive in order, since its later rows commit after it) or
 * `holeGraceMs` passes (a rolled-back insert; reported through `onGap` in case it was a very
 * slow commit). `onGap` also runs when the cursor's row was purged while newer ones were not
 * read yet: the follower slept past the retention.
 */
export class PollingChangeFeed implements ChangeFeed {
  readonly name: string;
  readonly maxMessageBytes: number;
  private readonly subs = new ChangeFeedSubscriptions();
  private readonly queue: Pending[] = [];
  private flushing = false;
  private lastPurge = Number.NEGATIVE_INFINITY;
  /** Newest id seen; undefined while nothing is subscribed. */
  private cursor: number | undefined;
  private starting: Promise<void> | undefined;
  /** Missing ids below the cursor → when first missed (clock ms). */
  private readonly holes = new Map<number, number>();
  /** Bumped when polling stops, so a poll in flight from before is discarded. */
  private epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<boolean> | undefined;
  private failures = 0;
  private closed = false;
  /** Polls in a row that found nothing (no rows, no holes waited for): the interval backs off with them. */
  private quietPolls = 0;
  /** When the scheduled poll fires (`performance.now()`). */
  private timerDueMs = 0;

  constructor(private readonly opts: PollingChangeFeedOptions) {
    this.name = opts.name;
    this.maxMessageBytes = opts.maxMessageBytes;
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    const bytes = checkChangeFeedMessage(topic, message, this.maxMessageBytes);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, bytes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async subscribe(topic: string, handlers: ChangeFeedHandlers): Promise<() => Promise<void>> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedTopic(topic);
    const sub: ChangeFeedSubscription = { topic, handlers };
    this.subs.add(sub);
    try {
      await this.start();
    } catch (err) {
      this.unsubscribe(sub);
      throw err;
    }
    return async () => this.unsubscribe(sub);
  }

  /**
   * Runs one poll now (the timer calls it too; calls never overlap). Resolves true when a full
   * batch was read and more rows may be waiting.
   */
  poll(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      await this.polling?.catch(() => undefined);
      return this.pollOnce();
    };
    const p = run();
    this.polling = p;
    return p;
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    await this.opts.table.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
    this.subs.clear();
    for (const p of this.queue.splice(0)) p.reject(closedFeedError(this.name));
    await this.polling?.catch(() => undefined);
  }

  private unsubscribe(sub: ChangeFeedSubscription): void {
    this.subs.remove(sub);
    if (this.subs.size === 0) this.stop();
  }

  /** Starts polling from the newest id, once subscribed (a start from before a stop is discarded). */
  private async start(): Promise<void> {
    while (this.cursor === undefined && !this.closed && this.subs.size > 0) {
      this.starting ??= (async () => {
        const epoch = this.epoch;
        const newest = await this.opts.table.maxId();
        if (epoch !== this.epoch || this.closed || this.subs.size === 0) return;
        this.cursor = newest;
        this.schedule(this.opts.pollIntervalMs);
      })().finally(() => (this.starting = undefined));
      await this.starting;
    }
  }

  private stop(): void {
    this.epoch++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.cursor = undefined;
    this.holes.clear();
  }

  /** The next poll's delay after one that was not a full batch: backed off while polls find nothing. */
  private quietDelayMs(): number {
    const { pollIntervalMs, idlePollIntervalMs = pollIntervalMs } = this.opts;
    return Math.max(pollIntervalMs, Math.min(idlePollIntervalMs, pollIntervalMs * 2 ** Math.min(this.quietPolls, 20)));
  }

  /** Activity here (a publish): polls go back to `pollIntervalMs`, the pending one included. */
  private wake(): void {
    this.quietPolls = 0;
    if (this.timer !== undefined && this.timerDueMs - performance.now() > this.opts.pollIntervalMs) this.schedule(this.opts.pollIntervalMs);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    if (this.closed || this.cursor === undefined) return;
    this.timerDueMs = performance.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.poll().then(
        (more) => {
          this.failures = 0;
          this.schedule(more ? 0 : this.quietDelayMs());
        },
        () => {
          // The backend is unreachable: back off, up to 32 intervals. Nothing is lost meanwhile
          // unless the outage outlasts the retention, which the next poll reports.
          this.failures++;
          this.schedule(this.opts.pollIntervalMs * 2 ** Math.min(this.failures, 5));
        },
      );
    }, delay);
    // A poller never keeps the process alive.
    this.timer.unref();
  }

  private async pollOnce(): Promise<boolean> {
    const from = this.cursor;
    if (from === undefined || this.closed) return false;
    const epoch = this.epoch;
    const limit = this.opts.batchSize ?? 500;
    const rows = await this.opts.table.readFrom(from, limit + 1);
    const holeIds = [...this.holes.keys()];
    const found = holeIds.length > 0 ? await this.opts.table.readIds(holeIds) : [];
    if (epoch !== this.epoch || this.closed) return false;

    let gap = false;
    let next = 0;
    if (rows[0]?.id === from) next = 1;
    // The cursor's row is gone and rows after it were deleted with it: we slept past the retention.
    else if (from > 0 && rows[0] !== undefined && rows[0].id > from + 1) gap = true;

    const now = this.opts.clock.now();
    for (const row of found.sort((a, b) => a.id - b.id)) this.holes.delete(row.id);
    for (const [id, since] of this.holes) {
      if (now - since < (this.opts.holeGraceMs ?? 10_000)) continue;
      this.holes.delete(id);
      gap = true;
    }
    const fresh = rows.slice(next);
    let cursor = from;
    for (const row of fresh) {
      if (cursor > 0 && !gap && row.id > cursor + 1) {
        if (this.holes.size + (row.id - cursor - 1) > MAX_HOLES) gap = true;
        else for (let id = cursor + 1; id < row.id; id++) this.holes.set(id, now);
      }
      cursor = row.id;
    }
    this.cursor = cursor;
    if (gap) {
      // Everything before the cursor is accounted for by the follower's re-read.
      this.holes.clear();
      this.subs.gap();
    }
    for (const row of found) this.subs.dispatch(row.topic, row.message);
    for (const row of fresh) this.subs.dispatch(row.topic, row.message);
    this.quietPolls = fresh.length > 0 || found.length > 0 || this.holes.size > 0 || gap ? 0 : this.quietPolls + 1;
    return rows.length > limit;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        let bytes = 0;
        let n = 0;
        for (const p of this.queue) {
          if (n >= (this.opts.batchSize ?? 500) || (n > 0 && bytes + p.bytes > MAX_INSERT_BYTES)) break;
          bytes += p.bytes;
          n++;
        }
        const batch = this.queue.splice(0, n);
        // Before the insert, so a publish that resolved has seen its purge through.
        await this.purgeIfDue();
        const createdAt = this.opts.clock.now();
        try {
          await this.opts.table.insert(batch.map((p) => ({ topic: p.topic, message: p.message, createdAt })));
          this.wake();
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async purgeIfDue(): Promise<void> {
    const now = this.opts.clock.now();
    if (now - this.lastPurge < (this.opts.purgeIntervalMs ?? 30_000)) return;
    this.lastPurge = now;
    // Best effort: a failed purge is retried at the next interval.
    await this.opts.table.purge(now - (this.opts.retentionMs ?? 5 * 60_000)).catch(() => undefined);
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeFeed } from '../../core/cache/ChangeFeed.js';
import type { ManualClock } from '../ManualClock.js';

export interface ChangeFeedFixture {
  /** Two instances on two connections to one backend, as two service instances would have. */
  readonly a: ChangeFeed;
  readonly b: ChangeFeed;
  /**
   * Drops b's subscriber connection as a network failure or the server would; resolves once it
   * is dropped. Absent for backends with nothing to drop (memory, polling).
   */
  dropSubscriber?(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Deadline for anything that should arrive (generous: the machine is shared). */
const ARRIVES_WITHIN_MS = 15_000;

/** Records what a subscription receives; waits for it with a deadline. */
export class Received {
  readonly messages: string[] = [];
  gaps = 0;
  private waiters: (() => void)[] = [];

  readonly handlers = {
    onMessage: (m: string) => {
      this.messages.push(m);
      this.wake();
    },
    onGap: () => {
      this.gaps++;
      this.wake();
    },
  };

  /** Resolves once `done()` holds; fails with what was received when the deadline passes. */
  async until(what: string, done: () => boolean, withinMs = ARRIVES_WITHIN_MS): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}: received ${this.messages.length} (${this.messages.slice(-5).map((m) => m.slice(0, 40)).join(', ')}), ${this.gaps} gaps`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  count(n: number): Promise<void> {
    return this.until(`${n} messages`, () => this.messages.length >= n);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A string of exactly `bytes` bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte characters. */
export function utf8OfExactly(bytes: number): string {
  const chars = ['😀', 'é', '€', 'a', 'ß', '中'];
  let out = '';
  let size = 0;
  for (let i = 0; size + 4 <= bytes; i++) {
    const c = chars[i % chars.length] as string;
    out += c;
    size += Buffer.byteLength(c);
  }
  while (size < bytes) {
    out += 'z';
    size++;
  }
  return out;
}

/** The behaviour every `ChangeFeed` driver must have (see ChangeFeed.ts). */
export function describeChangeFeedContract(name: string, factory: () => Promise<ChangeFeedFixture>): void {
  describe(`ChangeFeed contract: ${name}`, () => {
    let fx: ChangeFeedFixture;
    let a: ChangeFeed;
    let b: ChangeFeed;

    beforeEach(async () => {
      fx = await factory();
      ({ a, b } = fx);
    });
    afterEach(async () => {
      await a.close();
      await b.close();
      await fx.cleanup();
    });

    it('delivers what one instance publishes to the subscribers of every instance, in order', async () => {
      await a.ping();
      await b.ping();
      const onB = new Received();
      const onA = new Received();
      await b.subscribe('apps', onB.handlers);
      await a.subscribe('apps', onA.handlers);
      for (let i = 1; i <= 5; i++) await a.publish('apps', `m${i}`);
      await onB.count(5);
      await onA.count(5);
      expect(onB.messages).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(onA.messages).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(onB.gaps).toBe(0);
      await b.ping();
    });

    it('keeps topics apart', async () => {
      const one = new Received();
      const two = new Received();
      await b.subscribe('topic-1', one.handlers);
      await b.subscribe('topic:2/with spaces é', two.handlers);
      await a.publish('topic-1', 'x1');
      await a.publish('topic:2/with spaces é', 'y1');
      await a.publish('topic-3', 'z1');
      await a.publish('topic-1', 'x2');
      await a.publish('topic:2/with spaces é', 'y2');
      await two.count(2);
      await one.count(2);
      expect(one.messages).toEqual(['x1', 'x2']);
      expect(two.messages).toEqual(['y1', 'y2']);
    });

    it("keeps one publisher's order across its topics", async () => {
      const got = new Received();
      await b.subscribe('left', got.handlers);
      await b.subscribe('right', got.handlers);
      const sent = Array.from({ length: 40 }, (_, i) => `${i % 3 === 0 ? 'left' : 'right'}-${i}`);
      await Promise.all(sent.map((m) => a.publish(m.split('-')[0] as string, m)));
      await got.count(sent.length);
      expect(got.messages).toEqual(sent);
    });

    it('stops delivering to a subscription after unsubscribe and keeps the others', async () => {
      const gone = new Received();
      const kept = new Received();
      const unsubscribe = await b.subscribe('t', gone.handlers);
      await b.subscribe('t', kept.handlers);
      await a.publish('t', 'one');
      await gone.count(1);
      await kept.count(1);
      await unsubscribe();
      await unsubscribe();
      await a.publish('t', 'two');
      await kept.count(2);
      expect(kept.messages).toEqual(['one', 'two']);
      // Both subscriptions live on b and receive from one dispatch: had 'two' reached `gone`, it would be there now.
      expect(gone.messages).toEqual(['one']);
    });

    it('refuses a message over maxMessageBytes, or not well-formed, and sends nothing', async () => {
      const got = new Received();
      await b.subscribe('t', got.handlers);
      const max = a.maxMessageBytes;
      expect(max).toBeGreaterThanOrEqual(7999);
      await expect(a.publish('t', 'x'.repeat(max + 1))).rejects.toThrow(RangeError);
      await expect(a.publish('t', `${utf8OfExactly(max - 1)}é`)).rejects.toThrow(RangeError);
      await expect(a.publish('t', 'nul\u0000')).rejects.toThrow(TypeError);
      await expect(a.publish('t', 'lone \uD800 surrogate')).rejects.toThrow(TypeError);
      await expect(a.publish('', 'm')).rejects.toThrow(RangeError);
      await expect(a.subscribe('x'.repeat(256), got.handlers)).rejects.toThrow(RangeError);
      await a.publish('t', 'after');
      await got.count(1);
      expect(got.messages).toEqual(['after']);
    });

    it('carries a message of exactly maxMessageBytes of multi-byte UTF-8 intact', async () => {
      const got = new Received();
      await b.subscribe('t', got.handlers);
      const message = utf8OfExactly(a.maxMessageBytes);
      expect(Buffer.byteLength(message)).toBe(a.maxMessageBytes);
      await a.publish('t', message);
      await a.publish('t', '');
      await got.count(2);
      expect(got.messages[0] === message).toBe(true);
      expect(got.messages[1]).toBe('');
    });

    it('delivers a burst of 1,000 messages in order, beside a second publisher', async () => {
      const onB = new Received();
      const onA = new Received();
      await b.subscribe('burst', onB.handlers);
      await a.subscribe('burst', onA.handlers);
      await Promise.all([
        ...Array.from({ length: 1000 }, (_, i) => a.publish('burst', `a${i}`)),
        ...Array.from({ length: 200 }, (_, i) => b.publish('burst', `b${i}`)),
      ]);
      await onB.count(1200);
      await onA.count(1200);
      for (const got of [onA, onB]) {
        expect(got.messages.filter((m) => m.startsWith('a'))).toEqual(Array.from({ length: 1000 }, (_, i) => `a${i}`));
        expect(got.messages.filter((m) => m.startsWith('b'))).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
        expect(got.gaps).toBe(0);
      }
    });

    it('delivers every one of identical messages published together', async () => {
      const got = new Received();
      await b.subscribe('same', got.handlers);
      await Promise.all(Array.from({ length: 50 }, () => a.publish('same', 'again')));
      await a.publish('same', 'last');
      await got.count(51);
      expect(got.messages).toEqual([...Array.from({ length: 50 }, () => 'again'), 'last']);
    });

    it('ends its subscriptions and refuses calls once closed', async () => {
      const closed = new Received();
      const live = new Received();
      await b.subscribe('t', closed.handlers);
      await a.subscribe('t', live.handlers);
      await b.close();
      await b.close();
      await expect(b.publish('t', 'm')).rejects.toThrow(/closed/);
      await expect(b.subscribe('t', closed.handlers)).rejects.toThrow(/closed/);
      await expect(b.ping()).rejects.toThrow(/closed/);
      await a.publish('t', 'after close');
      await live.count(1);
      expect(closed.messages).toEqual([]);
    });

    it('reports a gap after a dropped subscriber connection, then delivers again', async (ctx) => {
      if (!fx.dropSubscriber) return ctx.skip();
      const got = new Received();
      await b.subscribe('t', got.handlers);
      await a.publish('t', 'before');
      await got.count(1);
      await fx.dropSubscriber();
      await got.until('onGap', () => got.gaps >= 1);
      await b.ping();
      await a.publish('t', 'after');
      await got.until("'after'", () => got.messages.includes('after'));
      expect(got.messages).toEqual(['before', 'after']);
    });
  });
}

/** A polling feed: its `poll()` runs one poll now. */
export interface PollingFeed extends ChangeFeed {
  poll(): Promise<boolean>;
}

export interface PollingChangeFeedFixture {
  /** The publisher. */
  readonly a: ChangeFeed;
  /** A follower that polls only when told (its interval is far beyond the test). */
  readonly b: PollingFeed;
  /** Drives created_at, retention (5 minutes) and the hole grace (10 s) of both. */
  readonly clock: ManualClock;
  /** Rows in the table. */
  rowCount(): Promise<number>;
  /** Inserts a row in a transaction left open (another publisher's slow commit); absent where writers are serialized. */
  insertUncommitted?(topic: string, message: string): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }>;
  cleanup(): Promise<void>;
}

/** What a polled table adds to the contract: retention, and ids that commit out of order. */
export function describePollingChangeFeedContract(name: string, factory: () => Promise<PollingChangeFeedFixture>): void {
  describe(`polled ChangeFeed: ${name}`, () => {
    let fx: PollingChangeFeedFixture;

    beforeEach(async () => {
      fx = await factory();
      // A row before the follower starts, so its cursor is past 0.
      await fx.a.publish('prime', 'p');
    });
    afterEach(async () => {
      await fx.a.close();
      await fx.b.close();
      await fx.cleanup();
    });

    it('purges rows older than the retention and tells a follower that slept past it', async () => {
      const got = new Received();
      await fx.b.subscribe('t', got.handlers);
      await fx.a.publish('t', 'm1');
      await fx.b.poll();
      expect(got.messages).toEqual(['m1']);
      await fx.a.publish('t', 'm2');
      fx.clock.advance(5 * 60_000 + 1);
      expect(await fx.rowCount()).toBe(3);
      // The purge before this insert keeps only the newest row, m2.
      await fx.a.publish('t', 'm3');
      expect(await fx.rowCount()).toBe(2);
      fx.clock.advance(5 * 60_000 + 1);
      // This one deletes m2, unseen by the follower.
      await fx.a.publish('t', 'm4');
      expect(await fx.rowCount()).toBe(2);
      expect(got.gaps).toBe(0);
      await fx.b.poll();
      expect(got.gaps).toBe(1);
      expect(got.messages).toEqual(['m1', 'm3', 'm4']);
      await fx.a.publish('t', 'm5');
      await fx.b.poll();
      expect(got.messages).toEqual(['m1', 'm3', 'm4', 'm5']);
      expect(got.gaps).toBe(1);
    });

    it('keeps the newest row when every row is past the retention, so a follower in time sees no gap', async () => {
      const got = new Received();
      await fx.b.subscribe('t', got.handlers);
      await fx.a.publish('t', 'm1');
      await fx.b.poll();
      fx.clock.advance(10 * 60_000);
      await fx.a.publish('other', 'o1');
      fx.clock.advance(10 * 60_000);
      // Every row is past the retention: all but the newest (o1) go.
      await fx.a.publish('t', 'm2');
      expect(await fx.rowCount()).toBe(2);
      await fx.b.poll();
      fx.clock.advance(10 * 60_000);
      await fx.a.publish('t', 'm3');
      fx.clock.advance(10 * 60_000);
      // The follower's cursor row (m2) goes now, but nothing after it.
      await fx.a.publish('t', 'm4');
      expect(await fx.rowCount()).toBe(2);
      await fx.b.poll();
      expect(got.messages).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(got.gaps).toBe(0);
    });

    it('purges a backlog larger than one delete chunk', async () => {
      await Promise.all(Array.from({ length: 12_000 }, (_, i) => fx.a.publish('backlog', `m${i}`)));
      expect(await fx.rowCount()).toBe(12_001);
      fx.clock.advance(5 * 60_000 + 1);
      await fx.a.publish('backlog', 'fresh');
      // The newest old row stays (see purge), beside the fresh one.
      expect(await fx.rowCount()).toBe(2);
    });

    it('delivers a row that commits after a newer one, once', async (ctx) => {
      if (!fx.insertUncommitted) return ctx.skip();
      const got = new Received();
      await fx.b.subscribe('t', got.handlers);
      const slow = await fx.insertUncommitted('t', 'slow');
      await fx.a.publish('t', 'fast');
      await fx.b.poll();
      expect(got.messages).toEqual(['fast']);
      await slow.commit();
      await fx.b.poll();
      await fx.b.poll();
      expect(got.messages).toEqual(['fast', 'slow']);
      expect(got.gaps).toBe(0);
    });

    it('reports a gap when a missing id never commits within the grace', async (ctx) => {
      if (!fx.insertUncommitted) return ctx.skip();
      const got = new Received();
      await fx.b.subscribe('t', got.handlers);
      const never = await fx.insertUncommitted('t', 'never');
      await fx.a.publish('t', 'next');
      await fx.b.poll();
      await never.rollback();
      fx.clock.advance(9_999);
      await fx.b.poll();
      expect(got.gaps).toBe(0);
      fx.clock.advance(1);
      await fx.b.poll();
      expect(got.gaps).toBe(1);
      expect(got.messages).toEqual(['next']);
    });
  });
}

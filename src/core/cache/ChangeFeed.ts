/**
 * Broadcast of small messages to every instance sharing a store: the change feed that tells the
 * instances of a cluster what another instance just wrote, so that a follower re-reads within
 * milliseconds instead of polling the whole store.
 *
 * Invariants (checked by `describeChangeFeedContract` against every driver on its real server):
 * - **Fan-out.** Every subscriber of a topic, on any instance sharing the backend (including the
 *   publishing instance itself), receives each message published on that topic after its
 *   `subscribe` resolved. It may also receive some published shortly before. Topics are
 *   isolated: a subscriber never receives another topic's messages.
 * - **Order.** Messages of one publisher (one `ChangeFeed` instance) arrive in the order
 *   `publish` was called, across all its topics; no order is promised between publishers.
 * - **Best effort, never silent.** Delivery can fail (a dropped connection, a subscriber too slow
 *   for the server's buffers, a polling follower asleep past the retention); when messages may
 *   have been lost the subscription's `onGap` runs, after the subscription is live again, so a
 *   follower that re-reads the store from `onGap` misses nothing. A message is delivered at most
 *   once per subscription (no duplicates), but `onGap` may also run when nothing was lost.
 * - **Size.** A message is at most `maxMessageBytes` bytes of UTF-8 (PostgreSQL's NOTIFY caps the
 *   payload below 8000 bytes, the smallest of the backends); a larger one is refused with a
 *   `RangeError` and nothing is sent. A message must be well-formed text without U+0000 (not
 *   every backend carries them): refused with a `TypeError`. A topic is 1 to 255 characters.
 * - **Handlers** run on the event loop, one message at a time, and must not throw (an error
 *   thrown by a handler is swallowed, so that one subscriber cannot stop the others).
 * - **Lifecycle.** `publish` resolves once the backend has accepted the message (it is then
 *   visible to every live subscriber). The function `subscribe` resolves with is idempotent and
 *   stops delivery to that subscription. `close` ends every subscription, releases the driver's
 *   own connections and timers (the process can exit), is idempotent; later calls reject.
 *   Connections shared with other stores (the pool, the main Redis client) are the caller's.
 */
export interface ChangeFeed {
  /** Driver name, for `/health`. */
  readonly name: string;
  /** Largest message accepted, in bytes of UTF-8. */
  readonly maxMessageBytes: number;
  publish(topic: string, message: string): Promise<void>;
  /** Resolves once subscribed; resolves to the unsubscribe function. */
  subscribe(topic: string, handlers: ChangeFeedHandlers): Promise<() => Promise<void>>;
  /** Throws when the backend is unreachable, or a subscriber connection is down (reconnecting). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ChangeFeedHandlers {
  onMessage(message: string): void;
  /** Messages may have been lost (reconnect, retention): re-read what the feed announces. */
  onGap?(): void;
}

/** Longest topic, in UTF-16 code units (a SQL `varchar(255)` column holds it). */
export const MAX_TOPIC_LENGTH = 255;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws the errors the contract names for an invalid topic or message; returns the message's UTF-8 size. */
export function checkChangeFeedMessage(topic: string, message: string, maxMessageBytes: number): number {
  checkChangeFeedTopic(topic);
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes > maxMessageBytes) throw new RangeError(`change feed message of ${bytes} bytes exceeds the limit of ${maxMessageBytes}`);
  if (message.includes('\u0000') || LONE_SURROGATE.test(message)) throw new TypeError('change feed message must be well-formed text without U+0000');
  return bytes;
}

export function checkChangeFeedTopic(topic: string): void {
  if (topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) throw new RangeError(`change feed topic must be 1 to ${MAX_TOPIC_LENGTH} characters`);
}

/** Runs a handler, swallowing what it throws (see the Handlers invariant). */
export function deliverSafely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A subscriber's failure must not stop delivery to the others.
  }
}

/** The error every call on a closed feed rejects with. */
export function closedFeedError(name: string): Error {
  return new Error(`${name} change feed is closed`);
}

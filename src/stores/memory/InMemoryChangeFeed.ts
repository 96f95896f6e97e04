import { checkChangeFeedMessage, checkChangeFeedTopic, closedFeedError, type ChangeFeed, type ChangeFeedHandlers } from '../../core/cache/ChangeFeed.js';
import { ChangeFeedSubscriptions, type ChangeFeedSubscription } from '../ChangeFeedSubscriptions.js';

/**
 * What in-process feeds share: two `InMemoryChangeFeed`s on one hub behave as two instances on
 * one backend (tests run two app instances in one process this way).
 */
export class InMemoryChangeFeedHub {
  readonly feeds = new Set<InMemoryChangeFeed>();
}

/**
 * In-process change feed: delivery is a microtask per message and subscriber instance, in
 * publish order; nothing is ever lost, so `onGap` never runs.
 */
export class InMemoryChangeFeed implements ChangeFeed {
  readonly name = 'memory';
  readonly maxMessageBytes: number;
  private readonly hub: InMemoryChangeFeedHub;
  private readonly subs = new ChangeFeedSubscriptions();
  private closed = false;

  constructor(opts: { hub?: InMemoryChangeFeedHub; maxMessageBytes?: number } = {}) {
    this.hub = opts.hub ?? new InMemoryChangeFeedHub();
    this.maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
    this.hub.feeds.add(this);
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedMessage(topic, message, this.maxMessageBytes);
    for (const feed of this.hub.feeds) queueMicrotask(() => feed.subs.dispatch(topic, message));
  }

  async subscribe(topic: string, handlers: ChangeFeedHandlers): Promise<() => Promise<void>> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedTopic(topic);
    const sub: ChangeFeedSubscription = { topic, handlers };
    this.subs.add(sub);
    return async () => void this.subs.remove(sub);
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    this.hub.feeds.delete(this);
  }
}

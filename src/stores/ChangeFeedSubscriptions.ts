import { deliverSafely, type ChangeFeedHandlers } from '../core/cache/ChangeFeed.js';

/** One live subscription; identity is what unsubscribe removes. */
export interface ChangeFeedSubscription {
  readonly topic: string;
  readonly handlers: ChangeFeedHandlers;
}

/**
 * The subscriptions of one feed instance, by topic: what every driver dispatches received
 * messages and gaps to. A subscription removed during a dispatch receives nothing more.
 */
export class ChangeFeedSubscriptions {
  private readonly byTopic = new Map<string, Set<ChangeFeedSubscription>>();

  /** Adds a subscription; true when it is the first of its topic (the backend must start listening). */
  add(sub: ChangeFeedSubscription): boolean {
    let set = this.byTopic.get(sub.topic);
    const first = set === undefined;
    if (!set) this.byTopic.set(sub.topic, (set = new Set()));
    set.add(sub);
    return first;
  }

  /** Removes a subscription; true when it was the last of its topic (the backend may stop listening). */
  remove(sub: ChangeFeedSubscription): boolean {
    const set = this.byTopic.get(sub.topic);
    if (!set?.delete(sub)) return false;
    if (set.size > 0) return false;
    this.byTopic.delete(sub.topic);
    return true;
  }

  has(sub: ChangeFeedSubscription): boolean {
    return this.byTopic.get(sub.topic)?.has(sub) ?? false;
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  get size(): number {
    return this.byTopic.size;
  }

  dispatch(topic: string, message: string): void {
    const set = this.byTopic.get(topic);
    if (!set) return;
    for (const sub of [...set]) if (set.has(sub)) deliverSafely(() => sub.handlers.onMessage(message));
  }

  /** Tells every subscription (or those of `topics`) that messages may have been lost. */
  gap(topics?: readonly string[]): void {
    for (const topic of topics ?? this.topics()) {
      const set = this.byTopic.get(topic);
      if (!set) continue;
      for (const sub of [...set]) if (set.has(sub) && sub.handlers.onGap) deliverSafely(() => sub.handlers.onGap?.());
    }
  }

  clear(): void {
    this.byTopic.clear();
  }
}

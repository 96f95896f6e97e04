import type { Redis } from 'ioredis';
import { checkChangeFeedMessage, checkChangeFeedTopic, closedFeedError, type ChangeFeed, type ChangeFeedHandlers } from '../../core/cache/ChangeFeed.js';
import { ChangeFeedSubscriptions, type ChangeFeedSubscription } from '../ChangeFeedSubscriptions.js';

export interface RedisChangeFeedOptions {
  /** The shared client: PUBLISH goes through it (one connection, so one publisher's order holds). */
  readonly redis: Redis;
  /** Prefixes every channel, as the other Redis stores prefix their keys. */
  readonly keyPrefix?: string;
  /** CLIENT SETNAME of the subscriber connection (seen in CLIENT LIST). */
  readonly connectionName?: string;
  readonly maxMessageBytes?: number;
}

/**
 * Redis pub/sub: PUBLISH on the shared client, SUBSCRIBE on a dedicated connection made with
 * `redis.duplicate()` (a subscribed connection can run nothing else), opened at the first
 * subscription. Channels are `{keyPrefix}cdts:changes:{db}:{topic}`: pub/sub ignores the
 * database number, so it is part of the name to keep installs on other databases apart.
 *
 * Redis drops a subscriber's connection when it falls behind (`client-output-buffer-limit
 * pubsub`) or on a network failure; ioredis reconnects with its retry strategy. Re-subscribing
 * is done here rather than by ioredis's `autoResubscribe`, so that `onGap` runs exactly when the
 * server has confirmed the subscriptions again: every message published after that is delivered.
 */
export class RedisChangeFeed implements ChangeFeed {
  readonly name = 'redis';
  readonly maxMessageBytes: number;
  private readonly prefix: string;
  private readonly subs = new ChangeFeedSubscriptions();
  private subscriber: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  private closed = false;

  constructor(private readonly opts: RedisChangeFeedOptions) {
    this.maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
    this.prefix = `${opts.keyPrefix ?? ''}cdts:changes:${opts.redis.options.db ?? 0}:`;
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedMessage(topic, message, this.maxMessageBytes);
    await this.opts.redis.publish(this.prefix + topic, message);
  }

  async subscribe(topic: string, handlers: ChangeFeedHandlers): Promise<() => Promise<void>> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedTopic(topic);
    const subscriber = await this.connect();
    const sub: ChangeFeedSubscription = { topic, handlers };
    if (this.subs.add(sub)) {
      try {
        await subscriber.subscribe(this.prefix + topic);
      } catch (err) {
        this.subs.remove(sub);
        throw err;
      }
    }
    return async () => {
      if (this.subs.remove(sub) && !this.closed) await subscriber.unsubscribe(this.prefix + topic).catch(() => undefined);
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    await this.opts.redis.ping();
    const status = this.subscriber?.status;
    if (this.subs.size > 0 && status !== 'ready') throw new Error(`redis change feed subscriber connection is ${status ?? 'not open'}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subs.clear();
    const subscriber = this.subscriber ?? (await this.connecting?.catch(() => undefined));
    if (!subscriber) return;
    // With a socket open, disconnect() ends it and 'end' follows; while reconnecting there is no
    // socket, and disconnect() only cancels the reconnect timer.
    const open = subscriber.status === 'ready' || subscriber.status === 'connect' || subscriber.status === 'connecting';
    const ended = open ? new Promise<void>((resolve) => subscriber.once('end', resolve)) : undefined;
    subscriber.disconnect();
    await ended;
  }

  private connect(): Promise<Redis> {
    this.connecting ??= (async () => {
      const subscriber = this.opts.redis.duplicate({
        lazyConnect: true,
        autoResubscribe: false,
        ...(this.opts.connectionName === undefined ? {} : { connectionName: this.opts.connectionName }),
      });
      // Failures show in ping(); reconnects are ioredis's.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, message: string) => this.subs.dispatch(channel.slice(this.prefix.length), message));
      try {
        await subscriber.connect();
      } catch (err) {
        subscriber.disconnect();
        this.connecting = undefined;
        throw err;
      }
      if (this.closed) {
        subscriber.disconnect();
        throw closedFeedError(this.name);
      }
      // Every later `ready` is a reconnect: subscribe again, then report the gap.
      subscriber.on('ready', () => void this.resubscribe(subscriber));
      this.subscriber = subscriber;
      return subscriber;
    })();
    return this.connecting;
  }

  private async resubscribe(subscriber: Redis): Promise<void> {
    const topics = this.subs.topics();
    if (this.closed || topics.length === 0) return;
    try {
      await subscriber.subscribe(...topics.map((t) => this.prefix + t));
    } catch {
      return; // dropped again: the next `ready` retries
    }
    if (!this.closed) this.subs.gap(topics);
  }
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { checkChangeFeedMessage, checkChangeFeedTopic, closedFeedError, type ChangeFeed, type ChangeFeedHandlers } from '../../core/cache/ChangeFeed.js';
import { ChangeFeedSubscriptions, type ChangeFeedSubscription } from '../ChangeFeedSubscriptions.js';
import { parseUrl, type SqlClient, type SqlSettings } from './SqlClient.js';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more (async.c, NOTIFY_PAYLOAD_MAX_LENGTH). */
export const POSTGRES_MAX_NOTIFY_BYTES = 7999;
/** pg_notify calls per statement. */
const BATCH = 100;

export interface PostgresChangeFeedOptions {
  /** The pool: NOTIFY goes through it, one statement at a time (so one publisher's order holds). */
  readonly client: SqlClient;
  /** Where the dedicated LISTEN connection (outside the pool) connects. */
  readonly settings: SqlSettings;
  /** Separates installs sharing one database (with the current schema): e.g. the table namespace. */
  readonly namespace?: string;
  /** `application_name` of the LISTEN connection (seen in pg_stat_activity). */
  readonly applicationName?: string;
  /** Reconnect back-off of the LISTEN connection: first delay and ceiling, ms (doubled, with jitter). */
  readonly reconnectMs?: { readonly initial: number; readonly max: number };
  readonly maxMessageBytes?: number;
}

interface Pending {
  readonly channel: string;
  readonly message: string;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * PostgreSQL LISTEN/NOTIFY. A topic becomes the channel `cdts_` + 40 hex digits of the SHA-256 of
 * (current schema, namespace, topic): a valid identifier whatever the topic, and channels are
 * per database, not per schema, so the schema keeps installs sharing a database apart.
 *
 * Publishing runs `SELECT pg_notify(..), ..` on the pool, one statement at a time in publish
 * order; messages queued meanwhile go in the next statement (PostgreSQL delivers the
 * notifications of one transaction in order, but folds identical channel+payload pairs sent in
 * one transaction into one, so a statement never carries the same pair twice).
 *
 * Subscribing LISTENs on one dedicated connection outside the pool (a pooled connection is
 * handed to others; LISTEN lasts for the session). When that connection ends, it is opened again
 * with back-off, every channel is LISTENed again, then `onGap` runs for every subscription.
 * Notifications are UTF-8 when the database encoding is UTF8 (the default).
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly name = 'postgres';
  readonly maxMessageBytes: number;
  private readonly subs = new ChangeFeedSubscriptions();
  private readonly topicsByChannel = new Map<string, string>();
  private scope: Promise<string> | undefined;
  private readonly queue: Pending[] = [];
  private flushing = false;
  private listener: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private closed = false;

  constructor(private readonly opts: PostgresChangeFeedOptions) {
    this.maxMessageBytes = Math.min(opts.maxMessageBytes ?? POSTGRES_MAX_NOTIFY_BYTES, POSTGRES_MAX_NOTIFY_BYTES);
    this.retryDelay = opts.reconnectMs?.initial ?? 100;
  }

  async publish(topic: string, message: string): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedMessage(topic, message, this.maxMessageBytes);
    const channel = await this.channel(topic);
    if (this.closed) throw closedFeedError(this.name);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ channel, message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  async subscribe(topic: string, handlers: ChangeFeedHandlers): Promise<() => Promise<void>> {
    if (this.closed) throw closedFeedError(this.name);
    checkChangeFeedTopic(topic);
    const channel = await this.channel(topic);
    const listener = await this.connect();
    const sub: ChangeFeedSubscription = { topic, handlers };
    if (this.subs.add(sub)) {
      this.topicsByChannel.set(channel, topic);
      try {
        await listener.query(`LISTEN ${channel}`);
      } catch (err) {
        if (this.subs.remove(sub)) this.topicsByChannel.delete(channel);
        throw err;
      }
    }
    return async () => {
      if (!this.subs.remove(sub) || this.closed) return;
      this.topicsByChannel.delete(channel);
      await this.listener?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw closedFeedError(this.name);
    await this.opts.client.query('SELECT 1');
    if (this.subs.size > 0 && this.listener === undefined) throw new Error('postgres change feed LISTEN connection is down, reconnecting');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subs.clear();
    clearTimeout(this.retryTimer);
    const listener = this.listener ?? (await this.connecting?.catch(() => undefined));
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    for (const p of this.queue.splice(0)) p.reject(closedFeedError(this.name));
  }

  /** The channel of a topic in this schema and namespace. */
  private async channel(topic: string): Promise<string> {
    this.scope ??= this.opts.client.query<{ schema: string | null }>('SELECT current_schema() AS schema').then(({ rows }) => `${rows[0]?.schema ?? ''}\u0000${this.opts.namespace ?? ''}`);
    const scope = await this.scope.catch((err: unknown) => {
      this.scope = undefined;
      throw err;
    });
    return `cdts_${createHash('sha256').update(`${scope}\u0000${topic}`).digest('hex').slice(0, 40)}`;
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch: Pending[] = [];
        const pairs = new Set<string>();
        for (const p of this.queue) {
          const pair = `${p.channel}\u0000${p.message}`;
          if (batch.length >= BATCH || pairs.has(pair)) break;
          pairs.add(pair);
          batch.push(p);
        }
        this.queue.splice(0, batch.length);
        try {
          await this.opts.client.query(`SELECT ${batch.map(() => 'pg_notify(?, ?)').join(', ')}`, batch.flatMap((p) => [p.channel, p.message]));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The LISTEN connection, opened on first use (a failure to open rejects the subscribe). */
  private connect(): Promise<pg.Client> {
    if (this.listener) return Promise.resolve(this.listener);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client(listenerConfig(this.opts.settings, this.opts.applicationName ?? 'cdts-change-feed'));
    client.on('error', () => undefined);
    client.on('notification', (n) => {
      const topic = this.topicsByChannel.get(n.channel);
      if (topic !== undefined && n.payload !== undefined) this.subs.dispatch(topic, n.payload);
    });
    try {
      await client.connect();
      const channels = await Promise.all(this.subs.topics().map((t) => this.channel(t)));
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw closedFeedError(this.name);
    }
    client.once('end', () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      if (!this.closed) this.scheduleReconnect();
    });
    this.listener = client;
    return client;
  }

  private scheduleReconnect(): void {
    const delay = this.retryDelay * (0.5 + Math.random() / 2);
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.reconnectMs?.max ?? 5_000);
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.retryDelay = this.opts.reconnectMs?.initial ?? 100;
          this.subs.gap();
        },
        () => {
          if (!this.closed) this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }
}

/** A pg.Client configuration for `settings`, as SqlClient builds its pool's. */
function listenerConfig(settings: SqlSettings, applicationName: string): pg.ClientConfig {
  const t = parseUrl(settings.url);
  return {
    host: t.host,
    port: t.port ?? 5432,
    database: t.database,
    user: settings.user ?? t.user,
    password: settings.password ?? t.password,
    application_name: applicationName,
    keepAlive: true,
    ...(t.params.get('ssl') === 'true' || t.params.get('sslmode') === 'require' ? { ssl: {} } : {}),
  };
}

import { Redis } from 'ioredis';

/** Connection settings, named as Clouddriver's `redis.*` keys. */
export interface RedisSettings {
  /** `redis://[:password@]host:port[/db]`; `rediss://` connects over TLS. */
  readonly connection: string;
  /** Overrides a password given in the URL. */
  readonly password?: string;
  /** Connect timeout (Clouddriver `redis.timeout`, ms). */
  readonly timeoutMs?: number;
}

/** Connects (and waits until ready) one client shared by every Redis-backed concern. */
export async function openRedis(settings: RedisSettings): Promise<Redis> {
  const client = new Redis(settings.connection, {
    lazyConnect: true,
    connectTimeout: settings.timeoutMs ?? 2000,
    maxRetriesPerRequest: 3,
    ...(settings.password === undefined ? {} : { password: settings.password }),
  });
  // Failures surface through the commands (and the health check's PING); reconnects are ioredis's.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${redactUrl(settings.connection)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return client;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Runs a pipeline and throws the first command error (ioredis reports them per command). */
export async function execPipeline(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** Escapes Redis glob metacharacters so `text` matches literally in SCAN/SSCAN MATCH. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

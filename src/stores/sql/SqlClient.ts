import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlDialect, postgresDialect, type SqlDialect } from './SqlDialect.js';

export interface SqlResult<T> {
  readonly rows: T[];
  /** Rows inserted, updated (matched, for MySQL) or deleted. */
  readonly affected: number;
}

/** Runs statements written with `?` placeholders. */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<T>>;
}

export interface TransactionOptions {
  /**
   * False: the commit returns without waiting for the server to flush it to disk (PostgreSQL
   * `synchronous_commit = off` for this transaction; it is visible to others at once all the
   * same). A server crash can then lose the last fraction of a second of such commits, whole
   * (never part of one). For data that is rebuilt anyway, such as the cache, whose writers would
   * otherwise wait out every fsync stall of a disk busy with other I/O. Ignored on MySQL (no
   * per-transaction setting there). Default true.
   */
  readonly durable?: boolean;
}

/** A connection pool to one database, in one dialect. */
export interface SqlClient extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs `fn` on one connection inside a transaction; deadlocks are retried (3 attempts). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Runs `fn` on one pinned connection, without a transaction. */
  session<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where to connect: a URL (`postgres://`, `mysql://`, or a JDBC URL such as `jdbc:mysql://host/db`) and credentials. */
export interface SqlSettings {
  readonly dialect: SqlDialect['name'];
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  readonly maxPoolSize?: number;
  /** PostgreSQL schema to use (search_path; the URL's `currentSchema` parameter also sets it). */
  readonly schema?: string;
}

export async function openSqlClient(settings: SqlSettings): Promise<SqlClient> {
  const target = parseUrl(settings.url);
  const user = settings.user ?? target.user;
  const password = settings.password ?? target.password;
  const client = settings.dialect === 'postgres' ? openPostgres(settings, target, user, password) : openMysql(settings, target, user, password);
  try {
    await client.query('SELECT 1');
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`cannot connect to ${settings.dialect} at ${target.host}:${target.port ?? ''}/${target.database ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return client;
}

interface Target {
  host: string;
  port: number | undefined;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  params: URLSearchParams;
}

/** Accepts `jdbc:{postgresql|mysql|mariadb}://host:port/db?user=..&password=..` and plain URLs. */
export function parseUrl(raw: string): Target {
  const u = new URL(raw.replace(/^jdbc:/, ''));
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined;
  const param = (name: string) => u.searchParams.get(name) ?? undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port === '' ? undefined : Number(u.port),
    database,
    user: u.username ? decodeURIComponent(u.username) : param('user'),
    password: u.password ? decodeURIComponent(u.password) : param('password'),
    params: u.searchParams,
  };
}

/** `SqlClient.transaction` over a dialect's pinned sessions: begin, commit or roll back, deadlocks retried. */
function transactional(
  dialect: SqlDialect,
  session: <T>(fn: (conn: SqlExecutor) => Promise<T>) => Promise<T>,
  begin: (opts: TransactionOptions) => string,
): SqlClient['transaction'] {
  return (fn, opts = {}) =>
    withRetries(dialect, () =>
      session(async (conn) => {
        await conn.query(begin(opts));
        try {
          const out = await fn(conn);
          await conn.query('COMMIT');
          return out;
        } catch (err) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    );
}

/** Runs `fn` again (up to 3 attempts) when it fails with a deadlock or serialization failure. */
export async function withRetries<T>(dialect: SqlDialect, fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !dialect.isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
    }
  }
}

function openPostgres(settings: SqlSettings, t: Target, user?: string, password?: string): SqlClient {
  // `currentSchema` is the PostgreSQL JDBC driver's parameter for the same thing.
  const schema = settings.schema ?? t.params.get('currentSchema') ?? undefined;
  if (schema !== undefined && !/^[A-Za-z0-9_]+$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const pool = new pg.Pool({
    host: t.host,
    port: t.port ?? 5432,
    database: t.database,
    user,
    password,
    max: settings.maxPoolSize ?? 20,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    ...(t.params.get('ssl') === 'true' || t.params.get('sslmode') === 'require' ? { ssl: {} } : {}),
    // BIGINT columns hold epoch milliseconds: safe as numbers.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  pool.on('error', () => undefined);
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const exec = (c: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const r = await c.query(numbered(sql), params as unknown[]);
      return { rows: r.rows as T[], affected: r.rowCount ?? 0 };
    },
  });
  const session = async <T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> => {
    const conn = await pool.connect();
    try {
      return await fn(exec(conn));
    } finally {
      conn.release();
    }
  };
  return {
    dialect: postgresDialect,
    ...exec(pool),
    session,
    // One round trip (a parameterless query may hold several statements).
    transaction: transactional(postgresDialect, session, (opts) => (opts.durable === false ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN')),
    close: () => pool.end(),
  };
}

function openMysql(settings: SqlSettings, t: Target, user?: string, password?: string): SqlClient {
  const pool = mysql.createPool({
    host: t.host,
    port: t.port ?? 3306,
    database: t.database,
    user,
    password,
    connectionLimit: settings.maxPoolSize ?? 20,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: false,
    ...(t.params.get('useSSL') === 'true' || t.params.get('sslMode') === 'REQUIRED' ? { ssl: {} } : {}),
  });
  const exec = (c: mysql.Pool | mysql.PoolConnection): SqlExecutor => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const [result] = await c.query(sql, params as unknown[]);
      if (Array.isArray(result)) return { rows: result as T[], affected: 0 };
      return { rows: [], affected: (result as mysql.ResultSetHeader).affectedRows };
    },
  });
  const session = async <T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> => {
    const conn = await pool.getConnection();
    try {
      return await fn(exec(conn));
    } finally {
      conn.release();
    }
  };
  return {
    dialect: mysqlDialect,
    ...exec(pool),
    session,
    transaction: transactional(mysqlDialect, session, () => 'START TRANSACTION'),
    close: () => pool.end(),
  };
}

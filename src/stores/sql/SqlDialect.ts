/** The SQL a store needs that PostgreSQL and MySQL/MariaDB spell differently. */
export interface SqlDialect {
  readonly name: 'postgres' | 'mysql';
  /** Longest table name and agent value (Clouddriver SqlConstraintsInitializer defaults). */
  readonly maxTableNameLength: number;
  readonly maxAgentLength: number;
  /** Column types of the cache tables (clouddriver-sql uses text columns on PostgreSQL). */
  readonly cacheColumns: { readonly id: string; readonly agent: string; readonly text255: string; readonly bodyHash: string };
  readonly longText: string;
  /** Appended to CREATE TABLE. */
  readonly tableOptions: string;
  /** `INSERT ... VALUES (rows)` that updates `update` columns when the key exists. */
  upsert(table: string, columns: readonly string[], key: readonly string[], update: readonly string[], rows: number): string;
  /** `INSERT ... VALUES (rows)` that leaves an existing key alone (affected rows count the inserted ones). */
  insertIgnore(table: string, columns: readonly string[], key: readonly string[], rows: number): string;
  /** Runs the migrations under a lock held on one connection: statements to take and drop it. */
  readonly migrationLock: { readonly take: string; readonly drop: string | undefined };
  isDuplicateKey(err: unknown): boolean;
  /** Deadlocks and serialization failures: the transaction can simply be run again. */
  isRetryable(err: unknown): boolean;
  isUndefinedTable(err: unknown): boolean;
  /** A concurrent CREATE ... IF NOT EXISTS lost the race (PostgreSQL checks the catalog non-atomically). */
  isAlreadyExists(err: unknown): boolean;
}

const values = (columns: readonly string[], rows: number) =>
  Array.from({ length: rows }, () => `(${columns.map(() => '?').join(', ')})`).join(', ');

const code = (err: unknown): unknown => (typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined);

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  maxTableNameLength: 63,
  maxAgentLength: Number.POSITIVE_INFINITY,
  cacheColumns: { id: 'text', agent: 'text', text255: 'text', bodyHash: 'varchar(64)' },
  longText: 'text',
  tableOptions: '',
  upsert: (table, columns, key, update, rows) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values(columns, rows)} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ')}`,
  insertIgnore: (table, columns, key, rows) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values(columns, rows)} ON CONFLICT (${key.join(', ')}) DO NOTHING`,
  migrationLock: { take: "SELECT pg_advisory_xact_lock(hashtext('clouddriver-ts-migrations'))", drop: undefined },
  isDuplicateKey: (err) => code(err) === '23505',
  isRetryable: (err) => code(err) === '40P01' || code(err) === '40001',
  isUndefinedTable: (err) => code(err) === '42P01',
  isAlreadyExists: (err) => ['23505', '42710', '42P07'].includes(String(code(err))),
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  maxTableNameLength: 64,
  maxAgentLength: 127,
  // 352 + 127 + 255 characters of utf8mb4 stay within InnoDB's 3072-byte key.
  cacheColumns: { id: 'varchar(352)', agent: 'varchar(127)', text255: 'varchar(255)', bodyHash: 'char(64)' },
  longText: 'longtext',
  // Binary collation: ids compare and match case-sensitively, as in Redis and PostgreSQL.
  tableOptions: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
  upsert: (table, columns, _key, update, rows) =>
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values(columns, rows)} ON DUPLICATE KEY UPDATE ${update
      .map((c) => `${c} = VALUES(${c})`)
      .join(', ')}`,
  insertIgnore: (table, columns, _key, rows) => `INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES ${values(columns, rows)}`,
  migrationLock: { take: "SELECT GET_LOCK('clouddriver-ts-migrations', 60)", drop: "SELECT RELEASE_LOCK('clouddriver-ts-migrations')" },
  isDuplicateKey: (err) => code(err) === 'ER_DUP_ENTRY',
  isRetryable: (err) => code(err) === 'ER_LOCK_DEADLOCK' || code(err) === 'ER_LOCK_WAIT_TIMEOUT',
  isUndefinedTable: (err) => code(err) === 'ER_NO_SUCH_TABLE',
  isAlreadyExists: (err) => code(err) === 'ER_TABLE_EXISTS_ERROR',
};

import { z } from 'zod';

const seconds = z.number().int().positive();

/** Agent timing (Clouddriver `redis.poll.*` / `sql.agent.poll.*`). */
const pollSchema = z
  .object({
    intervalSeconds: seconds.default(30),
    errorIntervalSeconds: seconds.default(30),
    timeoutSeconds: seconds.default(300),
  })
  .strict();

const storeDriver = z.enum(['sqlite', 'memory', 'redis', 'postgres', 'mysql']);

/** Redis connection, as Clouddriver's `redis.*` (the loader copies `redis.connection`/`redis.timeout` here). */
const redisStorage = z
  .object({
    /** `redis://[:password@]host:port[/db]`; `rediss://` for TLS. */
    connection: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://localhost:6379'),
    /** Secret; overrides a password in the URL. */
    password: z.string().optional(),
    /** Connect timeout, ms. */
    timeout: z.number().int().positive().default(2000),
  })
  .strict();

/** One of Clouddriver's `sql.connectionPools.<name>` entries (other keys are accepted and ignored). */
const sqlPool = z
  .object({
    jdbcUrl: z.string().min(1),
    user: z.string().optional(),
    /** Secret. */
    password: z.string().optional(),
    default: z.boolean().optional(),
    maxPoolSize: z.number().int().positive().optional(),
  })
  .passthrough();

/**
 * PostgreSQL/MySQL connection: a plain `url` (`postgres://`, `mysql://` or `jdbc:...`) with
 * `user`/`password`, or Clouddriver's `connectionPools` (the pool named `default`, else the one
 * marked `default: true`, else the first). The loader copies `sql.connectionPools` and
 * `sql.table-namespace` here.
 */
const sqlStorage = z
  .object({
    url: z.string().min(1).optional(),
    user: z.string().optional(),
    /** Secret. */
    password: z.string().optional(),
    maxPoolSize: z.number().int().positive().default(20),
    connectionPools: z.record(sqlPool).optional(),
    /** Clouddriver `sql.table-namespace`: cache tables become `cats_v1_{namespace}_{type}`. */
    tableNamespace: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').optional(),
  })
  .strict();

/**
 * The validated service configuration. Keys are camelCase; the loader also accepts Clouddriver's
 * kebab-case spellings. Provider sections (`kubernetes`, `dockerRegistry`, ...) are validated by
 * their provider modules, so they pass through here untouched.
 */
export const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(7002),
        host: z.string().min(1).default('0.0.0.0'),
        /** Largest request body accepted (bytes); bigger bodies get 413. */
        bodyLimitBytes: z.number().int().positive().default(10 * 1024 * 1024),
        /** Operations one `POST /{cloudProvider}/ops` may carry; more is a 400. */
        maxOperationsPerRequest: z.number().int().positive().default(100),
        /** Per-caller (X-SPINNAKER-USER, else address) request limit; off unless enabled. */
        rateLimit: z
          .object({
            enabled: z.boolean().default(false),
            requestsPerSecond: z.number().positive().default(50),
            burst: z.number().int().positive().default(200),
            maxCallers: z.number().int().positive().default(10_000),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    storage: z
      .object({
        cache: storeDriver.default('sqlite'),
        tasks: storeDriver.default('sqlite'),
        leases: storeDriver.default('memory'),
        /** Account definitions added through the account storage API; defaults to the tasks driver. */
        accounts: storeDriver.optional(),
        /**
         * The change feed telling every instance what another just wrote (Redis pub/sub, PostgreSQL
         * LISTEN/NOTIFY, a polled table on MySQL and SQLite, in-process for memory); defaults to
         * the cache driver, since it announces cache writes.
         */
        changes: storeDriver.optional(),
        /**
         * The task store being moved away from (Clouddriver's DualTaskRepository): new tasks go to
         * `tasks`; reads, lists and clientRequestId look-ups fall back to this one, and a task found
         * only here is updated here until it ends. Must differ from `tasks`.
         */
        tasksPrevious: storeDriver.optional(),
        /**
         * Key sealing what a task needs to run again (operations, identity) in the task store
         * (AES-256-GCM): a file holding base64 of 32 random bytes; the environment variable
         * CLOUDDRIVER_TASK_STORAGE_KEY (same form) wins. Without one, tasks resume only where they ran.
         */
        taskEncryption: z.object({ keyFile: z.string().min(1).optional() }).strict().default({}),
        sqlite: z.object({ path: z.string().min(1).default('data/clouddriver.db') }).strict().default({}),
        redis: redisStorage.optional(),
        sql: sqlStorage.optional(),
      })
      .strict()
      .superRefine((storage, ctx) => {
        const used = [storage.cache, storage.tasks, storage.leases, storage.accounts ?? storage.tasks, ...(storage.tasksPrevious === undefined ? [] : [storage.tasksPrevious])];
        if (storage.changes !== undefined) used.push(storage.changes);
        if (storage.tasksPrevious !== undefined && storage.tasksPrevious === storage.tasks) {
          ctx.addIssue({ code: 'custom', path: ['tasksPrevious'], message: 'must differ from storage.tasks (one connection per backend: the two would be the same store)' });
        }
        const dialects = new Set(used.filter((d) => d === 'postgres' || d === 'mysql'));
        if (dialects.size > 1) ctx.addIssue({ code: 'custom', path: ['sql'], message: 'postgres and mysql cannot both be used: there is one sql connection' });
        if (dialects.size > 0 && storage.sql?.url === undefined && Object.keys(storage.sql?.connectionPools ?? {}).length === 0) {
          ctx.addIssue({ code: 'custom', path: ['sql'], message: `${[...dialects].join()} storage needs sql.url or sql.connectionPools` });
        }
      })
      .default({}),
    caching: z
      .object({
        writeEnabled: z.boolean().default(true),
        poll: pollSchema.default({}),
        maxConcurrentAgents: z.number().int().positive().default(100),
        /** Agents whose lower-cased type fully matches run here (regular expression). */
        enabledPattern: z.string().default('.*'),
        agentLockAcquisitionIntervalSeconds: z.number().positive().default(1),
        /**
         * Lease on an account's live cache (a Kubernetes account's watch): its owner renews it every
         * third of this; when the owner dies another instance takes the account over this long after
         * the owner left the replica set (`cacheSharding.replicaTtlSeconds`).
         */
        accountLeaseSeconds: z.number().positive().default(30),
      })
      .strict()
      .default({}),
    /** Membership of the caching replicas (Clouddriver `cache-sharding.*`), which decides who keeps which account. */
    cacheSharding: z
      .object({
        /** A replica that has not heartbeated for this long is gone (`replica-ttl-seconds`). */
        replicaTtlSeconds: z.number().positive().default(60),
      })
      .passthrough()
      .default({}),
    credentials: z
      .object({
        primaryAccountTypes: z.array(z.string()).default(['default']),
        challengeDestructiveActionsEnvironments: z.array(z.string()).default(['default']),
      })
      .strict()
      .default({}),
    /** Clouddriver's account storage API (`POST|PUT /credentials`, `DELETE /credentials/{name}`). */
    account: z
      .object({
        storage: z
          .object({
            enabled: z.boolean().default(false),
            /**
             * Key sealing stored definitions (AES-256-GCM): a file holding base64 of 32 random bytes;
             * the environment variable CLOUDDRIVER_ACCOUNT_STORAGE_KEY (same form) wins.
             */
            encryption: z.object({ keyFile: z.string().min(1).optional() }).strict().default({}),
            /**
             * What a definition submitted through the API may make the service do (configured
             * accounts are trusted). Everything is refused unless allowed here.
             */
            allow: z
              .object({
                /** Kubeconfig `exec` / `auth-provider` plugins (they run programs on this host). */
                execPlugins: z.boolean().default(false),
                /** File paths: `kubeconfigFile`, `tokenFile`, certificate and key files (they read this host's files). */
                filePaths: z.boolean().default(false),
                /** No kubeconfig at all, i.e. the service's own default credentials. */
                defaultCredentials: z.boolean().default(false),
                /** Globs the API server URL must match (`https://*.k8s.example.com:6443`; `*` allows any). */
                servers: z.array(z.string().min(1)).default([]),
              })
              .strict()
              .default({}),
          })
          .passthrough()
          .default({}),
      })
      .passthrough()
      .default({}),
    admin: z
      .object({
        tasks: z.object({ shutdownWaitSeconds: z.number().int().min(0).default(600) }).strict().default({}),
      })
      .strict()
      .default({}),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({}),
    /** Other Spinnaker services; only Fiat is called (`services.fiat.*`, as Clouddriver names it). */
    services: z
      .object({
        fiat: z
          .object({
            enabled: z.boolean().default(false),
            baseUrl: z.string().url().default('http://localhost:7003'),
            legacyFallback: z.boolean().default(false),
            /** Per-call limit. */
            timeoutMs: z.number().int().positive().default(5_000),
            cache: z
              .object({ expiresAfterWriteSeconds: z.number().int().positive().default(20), maxEntries: z.number().int().positive().default(1000) })
              .strict()
              .default({}),
          })
          .passthrough()
          .default({}),
      })
      .passthrough()
      .default({}),
    /** Modules exporting `providers: ProviderModule[]`, loaded at start (Clouddriver's plugins). */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .passthrough();

export type ServiceConfig = z.infer<typeof configSchema>;

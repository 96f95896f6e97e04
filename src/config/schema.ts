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

const storeDriver = z.enum(['sqlite', 'memory']);

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
        sqlite: z.object({ path: z.string().min(1).default('data/clouddriver.db') }).strict().default({}),
      })
      .strict()
      .default({}),
    caching: z
      .object({
        writeEnabled: z.boolean().default(true),
        poll: pollSchema.default({}),
        maxConcurrentAgents: z.number().int().positive().default(100),
        /** Agents whose lower-cased type fully matches run here (regular expression). */
        enabledPattern: z.string().default('.*'),
        agentLockAcquisitionIntervalSeconds: z.number().positive().default(1),
      })
      .strict()
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
      .object({ storage: z.object({ enabled: z.boolean().default(false) }).passthrough().default({}) })
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
    /** Modules exporting `providers: ProviderModule[]`, loaded at start (Clouddriver's plugins). */
    plugins: z.array(z.string().min(1)).default([]),
  })
  .passthrough();

export type ServiceConfig = z.infer<typeof configSchema>;

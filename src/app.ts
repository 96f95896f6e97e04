import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger as PinoLogger } from 'pino';
import { ConfigError, formatZodError } from './config/loadConfig.js';
import type { ServiceConfig } from './config/schema.js';
import { registerArtifactRoutes } from './api/routes/artifactRoutes.js';
import { registerConsole } from './api/console/consoleRoutes.js';
import { createArtifactRegistry } from './artifacts/createArtifactRegistry.js';
import { registerCredentialsRoutes } from './api/routes/credentialsRoutes.js';
import { registerOperationsRoutes } from './api/routes/operationsRoutes.js';
import { registerReadRoutes } from './api/routes/read/readRoutes.js';
import { registerServiceRoutes } from './api/routes/serviceRoutes.js';
import { registerTaskRoutes } from './api/routes/taskRoutes.js';
import { installAuthorization } from './api/authorization.js';
import { installRateLimit } from './api/rateLimit.js';
import { captureInput, captureLogger, captureStoreFile, createServer } from './api/server.js';
import { installOpenApi } from './api/openapi/openApi.js';
import { systemClock, type Clock } from './core/Clock.js';
import type { AccountCredentials } from './core/accounts/AccountCredentials.js';
import { CredentialsRepository } from './core/accounts/CredentialsRepository.js';
import { StoredAccountSync } from './core/accounts/StoredAccountSync.js';
import { AgentScheduler } from './core/agents/AgentScheduler.js';
import { AgentSharding } from './core/agents/AgentSharding.js';
import { authoritativeTypes } from './core/agents/CachingAgent.js';
import type { ProviderCache } from './core/cache/Cache.js';
import { DefaultProviderCache } from './core/cache/DefaultProviderCache.js';
import { createKubernetesProvider, kubernetesProviderSettings } from './providers/kubernetes/KubernetesProvider.js';
import { createDockerRegistryProvider } from './providers/dockerRegistry/DockerRegistryProvider.js';
import { OperationRegistry } from './core/operations/OperationRegistry.js';
import { OrchestrationProcessor } from './core/operations/OrchestrationProcessor.js';
import { ReadLayer } from './core/read/ReadLayer.js';
import { openAuthorizer, type Authorizer } from './core/security/Authorizer.js';
import { FiatAuthorizer } from './core/security/FiatAuthorizer.js';
import type { ClusterServices, ProviderDeps, ProviderModule, ProviderRuntime } from './core/providers/ProviderModule.js';
import { AccountOwnership } from './core/agents/AccountOwnership.js';
import { InputError } from './core/errors.js';
import { InstanceLiveness } from './core/tasks/InstanceLiveness.js';
import { TaskExecutionSealer } from './core/tasks/TaskExecutionSealer.js';
import type { TaskRepository } from './core/tasks/TaskRepository.js';
import type { HealthIndicator } from './observability/Health.js';
import { Metrics } from './observability/Metrics.js';
import { EncryptedAccountDefinitionStore } from './stores/EncryptedAccountDefinitionStore.js';
import { openStores } from './stores/openStores.js';

export interface AppOptions {
  readonly config: ServiceConfig;
  /** Provider modules besides the built-in ones (tests, embedders). */
  readonly providers?: readonly ProviderModule[];
  readonly logger?: PinoLogger;
  readonly clock?: Clock;
}

export interface App {
  readonly server: FastifyInstance;
  readonly credentials: CredentialsRepository;
  readonly scheduler: AgentScheduler;
  readonly orchestration: OrchestrationProcessor;
  /** The task repository (read by tests and embedders; the HTTP API goes through routes). */
  readonly tasks: TaskRepository;
  readonly ownerId: string;
  /** The cache of one provider namespace (read and write). */
  cache(namespace: string): ProviderCache;
  /** Starts scheduling and listening; resolves with the bound port. */
  start(): Promise<{ port: number }>;
  /** Ordered shutdown: HTTP intake, scheduling, running tasks (up to the drain limit), stores. Idempotent. */
  stop(): Promise<void>;
}

/** The OpenAPI description's `info`. */
const SERVICE_INFO = {
  title: 'clouddriver-ts',
  version: (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  description: "Spinnaker Clouddriver's HTTP API (caching, read API, operations, tasks) as this service serves it.",
};

/** How often running tasks are checked for an owner that is gone. */
const ORPHAN_SWEEP_MS = 30_000;

/** Built-in providers, registered explicitly (created per app: they hold live state). */
async function builtinProviders(config: ServiceConfig): Promise<ProviderModule[]> {
  const k8s = kubernetesProviderSettings.parse((config as Record<string, unknown>).kubernetes ?? {});
  const aws = (config as Record<string, unknown>).aws;
  const providers: ProviderModule[] = [
    createKubernetesProvider({
      writeEnabled: config.caching.writeEnabled,
      preloadClientLibrary: k8s.enabled === true,
      ...(k8s.probeIntervalSeconds === undefined ? {} : { probeIntervalMs: k8s.probeIntervalSeconds * 1000 }),
      ...(k8s.writeBatchMillis === undefined ? {} : { flushIntervalMs: k8s.writeBatchMillis }),
      ...(k8s.followerReads === undefined ? {} : { followerReads: k8s.followerReads }),
      ...(k8s.storeReadCacheItems === undefined ? {} : { storeReadCacheItems: k8s.storeReadCacheItems }),
      ...(k8s.startConcurrency === undefined ? {} : { startConcurrency: k8s.startConcurrency }),
      ...(k8s.fullSnapshotMinutes === undefined ? {} : { fullSnapshotMaxAgeMs: k8s.fullSnapshotMinutes * 60_000 }),
    }) as unknown as ProviderModule,
    createDockerRegistryProvider(),
  ];
  // Only with an `aws` section (Clouddriver's `aws.enabled`): a provider that is there answers
  // `/search` too, and two searching providers change the search answer's shape. Imported only
  // then: the AWS SDK clients are a good part of the service's start-up.
  if (aws !== undefined && aws !== null && (aws as { enabled?: unknown }).enabled !== false) {
    const [{ createAwsProvider }, { parseAwsProviderSettings }] = await Promise.all([import('./providers/aws/AwsProvider.js'), import('./providers/aws/account/AwsAccountConfig.js')]);
    providers.push(createAwsProvider(parseAwsProviderSettings(aws)) as unknown as ProviderModule);
  }
  return providers;
}

/** The composition root: builds every part from the validated config and wires them together. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const logger = captureLogger(
    opts.logger ??
      pino({
        level: config.logging.level,
        redact: { paths: ['req.headers.authorization', '*.password', '*.token', '*.kubeconfigContents'], censor: '[secret]' },
      }),
  );
  captureInput('config', config);
  const host = hostname();
  const ownerId = `${randomUUID()}@${host}`;
  const metrics = new Metrics();
  const accountKey = storageKey('CLOUDDRIVER_ACCOUNT_STORAGE_KEY', config.account.storage.encryption.keyFile, 'account.storage.encryption.keyFile');
  const taskKey = storageKey('CLOUDDRIVER_TASK_STORAGE_KEY', config.storage.taskEncryption.keyFile, 'storage.taskEncryption.keyFile');
  const stores = await openStores(config.storage, clock, { replicaTtlMs: config.cacheSharding.replicaTtlSeconds * 1000 });
  const accountDefinitions = accountKey === undefined ? stores.accounts : new EncryptedAccountDefinitionStore(stores.accounts, accountKey);

  const caches = new Map<string, DefaultProviderCache>();
  const cacheFor = (namespace: string): DefaultProviderCache => {
    let cache = caches.get(namespace);
    if (!cache) caches.set(namespace, (cache = new DefaultProviderCache(namespace, stores.cache.open(namespace), clock)));
    return cache;
  };

  const credentials = new CredentialsRepository();
  const registry = new OperationRegistry();
  const sharding = new AgentSharding({ replicas: stores.replicas, replicaId: ownerId, caching: config.caching.writeEnabled, replicaTtlMs: config.cacheSharding.replicaTtlSeconds * 1000, logger });
  const scheduler = new AgentScheduler({
    leases: stores.leases,
    nodeId: ownerId,
    cacheFor,
    clock,
    logger,
    defaults: {
      intervalMs: config.caching.poll.intervalSeconds * 1000,
      errorIntervalMs: config.caching.poll.errorIntervalSeconds * 1000,
      timeoutMs: config.caching.poll.timeoutSeconds * 1000,
    },
    maxConcurrentAgents: config.caching.maxConcurrentAgents,
    pollIntervalMs: config.caching.agentLockAcquisitionIntervalSeconds * 1000,
    enabledPattern: config.caching.enabledPattern,
    writeEnabled: config.caching.writeEnabled,
    runsHere: (agent) => sharding.runsHere(agent),
    onRun: (e) => {
      const labels = { provider: e.agent.providerName, success: String(e.success) };
      metrics.agentRuns.inc(labels);
      metrics.agentDuration.observe(labels, e.durationMs / 1000);
      metrics.cacheWrites.inc({ provider: e.agent.providerName }, e.additions);
      metrics.cacheEvictions.inc({ provider: e.agent.providerName }, e.evictions);
    },
  });
  const fiat = config.services.fiat;
  const authorizer: Authorizer = fiat.enabled
    ? new FiatAuthorizer({ baseUrl: fiat.baseUrl, cacheSeconds: fiat.cache.expiresAfterWriteSeconds, maxEntries: fiat.cache.maxEntries, timeoutMs: fiat.timeoutMs, legacyFallback: fiat.legacyFallback }, clock, logger)
    : openAuthorizer;
  const orchestration = new OrchestrationProcessor({
    tasks: stores.tasks,
    registry,
    ownerId,
    clock,
    logger,
    accountExists: (cloudProvider, name) => credentials.find(cloudProvider, name) !== undefined,
    authorizer,
    accountRestricted: (cloudProvider, name) => Object.values(credentials.find(cloudProvider, name)?.permissions ?? {}).some((roles) => (roles?.length ?? 0) > 0),
    onTaskFinished: (cloudProvider, state) => metrics.tasks.inc({ cloudProvider, state }),
    ...(taskKey === undefined ? {} : { sealer: new TaskExecutionSealer(taskKey) }),
  });

  const providers = [...(await builtinProviders(config)), ...(opts.providers ?? []), ...(await loadPlugins(config.plugins))];
  const byId = new Map(providers.map((p) => [p.id, p]));
  const artifacts = createArtifactRegistry(config as Record<string, unknown>, { logger, kubernetesEnabled: byId.has('kubernetes') });
  const deps: ProviderDeps = { logger, clock, artifacts };
  for (const provider of providers) for (const op of provider.operations) registry.register(provider.id, op);
  const server = createServer({ logger, metrics, bodyLimitBytes: config.server.bodyLimitBytes });
  // Before any route: the OpenAPI description sees routes as they are registered.
  await installOpenApi(server, SERVICE_INFO);
  if (config.server.rateLimit.enabled) installRateLimit(server, config.server.rateLimit, clock);
  installAuthorization(server, authorizer);
  const cluster: ClusterServices = {
    replicaId: ownerId,
    changes: stores.changes,
    accountOwnership: (keyPrefix, handlers) =>
      new AccountOwnership({
        leases: stores.leases,
        replicas: stores.replicas,
        replicaId: ownerId,
        clock,
        logger,
        keyPrefix,
        leaseTtlMs: config.caching.accountLeaseSeconds * 1000,
        caching: config.caching.writeEnabled,
        ...handlers,
      }),
  };
  const runtimes = new Map<string, ProviderRuntime>();
  for (const provider of providers) {
    const runtime = provider.attach?.({ server, cache: cacheFor(provider.cacheNamespace), deps, cluster });
    if (runtime !== undefined) runtimes.set(provider.id, runtime);
  }

  credentials.onChange(async (event, account) => {
    const provider = byId.get(account.cloudProvider);
    if (!provider) return;
    if (event === 'added') {
      for (const agent of provider.buildCachingAgents(account, deps)) scheduler.schedule(agent);
      return;
    }
    await runtimes.get(provider.id)?.onAccountRemoved?.(account);
    const agents = scheduler.agents().filter((a) => a.accountName === account.name);
    for (const agent of agents) {
      await scheduler.unschedule(agent.agentType);
      // An empty full result evicts everything the agent wrote for its authoritative types.
      await cacheFor(agent.providerName).putCacheResult(agent.agentType, authoritativeTypes(agent), { cacheResults: {} });
    }
  });
  /** Validates an account definition from the account storage API (`type` names the provider). */
  const parseAccount = async (definition: Record<string, unknown>): Promise<AccountCredentials> => {
    const type = typeof definition.type === 'string' ? definition.type : typeof definition.cloudProvider === 'string' ? definition.cloudProvider : undefined;
    const provider = type === undefined ? undefined : byId.get(type);
    if (provider === undefined) throw new InputError(`unknown account type '${String(type)}'; expected one of ${[...byId.keys()].join(', ')}`);
    const { type: _t, cloudProvider: _c, '@type': _a, ...rest } = definition;
    const parsed = provider.accountSchema.safeParse(rest);
    if (!parsed.success) throw new InputError(`invalid ${provider.id} account: ${formatZodError(parsed.error)}`);
    const refused = provider.submittedDefinitionProblems?.(parsed.data, config.account.storage.allow) ?? [];
    if (refused.length > 0) throw new InputError(`${provider.id} account refused: ${refused.join('; ')}`);
    return provider.createCredentials(parsed.data, deps);
  };

  const accountSync = config.account.storage.enabled
    ? new StoredAccountSync({ store: accountDefinitions, credentials, parse: parseAccount, feed: stores.changes, replicaId: ownerId, logger })
    : undefined;
  try {
    for (const provider of providers) {
      for (const account of await accountsFromConfig(provider, config, deps)) await credentials.add(account);
    }
    await accountSync?.start();
  } catch (err) {
    for (const account of credentials.list()) await account.close?.();
    await stores.close();
    throw err;
  }

  const health: HealthIndicator[] = [
    { name: 'cacheStore', check: async () => (await stores.cache.ping(), { status: 'UP', details: { driver: stores.cache.name } }) },
    { name: 'changeFeed', check: async () => (await stores.changes.ping(), { status: 'UP', details: { driver: stores.changes.name } }) },
    { name: 'taskRepository', check: async () => (await stores.tasks.get('health-probe'), { status: 'UP' }) },
    {
      name: 'agents',
      check: async () => {
        return { status: 'UP', details: scheduler.counts() };
      },
    },
  ];

  for (const runtime of runtimes.values()) if (runtime.health !== undefined) health.push(runtime.health);

  registerOperationsRoutes(server, { orchestration, registry, metrics, maxOperations: config.server.maxOperationsPerRequest });
  registerTaskRoutes(server, { tasks: stores.tasks, orchestration });
  const contributors = [...runtimes.values()].flatMap((r) => (r.read === undefined ? [] : [r.read]));
  registerReadRoutes(server, { read: new ReadLayer(() => contributors), accountExists: (cloudProvider, name) => credentials.find(cloudProvider, name) !== undefined });
  registerCredentialsRoutes(server, {
    credentials,
    ...config.credentials,
    storageEnabled: config.account.storage.enabled,
    definitions: accountDefinitions,
    parseAccount,
    changedHere: async (name, definition) => accountSync?.changedHere(name, definition),
  });
  registerArtifactRoutes(server, { artifacts });
  registerServiceRoutes(server, { health, metrics, scheduler, registry });
  registerConsole(server, { accounts: () => credentials.list(), scheduler, cacheFor, providers: providers.map((p) => ({ id: p.id, cacheNamespace: p.cacheNamespace, console: runtimes.get(p.id)?.console })), tasks: stores.tasks, instanceId: ownerId, clock });

  // Tasks whose instance is gone (its liveness lease lapsed) are resumed here or failed (the
  // orphan rule of OrchestrationProcessor.recoverOrphanedTasks), at start and periodically.
  const liveness = new InstanceLiveness({ leases: stores.leases, ownerId, shared: config.storage.leases !== 'memory', logger });
  let orphanSweep: NodeJS.Timeout | undefined;
  const sweepOrphans = async (): Promise<void> => {
    try {
      const { failed, resumed } = await orchestration.recoverOrphanedTasks((owner) => liveness.isGone(owner));
      if (failed + resumed > 0) logger.warn({ failed, resumed }, 'recovered tasks whose instance stopped before they finished');
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'orphaned task sweep failed');
    }
  };

  let stopping: Promise<void> | undefined;
  return {
    server,
    credentials,
    scheduler,
    orchestration,
    tasks: stores.tasks,
    ownerId,
    cache: cacheFor,
    async start() {
      await liveness.start();
      await sweepOrphans();
      orphanSweep = setInterval(() => void sweepOrphans(), ORPHAN_SWEEP_MS);
      orphanSweep.unref();
      await sharding.tick();
      sharding.start();
      scheduler.start();
      await server.listen({ port: config.server.port, host: config.server.host });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      logger.info({ port, ownerId }, 'clouddriver listening');
      for (const runtime of runtimes.values()) runtime.listening?.();
      return { port };
    },
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down');
        await server.close();
        sharding.stop();
        await scheduler.stop();
        for (const runtime of runtimes.values()) await runtime.stop?.();
        await orchestration.drain(config.admin.tasks.shutdownWaitSeconds * 1000);
        clearInterval(orphanSweep);
        await liveness.stop();
        await accountSync?.stop();
        for (const account of credentials.list()) await account.close?.();
        await stores.close();
        if (Object.values(config.storage).includes('sqlite')) captureStoreFile(config.storage.sqlite.path);
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/**
 * A sealing key, if one is configured (the environment variable first, then the key file): the
 * account storage key (stored account definitions) or the task storage key (task executions).
 */
function storageKey(variable: string, keyFile: string | undefined, setting: string): Buffer | undefined {
  const encoded = process.env[variable] ?? (keyFile === undefined ? undefined : readFileSync(keyFile, 'utf8'));
  if (encoded === undefined) return undefined;
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`the key in ${variable} or ${setting} must be base64 of 32 bytes`);
  return key;
}

/** Parses `config[provider.configKey].accounts[]`; any invalid account stops start-up, naming its path. */
async function accountsFromConfig(provider: ProviderModule, config: ServiceConfig, deps: ProviderDeps): Promise<AccountCredentials[]> {
  const key = provider.configKey ?? provider.id;
  const section = (config as Record<string, unknown>)[key];
  if (section === undefined || section === null) return [];
  if (typeof section !== 'object') throw new ConfigError(`invalid configuration:\n  - ${key}: must be a mapping`);
  const { enabled, accounts = [] } = section as { enabled?: unknown; accounts?: unknown };
  if (enabled === false) return [];
  if (!Array.isArray(accounts)) throw new ConfigError(`invalid configuration:\n  - ${key}.accounts: must be a list`);
  const out: AccountCredentials[] = [];
  for (const [i, raw] of accounts.entries()) {
    const parsed = provider.accountSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(`invalid configuration:\n${formatZodError(parsed.error, `${key}.accounts[${i}]`)}`);
    out.push(await provider.createCredentials(parsed.data, deps));
  }
  return out;
}

/** Loads configured plugin modules; each exports `providers: ProviderModule[]`. */
async function loadPlugins(paths: readonly string[]): Promise<ProviderModule[]> {
  const out: ProviderModule[] = [];
  for (const path of paths) {
    const mod = (await import(pathToFileURL(resolve(path)).href)) as { providers?: unknown };
    if (!Array.isArray(mod.providers)) throw new ConfigError(`plugin ${path} does not export 'providers' (an array of provider modules)`);
    out.push(...(mod.providers as ProviderModule[]));
  }
  return out;
}

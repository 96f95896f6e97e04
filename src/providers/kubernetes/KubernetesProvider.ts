import { z } from 'zod';
import type { ProviderCache } from '../../core/cache/Cache.js';
import type { CachingAgent } from '../../core/agents/CachingAgent.js';
import type { ArtifactDownloader } from '../../core/artifacts/ArtifactDownloader.js';
import type { ProviderDeps, ProviderModule, ProviderRuntime } from '../../core/providers/ProviderModule.js';
import { KubernetesCredentials } from './account/KubernetesCredentials.js';
import { kubernetesAccountSchema } from './account/KubernetesAccountConfig.js';
import { kubernetesDefinitionProblems } from './account/submittedDefinition.js';
import type { KubernetesAccountConfig } from './account/KubernetesAccountConfig.js';
import { KubernetesAccountCache, cachedKinds } from './caching/KubernetesAccountCache.js';
import { APPLICATIONS, CLUSTERS } from './keys.js';
import { KubernetesReadService } from './read/KubernetesReadService.js';
import { registerManifestRoutes } from './api/manifestRoutes.js';
import { kubernetesReadContributor } from './read/KubernetesReadContributor.js';
import { registerJobRoutes } from './api/jobRoutes.js';
import { kubernetesOperations } from './ops/kubernetesOperations.js';

export const KUBERNETES = 'kubernetes';

/** Default period of the full-snapshot agent that reconciles the cache store with the watch state. */
const SNAPSHOT_INTERVAL_SECONDS = 300;

/** Provider-wide settings read from the `kubernetes` config section (besides `accounts`). */
export const kubernetesProviderSettings = z
  .object({ probeIntervalSeconds: z.number().positive().optional(), writeBatchMillis: z.number().int().positive().optional() })
  .passthrough()
  .default({});

export interface KubernetesProviderOptions {
  /** Write-through batching window. */
  readonly flushIntervalMs?: number;
  /** API server probe period (a failing probe marks the account unreachable). */
  readonly probeIntervalMs?: number;
  /** Accounts doing their first LIST at the same time (the rest wait their turn). */
  readonly startConcurrency?: number;
  /** `caching.writeEnabled`: when false, this instance only reads the cache store (never writes it). */
  readonly writeEnabled?: boolean;
}

/**
 * Starts account caches a few at a time, so thousands of accounts neither stall the process
 * (the service answers `/health` at once) nor hammer their API servers together; an account
 * that cannot finish its first LIST within `turnMs` yields its turn and keeps retrying alone.
 */
class StartQueue {
  private readonly waiting: KubernetesAccountCache[] = [];
  private running = 0;

  constructor(
    private readonly concurrency: number,
    private readonly stillWanted: (account: KubernetesAccountCache) => boolean,
    private readonly turnMs = 30_000,
  ) {}

  enqueue(account: KubernetesAccountCache): void {
    this.waiting.push(account);
    setImmediate(() => this.next());
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const account = this.waiting.shift();
      if (account === undefined || !this.stillWanted(account)) continue;
      this.running++;
      account.start();
      void account.waitForInitialSync(this.turnMs).finally(() => {
        this.running--;
        this.next();
      });
    }
  }
}

/**
 * The Kubernetes provider: accounts from `kubernetes.accounts[]` or the account API, one
 * watch-based account cache per account (the read API answers from it), and per account one
 * scheduled agent, `{account}/KubernetesCoreCachingAgent`, that writes the full model to the
 * cache store authoritatively (evicting anything the incremental writes missed).
 */
export function createKubernetesProvider(options: KubernetesProviderOptions = {}): ProviderModule<KubernetesAccountConfig, KubernetesCredentials> {
  const caches = new Map<string, KubernetesAccountCache>();
  const starter = new StartQueue(options.startConcurrency ?? 32, (a) => caches.get(a.account) === a);
  const read = new KubernetesReadService(() => caches);
  let providerCache: ProviderCache | undefined;
  let artifacts: ArtifactDownloader | undefined;

  const snapshotAgent = (account: KubernetesAccountCache, credentials: KubernetesCredentials, agentType: string): CachingAgent => ({
    agentType,
    providerName: KUBERNETES,
    accountName: credentials.name,
    providedDataTypes: [...cachedKinds(credentials, account.registry).map((k) => k.name), APPLICATIONS, CLUSTERS].map((typeName) => ({ typeName, authority: 'AUTHORITATIVE' as const })),
    schedule: { intervalMs: (credentials.config.cacheIntervalSeconds ?? SNAPSHOT_INTERVAL_SECONDS) * 1000 },
    async loadData(ctx) {
      const synced = ctx.signal.aborted ? false : await account.waitForInitialSync(10_000);
      const status = account.status();
      // Never let an unreachable cluster's empty state evict its last known data.
      if (!synced || status.state !== 'watching') throw new Error(`account ${credentials.name} is ${status.state}${status.lastError === undefined ? '' : `: ${status.lastError}`}`);
      await account.flush();
      return account.model.result();
    },
    introspectionDetails: () => ({ ...account.status() }),
  });

  const runtime: ProviderRuntime = {
    health: {
      name: 'kubernetes',
      // One unreachable cluster must not take the service out of rotation: always UP, per-account detail.
      check: async () => ({
        status: 'UP',
        details: Object.fromEntries([...caches].map(([name, c]) => {
          const s = c.status();
          return [name, { state: s.state, stale: s.stale, objects: s.objects, ...(s.lastError === undefined ? {} : { lastError: s.lastError }) }];
        })),
      }),
    },
    async onAccountRemoved(credentials) {
      const cache = caches.get(credentials.name);
      caches.delete(credentials.name);
      read.forgetAccount(credentials.name);
      await cache?.stop();
    },
    async stop() {
      await Promise.all([...caches.values()].map((c) => c.stop({ flush: true })));
      caches.clear();
    },
  };

  return {
    id: KUBERNETES,
    cacheNamespace: KUBERNETES,
    configKey: KUBERNETES,
    accountSchema: kubernetesAccountSchema,
    // Artifact downloads arrive with attach(); deployManifest reads manifests from artifacts through them.
    operations: kubernetesOperations({ account: (name) => caches.get(name), artifacts: () => artifacts }),
    createCredentials: async (definition) => new KubernetesCredentials(definition),
    submittedDefinitionProblems: kubernetesDefinitionProblems,
    attach(ctx) {
      providerCache = ctx.cache;
      artifacts = ctx.deps.artifacts;
      registerManifestRoutes(ctx.server, { read, accounts: () => caches });
      registerJobRoutes(ctx.server, { accounts: () => caches });
      return { ...runtime, read: kubernetesReadContributor(read, () => caches, ctx.deps.clock) };
    },
    buildCachingAgents(credentials: KubernetesCredentials, deps: ProviderDeps): CachingAgent[] {
      if (providerCache === undefined) throw new Error('kubernetes provider used before attach()');
      const agentType = `${credentials.name}/KubernetesCoreCachingAgent`;
      const account = new KubernetesAccountCache({
        credentials,
        cache: providerCache,
        logger: deps.logger.child({ account: credentials.name }),
        agentType,
        writeEnabled: options.writeEnabled ?? true,
        ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
        ...(options.probeIntervalMs === undefined ? {} : { probeIntervalMs: options.probeIntervalMs }),
        onChange: (keys) => read.invalidate(credentials.name, keys),
      });
      caches.set(credentials.name, account);
      starter.enqueue(account);
      return [snapshotAgent(account, credentials, agentType)];
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { CachingAgent } from '../../core/agents/CachingAgent.js';
import type { ProviderDeps, ProviderModule, ProviderRuntime } from '../../core/providers/ProviderModule.js';
import { DockerRegistryCredentials } from './account/DockerRegistryCredentials.js';
import { dockerRegistryAccountSchema, type DockerRegistryAccountConfig } from './account/DockerRegistryAccountConfig.js';
import { dockerRegistryDefinitionProblems } from './account/submittedDefinition.js';
import { registerDockerRegistryRoutes } from './api/dockerRegistryRoutes.js';
import { DockerRegistryImageCachingAgent } from './caching/DockerRegistryImageCachingAgent.js';
import { DOCKER_REGISTRY } from './keys.js';
import { DockerImageLookup } from './read/DockerImageLookup.js';

/**
 * The Docker registry provider (clouddriver-docker): accounts from `dockerRegistry.accounts[]` or
 * the account storage API, `cacheThreads` caching agents per account writing tagged images and
 * image ids, and the image lookup routes under `/dockerRegistry/images` and `/titus/images`. It
 * has no operations, as upstream.
 */
export function createDockerRegistryProvider(): ProviderModule<DockerRegistryAccountConfig, DockerRegistryCredentials, FastifyInstance> {
  /** Accounts whose agents are scheduled (added on `buildCachingAgents`, removed with the account). */
  const accounts = new Map<string, DockerRegistryCredentials>();
  const agents = new Map<string, DockerRegistryImageCachingAgent[]>();

  const runtime: ProviderRuntime = {
    health: {
      name: DOCKER_REGISTRY,
      // One unreachable registry must not take the service out of rotation: always UP, per-account detail.
      check: async () => ({ status: 'UP', details: Object.fromEntries([...agents].map(([name, list]) => [name, accountHealth(list)])) }),
    },
    async onAccountRemoved(credentials) {
      if (accounts.get(credentials.name) !== credentials) return;
      accounts.delete(credentials.name);
      agents.delete(credentials.name);
    },
    async stop() {
      accounts.clear();
      agents.clear();
    },
  };

  return {
    id: DOCKER_REGISTRY,
    cacheNamespace: DOCKER_REGISTRY,
    configKey: DOCKER_REGISTRY,
    accountSchema: dockerRegistryAccountSchema,
    operations: [],
    createCredentials: async (definition, deps: ProviderDeps) => new DockerRegistryCredentials(definition, deps.clock),
    submittedDefinitionProblems: dockerRegistryDefinitionProblems,
    attach(ctx) {
      registerDockerRegistryRoutes(ctx.server, { lookup: new DockerImageLookup(ctx.cache, () => accounts) });
      return runtime;
    },
    buildCachingAgents(credentials): CachingAgent[] {
      accounts.set(credentials.name, credentials);
      const threads = credentials.config.cacheThreads;
      const list = Array.from({ length: threads }, (_, i) => new DockerRegistryImageCachingAgent(credentials, i, threads));
      agents.set(credentials.name, list);
      return list;
    },
  };
}

/**
 * One account in `/health`: `pending` until every shard has run once, `failing` while any
 * shard's last run failed, `degraded` while a shard kept some repositories' previous tags
 * because they could not be listed, else `ok`; with the images cached by the last runs and the
 * first error (errors name no secret).
 */
function accountHealth(list: readonly DockerRegistryImageCachingAgent[]): Record<string, unknown> {
  const outcomes = list.map((a) => a.lastOutcome());
  const failed = outcomes.find((o) => o !== undefined && !o.ok);
  const degraded = outcomes.find((o) => typeof o?.listingError === 'string');
  const state = failed ? 'failing' : degraded ? 'degraded' : outcomes.some((o) => o === undefined) ? 'pending' : 'ok';
  const taggedImages = outcomes.reduce((n, o) => n + (typeof o?.taggedImages === 'number' ? o.taggedImages : 0), 0);
  const lastError = failed?.error ?? degraded?.listingError;
  return { state, taggedImages, ...(typeof lastError === 'string' ? { lastError } : {}) };
}

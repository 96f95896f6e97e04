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
export function createDockerRegistryProvider(): ProviderModule<DockerRegistryAccountConfig, DockerRegistryCredentials> {
  /** Accounts whose agents are scheduled (added on `buildCachingAgents`, removed with the account). */
  const accounts = new Map<string, DockerRegistryCredentials>();

  const runtime: ProviderRuntime = {
    async onAccountRemoved(credentials) {
      if (accounts.get(credentials.name) === credentials) accounts.delete(credentials.name);
    },
    async stop() {
      accounts.clear();
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
      return Array.from({ length: threads }, (_, i) => new DockerRegistryImageCachingAgent(credentials, i, threads));
    },
  };
}

/**
 * The AWS provider (clouddriver-aws): accounts from `aws.accounts[]` or the account storage API,
 * the caching agents of each account × region (Clouddriver's `ProviderHelpers`), its part of the
 * read API, the image lookup routes under `/aws/images`, the scaling activities route and the
 * atomic operations (`ops/`).
 *
 * Every AWS service is reached at `settings.endpoint` when it is set (`aws.endpoint`: a simulator
 * or proxy), else at the public endpoints; credentials come from the SDK's default chain.
 */
import type { FastifyInstance } from 'fastify';
import type { CachingAgent } from '../../core/agents/CachingAgent.js';
import type { ProviderModule, ProviderRuntime } from '../../core/providers/ProviderModule.js';
import { awsAccountSchema, type AwsAccountConfig, type AwsProviderSettings } from './account/AwsAccountConfig.js';
import { AwsCredentials } from './account/AwsCredentials.js';
import { awsDefinitionProblems } from './account/submittedDefinition.js';
import { registerAwsImageRoutes } from './api/awsImageRoutes.js';
import { registerAwsScalingActivityRoutes } from './api/awsScalingActivityRoutes.js';
import { ApplicationLoadBalancerCachingAgent } from './caching/ApplicationLoadBalancerCachingAgent.js';
import { ClassicLoadBalancerCachingAgent } from './caching/ClassicLoadBalancerCachingAgent.js';
import { ClusterCachingAgent } from './caching/ClusterCachingAgent.js';
import { ImageCachingAgent } from './caching/ImageCachingAgent.js';
import { InstanceCachingAgent } from './caching/InstanceCachingAgent.js';
import { LaunchConfigCachingAgent } from './caching/LaunchConfigCachingAgent.js';
import { LaunchTemplateCachingAgent } from './caching/LaunchTemplateCachingAgent.js';
import { LoadBalancerInstanceStateCachingAgent } from './caching/LoadBalancerInstanceStateCachingAgent.js';
import { CertificateCachingAgent, ElasticIpCachingAgent, InstanceTypeCachingAgent, KeyPairCachingAgent, SubnetCachingAgent, VpcCachingAgent } from './caching/NetworkCachingAgents.js';
import { SecurityGroupCachingAgent } from './caching/SecurityGroupCachingAgent.js';
import type { AwsAgentBase } from './caching/AwsAgentBase.js';
import { AWS } from './keys.js';
import { AwsImageLookup } from './read/AwsImageLookup.js';
import { createAwsOnDemand, runAgentsNow } from './read/AwsOnDemand.js';
import { createAwsReadContributor } from './read/AwsReadContributor.js';
import { createAwsInfrastructureReader } from './read/infrastructureViews.js';
import { awsOperations } from './ops/awsOperations.js';
import type { ProviderCache } from '../../core/cache/Cache.js';
import { systemClock, type Clock } from '../../core/Clock.js';
import { silentLogger } from '../../core/Logger.js';

/** The agents of one account in one region; `publicImages` for the account that caches a region's public images. */
export function awsRegionAgents(credentials: AwsCredentials, region: string, publicImages: boolean): AwsAgentBase[] {
  return [
    new ClusterCachingAgent(credentials, region),
    new LaunchConfigCachingAgent(credentials, region),
    new LaunchTemplateCachingAgent(credentials, region),
    new InstanceCachingAgent(credentials, region),
    new ClassicLoadBalancerCachingAgent(credentials, region),
    new LoadBalancerInstanceStateCachingAgent(credentials, region),
    new ApplicationLoadBalancerCachingAgent(credentials, region),
    new SecurityGroupCachingAgent(credentials, region),
    new ImageCachingAgent(credentials, region, false),
    ...(publicImages ? [new ImageCachingAgent(credentials, region, true)] : []),
    new SubnetCachingAgent(credentials, region),
    new VpcCachingAgent(credentials, region),
    new KeyPairCachingAgent(credentials, region),
    new InstanceTypeCachingAgent(credentials, region),
    new ElasticIpCachingAgent(credentials, region),
    new CertificateCachingAgent(credentials, region),
  ];
}

export function createAwsProvider(settings: AwsProviderSettings = {}): ProviderModule<AwsAccountConfig, AwsCredentials, FastifyInstance> {
  const accounts = new Map<string, AwsCredentials>();
  /** The agents built for each account (on-demand refresh runs them). */
  const agents = new Map<string, AwsAgentBase[]>();
  /** Region → the account whose agents cache its public images (`ImageCachingAgent` once per region, as upstream). */
  const publicImageAccount = new Map<string, string>();

  /** Set when the provider is attached to the service (operations read and refresh it). */
  let providerCache: ProviderCache | undefined;
  /** The service's clock once attached (operations are built before: they read it through this). */
  let serviceClock: Clock = systemClock;
  const clock: Clock = { now: () => serviceClock.now() };

  /** Cached kind → the agents (by upstream name) that cache it. */
  const AGENTS_OF: Readonly<Record<string, readonly string[]>> = {
    serverGroups: ['ClusterCachingAgent', 'InstanceCachingAgent', 'LaunchConfigCachingAgent', 'AmazonLaunchTemplateCachingAgent'],
    instances: ['InstanceCachingAgent'],
    loadBalancers: ['AmazonLoadBalancerCachingAgent', 'AmazonApplicationLoadBalancerCachingAgent', 'AmazonLoadBalancerInstanceStateCachingAgent'],
    securityGroups: ['AmazonSecurityGroupCachingAgent'],
  };
  /** Runs the region's agents for these kinds now and writes their results, as a scheduled run would. */
  const refresh = async (account: string, region: string, kinds: readonly string[]): Promise<void> => {
    const cache = providerCache;
    if (cache === undefined) return;
    const types = new Set(kinds.flatMap((k) => AGENTS_OF[k] ?? []).map((n) => `${account}/${region}/${n}`));
    await runAgentsNow((agents.get(account) ?? []).filter((a) => types.has(a.agentType)), { cache, clock, logger: silentLogger });
  };

  const accountIds = (): Map<string, string> => new Map([...accounts.values()].filter((a) => a.config.accountId !== undefined).map((a) => [a.config.accountId ?? '', a.name]));

  const runtime = (): Omit<ProviderRuntime, 'read'> => ({
    health: {
      name: AWS,
      // One failing account must not take the service out of rotation: always UP, per-account detail.
      check: async () => ({ status: 'UP', details: Object.fromEntries([...agents].map(([name, list]) => [name, accountHealth(list)])) }),
    },
    async onAccountRemoved(credentials) {
      if (accounts.get(credentials.name) !== credentials) return;
      accounts.delete(credentials.name);
      agents.delete(credentials.name);
      for (const [region, owner] of publicImageAccount) if (owner === credentials.name) publicImageAccount.delete(region);
    },
    async stop() {
      for (const a of accounts.values()) await a.close();
      accounts.clear();
      agents.clear();
    },
  });

  return {
    id: AWS,
    cacheNamespace: AWS,
    configKey: AWS,
    accountSchema: awsAccountSchema,
    operations: awsOperations({ credentials: (name) => accounts.get(name), cache: () => providerCache, refresh, clock }),
    createCredentials: async (definition) => new AwsCredentials(definition, settings.endpoint),
    submittedDefinitionProblems: awsDefinitionProblems,
    attach(ctx) {
      providerCache = ctx.cache;
      serviceClock = ctx.deps.clock;
      registerAwsImageRoutes(ctx.server, new AwsImageLookup(ctx.cache));
      registerAwsScalingActivityRoutes(ctx.server, (name) => accounts.get(name));
      const onDemand = createAwsOnDemand({ cache: ctx.cache, agents: (account) => agents.get(account) ?? [], clock: ctx.deps.clock, logger: ctx.deps.logger });
      return { ...runtime(), read: { ...createAwsReadContributor(ctx.cache, accountIds, ctx.deps.clock), onDemand, infrastructure: createAwsInfrastructureReader(ctx.cache) } };
    },
    buildCachingAgents(credentials): CachingAgent[] {
      accounts.set(credentials.name, credentials);
      const built = credentials.regions.flatMap((r) => {
        const owner = publicImageAccount.get(r.name);
        if (owner === undefined || !accounts.has(owner)) publicImageAccount.set(r.name, credentials.name);
        return awsRegionAgents(credentials, r.name, publicImageAccount.get(r.name) === credentials.name);
      });
      agents.set(credentials.name, built);
      return built;
    },
  };
}

/**
 * One account in `/health`: `pending` until every agent has run once, `failing` while any
 * agent's last run failed (with the first such agent and error), else `ok`.
 */
function accountHealth(list: readonly AwsAgentBase[]): Record<string, unknown> {
  const outcomes = list.map((a) => ({ agentType: a.agentType, outcome: a.lastOutcome() }));
  const failed = outcomes.filter((o) => o.outcome?.ok === false);
  const state = failed.length > 0 ? 'failing' : outcomes.some((o) => o.outcome === undefined) ? 'pending' : 'ok';
  const first = failed[0];
  return { state, agents: list.length, failingAgents: failed.length, ...(first === undefined ? {} : { lastError: `${first.agentType}: ${first.outcome?.error ?? ''}` }) };
}

/**
 * On-demand refresh for AWS (`POST /cache/aws/{type}`, Clouddriver's `OnDemandAgent`s of
 * `ClusterCachingAgent`, `AmazonLoadBalancerCachingAgent`,
 * `AmazonApplicationLoadBalancerCachingAgent` and `AmazonSecurityGroupCachingAgent`): the body
 * names `account` and `region` (and the object: `serverGroupName`/`asgName`,
 * `loadBalancerName`, `securityGroupName`); the region's agents for that type run at once and
 * their results are written as a scheduled run writes them, so the answer is 200 with
 * `cachedIdentifiersByType` (the object's key when it exists, evicted when it is gone). Nothing
 * is ever pending. Unlike upstream, which describes the one object, the region's agents run in
 * full: simpler and as exact, at the cost of a region's describe calls per refresh.
 */
import { authoritativeTypes, type CachingAgent } from '../../../core/agents/CachingAgent.js';
import type { ProviderCache } from '../../../core/cache/Cache.js';
import type { Clock } from '../../../core/Clock.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/Logger.js';
import type { OnDemandHandler, OnDemandOutcome } from '../../../core/read/ReadContributor.js';
import { keyGlob, T } from '../keys.js';

/** On-demand type (case-insensitive) → the agents that refresh it and the cache type of its key. */
const TYPES: Readonly<Record<string, { agents: readonly string[]; cacheType: string; nameFields: readonly string[] }>> = {
  servergroup: { agents: ['ClusterCachingAgent', 'InstanceCachingAgent'], cacheType: T.serverGroups, nameFields: ['serverGroupName', 'asgName'] },
  loadbalancer: { agents: ['AmazonLoadBalancerCachingAgent', 'AmazonApplicationLoadBalancerCachingAgent'], cacheType: T.loadBalancers, nameFields: ['loadBalancerName'] },
  securitygroup: { agents: ['AmazonSecurityGroupCachingAgent'], cacheType: T.securityGroups, nameFields: ['securityGroupName'] },
};

/** Runs agents one after another and writes each result as a scheduled run writes it (on-demand refresh, and refresh after an operation). */
export async function runAgentsNow(agents: readonly CachingAgent[], deps: { cache: ProviderCache; clock: Clock; logger: Logger }): Promise<void> {
  for (const agent of agents) {
    const result = await agent.loadData({ cache: deps.cache, signal: AbortSignal.timeout(120_000), logger: deps.logger, clock: deps.clock });
    await deps.cache.putCacheResult(agent.agentType, authoritativeTypes(agent), result);
  }
}

export function createAwsOnDemand(deps: { cache: ProviderCache; agents: (account: string) => readonly CachingAgent[]; clock: Clock; logger: Logger }): OnDemandHandler {
  const text = (data: Readonly<Record<string, unknown>>, field: string): string | undefined => {
    const v = data[field];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  return {
    async refresh(type, data): Promise<OnDemandOutcome> {
      const spec = TYPES[type.toLowerCase()];
      if (spec === undefined) throw new InputError(`Unsupported on-demand type '${type}' for aws (expected serverGroup, loadBalancer or securityGroup)`);
      const account = text(data, 'account') ?? text(data, 'credentials');
      const region = text(data, 'region');
      const name = spec.nameFields.map((f) => text(data, f)).find((n) => n !== undefined);
      if (account === undefined || region === undefined || name === undefined) throw new InputError(`account, region and ${spec.nameFields.join(' or ')} are required`);
      const agents = deps.agents(account).filter((a) => spec.agents.some((n) => a.agentType === `${account}/${region}/${n}`));
      if (agents.length === 0) throw new NotFoundError(`No AWS account ${account} caching region ${region}`);
      await runAgentsNow(agents, deps);
      const matches = await deps.cache.filterIdentifiers(spec.cacheType, globFor(spec.cacheType, account, region, name));
      return { status: 200, body: { cachedIdentifiersByType: { [spec.cacheType]: matches } } };
    },
    pending: () => [],
  };
}

/** The keys an object may have (a load balancer's key may end in its VPC and type). */
function globFor(type: string, account: string, region: string, name: string): string {
  const safe = (s: string) => s.replace(/[*?[\]]/g, '?');
  switch (type) {
    case T.serverGroups:
      return keyGlob(T.serverGroups, '*', safe(account), safe(region), safe(name));
    case T.loadBalancers:
      return `${keyGlob(T.loadBalancers, safe(account), safe(region), safe(name))}*`;
    default:
      return keyGlob(T.securityGroups, safe(name), '*', safe(region), safe(account), '*');
  }
}

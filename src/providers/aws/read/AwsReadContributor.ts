/**
 * The AWS provider's part of the provider-neutral read API (Clouddriver's
 * `AmazonApplicationProvider`, `AmazonClusterProvider`, `AmazonLoadBalancerProvider`,
 * `AmazonSecurityGroupProvider`, `AmazonInstanceProvider` and the CATS search), answered from the
 * cache store on every call. Its `generation` moves with every write this instance makes to the
 * `aws` namespace and at least every `OTHER_WRITERS_MS`: the core may then keep a serialized big
 * answer (an application's server groups) until either happens, so what other instances or
 * processes sharing the store write shows within that time.
 */
import type { ProviderCache } from '../../../core/cache/Cache.js';
import type { Clock } from '../../../core/Clock.js';
import { InputError } from '../../../core/errors.js';
import type { ClusterSummary, LoadBalancerModel, ReadContributor, SecurityGroupModel, TargetCoordinate } from '../../../core/read/ReadContributor.js';
import { AWS, awsKeys, parseAwsKey } from '../keys.js';
import { monikerOf } from '../names.js';
import { AwsCacheReader } from './AwsCacheReader.js';
import { loadBalancerSummary } from './loadBalancerViews.js';
import { serverGroupSummary } from './serverGroupViews.js';
import { searchAws } from './AwsSearch.js';

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `TargetServerGroup` resolution over one region of a cluster, newest first. */
export function pickTarget(groups: readonly Json[], target: TargetCoordinate, onlyEnabled: boolean): Json | undefined {
  const sorted = groups.filter((g) => !onlyEnabled || g.disabled !== true).sort((a, b) => Number(b.createdTime ?? 0) - Number(a.createdTime ?? 0));
  switch (target) {
    case 'current':
      return sorted[0];
    case 'previous':
      return sorted[1];
    case 'oldest':
      return sorted.length > 1 ? sorted[sorted.length - 1] : undefined;
    case 'largest':
      return [...sorted].sort((a, b) => arr(b.instances).length - arr(a.instances).length)[0];
    case 'fail':
      if (sorted.length > 1) throw new InputError(`More than one server group found (${sorted.map((g) => String(g.name)).join(', ')})`);
      return sorted[0];
  }
}

/** The longest a memoised answer may miss a write made by another instance sharing the store (half the agents' 60 s interval). */
export const OTHER_WRITERS_MS = 30_000;

export function createAwsReadContributor(cache: ProviderCache, accountIds: () => ReadonlyMap<string, string>, clock: Clock): ReadContributor {
  const reader = new AwsCacheReader(cache, accountIds);

  const clusterGroups = async (app: string, account: string, cluster: string): Promise<Json[]> => {
    const keys = (await reader.applicationServerGroupKeys(app)).filter((k) => {
      const p = parseAwsKey(k);
      return p?.account === account && p.cluster === cluster;
    });
    return reader.serverGroupViews(keys);
  };

  return {
    cloudProvider: AWS,
    // Both terms only grow, so their sum moves when either does.
    generation: () => cache.localGeneration() + Math.floor(clock.now() / OTHER_WRITERS_MS),
    applications: {
      applications: async () =>
        [...(await reader.applicationClusters())].map(([name, accounts]) => ({
          name,
          attributes: { name },
          clusterNames: Object.fromEntries([...accounts].map(([acct, clusters]) => [acct, [...clusters].sort()])),
        })),
      application: async (name) => {
        const accounts = (await reader.applicationClusters()).get(name.toLowerCase());
        if (accounts === undefined) return undefined;
        const sgKeys = await reader.applicationServerGroupKeys(name);
        const sgs = await cache.getAll('serverGroups', sgKeys);
        const clusters: Record<string, { name: string; provider: string; loadBalancers: string[]; serverGroups: string[] }[]> = {};
        for (const [account, names] of accounts) {
          clusters[account] = [...names].sort().map((cluster) => {
            const mine = sgs.filter((sg) => sg.attributes.account === account && sg.attributes.cluster === cluster);
            return { name: cluster, provider: AWS, loadBalancers: [...new Set(mine.flatMap((sg) => arr(sg.attributes.loadBalancerNames).map(String)))], serverGroups: mine.map((sg) => String(sg.attributes.name)) };
          });
        }
        return { attributes: { name: name.toLowerCase() }, clusters };
      },
      clusterNames: async (app) => {
        const accounts = (await reader.applicationClusters()).get(app.toLowerCase());
        return Object.fromEntries([...(accounts ?? [])].map(([acct, names]) => [acct, [...names].sort()]));
      },
    },
    clusters: {
      clusterSummaries: async (app, account) => {
        const sgs = await cache.getAll('serverGroups', (await reader.applicationServerGroupKeys(app)).filter((k) => parseAwsKey(k)?.account === account));
        const byCluster = new Map<string, ClusterSummary & { loadBalancers: string[]; serverGroups: string[] }>();
        for (const sg of sgs) {
          const cluster = String(sg.attributes.cluster);
          const entry = byCluster.get(cluster) ?? { name: cluster, account, moniker: { app: app.toLowerCase(), cluster }, loadBalancers: [], serverGroups: [] };
          entry.serverGroups.push(String(sg.attributes.name));
          for (const lb of [...arr(sg.attributes.loadBalancerNames), ...arr(sg.attributes.targetGroupNames)].map(String)) if (!entry.loadBalancers.includes(lb)) entry.loadBalancers.push(lb);
          byCluster.set(cluster, entry);
        }
        return [...byCluster.values()];
      },
      cluster: async (app, account, name) => {
        const groups = await clusterGroups(app, account, name);
        if (groups.length === 0) return undefined;
        const lbItems = await reader.loadBalancerItems({ account });
        const names = new Set(groups.flatMap((g) => arr(g.loadBalancers).map(String)));
        const tgNames = new Set(groups.flatMap((g) => arr(g.targetGroups).map(String)));
        const lbs = lbItems.filter((lb) => names.has(String(lb.attributes.loadBalancerName)) || arr(lb.attributes.targetGroups).some((t) => tgNames.has(String(t))));
        return {
          name,
          type: AWS,
          accountName: account,
          moniker: monikerOf(name),
          serverGroups: groups as unknown as { name: string; region: string }[],
          loadBalancers: lbs.map(loadBalancerSummary),
          targetGroups: [...tgNames],
        };
      },
      target: async (app, account, cluster, region, target, onlyEnabled) => pickTarget((await clusterGroups(app, account, cluster)).filter((g) => g.region === region), target, onlyEnabled),
      applicationServerGroups: async (app, clusters) => {
        const keys = (await reader.applicationServerGroupKeys(app)).filter((k) => {
          const p = parseAwsKey(k);
          return clusters === undefined || clusters.has(`${p?.account ?? ''}:${p?.cluster ?? ''}`);
        });
        return (await reader.serverGroupViews(keys)).map(serverGroupSummary);
      },
      serverGroupsByIds: async (ids) => {
        const keys = ids.flatMap((id) => {
          const [account, region, name] = id.split(':');
          return account && region && name ? [awsKeys.serverGroup(name, account, region)] : [];
        });
        return (await reader.serverGroupViews(keys)).map(serverGroupSummary);
      },
      serverGroup: async (account, region, name) => (await reader.serverGroupViews([awsKeys.serverGroup(name, account, region)]))[0],
    },
    loadBalancers: {
      // `AmazonLoadBalancerSummary` / `AmazonLoadBalancerAccount` rename `byAccounts` / `byRegions`.
      treeNames: { accounts: 'accounts', regions: 'regions' },
      applicationLoadBalancers: async (app) => reader.loadBalancerViews(await reader.applicationLoadBalancerItems(app)),
      list: async (filter) => {
        const items = await reader.loadBalancerItems(filter);
        // A named load balancer in one account and region answers its details; trees list summaries.
        if (filter.account !== undefined && filter.region !== undefined && filter.name !== undefined) return (await reader.loadBalancerViews(items)) as unknown as LoadBalancerModel[];
        return items.map(loadBalancerSummary) as unknown as LoadBalancerModel[];
      },
    },
    securityGroups: {
      list: async (filter) => (await reader.securityGroups(filter)) as unknown as SecurityGroupModel[],
    },
    instances: {
      instance: async (account, region, id) => reader.instance(account, region, id),
    },
    search: {
      search: (q, type) => searchAws(cache, q, type),
    },
  };
}

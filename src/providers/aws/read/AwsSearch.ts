/**
 * Clouddriver's `CatsSearchProvider` over the AWS cache: for a type, the keys whose part after
 * `aws:{type}:` contains the query (case-insensitively), best first (earlier match, then shorter
 * key), answered as the parsed key (`Keys.parse`) plus the name Deck shows (`name`) — server
 * group, instance id, load balancer, cluster, application or security group name — and the
 * `url` templates of `AwsProvider` (security groups). Instances are hydrated with their server
 * group, cluster and application, as `AwsProvider`'s instance search result hydrator does.
 */
import type { Cache } from '../../../core/cache/Cache.js';
import { awsKeys, parseAwsKey, T } from '../keys.js';

/** The search types Clouddriver's AWS provider answers (`AwsProvider` searchable types). */
export const SEARCH_TYPES: readonly string[] = [T.applications, T.clusters, T.serverGroups, T.instances, T.loadBalancers, T.securityGroups];

function displayName(k: Record<string, string>): string | undefined {
  switch (k.type) {
    case T.serverGroups:
      return k.serverGroup;
    case T.instances:
      return k.instanceId;
    case T.loadBalancers:
      return k.loadBalancer;
    case T.clusters:
      return k.cluster;
    case T.applications:
      return k.application;
    case T.securityGroups:
      return k.name;
    default:
      return undefined;
  }
}

/**
 * The keys searched for a type. Clusters and applications are derived from the server group
 * keys (Clouddriver writes them as informative items that only its `ClusterCleanupAgent`
 * evicts; deriving them means a cluster whose last server group is gone is never found).
 */
async function identifiers(cache: Cache, type: string): Promise<string[]> {
  if (type !== T.clusters && type !== T.applications) return cache.getIdentifiers(type);
  const out = new Set<string>();
  for (const id of await cache.getIdentifiers(T.serverGroups)) {
    const k = parseAwsKey(id);
    if (k?.application === undefined || k.account === undefined || k.cluster === undefined) continue;
    out.add(type === T.clusters ? awsKeys.cluster(k.application, k.account, k.cluster) : awsKeys.application(k.application));
  }
  return [...out];
}

export async function searchAws(cache: Cache, q: string, type: string): Promise<Record<string, unknown>[]> {
  if (!SEARCH_TYPES.includes(type)) return [];
  const needle = q.toLowerCase();
  const prefix = `aws:${type}:`;
  const matches = (await identifiers(cache, type))
    .map((id) => ({ id, at: id.slice(prefix.length).toLowerCase().indexOf(needle) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at || a.id.length - b.id.length || (a.id < b.id ? -1 : 1));
  const found: { id: string; result: Record<string, unknown> }[] = [];
  for (const { id } of matches) {
    const k = parseAwsKey(id);
    if (k === undefined) continue;
    const name = displayName(k);
    found.push({ id, result: {
      ...k,
      ...(name === undefined ? {} : { name }),
      ...(type === T.securityGroups ? { url: `/securityGroups/${k.account ?? ''}/aws/${k.name ?? ''}?region=${k.region ?? ''}` } : {}),
    } });
  }
  if (type === T.instances && found.length > 0) {
    const items = await cache.getAll(T.instances, found.map((f) => f.id));
    const byId = new Map(items.map((i) => [i.id, i]));
    for (const { id, result } of found) {
      const sgKey = byId.get(id)?.relationships[T.serverGroups]?.[0];
      const sg = sgKey === undefined ? undefined : parseAwsKey(sgKey);
      if (sg) Object.assign(result, { serverGroup: sg.serverGroup, cluster: sg.cluster, application: sg.application });
    }
  }
  return found.map((f) => f.result);
}

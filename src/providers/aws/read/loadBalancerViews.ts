/**
 * Clouddriver's `AmazonLoadBalancer` as JSON (`AmazonLoadBalancerProvider`): the cached load
 * balancer (classic or v2, Java bean names) with `name`, `account`, `region`, `vpcId`,
 * `loadBalancerType`, `moniker`, and `serverGroups[]` — each server group that sends traffic to
 * it (a classic name, or one of its target groups) with `isDisabled` and its instances' health
 * in this load balancer. v2 load balancers also carry `targetGroups[]` with their server groups.
 */
import type { CacheData } from '../../../core/cache/CacheData.js';
import { parseAwsKey, T } from '../keys.js';
import { monikerOf } from '../names.js';
import { isDisabled } from './serverGroupViews.js';

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

export interface LoadBalancerParts {
  readonly item: CacheData;
  /** Cached server groups (attributes) that use this load balancer or one of its target groups. */
  readonly serverGroups: readonly CacheData[];
  readonly targetGroups: readonly CacheData[];
  /** Full instance views by instance id. */
  readonly instances: ReadonlyMap<string, Json>;
}

function serverGroupRef(sg: CacheData, instances: ReadonlyMap<string, Json>, healthOf: (i: Json) => Json): Json {
  const a = sg.attributes;
  const asg = obj(a.asg);
  const ids = arr(asg.instances).map((i) => String(obj(i).instanceId));
  return {
    name: a.name,
    account: a.account,
    region: a.region,
    cloudProvider: 'aws',
    isDisabled: isDisabled(asg),
    detachedInstances: [],
    instances: ids.map((id) => {
      const view = instances.get(id);
      return { id, name: id, zone: view?.zone ?? null, health: view === undefined ? { state: 'Unknown' } : healthOf(view) };
    }),
  };
}

/** The health of one instance as one load balancer or target group reports it. */
function lbHealth(kind: 'LoadBalancer' | 'TargetGroup', name: string): (view: Json) => Json {
  return (view) => {
    const entry = arr(view.health).map(obj).find((h) => h.type === kind);
    const detail = arr(kind === 'LoadBalancer' ? entry?.loadBalancers : entry?.targetGroups).map(obj).find((d) => d.name === name);
    return detail === undefined ? { state: 'Unknown', type: kind } : { type: kind, state: detail.healthState, description: detail.description ?? null, reasonCode: detail.reasonCode ?? detail.reason ?? null };
  };
}

export function loadBalancerView(parts: LoadBalancerParts): Json {
  const a = parts.item.attributes;
  const name = String(a.loadBalancerName);
  const type = String(a.loadBalancerType ?? a.type ?? 'classic');
  const vpcId = a.vpcid ?? a.vpcId ?? null;
  const base: Json = { ...a, name, type: 'aws', cloudProvider: 'aws', account: a.account, region: a.region, vpcId, loadBalancerType: type, moniker: monikerOf(name) };
  if (type === 'classic') {
    return { ...base, serverGroups: parts.serverGroups.map((sg) => serverGroupRef(sg, parts.instances, lbHealth('LoadBalancer', name))) };
  }
  const targetGroups = parts.targetGroups.map((tg) => {
    const tgName = String(tg.attributes.targetGroupName);
    const users = parts.serverGroups.filter((sg) => arr(sg.attributes.targetGroupNames).includes(tgName));
    return { ...tg.attributes, name: tgName, type: 'aws', cloudProvider: 'aws', serverGroups: users.map((sg) => serverGroupRef(sg, parts.instances, lbHealth('TargetGroup', tgName))) };
  });
  const seen = new Set<string>();
  const serverGroups = targetGroups.flatMap((tg) => arr(tg.serverGroups).map(obj)).filter((sg) => (seen.has(String(sg.name)) ? false : (seen.add(String(sg.name)), true)));
  return { ...base, targetGroups, serverGroups };
}

/**
 * The summary inside `/aws/loadBalancers` trees (`AmazonLoadBalancerDetail`), with its target
 * groups as `{name, targetType}` from the related target group keys (the deploy wizard offers the
 * `instance` ones).
 */
export function loadBalancerSummary(item: CacheData): Json {
  const a = item.attributes;
  const targetGroups = (item.relationships[T.targetGroups] ?? []).flatMap((key) => {
    const k = parseAwsKey(key);
    return k?.targetGroup === undefined ? [] : [{ name: k.targetGroup, targetType: k.targetType ?? null }];
  });
  return {
    account: a.account,
    region: a.region,
    name: a.loadBalancerName,
    vpcId: a.vpcid ?? a.vpcId ?? null,
    loadBalancerType: a.loadBalancerType ?? a.type ?? 'classic',
    securityGroups: arr(a.securityGroups),
    targetGroups,
    type: 'aws',
  };
}

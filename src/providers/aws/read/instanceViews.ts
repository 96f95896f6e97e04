/**
 * Clouddriver's `AmazonInstance` as JSON: the cached EC2 instance (Java bean names) plus `name`,
 * `health[]` (platform, classic load balancer and target group health) and the `healthState`
 * Deck shows, computed as `AmazonInstance.getHealthState` does: platform health alone says
 * nothing; any Down → Down, any OutOfService → OutOfService, any Starting → Starting, any
 * Draining → Draining, all Up → Up, else Unknown.
 */
import type { CacheData } from '../../../core/cache/CacheData.js';
import { HEALTH, awsKeys } from '../keys.js';

type Json = Record<string, unknown>;

export function healthKeys(account: string, region: string, instanceId: string): string[] {
  return Object.values(HEALTH).map((provider) => awsKeys.health(instanceId, account, region, provider));
}

export function healthState(health: readonly Json[]): string {
  const states = health.filter((h) => h.healthClass !== 'platform').map((h) => String(h.state));
  for (const s of ['Down', 'OutOfService', 'Starting', 'Draining']) if (states.includes(s)) return s;
  if (states.length > 0 && states.every((s) => s === 'Up')) return 'Up';
  const platform = health.find((h) => h.healthClass === 'platform');
  return platform?.state === 'Down' || platform?.state === 'Starting' ? String(platform.state) : 'Unknown';
}

/** The health entries of one instance, in Deck's shape (`name` beside upstream's `loadBalancerName`/`targetGroupName`). */
function healthEntries(items: readonly CacheData[]): Json[] {
  return items.map((h) => {
    const a = { ...h.attributes } as Json;
    delete a.instanceId;
    if (Array.isArray(a.loadBalancers)) a.loadBalancers = (a.loadBalancers as Json[]).map((l) => ({ ...l, name: l.loadBalancerName }));
    if (Array.isArray(a.targetGroups)) a.targetGroups = (a.targetGroups as Json[]).map((t) => ({ ...t, name: t.targetGroupName }));
    return a;
  });
}

/**
 * The instance's network interfaces with `ipv6Addresses` always a list: Clouddriver caches the
 * SDK for Java v1 `InstanceNetworkInterface`, whose lists auto-construct (`SdkInternalList`), so
 * Jackson writes `[]` where EC2 sent none; Deck's instance details map over it unguarded.
 */
function networkInterfaces(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((n) => (typeof n === 'object' && n !== null && !Array.isArray((n as Json).ipv6Addresses) ? { ...(n as Json), ipv6Addresses: [] } : n));
}

/** Full instance view. */
export function instanceView(instance: CacheData, health: readonly CacheData[], serverGroup?: string): Json {
  const a = instance.attributes;
  const entries = healthEntries(health);
  const placement = a.placement as { availabilityZone?: string } | undefined;
  return {
    ...a,
    ...(a.networkInterfaces === undefined ? {} : { networkInterfaces: networkInterfaces(a.networkInterfaces) }),
    name: a.instanceId,
    instanceId: a.instanceId,
    cloudProvider: 'aws',
    providerType: 'aws',
    type: 'aws',
    zone: placement?.availabilityZone ?? null,
    launchTime: a.launchTime ?? null,
    health: entries,
    healthState: healthState(entries),
    ...(serverGroup === undefined ? {} : { serverGroup }),
  };
}

/** The instance summary inside server group summaries (`ServerGroupViewModel.InstanceViewModel`). */
export function instanceSummary(view: Json): Json {
  return { id: view.instanceId, name: view.name, health: view.health, healthState: view.healthState, launchTime: view.launchTime, availabilityZone: view.zone };
}

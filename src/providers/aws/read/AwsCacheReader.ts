/**
 * Reads and joins the AWS cache for the read API: every answer is read from the provider's cache
 * store when asked (no in-memory model), in a few batched `getAll` calls per answer (server
 * groups, then their instances, health, launch configurations or templates and images), never
 * one call per item.
 */
import type { Cache } from '../../../core/cache/Cache.js';
import type { CacheData } from '../../../core/cache/CacheData.js';
import { awsKeys, keyGlob, parseAwsKey, T } from '../keys.js';
import { healthKeys, instanceView } from './instanceViews.js';
import { loadBalancerView } from './loadBalancerViews.js';
import { launchTemplateVersion, serverGroupView } from './serverGroupViews.js';
import { securityGroupView, type PeerGroup } from './securityGroupViews.js';

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const GLOB_SPECIAL = /[*?[\]]/;

export class AwsCacheReader {
  constructor(
    private readonly cache: Cache,
    /** Account name by AWS account id (configured accounts), for rules naming another account's groups. */
    private readonly accountIds: () => ReadonlyMap<string, string>,
  ) {}

  /** Server group keys of one application (from the keys: the cluster part's Frigga app). */
  async applicationServerGroupKeys(app: string): Promise<string[]> {
    const lower = app.toLowerCase();
    const ids = GLOB_SPECIAL.test(app) ? await this.cache.getIdentifiers(T.serverGroups) : await this.cache.filterIdentifiers(T.serverGroups, keyGlob(T.serverGroups, `${app}*`));
    return ids.filter((id) => parseAwsKey(id)?.application?.toLowerCase() === lower);
  }

  async allServerGroupKeys(): Promise<string[]> {
    return this.cache.getIdentifiers(T.serverGroups);
  }

  /** Full instance views by id for instance keys (with health, and the server group named by the instance). */
  async instanceViews(keys: readonly string[]): Promise<Map<string, Json>> {
    const items = await this.cache.getAll(T.instances, [...new Set(keys)]);
    const health = await this.cache.getAll(T.health, items.flatMap((i) => healthKeys(String(i.attributes.account), String(i.attributes.region), String(i.attributes.instanceId))));
    const byInstance = new Map<string, CacheData[]>();
    for (const h of health) {
      const id = String(h.attributes.instanceId);
      byInstance.set(id, [...(byInstance.get(id) ?? []), h]);
    }
    const out = new Map<string, Json>();
    for (const i of items) {
      const id = String(i.attributes.instanceId);
      const sgKey = i.relationships[T.serverGroups]?.[0];
      const sg = sgKey === undefined ? undefined : parseAwsKey(sgKey)?.serverGroup;
      out.set(id, instanceView(i, byInstance.get(id) ?? [], sg));
    }
    return out;
  }

  /** Full server group views of these keys, in key order (missing ones left out). */
  async serverGroupViews(keys: readonly string[]): Promise<Json[]> {
    const items = await this.cache.getAll(T.serverGroups, keys);
    if (items.length === 0) return [];
    const instances = await this.instanceViews(items.flatMap((sg) => sg.relationships[T.instances] ?? []));
    const lcs = new Map((await this.cache.getAll(T.launchConfigs, items.flatMap((sg) => sg.relationships[T.launchConfigs] ?? []))).map((c) => [c.id, c]));
    const lts = new Map((await this.cache.getAll(T.launchTemplates, items.flatMap((sg) => sg.relationships[T.launchTemplates] ?? []))).map((c) => [c.id, c]));
    const imageKey = (sg: CacheData): string | undefined => {
      const lc = lcs.get(sg.relationships[T.launchConfigs]?.[0] ?? '');
      const lt = lts.get(sg.relationships[T.launchTemplates]?.[0] ?? '');
      const spec = obj(sg.attributes.launchTemplate);
      const version = lt === undefined ? undefined : launchTemplateVersion(lt, spec);
      const imageId = lc?.attributes.imageId ?? obj(version?.launchTemplateData).imageId;
      return typeof imageId === 'string' ? awsKeys.image(String(sg.attributes.account), String(sg.attributes.region), imageId) : undefined;
    };
    const imageKeys = items.map(imageKey);
    const images = new Map((await this.cache.getAll(T.images, [...new Set(imageKeys.filter((k): k is string => k !== undefined))])).map((i) => [i.id, i]));
    return items.map((sg, n) =>
      serverGroupView({
        item: sg,
        instances: (sg.relationships[T.instances] ?? []).map((k) => instances.get(parseAwsKey(k)?.instanceId ?? '')).filter((v): v is Json => v !== undefined),
        launchConfig: lcs.get(sg.relationships[T.launchConfigs]?.[0] ?? ''),
        launchTemplate: lts.get(sg.relationships[T.launchTemplates]?.[0] ?? ''),
        image: images.get(imageKeys[n] ?? ''),
      }),
    );
  }

  async instance(account: string, region: string, id: string): Promise<Json | undefined> {
    return (await this.instanceViews([awsKeys.instance(account, region, id)])).get(id);
  }

  /** Load balancer items (classic and v2) matching the filter. */
  async loadBalancerItems(filter: { account?: string; region?: string; name?: string }): Promise<CacheData[]> {
    const part = (v: string | undefined): string => (v === undefined || GLOB_SPECIAL.test(v) ? '*' : v);
    const glob = keyGlob(T.loadBalancers, part(filter.account), part(filter.region), part(filter.name)) + (filter.name === undefined ? '' : '*');
    const ids = (await this.cache.filterIdentifiers(T.loadBalancers, glob)).filter((id) => {
      const k = parseAwsKey(id);
      return k !== undefined && (filter.account === undefined || k.account === filter.account) && (filter.region === undefined || k.region === filter.region) && (filter.name === undefined || k.loadBalancer === filter.name);
    });
    return this.cache.getAll(T.loadBalancers, ids);
  }

  /** Full load balancer views: each with the server groups (of any application) that use it. */
  async loadBalancerViews(items: readonly CacheData[]): Promise<Json[]> {
    if (items.length === 0) return [];
    const tgs = new Map((await this.cache.getAll(T.targetGroups, items.flatMap((lb) => lb.relationships[T.targetGroups] ?? []))).map((t) => [t.id, t]));
    const regions = new Set(items.map((lb) => `${String(lb.attributes.account)}:${String(lb.attributes.region)}`));
    const sgKeys = (await this.allServerGroupKeys()).filter((k) => {
      const p = parseAwsKey(k);
      return p !== undefined && regions.has(`${p.account}:${p.region}`);
    });
    const groups = await this.cache.getAll(T.serverGroups, sgKeys);
    const users = (lb: CacheData, lbTgs: CacheData[]): CacheData[] => {
      const name = lb.attributes.loadBalancerName;
      const tgNames = new Set(lbTgs.map((t) => t.attributes.targetGroupName));
      return groups.filter(
        (sg) => sg.attributes.account === lb.attributes.account && sg.attributes.region === lb.attributes.region && (arr(sg.attributes.loadBalancerNames).includes(name) || arr(sg.attributes.targetGroupNames).some((t) => tgNames.has(t))),
      );
    };
    const perLb = items.map((lb) => {
      const lbTgs = (lb.relationships[T.targetGroups] ?? []).map((k) => tgs.get(k)).filter((t): t is CacheData => t !== undefined);
      return { lb, lbTgs, users: users(lb, lbTgs) };
    });
    const instances = await this.instanceViews(perLb.flatMap((p) => p.users.flatMap((sg) => sg.relationships[T.instances] ?? [])));
    return perLb.map((p) => loadBalancerView({ item: p.lb, serverGroups: p.users, targetGroups: p.lbTgs, instances }));
  }

  /** Load balancers of an application: named after it, or used by its server groups. */
  async applicationLoadBalancerItems(app: string): Promise<CacheData[]> {
    const lower = app.toLowerCase();
    const sgs = await this.cache.getAll(T.serverGroups, await this.applicationServerGroupKeys(app));
    const wanted = new Set<string>();
    const tgKeys = sgs.flatMap((sg) => sg.relationships[T.targetGroups] ?? []);
    for (const tg of await this.cache.getAll(T.targetGroups, tgKeys)) for (const k of tg.relationships[T.loadBalancers] ?? []) wanted.add(k);
    const all = await this.cache.getIdentifiers(T.loadBalancers);
    for (const id of all) {
      const p = parseAwsKey(id);
      if (p === undefined) continue;
      if (p.application?.toLowerCase() === lower) wanted.add(id);
      if (p.loadBalancerType === 'classic' && sgs.some((sg) => sg.attributes.account === p.account && sg.attributes.region === p.region && arr(sg.attributes.loadBalancerNames).includes(p.loadBalancer))) wanted.add(id);
    }
    return this.cache.getAll(T.loadBalancers, [...wanted]);
  }

  /** Security group views matching the filter (`name` matches a group's name or id). */
  async securityGroups(filter: { account?: string; region?: string; name?: string; vpcId?: string }): Promise<Json[]> {
    const ids = (await this.cache.getIdentifiers(T.securityGroups)).filter((id) => {
      const k = parseAwsKey(id);
      return (
        k !== undefined &&
        (filter.account === undefined || k.account === filter.account) &&
        (filter.region === undefined || k.region === filter.region) &&
        (filter.name === undefined || k.name === filter.name || k.id === filter.name) &&
        (filter.vpcId === undefined || filter.vpcId === '*' || k.vpcId === filter.vpcId)
      );
    });
    if (ids.length === 0) return [];
    const items = await this.cache.getAll(T.securityGroups, ids);
    const peers = await this.peerGroups(items);
    return items.map((i) => securityGroupView(i, peers, this.accountIds()));
  }

  /** The groups these groups' rules name, by id, from the whole cache (rules may cross accounts). */
  private async peerGroups(items: readonly CacheData[]): Promise<Map<string, PeerGroup>> {
    const wanted = new Set(items.flatMap((i) => arr(i.attributes.ipPermissions).flatMap((p) => arr(obj(p).userIdGroupPairs).map((g) => String(obj(g).groupId)))));
    const out = new Map<string, PeerGroup>();
    if (wanted.size === 0) return out;
    for (const id of await this.cache.getIdentifiers(T.securityGroups)) {
      const k = parseAwsKey(id);
      if (k?.id === undefined || !wanted.has(k.id) || out.has(k.id)) continue;
      out.set(k.id, { id: k.id, name: k.name ?? k.id, ...(k.account === undefined ? {} : { account: k.account }), region: k.region ?? '', vpcId: k.vpcId === 'null' || k.vpcId === undefined ? null : k.vpcId });
    }
    return out;
  }

  /** Application names from server group keys (clusters by account) — stale informative items never show. */
  async applicationClusters(): Promise<Map<string, Map<string, Set<string>>>> {
    const out = new Map<string, Map<string, Set<string>>>();
    for (const id of await this.allServerGroupKeys()) {
      const k = parseAwsKey(id);
      if (k?.application === undefined || k.account === undefined || k.cluster === undefined) continue;
      const app = k.application.toLowerCase();
      const accounts = out.get(app) ?? new Map<string, Set<string>>();
      accounts.set(k.account, (accounts.get(k.account) ?? new Set()).add(k.cluster));
      out.set(app, accounts);
    }
    return out;
  }

  get raw(): Cache {
    return this.cache;
  }
}



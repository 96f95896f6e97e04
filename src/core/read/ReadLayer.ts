import type {
  ApplicationModel,
  Awaitable,
  ClusterModel,
  ClusterRef,
  ClusterSummary,
  LoadBalancerModel,
  LocationFilter,
  OnDemandHandler,
  ReadContributor,
  SecurityGroupModel,
  TargetCoordinate,
} from './ReadContributor.js';
import { InfrastructureReads } from './InfrastructureReads.js';

/** `SearchResultSet`. */
export interface SearchResultSet {
  readonly totalMatches: number;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly platform: string;
  readonly query: string;
  readonly results: readonly Record<string, unknown>[];
}

/**
 * `/{cloudProvider}/loadBalancers` entries (`LoadBalancerController`'s `LoadBalancerSummary` tree):
 * `{name, byAccounts: [{name, byRegions: [{name, loadBalancers}]}]}`, the two lists named as the
 * provider's `LoadBalancerReader.treeNames` say.
 */
export interface LoadBalancerSummary {
  readonly name: string;
  readonly [accounts: string]: string | readonly Record<string, unknown>[];
}

/** `/securityGroups`: `{account: {cloudProvider: {region: [summary]}}}`. */
export type SecurityGroupTree = Record<string, Record<string, Record<string, { name: string; id: string }[]>>>;

/** Serialized responses kept at once (each is valid until a contributor's generation moves). */
const MAX_SERIALIZED = 1000;

/**
 * The provider-neutral read API: answers every generic read endpoint by asking each
 * contributor for its part and merging as Clouddriver's controllers do (`ApplicationsController`,
 * `ClusterController`, `ServerGroupController`, `LoadBalancerController`,
 * `SecurityGroupController`, `InstanceController`, `SearchController`, `CacheController`).
 * Contributors never see each other.
 */
export class ReadLayer {
  private readonly responses = new Map<string, { generation: number; body: string }>();
  /** Builds under way, by generation and key. */
  private readonly building = new Map<string, Promise<string>>();

  /** Subnets, networks, key pairs, instance types, elastic IPs and certificates. */
  readonly infrastructure: InfrastructureReads;

  constructor(private readonly contributors: () => readonly ReadContributor[]) {
    this.infrastructure = new InfrastructureReads(contributors);
  }

  private each(cloudProvider?: string): readonly ReadContributor[] {
    const all = this.contributors();
    return cloudProvider === undefined ? all : all.filter((c) => c.cloudProvider === cloudProvider);
  }

  /** Cloud providers that contribute to the read API, in registration order. */
  cloudProviders(): string[] {
    return this.each().map((c) => c.cloudProvider);
  }

  /** Every contributor's answer (or nothing), concatenated in registration order. */
  private async gather<T>(ask: (c: ReadContributor) => Awaitable<readonly T[] | undefined> | undefined, cloudProvider?: string): Promise<T[]> {
    const parts = await Promise.all(this.each(cloudProvider).map((c) => ask(c)));
    return parts.flatMap((p) => (p === undefined ? [] : [...p]));
  }

  /** The first contributor's answer that is not undefined, asked in registration order. */
  private async first<T>(contributors: readonly ReadContributor[], ask: (c: ReadContributor) => Awaitable<T | undefined> | undefined): Promise<T | undefined> {
    for (const c of contributors) {
      const found = await ask(c);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The sum of every contributor's generation; undefined when one of them cannot tell. */
  private generation(): number | undefined {
    let sum = 0;
    for (const c of this.each()) {
      if (c.generation === undefined) return undefined;
      sum += c.generation();
    }
    return sum;
  }

  /**
   * A JSON body memoised until any contributor's generation moves, so a large answer is
   * serialized once per change rather than once per request.
   */
  async serialized(cacheKey: string, build: () => Promise<unknown>): Promise<string> {
    const generation = this.generation();
    if (generation === undefined) return JSON.stringify(await build());
    const hit = this.responses.get(cacheKey);
    if (hit !== undefined && hit.generation === generation) return hit.body;
    // Concurrent requests for the same answer at the same generation share one build.
    const flightKey = `${generation}\u0000${cacheKey}`;
    const pending = this.building.get(flightKey);
    if (pending !== undefined) return pending;
    const built = (async () => {
      const body = JSON.stringify(await build());
      if (this.responses.size >= MAX_SERIALIZED) this.responses.clear();
      this.responses.set(cacheKey, { generation, body });
      return body;
    })().finally(() => this.building.delete(flightKey));
    this.building.set(flightKey, built);
    return built;
  }

  // ---- applications (`ApplicationsController`) ----

  /** Each provider's applications, not merged across providers, sorted by name. */
  async applications(): Promise<ApplicationModel[]> {
    return (await this.gather((c) => c.applications?.applications()))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * One application merged across providers: attributes of all (`cloudProviders` lists the
   * providers that know it), clusters concatenated per account. Undefined when none knows it.
   */
  async application(name: string): Promise<{ name: string; attributes: Record<string, string>; clusters: Record<string, ClusterRef[]> } | undefined> {
    const attributes: Record<string, string> = {};
    const clusters: Record<string, ClusterRef[]> = {};
    const providers: string[] = [];
    for (const c of this.each()) {
      const app = await c.applications?.application(name);
      if (app === undefined) continue;
      providers.push(c.cloudProvider);
      Object.assign(attributes, app.attributes);
      for (const [account, refs] of Object.entries(app.clusters)) (clusters[account] ??= []).push(...refs);
    }
    if (providers.length === 0) return undefined;
    return { name, attributes: { ...attributes, name, cloudProviders: providers.join(',') }, clusters };
  }

  /** Cluster names by account, the union of every provider's. */
  async clusterNames(app: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const c of this.each()) {
      for (const [account, names] of Object.entries((await c.applications?.clusterNames(app)) ?? {})) {
        const merged = new Set([...(out[account] ?? []), ...names]);
        out[account] = [...merged];
      }
    }
    return out;
  }

  // ---- clusters (`ClusterController`) ----

  clusterSummaries(app: string, account: string): Promise<ClusterSummary[]> {
    return this.gather((c) => c.clusters?.clusterSummaries(app, account));
  }

  /** The cluster of that name in every provider that has one (`[Cluster]`), or one provider's. */
  async clusters(app: string, account: string, name: string, cloudProvider?: string): Promise<ClusterModel[]> {
    const all = await Promise.all(this.each(cloudProvider).map((c) => c.clusters?.cluster(app, account, name)));
    return all.flatMap((cluster) => cluster ?? []);
  }

  /** Server groups of a cluster named `name` (or, for Kubernetes, displayed as `name`), optionally in one region. */
  clusterServerGroups(cluster: ClusterModel, filter: { name?: string; region?: string }): ClusterModel['serverGroups'][number][] {
    return cluster.serverGroups.filter(
      (sg) => (filter.name === undefined || sg.name === filter.name || sg.displayName === filter.name) && (filter.region === undefined || sg.region === filter.region),
    );
  }

  target(cloudProvider: string, app: string, account: string, cluster: string, region: string, target: TargetCoordinate, onlyEnabled: boolean): Promise<unknown> {
    return this.first(this.each(cloudProvider), (c) => c.clusters?.target(app, account, cluster, region, target, onlyEnabled));
  }

  // ---- server groups (`ServerGroupController`, `ServerGroupManagerController`) ----

  applicationServerGroups(app: string, opts: { clusters?: ReadonlySet<string>; cloudProvider?: string } = {}): Promise<unknown[]> {
    return this.gather((c) => c.clusters?.applicationServerGroups(app, opts.clusters), opts.cloudProvider);
  }

  serverGroupsByIds(ids: readonly string[]): Promise<unknown[]> {
    return this.gather((c) => c.clusters?.serverGroupsByIds(ids));
  }

  serverGroup(account: string, region: string, name: string): Promise<unknown> {
    return this.first(this.each(), (c) => c.clusters?.serverGroup(account, region, name));
  }

  serverGroupManagers(app: string): Promise<unknown[]> {
    return this.gather((c) => c.clusters?.serverGroupManagers?.(app));
  }

  // ---- load balancers (`LoadBalancerController`) ----

  applicationLoadBalancers(app: string): Promise<unknown[]> {
    return this.gather((c) => c.loadBalancers?.applicationLoadBalancers(app));
  }

  loadBalancers(cloudProvider: string, filter: LocationFilter): Promise<LoadBalancerModel[]> {
    return this.gather((c) => c.loadBalancers?.list(filter), cloudProvider);
  }

  /** `[{name, byAccounts: [{name, byRegions: [{name, loadBalancers}]}]}]` (or the provider's names), grouped in first-seen order. */
  async loadBalancerTree(cloudProvider: string, name?: string): Promise<LoadBalancerSummary[]> {
    const names = this.each(cloudProvider).find((c) => c.loadBalancers?.treeNames !== undefined)?.loadBalancers?.treeNames ?? { accounts: 'byAccounts', regions: 'byRegions' };
    const byName = new Map<string, Map<string, Map<string, LoadBalancerModel[]>>>();
    for (const lb of await this.loadBalancers(cloudProvider, name === undefined ? {} : { name })) {
      const accounts = byName.get(lb.name) ?? new Map<string, Map<string, LoadBalancerModel[]>>();
      const regions = accounts.get(lb.account) ?? new Map<string, LoadBalancerModel[]>();
      regions.set(lb.region, [...(regions.get(lb.region) ?? []), lb]);
      accounts.set(lb.account, regions);
      byName.set(lb.name, accounts);
    }
    return [...byName].map(([lbName, accounts]) => ({
      name: lbName,
      [names.accounts]: [...accounts].map(([account, regions]) => ({ name: account, [names.regions]: [...regions].map(([region, loadBalancers]) => ({ name: region, loadBalancers })) })),
    }));
  }

  // ---- security groups (`SecurityGroupController`) ----

  async securityGroupTree(filter: { account?: string; region?: string; cloudProvider?: string } = {}): Promise<SecurityGroupTree> {
    const out: SecurityGroupTree = {};
    const location = { ...(filter.account === undefined ? {} : { account: filter.account }), ...(filter.region === undefined ? {} : { region: filter.region }) };
    for (const c of this.each(filter.cloudProvider)) {
      for (const sg of (await c.securityGroups?.list(location)) ?? []) {
        const regions = ((out[sg.accountName] ??= {})[c.cloudProvider] ??= {});
        (regions[sg.region] ??= []).push(sg.summary);
      }
    }
    return out;
  }

  /** One security group by name or id; `vpcId` (`SecurityGroupController`'s request parameter, default any) narrows it to one network. */
  securityGroup(cloudProvider: string, account: string, region: string, name: string, vpcId?: string): Promise<SecurityGroupModel | undefined> {
    return this.first(this.each(cloudProvider), async (c) => (await c.securityGroups?.list({ account, region, name, ...(vpcId === undefined ? {} : { vpcId }) }))?.[0]);
  }

  // ---- instances (`InstanceController`) ----

  instance(account: string, region: string, id: string): Promise<unknown> {
    return this.first(this.each(), (c) => c.instances?.instance(account, region, id));
  }

  // ---- search (`SearchController`) ----

  /**
   * Each provider (or the one named by `platform`) pages its own matches of every type, each
   * result once; one provider's set is the answer as it is, several are merged into one set
   * whose platform is `aws`, as Clouddriver does.
   */
  async search(q: string, types: readonly string[], page: number, pageSize: number, platform?: string): Promise<SearchResultSet[]> {
    const searching = this.each(platform).filter((c) => c.search !== undefined);
    const sets = await Promise.all(
      searching.map(async (c): Promise<SearchResultSet> => {
        const seen = new Set<string>();
        const perType = await Promise.all(types.map(async (t) => (await c.search?.search(q, t)) ?? []));
        const all = perType.flat().filter((r) => {
          // Security groups of one name live in several VPCs: their id tells them apart.
          const id = `${String(r.type)}|${String(r.account)}|${String(r.region)}|${String(r.name)}|${String(r.id ?? '')}`;
          return seen.has(id) ? false : (seen.add(id), true);
        });
        return { totalMatches: all.length, pageNumber: page, pageSize, platform: c.cloudProvider, query: q, results: all.slice((page - 1) * pageSize, page * pageSize) };
      }),
    );
    if (sets.length === 1) return sets;
    return [{ totalMatches: sets.reduce((n, s) => n + s.totalMatches, 0), pageNumber: page, pageSize, platform: 'aws', query: q, results: sets.flatMap((s) => s.results) }];
  }

  // ---- on-demand (`CacheController`) ----

  onDemand(cloudProvider: string): OnDemandHandler | undefined {
    return this.each(cloudProvider).find((c) => c.onDemand !== undefined)?.onDemand;
  }
}

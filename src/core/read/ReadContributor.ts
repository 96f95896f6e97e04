/**
 * What one cloud provider contributes to the provider-neutral read API. Core owns the generic
 * endpoints (`/applications`, `/serverGroups`, `/search`, `/instances`, `/securityGroups`,
 * `/{cloudProvider}/loadBalancers`, `/cache/{cloudProvider}/{type}`, ...) and merges what every
 * contributor answers (`ReadLayer`); a provider implements the parts it has, as a Clouddriver
 * provider implements `ApplicationProvider`, `ClusterProvider`, `LoadBalancerProvider`,
 * `SecurityGroupProvider`, `InstanceProvider`, `SearchProvider` and `OnDemandAgent`.
 *
 * Every answer may be a promise: a provider that reads its cache store (Redis, SQL) answers
 * asynchronously, one that keeps a model in memory (Kubernetes) at once.
 *
 * Models are the provider's own view objects (Clouddriver's model interfaces serialized); core
 * reads only the few fields named in the types below and passes the rest through untouched.
 */

/** A value now or later. */
export type Awaitable<T> = T | Promise<T>;

/** Clouddriver `Application`, as one provider knows it. */
export interface ApplicationModel {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Cluster names by account. */
  readonly clusterNames: Readonly<Record<string, readonly string[]>>;
}

/** One entry of `ApplicationViewModel.clusters[account]` (`ClusterViewModel`). */
export interface ClusterRef {
  readonly name: string;
  readonly provider: string;
  readonly loadBalancers: readonly string[];
  readonly serverGroups: readonly string[];
}

/** `GET /applications/{app}/clusters/{account}` entries: names only. */
export interface ClusterSummary {
  readonly name: string;
  readonly account: string;
  readonly moniker: { readonly app: string; readonly cluster: string };
  readonly loadBalancers: readonly string[];
  readonly serverGroups: readonly string[];
}

/** What core reads of a server group (`ServerGroup`): its name and region; Kubernetes adds `displayName`. */
export interface ServerGroupModel {
  readonly name: string;
  readonly region: string;
  readonly displayName?: string;
}

/** Clouddriver `Cluster`: core filters its server groups by name and region. */
export interface ClusterModel {
  readonly name: string;
  readonly serverGroups: readonly ServerGroupModel[];
}

/** Clouddriver `LoadBalancer`: core groups them by name, account and region. */
export interface LoadBalancerModel {
  readonly name: string;
  readonly account: string;
  readonly region: string;
}

/** Clouddriver `SecurityGroup`: core keys its summary by account and region. */
export interface SecurityGroupModel {
  readonly accountName: string;
  readonly region: string;
  readonly summary: { readonly name: string; readonly id: string };
}

/** `…/serverGroups/target/{target}` coordinates (`TargetServerGroup`). */
export type TargetCoordinate = 'current' | 'previous' | 'oldest' | 'largest' | 'fail';

export interface LocationFilter {
  readonly account?: string;
  /** Region (AWS), namespace (Kubernetes). */
  readonly region?: string;
  readonly name?: string;
  /** Only objects of this network (AWS security groups' `vpcId`); absent means any. */
  readonly vpcId?: string;
}

/** Clouddriver `ApplicationProvider`. */
export interface ApplicationReader {
  /** Applications this provider knows (it lists each once; core does not merge across providers). */
  applications(): Awaitable<readonly ApplicationModel[]>;
  /** One application's attributes and clusters by account; undefined when this provider has none of it. */
  application(name: string): Awaitable<{ readonly attributes: Readonly<Record<string, string>>; readonly clusters: Readonly<Record<string, readonly ClusterRef[]>> } | undefined>;
  /** Cluster names by account. */
  clusterNames(app: string): Awaitable<Readonly<Record<string, readonly string[]>>>;
}

/** Clouddriver `ClusterProvider` and `ServerGroupManagerProvider`. */
export interface ClusterReader {
  clusterSummaries(app: string, account: string): Awaitable<readonly ClusterSummary[]>;
  cluster(app: string, account: string, name: string): Awaitable<ClusterModel | undefined>;
  /** The server group a target coordinate picks in one region (scope) of a cluster. */
  target(app: string, account: string, cluster: string, region: string, target: TargetCoordinate, onlyEnabled: boolean): Awaitable<unknown>;
  /** Summary views (`/applications/{app}/serverGroups`); `clusters` holds `account:cluster` pairs. */
  applicationServerGroups(app: string, clusters?: ReadonlySet<string>): Awaitable<readonly unknown[]>;
  /** Summary views of `account:region:name` ids this provider has. */
  serverGroupsByIds(ids: readonly string[]): Awaitable<readonly unknown[]>;
  /** The full view of one server group. */
  serverGroup(account: string, region: string, name: string): Awaitable<unknown>;
  serverGroupManagers?(app: string): Awaitable<readonly unknown[]>;
}

/**
 * The JSON names of a provider's `LoadBalancerProvider.Item.getByAccounts` and
 * `ByAccount.getByRegions` in `/{cloudProvider}/loadBalancers`: `byAccounts`/`byRegions` unless the
 * provider's classes rename them (`AmazonLoadBalancerSummary` answers `accounts`/`regions`).
 */
export interface LoadBalancerTreeNames {
  readonly accounts: string;
  readonly regions: string;
}

/** Clouddriver `LoadBalancerProvider`. */
export interface LoadBalancerReader {
  applicationLoadBalancers(app: string): Awaitable<readonly unknown[]>;
  /** Every load balancer matching the filter, for `/{cloudProvider}/loadBalancers[...]`. */
  list(filter: LocationFilter): Awaitable<readonly LoadBalancerModel[]>;
  /** Names in the `/{cloudProvider}/loadBalancers` tree (default `byAccounts`/`byRegions`). */
  readonly treeNames?: LoadBalancerTreeNames;
}

/** Clouddriver `SecurityGroupProvider`. */
export interface SecurityGroupReader {
  list(filter: LocationFilter): Awaitable<readonly SecurityGroupModel[]>;
}

/** Clouddriver `InstanceProvider`. */
export interface InstanceReader {
  instance(account: string, region: string, id: string): Awaitable<unknown>;
}

/** Clouddriver `SearchProvider`: every match of one type, best first (core pages and merges). */
export interface SearchReader {
  search(q: string, type: string): Awaitable<readonly Record<string, unknown>[]>;
}

/** Clouddriver `Network` (`NetworkProvider`; AWS: `AmazonVpc`): core groups and sorts by these fields. */
export interface NetworkModel {
  readonly cloudProvider: string;
  readonly id: string;
  readonly name?: string | null;
  readonly account: string;
  readonly region: string;
}

/** Clouddriver `Certificate` (`CertificateProvider`): core sorts by name. */
export interface CertificateModel {
  readonly serverCertificateName: string;
}

/**
 * A provider's infrastructure (Clouddriver's `SubnetProvider`, `NetworkProvider`,
 * `KeyPairProvider`, `InstanceTypeProvider`, `ElasticIpProvider`, `CertificateProvider`), each
 * optional; every answer is the provider's own model objects.
 */
export interface InfrastructureReader {
  subnets?(): Awaitable<readonly unknown[]>;
  networks?(): Awaitable<readonly NetworkModel[]>;
  keyPairs?(): Awaitable<readonly unknown[]>;
  instanceTypes?(): Awaitable<readonly unknown[]>;
  /** Elastic IPs of one account, optionally of one region. */
  elasticIps?(account: string, region?: string): Awaitable<readonly unknown[]>;
  certificates?(): Awaitable<readonly CertificateModel[]>;
}

/** The answer of an on-demand refresh (`OnDemandAgent.OnDemandResult` through `CacheController`). */
export interface OnDemandOutcome {
  /** 200 when the change is in the cache already, 202 when it is pending. */
  readonly status: 200 | 202;
  readonly body: Record<string, unknown>;
}

/** Clouddriver's `OnDemandAgent`s of one provider, behind `POST|GET /cache/{cloudProvider}/{type}`. */
export interface OnDemandHandler {
  refresh(type: string, data: Readonly<Record<string, unknown>>): Promise<OnDemandOutcome>;
  /** Refreshes not yet processed (`GET /cache/{cloudProvider}/{type}`), optionally one id. */
  pending(type: string, id?: string): Awaitable<readonly unknown[]>;
}

export interface ReadContributor {
  /** The provider id in paths and `cloudProvider` parameters (`kubernetes`, `aws`). */
  readonly cloudProvider: string;
  /**
   * A number that changes whenever any answer of this contributor may have changed; core keeps
   * serialized responses until one of the contributors' generations moves. A contributor that
   * cannot tell (its cache is written by other instances) leaves it out: nothing is memoised.
   */
  generation?(): number;
  readonly applications?: ApplicationReader;
  readonly clusters?: ClusterReader;
  readonly loadBalancers?: LoadBalancerReader;
  readonly securityGroups?: SecurityGroupReader;
  readonly instances?: InstanceReader;
  readonly search?: SearchReader;
  readonly onDemand?: OnDemandHandler;
  readonly infrastructure?: InfrastructureReader;
}

import type { Clock } from '../../../core/Clock.js';
import type { ReadContributor } from '../../../core/read/ReadContributor.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { KubernetesOnDemand } from './KubernetesOnDemand.js';
import type { KubernetesReads } from './KubernetesReads.js';

/**
 * Kubernetes's part of the provider-neutral read API: regions are namespaces; every answer is
 * the read service's, over the accounts' watch-fed models or the cache store (`KubernetesReads`).
 */
export function kubernetesReadContributor(reads: KubernetesReads, accounts: () => ReadonlyMap<string, KubernetesAccountCache>, clock: Clock): ReadContributor {
  const namespaced = (f: { account?: string; region?: string; name?: string }) => ({
    ...(f.account === undefined ? {} : { account: f.account }),
    ...(f.region === undefined ? {} : { namespace: f.region }),
    ...(f.name === undefined ? {} : { name: f.name }),
  });
  return {
    cloudProvider: 'kubernetes',
    generation: () => reads.generation(),
    applications: {
      applications: () => reads.run((r) => r.applications()),
      application: (name) => reads.run((r) => r.application(name)),
      clusterNames: (app) => reads.run((r) => r.clusterNames(app)),
    },
    clusters: {
      clusterSummaries: (app, account) => reads.run((r) => r.clusterSummaries(app, account)),
      cluster: (app, account, name) => reads.run((r) => r.cluster(app, account, name)),
      target: (app, account, cluster, namespace, target, onlyEnabled) => reads.run((r) => r.target(app, account, cluster, namespace, target, onlyEnabled)),
      applicationServerGroups: (app, clusters) => reads.run((r) => r.applicationServerGroups(app, clusters)),
      serverGroupsByIds: (ids) => reads.run((r) => r.serverGroupsByIds(ids)),
      serverGroup: (account, namespace, name) => reads.run((r) => r.serverGroup(account, namespace, name)),
      serverGroupManagers: (app) => reads.run((r) => r.serverGroupManagers(app)),
    },
    loadBalancers: {
      applicationLoadBalancers: (app) => reads.run((r) => r.applicationLoadBalancers(app)),
      list: (filter) => reads.run((r) => r.loadBalancers(namespaced(filter))),
    },
    securityGroups: { list: (filter) => reads.run((r) => r.securityGroups(namespaced(filter))) },
    instances: { instance: (account, namespace, id) => reads.run((r) => r.instance(account, namespace, id)) },
    search: { search: (q, type) => reads.run((r) => r.search(q, type)) },
    onDemand: new KubernetesOnDemand(accounts, clock),
  };
}

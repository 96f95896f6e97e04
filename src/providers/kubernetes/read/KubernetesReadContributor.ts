import type { Clock } from '../../../core/Clock.js';
import type { ReadContributor } from '../../../core/read/ReadContributor.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { KubernetesOnDemand } from './KubernetesOnDemand.js';
import type { KubernetesReadService } from './KubernetesReadService.js';

/**
 * Kubernetes's part of the provider-neutral read API: regions are namespaces; every answer
 * comes from the accounts' watch-fed models through the memoising read service.
 */
export function kubernetesReadContributor(read: KubernetesReadService, accounts: () => ReadonlyMap<string, KubernetesAccountCache>, clock: Clock): ReadContributor {
  const namespaced = (f: { account?: string; region?: string; name?: string }) => ({
    ...(f.account === undefined ? {} : { account: f.account }),
    ...(f.region === undefined ? {} : { namespace: f.region }),
    ...(f.name === undefined ? {} : { name: f.name }),
  });
  return {
    cloudProvider: 'kubernetes',
    generation: () => read.generation(),
    applications: {
      applications: () => read.applications(),
      application: (name) => read.application(name),
      clusterNames: (app) => read.clusterNames(app),
    },
    clusters: {
      clusterSummaries: (app, account) => read.clusterSummaries(app, account),
      cluster: (app, account, name) => read.cluster(app, account, name),
      target: (app, account, cluster, namespace, target, onlyEnabled) => read.target(app, account, cluster, namespace, target, onlyEnabled),
      applicationServerGroups: (app, clusters) => read.applicationServerGroups(app, clusters),
      serverGroupsByIds: (ids) => read.serverGroupsByIds(ids),
      serverGroup: (account, namespace, name) => read.serverGroup(account, namespace, name),
      serverGroupManagers: (app) => read.serverGroupManagers(app),
    },
    loadBalancers: {
      applicationLoadBalancers: (app) => read.applicationLoadBalancers(app),
      list: (filter) => read.loadBalancers(namespaced(filter)),
    },
    securityGroups: { list: (filter) => read.securityGroups(namespaced(filter)) },
    instances: { instance: (account, namespace, id) => read.instance(account, namespace, id) },
    search: { search: (q, type) => read.search(q, type) },
    onDemand: new KubernetesOnDemand(accounts, clock),
  };
}

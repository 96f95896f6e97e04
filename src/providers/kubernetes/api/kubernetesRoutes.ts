import type { FastifyInstance } from 'fastify';
import { InputError, NotFoundError, ServiceUnavailableError } from '../../../core/errors.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import type { KubeObject } from '../client/KubeClient.js';
import { KubeApiError } from '../client/KubeClient.js';
import { sanitizeManifest } from '../cacheModel.js';
import { apiVersionOfKind, resourcePath, type KubernetesKindProperties } from '../KubernetesKind.js';
import { assertNamespaceAllowed, assertSameObject, assertValidKind, assertValidName } from '../coordinates.js';
import { manifestStatus } from '../manifestStatus.js';
import { deriveMoniker } from '../moniker.js';
import { creationTimestampMillis } from '../model/KubernetesManifest.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import { dockerImages } from '../readModels.js';
import type { KubernetesReadService, TargetCoordinate } from '../read/KubernetesReadService.js';
import { splitName } from '../read/KubernetesReadService.js';
import { containerMetrics } from '../read/podMetrics.js';

export interface KubernetesRouteDeps {
  readonly read: KubernetesReadService;
  readonly accounts: () => ReadonlyMap<string, KubernetesAccountCache>;
}

const TARGETS = new Set(['current', 'previous', 'oldest', 'largest', 'fail']);
const CP = 'kubernetes';

/** Distinct values one list parameter may carry: the fan-out of one request stays bounded. */
const MAX_LIST_VALUES = 500;

/**
 * A list query parameter given repeated (`a=x&a=y`), comma-separated (`a=x,y`) or both; blanks and
 * repeats dropped (a request repeating `type=` must not repeat the work); more than
 * `MAX_LIST_VALUES` distinct values is a 400.
 */
function listParam(value: string | readonly string[] | undefined, name = 'a list parameter'): string[] {
  if (value === undefined) return [];
  const values = [...new Set((typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
  if (values.length > MAX_LIST_VALUES) throw new InputError(`${name} may list at most ${MAX_LIST_VALUES} distinct values`);
  return values;
}

/**
 * The read API of spec core §6 and providers §1.10 for Kubernetes: applications, clusters,
 * server groups (full and summary), server group managers, load balancers, security groups,
 * instances, search and raw resources from the watch-fed cache; manifests live from the cluster;
 * on-demand refresh (`/cache/kubernetes/{type}`).
 */
export function registerKubernetesRoutes(app: FastifyInstance, deps: KubernetesRouteDeps): void {
  const { read } = deps;
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new NotFoundError(`${what} not found`);
    return value;
  };
  const account = (name: string): KubernetesAccountCache => found(deps.accounts().get(name), `Account ${name}`);
  const resolve = (acct: KubernetesAccountCache, kindName: string) => {
    assertValidKind(kindName);
    return acct.resolveKind(kindName).catch((e: unknown) => {
      if (e instanceof KubeApiError && e.status === 0) throw new ServiceUnavailableError(`account ${acct.account} is unreachable: ${e.message}`);
      throw new NotFoundError(`Kind ${kindName} is not served by account ${acct.account}`);
    });
  };
  /** The namespace a location names for `kind` ('' for cluster-scoped kinds), checked against the account's limits. */
  const namespaceFor = (acct: KubernetesAccountCache, kind: KubernetesKindProperties, location: string): string => {
    if (!kind.namespaced) return '';
    if (location === '_' || location === '') throw new InputError(`${kind.name} is namespaced: the location must name a namespace`);
    assertNamespaceAllowed(acct.credentials.config, location);
    return location;
  };

  // ---- applications and clusters ----
  // Clouddriver's Kubernetes provider ignores `expand`: clusterNames are always included.
  app.get('/applications', { config: { readFilter: 'applications' } }, async () => read.applications());
  app.get<{ Params: { app: string } }>('/applications/:app', { config: { readFilter: 'application' } }, async (req) => found(read.application(req.params.app), `Application does not exist (name: ${req.params.app})`));
  app.get<{ Params: { app: string } }>('/applications/:app/clusters', { config: { readFilter: 'accountKeys' } }, async (req) => read.clusterNames(req.params.app));
  app.get<{ Params: { app: string; account: string } }>('/applications/:app/clusters/:account', async (req) => {
    const list = read.clusterSummaries(req.params.app, req.params.account);
    if (list.length === 0) throw new NotFoundError(`No clusters found (application: ${req.params.app}, account: ${req.params.account})`);
    return list;
  });
  app.get<{ Params: { app: string; account: string; cluster: string } }>('/applications/:app/clusters/:account/:cluster', async (req) => [
    found(read.cluster(req.params.app, req.params.account, req.params.cluster), `Cluster ${req.params.cluster}`),
  ]);
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string } }>('/applications/:app/clusters/:account/:cluster/:cp', async (req) => {
    if (req.params.cp !== CP) throw new NotFoundError(`No cluster found for provider ${req.params.cp}`);
    return found(read.cluster(req.params.app, req.params.account, req.params.cluster), `Cluster ${req.params.cluster}`);
  });
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string }; Querystring: { region?: string } }>('/applications/:app/clusters/:account/:cluster/:cp/serverGroups', async (req) => {
    const cluster = found(req.params.cp === CP ? read.cluster(req.params.app, req.params.account, req.params.cluster) : undefined, `Cluster ${req.params.cluster}`);
    return req.query.region === undefined ? cluster.serverGroups : cluster.serverGroups.filter((sg) => sg.region === req.query.region);
  });
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; name: string }; Querystring: { region?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/serverGroups/:name',
    async (req) => {
      const cluster = found(req.params.cp === CP ? read.cluster(req.params.app, req.params.account, req.params.cluster) : undefined, `Cluster ${req.params.cluster}`);
      const matches = cluster.serverGroups.filter((sg) => (sg.name === req.params.name || sg.displayName === req.params.name) && (req.query.region === undefined || sg.region === req.query.region));
      if (matches.length === 0) throw new NotFoundError(`Server group ${req.params.name} not found`);
      return req.query.region === undefined ? matches : matches[0];
    },
  );
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; scope: string; target: string }; Querystring: { onlyEnabled?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/:scope/serverGroups/target/:target',
    async (req) => {
      const { app: a, account: acct, cluster, scope, target } = req.params;
      if (!TARGETS.has(target)) throw new InputError(`unknown target ${target}; expected one of ${[...TARGETS].join(', ')}`);
      return found(read.target(a, acct, cluster, scope, target as TargetCoordinate, req.query.onlyEnabled === 'true'), `Target ${target} in cluster ${cluster}`);
    },
  );

  // ---- server groups ----
  // `clusters` given repeated (`clusters=a&clusters=b`) is one list, as Spring binds a repeated String parameter.
  app.get<{ Params: { app: string }; Querystring: { clusters?: string | string[]; cloudProvider?: string | string[] } }>('/applications/:app/serverGroups', { config: { readFilter: 'items' } }, async (req, reply) => {
    if (req.query.cloudProvider !== undefined && req.query.cloudProvider !== CP) return [];
    const names = req.query.clusters === undefined ? undefined : listParam(req.query.clusters, 'clusters');
    const clusters = names === undefined ? undefined : new Set(names);
    // The memoised body serves callers who see everything; others get objects, filtered on the way out.
    if (!(await req.permissions()).admin) return read.applicationServerGroups(req.params.app, clusters);
    const body = read.serialized(`appServerGroups|${req.params.app}|${names?.join(',') ?? ''}`, () => read.applicationServerGroups(req.params.app, clusters));
    return reply.type('application/json; charset=utf-8').send(body);
  });
  // Gate forwards lists as repeated parameters (`ids=a&ids=b`); Spring also accepts `ids=a,b`.
  app.get<{ Querystring: { applications?: string | string[]; ids?: string | string[] } }>('/serverGroups', { config: { readFilter: 'items' } }, async (req) => {
    const applications = listParam(req.query.applications, 'applications');
    const ids = listParam(req.query.ids, 'ids');
    if ((applications.length === 0) === (ids.length === 0)) throw new InputError("Provide either 'applications' or 'ids' parameter (but not both)");
    if (applications.length > 0) return applications.flatMap((a) => read.applicationServerGroups(a));
    return read.serverGroupsByIds(ids);
  });
  const serverGroup = async (req: { params: { account: string; region: string; name: string } }) =>
    found(read.serverGroup(req.params.account, req.params.region, req.params.name), `Server group ${req.params.name} in ${req.params.account}/${req.params.region}`);
  app.get<{ Params: { account: string; region: string; name: string } }>('/serverGroups/:account/:region/:name', { config: { readFilter: 'single' } }, serverGroup);
  app.get<{ Params: { app: string; account: string; region: string; name: string } }>('/applications/:app/serverGroups/:account/:region/:name', { config: { readFilter: 'single' } }, serverGroup);
  app.get<{ Params: { app: string } }>('/applications/:app/serverGroupManagers', { config: { readFilter: 'items' } }, async (req) => read.serverGroupManagers(req.params.app));

  // ---- load balancers, security groups, instances ----
  app.get<{ Params: { app: string } }>('/applications/:app/loadBalancers', { config: { readFilter: 'items' } }, async (req) => read.applicationLoadBalancers(req.params.app));
  const grouped = (name?: string) => {
    const byName = new Map<string, Map<string, Map<string, unknown[]>>>();
    for (const lb of read.loadBalancers(name === undefined ? {} : { name })) {
      const accounts = byName.get(lb.name) ?? new Map<string, Map<string, unknown[]>>();
      const regions = accounts.get(lb.account) ?? new Map<string, unknown[]>();
      regions.set(lb.region, [...(regions.get(lb.region) ?? []), lb]);
      accounts.set(lb.account, regions);
      byName.set(lb.name, accounts);
    }
    return [...byName].map(([lbName, accounts]) => ({
      name: lbName,
      byAccounts: [...accounts].map(([acct, regions]) => ({ name: acct, byRegions: [...regions].map(([region, loadBalancers]) => ({ name: region, loadBalancers })) })),
    }));
  };
  app.get('/kubernetes/loadBalancers', { config: { readFilter: 'loadBalancerTree' } }, async () => grouped());
  app.get<{ Params: { name: string } }>('/kubernetes/loadBalancers/:name', { config: { readFilter: 'loadBalancerTree' } }, async (req) => grouped(req.params.name));
  app.get<{ Params: { account: string; region: string; name: string } }>('/kubernetes/loadBalancers/:account/:region/:name', async (req) => {
    account(req.params.account);
    return read.loadBalancers({ account: req.params.account, namespace: req.params.region, name: req.params.name });
  });
  const securityGroupTree = (filter: { account?: string; namespace?: string }) => {
    const out: Record<string, Record<string, Record<string, { name: string; id: string }[]>>> = {};
    for (const sg of read.securityGroups(filter)) ((out[sg.accountName] ??= { [CP]: {} })[CP] ??= {})[sg.region] = [...(out[sg.accountName]?.[CP]?.[sg.region] ?? []), sg.summary];
    return out;
  };
  app.get<{ Querystring: { region?: string } }>('/securityGroups', { config: { readFilter: 'accountKeys' } }, async (req) => securityGroupTree(req.query.region === undefined ? {} : { namespace: req.query.region }));
  app.get<{ Params: { account: string } }>('/securityGroups/:account', async (req) => securityGroupTree({ account: req.params.account })[req.params.account] ?? {});
  app.get<{ Params: { account: string; cp: string }; Querystring: { region?: string } }>('/securityGroups/:account/:cp', async (req) => {
    if (req.params.cp !== CP) return {};
    return securityGroupTree({ account: req.params.account, ...(req.query.region === undefined ? {} : { namespace: req.query.region }) })[req.params.account]?.[CP] ?? {};
  });
  app.get<{ Params: { account: string; cp: string; region: string; name: string } }>('/securityGroups/:account/:cp/:region/:name', { config: { readFilter: 'single' } }, async (req) => {
    const match = req.params.cp === CP ? read.securityGroups({ account: req.params.account, namespace: req.params.region, name: req.params.name })[0] : undefined;
    return found(match, `Security group ${req.params.name}`);
  });
  app.get<{ Params: { account: string; region: string; id: string } }>('/instances/:account/:region/:id', async (req) =>
    found(read.instance(req.params.account, req.params.region, req.params.id), `Instance ${req.params.id} in ${req.params.account}/${req.params.region}`),
  );

  // ---- search and raw resources ----
  // Other parameters (Deck's `cloudProvider`, filters) are accepted and ignored, as the Kubernetes search provider does.
  app.get<{ Querystring: { q?: string | string[]; type?: string | string[]; pageSize?: string; page?: string; platform?: string } }>('/search', { config: { readFilter: 'search' } }, async (req) => {
    const q = (Array.isArray(req.query.q) ? req.query.q[0] : req.query.q) ?? '';
    const types = listParam(req.query.type, 'type');
    const { platform } = req.query;
    if (types.length === 0) throw new InputError('type is required');
    const pageSize = Math.max(1, Number(req.query.pageSize ?? '10000') || 10000);
    const page = Math.max(1, Number(req.query.page ?? '1') || 1);
    const seen = new Set<string>();
    const all = (platform !== undefined && platform !== CP ? [] : types.flatMap((t) => read.search(q, t))).filter((r) => {
      const id = `${String(r.type)}|${String(r.account)}|${String(r.region)}|${String(r.name)}`;
      return seen.has(id) ? false : (seen.add(id), true);
    });
    return [{ totalMatches: all.length, pageNumber: page, pageSize, platform: CP, query: q, results: all.slice((page - 1) * pageSize, page * pageSize) }];
  });
  app.get<{ Params: { app: string } }>('/applications/:app/rawResources', { config: { readFilter: 'items' } }, async (req) => read.rawResources(req.params.app));

  // ---- live manifests ----
  const liveManifest = async (acctName: string, location: string, name: string, includeEvents: boolean): Promise<Record<string, unknown>> => {
    const acct = account(acctName);
    const [kindName, plain] = splitName(name);
    if (kindName === undefined) throw new InputError(`manifest name must be "kind name", got "${name}"`);
    assertValidName(plain);
    const kind = await resolve(acct, kindName);
    const namespace = namespaceFor(acct, kind, location);
    const path = resourcePath(kind, namespace, plain);
    const client = acct.credentials.client;
    const [object, events, metrics] = await Promise.all([
      client.request<KubeObject>('GET', path).catch((e: unknown) => {
        if (e instanceof KubeApiError && e.status === 404) return undefined;
        throw e instanceof KubeApiError && e.status === 0 ? new ServiceUnavailableError(`account ${acctName} is unreachable: ${e.message}`) : e;
      }),
      includeEvents && kind.namespaced
        ? client
            .request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${plain},involvedObject.kind=${kind.apiKind}`)}`)
            .then((l) => l.items)
            .catch(() => [])
        : Promise.resolve([]),
      // Clouddriver runs `kubectl top pod` for pods when the account has `metrics` on; best effort.
      includeEvents && kind.name === 'pod' && acct.credentials.config.metrics
        ? client
            .request<unknown>('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(plain)}`)
            .then(containerMetrics)
            .catch(() => [])
        : Promise.resolve([]),
    ]);
    if (object === undefined) throw new NotFoundError(`Manifest ${name} not found in ${acctName}/${location}`);
    assertSameObject({ apiKind: kind.apiKind, namespace, name: plain }, object);
    const m = { ...object, kind: object.kind ?? kind.apiKind, apiVersion: object.apiVersion ?? apiVersionOfKind(kind) } as unknown as KubernetesManifest;
    let status: unknown;
    try {
      status = manifestStatus(m);
    } catch (e) {
      status = { stable: { state: false, message: (e as Error).message }, paused: { state: false }, available: { state: false }, failed: { state: false } };
    }
    return {
      account: acctName,
      name: `${kind.name} ${plain}`,
      location: namespace,
      moniker: deriveMoniker(m),
      // Secret values never leave the service (the cache strips them the same way).
      manifest: sanitizeManifest(m),
      status,
      artifacts: dockerImages(m).map((image) => ({ type: 'docker/image', name: image.replace(/[@:][^/]*$/, ''), reference: image })),
      events,
      warnings: [],
      metrics,
    };
  };
  app.get<{ Params: { account: string; location: string; name: string }; Querystring: { includeEvents?: string } }>('/manifests/:account/:location/:name', { config: { readFilter: 'single' } }, async (req) =>
    liveManifest(req.params.account, req.params.location, req.params.name, req.query.includeEvents !== 'false'),
  );
  app.get<{ Params: { account: string; name: string }; Querystring: { includeEvents?: string } }>('/manifests/:account/:name', { config: { readFilter: 'single' } }, async (req) =>
    liveManifest(req.params.account, '_', req.params.name, req.query.includeEvents !== 'false'),
  );
  const clusterCoordinates = async (acctName: string, location: string, kindName: string, appName: string, clusterName: string) => {
    const acct = account(acctName);
    const kind = await resolve(acct, kindName);
    const namespace = namespaceFor(acct, kind, location);
    const list = await acct.credentials.client.listAll(resourcePath(kind, kind.namespaced ? namespace : undefined), {});
    return list.items
      .map((o) => ({ ...o, kind: o.kind ?? kind.apiKind, apiVersion: o.apiVersion ?? apiVersionOfKind(kind) }) as unknown as KubernetesManifest)
      .filter((m) => {
        const moniker = deriveMoniker(m);
        return moniker.app === appName && moniker.cluster === clusterName;
      });
  };
  app.get<{ Params: { account: string; location: string; kind: string; app: string; cluster: string } }>('/manifests/:account/:location/:kind/cluster/:app/:cluster', async (req) => {
    const { account: a, location, kind, app: appName, cluster } = req.params;
    return (await clusterCoordinates(a, location, kind, appName, cluster)).map((m) => ({ kind: deps.accounts().get(a)?.registry.get(kind).name ?? kind, namespace: m.metadata?.namespace ?? '', name: m.metadata?.name ?? '' }));
  });
  app.get<{ Params: { account: string; location: string; kind: string; app: string; cluster: string; criteria: string } }>(
    '/manifests/:account/:location/:kind/cluster/:app/:cluster/dynamic/:criteria',
    async (req) => {
      const { account: a, location, kind, app: appName, cluster, criteria } = req.params;
      const all = await clusterCoordinates(a, location, kind, appName, cluster);
      const created = (m: KubernetesManifest): number => creationTimestampMillis(m) ?? 0;
      const replicas = (m: KubernetesManifest): number => {
        const r = (m.spec as { replicas?: unknown } | undefined)?.replicas;
        return typeof r === 'number' ? r : -1;
      };
      // creationTimestamp has one-second resolution: versions created in the same second are
      // ordered by their moniker sequence (v001 after v000), as the versions were assigned.
      const sequence = (m: KubernetesManifest): number => deriveMoniker(m).sequence ?? -1;
      const byNewest = [...all].sort((x, y) => created(y) - created(x) || sequence(y) - sequence(x));
      const choice: Record<string, KubernetesManifest | undefined> = {
        newest: byNewest[0],
        second_newest: byNewest[1],
        oldest: byNewest[byNewest.length - 1],
        largest: [...all].sort((x, y) => replicas(y) - replicas(x))[0],
        smallest: [...all].sort((x, y) => replicas(x) - replicas(y))[0],
      };
      if (!(criteria in choice)) throw new InputError(`unknown criteria ${criteria}`);
      const m = found(choice[criteria], `No ${criteria} ${kind} in cluster ${cluster}`);
      return { kind: deps.accounts().get(a)?.registry.get(kind).name ?? kind, namespace: m.metadata?.namespace ?? '', name: m.metadata?.name ?? '' };
    },
  );

  // ---- on-demand ----
  const pending = new Map<string, { id: string; details: Record<string, string>; cacheTime: number; processedCount: number; processedTime: number | null }>();
  app.post<{ Params: { type: string }; Body: Record<string, unknown> | null }>('/cache/kubernetes/:type', async (req, reply) => {
    const body = req.body ?? {};
    const acctName = typeof body.account === 'string' ? body.account : undefined;
    const name = typeof body.name === 'string' ? body.name : undefined;
    const location = typeof body.location === 'string' ? body.location : '';
    if (acctName === undefined || name === undefined) return { cachedIdentifiersByType: {} };
    const acct = account(acctName);
    const [kindName, plain] = splitName(name);
    if (kindName === undefined) throw new InputError(`name must be "kind name", got "${name}"`);
    assertValidKind(kindName);
    assertValidName(plain);
    const kind = acct.registry.get(kindName);
    if (kind.namespaced) {
      assertNamespaceAllowed(acct.credentials.config, location);
    }
    const key = acct.model.keyFor(kind.name, kind.namespaced ? location : '', plain);
    const outcome = await acct.refresh(kind.name, location, plain).catch((e: unknown) => {
      if (e instanceof KubeApiError && e.status === 0) throw new ServiceUnavailableError(`account ${acctName} is unreachable: ${e.message}`);
      if (e instanceof KubeApiError && e.status === 404) throw new NotFoundError(e.message);
      throw e;
    });
    const now = Date.now();
    if (outcome === 'fresh') {
      pending.delete(key);
      return { cachedIdentifiersByType: { [kind.name]: [key] } };
    }
    pending.set(key, { id: key, details: { account: acctName, location, name: plain, kind: kind.name }, cacheTime: now, processedCount: 0, processedTime: null });
    await acct.flush();
    const record = pending.get(key);
    if (record !== undefined) Object.assign(record, { processedCount: 1, processedTime: Date.now() });
    // The change is in the cache store already: 200, as Clouddriver answers for kubernetes/manifest
    // (a 202 would make Orca poll for a refresh that is already done).
    return reply.send({ cachedIdentifiersByType: { [kind.name]: [key] } });
  });
  app.get<{ Params: { type: string }; Querystring: { id?: string } }>('/cache/kubernetes/:type', async (req) => {
    const cutoff = Date.now() - 600_000;
    for (const [k, v] of pending) if (v.cacheTime < cutoff) pending.delete(k);
    return [...pending.values()].filter((r) => req.query.id === undefined || r.id === req.query.id);
  });
}

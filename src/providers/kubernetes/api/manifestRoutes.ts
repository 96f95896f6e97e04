import type { FastifyInstance } from 'fastify';
import { found, InputError, NotFoundError, ServiceUnavailableError } from '../../../core/errors.js';
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
import type { KubernetesReads } from '../read/KubernetesReads.js';
import { splitName } from '../read/KubernetesReadService.js';
import { containerMetrics } from '../read/podMetrics.js';
import { anyObject, arrayOf, documented, errorSchema, PARAM, type RouteDoc } from '../../../api/openapi/routeDoc.js';

export interface ManifestRouteDeps {
  /** Runs a read over every account's cache (the models, or the store: `kubernetesReads`). */
  readonly reads: KubernetesReads;
  readonly accounts: () => ReadonlyMap<string, KubernetesAccountCache>;
}

/**
 * Kubernetes's own read routes (the generic ones are core's, fed by `kubernetesReadContributor`):
 * raw resources of an application from the watch-fed cache (`RawResourceController`), and
 * manifests read live from the cluster (`ManifestController`): one manifest with its status,
 * events and metrics, and the manifests of a cluster or the one a dynamic criterion picks.
 */
export function registerManifestRoutes(app: FastifyInstance, deps: ManifestRouteDeps): void {
  const { reads } = deps;
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

  // ---- raw resources ----
  app.get<{ Params: { app: string } }>('/applications/:app/rawResources', { config: { readFilter: 'items' }, ...documented(DOC.rawResources) }, async (req) => reads.run((r) => r.rawResources(req.params.app)));

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
  app.get<{ Params: { account: string; location: string; name: string }; Querystring: { includeEvents?: string } }>('/manifests/:account/:location/:name', { config: { readFilter: 'single' }, ...documented(DOC.manifest) }, async (req) =>
    liveManifest(req.params.account, req.params.location, req.params.name, req.query.includeEvents !== 'false'),
  );
  app.get<{ Params: { account: string; name: string }; Querystring: { includeEvents?: string } }>('/manifests/:account/:name', { config: { readFilter: 'single' }, ...documented(DOC.clusterScopedManifest) }, async (req) =>
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
  app.get<{ Params: { account: string; location: string; kind: string; app: string; cluster: string } }>('/manifests/:account/:location/:kind/cluster/:app/:cluster', documented(DOC.clusterManifests), async (req) => {
    const { account: a, location, kind, app: appName, cluster } = req.params;
    return (await clusterCoordinates(a, location, kind, appName, cluster)).map((m) => ({ kind: deps.accounts().get(a)?.registry.get(kind).name ?? kind, namespace: m.metadata?.namespace ?? '', name: m.metadata?.name ?? '' }));
  });
  app.get<{ Params: { account: string; location: string; kind: string; app: string; cluster: string; criteria: string } }>(
    '/manifests/:account/:location/:kind/cluster/:app/:cluster/dynamic/:criteria',
    documented(DOC.dynamicTarget),
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
}

const TAGS = ['kubernetes'];
const coordinates = { type: 'object', properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } } };
const manifestAnswer = anyObject('The manifest', {
  account: { type: 'string' },
  name: { type: 'string', description: '"kind name"' },
  location: { type: 'string', description: 'The namespace' },
  moniker: { type: 'object', additionalProperties: true },
  manifest: { type: 'object', additionalProperties: true, description: 'The object as the API server has it (Secret values removed)' },
  status: { type: 'object', additionalProperties: true },
  artifacts: { type: 'array', items: { type: 'object', additionalProperties: true } },
  events: { type: 'array', items: { type: 'object', additionalProperties: true } },
  warnings: { type: 'array', items: { type: 'string' } },
  metrics: { type: 'array', items: { type: 'object', additionalProperties: true } },
});
const clusterParams = { account: PARAM.account, location: 'The namespace', kind: 'The kind, e.g. deployment, replicaSet', app: PARAM.app, cluster: 'The cluster name (moniker)' };

/** What the OpenAPI description says about each route (`RawResourceController`, `ManifestController`). */
const DOC = {
  rawResources: {
    summary: "An application's Kubernetes objects",
    description: "`RawResourceController.getApplicationRawResources`: every cached object of the application's Kubernetes accounts (from the watch-fed cache), as Deck's Kubernetes resources tab lists them.",
    tags: TAGS,
    params: { app: PARAM.app },
    responses: { 200: arrayOf('Raw resources') },
  },
  manifest: {
    summary: 'One manifest, live',
    description:
      '`ManifestController.getForAccountLocationAndName`: the object read from the cluster now, with its status, moniker, artifacts, events (unless `includeEvents=false`) and pod metrics; 404 when missing, 503 when the cluster is unreachable.',
    tags: TAGS,
    params: { account: PARAM.account, location: 'The namespace (`_` for cluster-scoped kinds)', name: '"kind name", e.g. "deployment web"' },
    query: { includeEvents: '`false`: without events and metrics' },
    responses: { 200: manifestAnswer, 400: errorSchema('Malformed name or kind, or a namespace the account may not use'), 404: errorSchema('No such object or kind'), 503: errorSchema('The cluster is unreachable') },
  },
  clusterScopedManifest: {
    summary: 'One cluster-scoped manifest, live',
    description: '`ManifestController.getForAccountAndName`: as `/manifests/{account}/{location}/{name}` for kinds without a namespace.',
    tags: TAGS,
    params: { account: PARAM.account, name: '"kind name", e.g. "namespace web"' },
    query: { includeEvents: '`false`: without events and metrics' },
    responses: { 200: manifestAnswer, 404: errorSchema('No such object or kind'), 503: errorSchema('The cluster is unreachable') },
  },
  clusterManifests: {
    summary: "A cluster's manifests, live",
    description: "`ManifestController.getClusterManifestCoordinates`: `{kind, namespace, name}` of every object of that kind in the namespace whose moniker is the application's cluster (listed from the cluster now).",
    tags: TAGS,
    params: clusterParams,
    responses: { 200: { description: 'Coordinates', type: 'array', items: coordinates } },
  },
  dynamicTarget: {
    summary: 'The manifest a dynamic criterion picks in a cluster',
    description: "`ManifestController.getDynamicManifestFromCluster`: of the cluster's objects of that kind, the `newest`, `second_newest`, `oldest`, `largest` or `smallest`, as `{kind, namespace, name}`; 404 when none.",
    tags: TAGS,
    params: { ...clusterParams, criteria: 'newest, second_newest, oldest, largest or smallest' },
    responses: { 200: { description: 'Coordinates', ...coordinates }, 400: errorSchema('Unknown criteria'), 404: errorSchema('None matches') },
  },
} satisfies Record<string, RouteDoc>;

import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { InputError, NotFoundError, ServiceUnavailableError } from '../../../core/errors.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { KubeApiError, type KubeObject } from '../client/KubeClient.js';
import { assertNamespaceAllowed, assertSameObject, assertValidName } from '../coordinates.js';
import { resourcePath } from '../KubernetesKind.js';
import { isObject, pathOf } from '../model/KubernetesManifest.js';
import { kubernetesJobStatus, sortJobPods } from '../model/KubernetesJobStatus.js';
import { extractPropertiesFromLog } from '../read/propertyParser.js';
import { splitName } from '../read/KubernetesReadService.js';
import { anyObject, documented, errorSchema, PARAM, type RouteDoc } from '../../../api/openapi/routeDoc.js';

export interface JobRouteDeps {
  readonly accounts: () => ReadonlyMap<string, KubernetesAccountCache>;
}

const CP = 'kubernetes';

/**
 * The Run Job read API (Clouddriver's `JobController`, `PodController` and the console output of
 * `InstanceController`, served by `KubernetesJobProvider` and `KubernetesInstanceProvider`), live
 * from the cluster:
 *
 * - `GET /applications/{app}/jobs/{account}/{namespace}/{"job name"}` → `KubernetesJobStatus`
 *   (404 when the job is missing);
 * - `GET …/{"job name"}/{container}` → the properties the job's container printed (`{}` when the
 *   job, pod or log is missing or the log holds invalid JSON);
 * - `DELETE …/{"job name"}` → 501, as Clouddriver (`cancelJob` is not implemented for
 *   Kubernetes; Orca deletes jobs with `deleteManifest`);
 * - `GET /applications/{app}/kubernetes/pods/{account}/{namespace}/{pod}/{container}` → the
 *   properties of one pod's container;
 * - `GET /instances/{account}/{namespace}/{"pod name"}/console` → `{output: [{name, output}]}`, the
 *   log of every init and app container.
 *
 * Every coordinate is validated before it reaches a URL; a namespace the account may not use is
 * a 404; an unreachable cluster is a 503.
 */
export function registerJobRoutes(app: FastifyInstance, deps: JobRouteDeps): void {
  const account = (name: string): KubernetesAccountCache => {
    const acct = deps.accounts().get(name);
    if (acct === undefined) throw new NotFoundError(`Account ${name} not found`);
    return acct;
  };
  const namespaceOf = (acct: KubernetesAccountCache, location: string): string => {
    assertNamespaceAllowed(acct.credentials.config, location);
    return location;
  };
  /** The plain name of a `"kind name"` whose kind must be `kind`. */
  const nameOfKind = (acct: KubernetesAccountCache, kind: 'job' | 'pod', fullName: string): string => {
    const [kindName, name] = splitName(fullName);
    if (kindName === undefined || acct.registry.get(kindName).name !== kind) throw new InputError(`expected "${kind} {name}", got "${fullName}"`);
    assertValidName(name);
    return name;
  };
  const unreachable = (acct: KubernetesAccountCache) => (e: unknown) => {
    if (e instanceof KubeApiError && e.status === 0) throw new ServiceUnavailableError(`account ${acct.account} is unreachable: ${e.message}`);
    throw e;
  };

  const getJob = async (acct: KubernetesAccountCache, namespace: string, name: string): Promise<KubeObject | undefined> => {
    const kind = acct.registry.get('job');
    const job = await acct.credentials.client.request<KubeObject>('GET', resourcePath(kind, namespace, name)).catch((e: unknown) => {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      return unreachable(acct)(e);
    });
    if (job !== undefined) assertSameObject({ apiKind: kind.apiKind, namespace, name }, job);
    return job;
  };

  /**
   * The job's pods, by `spec.selector.matchLabels` as `KubernetesJobProvider` lists them. A job
   * without match labels (only a selector-less object could have none) falls back to the
   * `controller-uid` label the job controller puts on its pods: never an empty selector, which
   * would list every pod of the namespace.
   */
  const jobPods = async (acct: KubernetesAccountCache, job: KubeObject): Promise<KubeObject[]> => {
    const matchLabels = pathOf(job, 'spec', 'selector', 'matchLabels');
    const labels = isObject(matchLabels) && Object.keys(matchLabels).length > 0 ? Object.entries(matchLabels).map(([k, v]) => `${k}=${String(v)}`) : [`controller-uid=${job.metadata.uid ?? ''}`];
    const path = resourcePath(acct.registry.get('pod'), job.metadata.namespace ?? '');
    const list = await acct.credentials.client.listAll(path, { labelSelector: labels.join(',') }).catch(unreachable(acct));
    return list.items;
  };

  /** One container's log through the pod `log` subresource. */
  const podLog = (acct: KubernetesAccountCache, namespace: string, pod: string, container: string): Promise<string> =>
    acct.credentials.client.requestText('GET', `${resourcePath(acct.registry.get('pod'), namespace, pod)}/log?${new URLSearchParams({ container })}`);

  /** The properties in a container's log, or `{}` when the log cannot be read or parsed (as `KubernetesJobProvider`, which logs why). */
  const properties = (log: FastifyBaseLogger, acct: KubernetesAccountCache, namespace: string, pod: string, container: string): Promise<Record<string, unknown>> =>
    podLog(acct, namespace, pod, container)
      .then(extractPropertiesFromLog)
      .catch((e: unknown) => {
        log.warn({ account: acct.account, namespace, pod, container, err: e instanceof Error ? e.message : String(e) }, 'could not read properties from a container log');
        return {};
      });

  type JobParams = { app: string; account: string; location: string; id: string };

  app.get<{ Params: JobParams }>('/applications/:app/jobs/:account/:location/:id', documented(DOC.job), async (req) => {
    const { account: acctName, location, id } = req.params;
    const acct = account(acctName);
    const name = nameOfKind(acct, 'job', id);
    const namespace = namespaceOf(acct, location);
    const job = await getJob(acct, namespace, name);
    if (job === undefined) throw new NotFoundError(`Job not found (account: ${acctName}, location: ${location}, id: ${id})`);
    return kubernetesJobStatus(acctName, job, await jobPods(acct, job));
  });

  app.get<{ Params: JobParams & { fileName: string } }>('/applications/:app/jobs/:account/:location/:id/:fileName', documented(DOC.properties), async (req) => {
    const { account: acctName, location, id, fileName } = req.params;
    const acct = account(acctName);
    const name = nameOfKind(acct, 'job', id);
    const namespace = namespaceOf(acct, location);
    assertValidName(fileName);
    const job = await getJob(acct, namespace, name);
    if (job === undefined) return {};
    // `kubectl logs job/x` reads one of the job's pods; the most recent succeeded pod (else the
    // most recent pod) is the one whose output a finished job stands for.
    const pods = sortJobPods(await jobPods(acct, job));
    const pod = pods.filter((p) => pathOf(p, 'status', 'phase') === 'Succeeded').at(-1) ?? pods.at(-1);
    return pod === undefined ? {} : properties(req.log, acct, namespace, pod.metadata.name, fileName);
  });

  app.delete<{ Params: JobParams }>('/applications/:app/jobs/:account/:location/:id', documented(DOC.cancel), async (_req, reply) => {
    const message = 'cancelJob is not implemented for the Kubernetes provider';
    return reply.status(501).send({ timestamp: Date.now(), status: 501, error: 'Not Implemented', message });
  });

  app.get<{ Params: { app: string; account: string; namespace: string; pod: string; container: string } }>('/applications/:app/kubernetes/pods/:account/:namespace/:pod/:container', documented(DOC.podProperties), async (req) => {
    const { account: acctName, namespace, pod, container } = req.params;
    const acct = account(acctName);
    namespaceOf(acct, namespace);
    assertValidName(pod);
    assertValidName(container);
    return properties(req.log, acct, namespace, pod, container);
  });

  app.get<{ Params: { account: string; region: string; id: string }; Querystring: { provider?: string; cloudProvider?: string } }>('/instances/:account/:region/:id/console', documented(DOC.console), async (req) => {
    const { account: acctName, region, id } = req.params;
    const provider = req.query.cloudProvider ?? req.query.provider;
    const acct = provider === undefined || provider === CP ? deps.accounts().get(acctName) : undefined;
    if (acct === undefined || !id.includes(' ')) throw new NotFoundError(`Instance not found (id: ${id})`);
    const name = nameOfKind(acct, 'pod', id);
    const namespace = namespaceOf(acct, region);
    const pod = await acct.credentials.client.request<KubeObject>('GET', resourcePath(acct.registry.get('pod'), namespace, name)).catch((e: unknown) => {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      return unreachable(acct)(e);
    });
    if (pod === undefined) return { output: [{ name: 'Error', output: 'Failed to retrieve pod data; pod may have been deleted.' }] };
    assertSameObject({ apiKind: 'Pod', namespace, name }, pod);
    const containers = [...listAt(pod, 'initContainers'), ...listAt(pod, 'containers')].map((c) => String(c.name ?? ''));
    const output = await Promise.all(
      containers.map(async (container) => ({
        name: container,
        output: await podLog(acct, namespace, name, container).catch((e: unknown) => `Failed to get logs from ${name}/${container} in ${namespace}: ${e instanceof Error ? e.message : String(e)}`),
      })),
    );
    return { output };
  });
}

function listAt(pod: KubeObject, key: string): Record<string, unknown>[] {
  const list = pathOf(pod, 'spec', key);
  return Array.isArray(list) ? list.filter(isObject) : [];
}

const jobParams = { app: PARAM.app, account: PARAM.account, location: 'The namespace', id: '"job name"' };
const properties = anyObject('The properties the container printed (`SPINNAKER_PROPERTY_*` lines or a `SPINNAKER_CONFIG_JSON` object); `{}` when there are none');

/** What the OpenAPI description says about each route (`JobController`, `PodController`, `InstanceController`). */
const DOC = {
  job: {
    summary: 'A run job\'s status',
    description: "`JobController.getJob`: the job read from the cluster now as `KubernetesJobStatus` (its pods, their phases and exit codes), what Orca's run job stage polls; 404 when the job is missing.",
    tags: ['kubernetes'],
    params: jobParams,
    responses: { 200: anyObject('KubernetesJobStatus', { name: { type: 'string' }, jobState: { type: 'string' } }), 404: errorSchema('No such job'), 503: errorSchema('The cluster is unreachable') },
  },
  properties: {
    summary: 'Properties a job printed',
    description: "`JobController.getFileContents`: the properties in the log of container `fileName` of the job's most recent succeeded pod (else its most recent pod); `{}` when the job, pod or log is missing.",
    tags: ['kubernetes'],
    params: { ...jobParams, fileName: 'The container name' },
    responses: { 200: properties },
  },
  cancel: {
    summary: 'Cancel a job (not implemented)',
    description: '`JobController.cancelJob`: 501, as Clouddriver (cancelJob is not implemented for Kubernetes; Orca deletes jobs with deleteManifest).',
    tags: ['kubernetes'],
    params: jobParams,
    responses: { 501: errorSchema('Not implemented for Kubernetes') },
  },
  podProperties: {
    summary: "Properties a pod's container printed",
    description: "`PodController.getFileContents`: the properties in one pod container's log.",
    tags: ['kubernetes'],
    params: { app: PARAM.app, account: PARAM.account, namespace: 'The namespace', pod: 'The pod name', container: 'The container name' },
    responses: { 200: properties },
  },
  console: {
    summary: "An instance's console output",
    description: "`InstanceController.getConsoleOutput`: for a Kubernetes pod (\"pod name\"), the log of every init and app container as `{output: [{name, output}]}`; 404 for other providers' instances.",
    tags: ['instances'],
    params: { account: PARAM.account, region: 'The namespace', id: '"pod name"' },
    query: { provider: 'The cloud provider (kubernetes)', cloudProvider: 'Same as provider' },
    responses: { 200: anyObject('Console output', { output: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, output: { type: 'string' } } } } }), 404: errorSchema('No such instance') },
  },
} satisfies Record<string, RouteDoc>;

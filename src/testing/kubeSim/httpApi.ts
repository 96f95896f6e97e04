/**
 * The simulator's HTTP front: routes Kubernetes REST paths (optionally under
 * `/clusters/{name}`) to a SimCluster, with bearer-token or client-certificate authentication,
 * fault injection, chunked WATCH streams (bookmarks, timeoutSeconds, dropped streams), the scale
 * and log subresources, and the `/_sim/...` admin endpoints.
 */
import type { IncomingMessage as Http1Request, ServerResponse as Http1Response } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { SimCluster } from './SimCluster.js';
import type { KubeObj } from './objectStore.js';
import type { ResourceType } from './resources.js';
import { openApiV2Json, openApiV2Protobuf, openApiV3Document, openApiV3Hash, openApiV3Root } from './openapi.js';
import { VERSION_INFO, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import type { Faults } from './faults.js';
import { faultsSchema, isForbidden } from './faults.js';
import { StatusError, badRequest, failureStatus } from './status.js';
import { SelectorError } from './selectors.js';
import { applyMergePatch, applyJsonPatch, applyStrategicMergePatch } from './patch.js';
import type { Json } from './patch.js';
import { decodeProtobufObject } from './protobuf.js';
import { answerReview, issueToken } from './reviews.js';
import { columnsFor, toTable, wantsTable } from './tables.js';
import { metricsList, metricsOf } from './metrics.js';
import type { IncludeObject } from './tables.js';
import type { Reviewer } from './reviews.js';
import { parse as parseYaml } from 'yaml';

/** Requests and responses of HTTP/1.1 and (over TLS) HTTP/2, through Node's compatibility API. */
type IncomingMessage = Http1Request | Http2ServerRequest;
type ServerResponse = Http1Response | Http2ServerResponse;

export interface SimEndpoint {
  readonly cluster: SimCluster;
  readonly token: string;
  /** Common name a client certificate must carry. */
  readonly certCommonName: string;
  faults: Faults;
  /** Requests received, by method and path (no query): what tests count. */
  readonly requests: Map<string, number>;
}

export interface HttpApiOptions {
  readonly bookmarkIntervalMs: number;
  /** Cluster served at the root path (no `/clusters/{name}` prefix). */
  readonly defaultCluster: string;
  /** Admin hook: seed objects into a cluster. */
  readonly seed?: (cluster: string, spec: unknown) => unknown;
}

const MAX_BODY = 32 * 1024 * 1024;

export class HttpApi {
  /** Responses held open by black-hole faults and watch streams, closed on stop. */
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly endpoints: Map<string, SimEndpoint>,
    private readonly options: HttpApiOptions,
  ) {}

  closeAll(): void {
    for (const res of this.open) res.destroy();
    this.open.clear();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((e: unknown) => this.fail(res, e));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    let segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
    if (segments[0] === '_sim') return this.admin(req, res, segments.slice(1));
    let name = this.options.defaultCluster;
    if (segments[0] === 'clusters' && segments[1] !== undefined) {
      name = segments[1];
      segments = segments.slice(2);
    }
    const ep = this.endpoints.get(name);
    if (ep === undefined) return this.send(res, 404, failureStatus(404, 'NotFound', `no such cluster: ${name}`));
    const counted = `${req.method ?? 'GET'} /${segments.join('/')}`;
    ep.requests.set(counted, (ep.requests.get(counted) ?? 0) + 1);
    const faults = ep.faults;
    if (faults.blackHole === true) {
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      return;
    }
    if (faults.latencyMs !== undefined && faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.unauthorized === true || !this.authenticated(req, ep)) return this.send(res, 401, failureStatus(401, 'Unauthorized', 'Unauthorized'));
    if (faults.throttleRate !== undefined && Math.random() < faults.throttleRate) {
      res.setHeader('Retry-After', '1');
      return this.send(res, 429, failureStatus(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds: 1 }));
    }
    if (faults.errorRate !== undefined && Math.random() < faults.errorRate) {
      const code = faults.errorStatus ?? 500;
      return this.send(res, code, failureStatus(code, 'InternalError', 'Internal error occurred: simulated failure'));
    }
    await this.kube(req, res, url, segments, ep);
  }

  private authenticated(req: IncomingMessage, ep: SimEndpoint): boolean {
    const auth = req.headers.authorization;
    if (auth === `Bearer ${ep.token}`) return true;
    const socket = req.socket as Partial<TLSSocket>;
    if (socket.authorized === true && typeof socket.getPeerCertificate === 'function') {
      return socket.getPeerCertificate().subject?.CN === ep.certCommonName;
    }
    return false;
  }

  private async kube(req: IncomingMessage, res: ServerResponse, url: URL, seg: string[], ep: SimEndpoint): Promise<void> {
    const cluster = ep.cluster;
    const host = req.headers.host ?? '127.0.0.1';
    const [first, second, third] = seg;
    if (first === 'version' && seg.length === 1) return this.send(res, 200, VERSION_INFO);
    if ((first === 'healthz' || first === 'readyz' || first === 'livez') && seg.length === 1) return this.sendText(res, 200, 'ok');
    if (first === 'api' && seg.length === 1) return this.send(res, 200, apiVersions(host));
    if (first === 'openapi' && second === 'v2' && seg.length === 2) {
      if ((req.headers.accept ?? '').includes('protobuf')) return this.sendBytes(res, 200, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', openApiV2Protobuf());
      return this.send(res, 200, openApiV2Json());
    }
    if (first === 'openapi' && second === 'v3') {
      const path = seg.slice(2).join('/');
      const doc = seg.length === 2 ? openApiV3Root(cluster.catalog) : openApiV3Document(cluster.catalog, path, (t) => crdSchema(cluster, t));
      if (doc === undefined) return this.notFoundPath(res);
      // As the API server does: a document fetched by its current hash may be cached for good.
      const hash = seg.length === 2 ? undefined : openApiV3Hash(cluster.catalog, path);
      if (hash !== undefined && url.searchParams.get('hash') === hash) {
        res.setHeader('Cache-Control', 'public, immutable');
        res.setHeader('Expires', new Date(Date.now() + 365 * 86_400_000).toUTCString());
        res.setHeader('Etag', `"${hash}"`);
      }
      return this.send(res, 200, doc);
    }
    if (first === 'apis' && seg.length === 1) return this.send(res, 200, apiGroupList(cluster.catalog));
    let group: string;
    let version: string;
    let rest: string[];
    if (first === 'api' && second === 'v1') {
      [group, version, rest] = ['', 'v1', seg.slice(2)];
    } else if (first === 'apis' && second !== undefined && third !== undefined) {
      [group, version, rest] = [second, third, seg.slice(3)];
    } else if (first === 'apis' && second !== undefined && seg.length === 2) {
      const doc = apiGroup(cluster.catalog, second);
      return doc === undefined ? this.notFoundPath(res) : this.send(res, 200, doc);
    } else return this.notFoundPath(res);
    if (rest.length === 0) {
      const doc = apiResourceList(cluster.catalog, group, version);
      return doc === undefined ? this.notFoundPath(res) : this.send(res, 200, doc);
    }
    let watchPath = false;
    if (rest[0] === 'watch') {
      watchPath = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && cluster.catalog.find(group, version, rest[2] ?? '')?.namespaced === true) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource = '', name, sub] = rest;
    if (rest.length > 3) return this.notFoundPath(res);
    const type = cluster.catalog.find(group, version, resource);
    if (type === undefined) return this.notFoundPath(res);
    if (type.namespaced === false && namespace !== undefined) return this.notFoundPath(res);
    if (sub !== undefined && !type.subresources.includes(sub)) return this.notFoundPath(res);
    const method = req.method ?? 'GET';
    if (isForbidden(ep.faults, resource, namespace)) {
      const verb = name === undefined ? (method === 'GET' ? (url.searchParams.get('watch') === 'true' || watchPath ? 'watch' : 'list') : method.toLowerCase()) : method.toLowerCase();
      const where = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      return this.send(res, 403, failureStatus(403, 'Forbidden', `${resource}${group === '' ? '' : `.${group}`} is forbidden: User "system:serviceaccount:spinnaker:clouddriver" cannot ${verb} resource "${resource}" in API group "${group}" ${where}`, { kind: resource, group }));
    }
    const q = url.searchParams;
    const listOpts = {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: q.has('limit') ? Number(q.get('limit')) : undefined,
      continue: q.get('continue') ?? undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
    };
    const writeOpts = { fieldManager: q.get('fieldManager') ?? userAgentManager(req), dryRun: q.getAll('dryRun').includes('All') };
    const scope = type.namespaced ? namespace : undefined;
    if (type.virtual === 'review' && (method !== 'POST' || name !== undefined)) return this.methodNotAllowed(res);
    if (type.virtual === 'metrics') {
      if (method !== 'GET' || sub !== undefined) return this.methodNotAllowed(res);
      return this.send(res, 200, name === undefined ? metricsList(cluster, type, namespace, listOpts.labelSelector) : metricsOf(cluster, type, namespace, name));
    }

    if (method === 'GET' && name === undefined) {
      if (q.get('watch') === 'true' || q.get('watch') === '1' || watchPath) return this.watch(req, res, ep, type, namespace, listOpts, q);
      if (ep.faults.forceGone === true && listOpts.continue !== undefined) cluster.expireContinueTokens();
      const list = cluster.list(type, namespace, listOpts);
      if (wantsTable(req.headers.accept)) {
        const meta = { resourceVersion: list.resourceVersion, ...(list.continue === undefined ? {} : { continue: list.continue, remainingItemCount: list.remainingItemCount }) };
        return this.send(res, 200, toTable(this.columns(cluster, type), list.items, includeObject(q), meta));
      }
      return this.send(res, 200, {
        kind: `${type.kind}List`,
        apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
        metadata: { resourceVersion: list.resourceVersion, ...(list.continue === undefined ? {} : { continue: list.continue, remainingItemCount: list.remainingItemCount }) },
        items: list.items,
      });
    }
    if (method === 'GET' && name !== undefined) {
      if (watchPath) return this.watch(req, res, ep, type, namespace, { ...listOpts, fieldSelector: `metadata.name=${name}` }, q);
      const o = cluster.get(type, scope, name);
      if (sub === 'scale') return this.send(res, 200, scaleOf(o));
      if (sub === 'log') return this.log(res, o, q);
      if (sub === undefined && wantsTable(req.headers.accept)) return this.send(res, 200, toTable(this.columns(cluster, type), [o], includeObject(q), { resourceVersion: o.metadata.resourceVersion }));
      return this.send(res, 200, o);
    }
    if ((sub === 'token' || sub === 'eviction') && method !== 'POST') return this.methodNotAllowed(res);
    if (method === 'POST' && name === undefined) {
      const body = await readObject(req, cluster.isBuiltIn(type));
      if (type.virtual === 'review') return this.send(res, 201, answerReview(type, body, ep.faults, this.reviewer(req)));
      const created = cluster.create(type, namespace, body, writeOpts);
      return this.send(res, 201, created);
    }
    if (method === 'POST' && name !== undefined && sub === 'token') {
      const body = await readObject(req, true);
      return this.send(res, 201, issueToken(cluster.get(type, scope, name), body, cluster.name));
    }
    if (method === 'POST' && name !== undefined && sub === 'eviction') {
      // policy/v1 Eviction: deletes the pod (PodDisruptionBudgets are not consulted).
      const eviction = (await readObject(req, true, true)) as { deleteOptions?: { preconditions?: { uid?: string; resourceVersion?: string } } };
      cluster.delete(type, scope, name, undefined, eviction.deleteOptions?.preconditions);
      return this.send(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    if (method === 'PUT' && name !== undefined) {
      const body = await readObject(req, cluster.isBuiltIn(type));
      if (sub === 'scale') return this.send(res, 200, scaleOf(this.setReplicas(cluster, type, scope, name, body, writeOpts)));
      const existed = cluster.tryGet(type, scope, name) !== undefined;
      const o = cluster.update(type, scope, name, body, { ...writeOpts, ...(sub === undefined ? {} : { subresource: sub }) });
      return this.send(res, existed ? 200 : 201, o);
    }
    if (method === 'PATCH' && name !== undefined) {
      const contentType = req.headers['content-type'] ?? '';
      const body = (await readBody(req)).toString('utf8');
      if (sub === 'scale') {
        const current = scaleOf(cluster.get(type, scope, name)) as unknown as Json;
        const media = contentType.split(';')[0]?.trim();
        const parsed = JSON.parse(body) as Json;
        const next = media === 'application/json-patch+json' ? applyJsonPatch(current, parsed) : media === 'application/merge-patch+json' ? applyMergePatch(current, parsed) : applyStrategicMergePatch(current, parsed);
        return this.send(res, 200, scaleOf(this.setReplicas(cluster, type, scope, name, next, writeOpts)));
      }
      const existed = cluster.tryGet(type, scope, name) !== undefined;
      const o = cluster.patch(type, scope, name, contentType, body, { ...writeOpts, force: q.get('force') === 'true', ...(sub === undefined ? {} : { subresource: sub }) });
      return this.send(res, existed ? 200 : 201, o);
    }
    if (method === 'DELETE' && name !== undefined) {
      const options = (await readObject(req, true, true)) as { propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string }; orphanDependents?: boolean; dryRun?: string[] };
      const policy = q.get('propagationPolicy') ?? options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined);
      if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) throw badRequest(`unsupported propagationPolicy "${policy}"`);
      // A dry-run delete answers as the delete would, and changes nothing.
      if (writeOpts.dryRun || (options.dryRun ?? []).includes('All')) return this.send(res, 200, cluster.get(type, scope, name));
      const { object, pending } = cluster.delete(type, scope, name, policy as 'Background' | 'Foreground' | 'Orphan' | undefined, options.preconditions);
      return this.send(res, pending ? 202 : 200, object);
    }
    if (method === 'DELETE' && name === undefined) {
      const list = cluster.list(type, namespace, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
      if (!writeOpts.dryRun) for (const o of list.items) cluster.delete(type, o.metadata.namespace, o.metadata.name ?? '');
      return this.send(res, 200, { kind: `${type.kind}List`, apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`, metadata: {}, items: list.items });
    }
    return this.methodNotAllowed(res);
  }

  /** Table columns of a type; custom resources take theirs from the CRD. */
  private columns(cluster: SimCluster, type: ResourceType): ReturnType<typeof columnsFor> {
    const crd = cluster.isBuiltIn(type) ? undefined : cluster.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, `${type.resource}.${type.group}`);
    return columnsFor(type, crd);
  }

  private methodNotAllowed(res: ServerResponse): void {
    this.send(res, 405, failureStatus(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
  }

  /** Who the authenticated client is: the certificate's user, or the token's service account. */
  private reviewer(req: IncomingMessage): Reviewer {
    const socket = req.socket as Partial<TLSSocket>;
    const cn = socket.authorized === true && typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate().subject?.CN : undefined;
    if (typeof cn === 'string' && req.headers.authorization === undefined) return { username: cn, groups: ['system:masters', 'system:authenticated'] };
    return { username: 'system:serviceaccount:spinnaker:clouddriver', groups: ['system:serviceaccounts', 'system:serviceaccounts:spinnaker', 'system:authenticated'] };
  }

  private setReplicas(cluster: SimCluster, type: ResourceType, ns: string | undefined, name: string, scale: unknown, opts: { fieldManager?: string }): KubeObj {
    const replicas = (scale as { spec?: { replicas?: unknown } }).spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) throw badRequest('spec.replicas must be a non-negative integer');
    return cluster.patch(type, ns, name, 'application/merge-patch+json', JSON.stringify({ spec: { replicas } }), opts);
  }

  private watch(req: IncomingMessage, res: ServerResponse, ep: SimEndpoint, type: ResourceType, namespace: string | undefined, opts: { resourceVersion?: string; labelSelector?: string; fieldSelector?: string }, q: URLSearchParams): void {
    const forcedGone = ep.faults.forceGone === true && opts.resourceVersion !== undefined && opts.resourceVersion !== '' && opts.resourceVersion !== '0';
    // HTTP/2 streams are framed; `Transfer-Encoding` exists only in HTTP/1.1.
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...(req.httpVersionMajor === 2 ? {} : { 'Transfer-Encoding': 'chunked' }) });
    const stream = res as unknown as { write(chunk: string): boolean; flushHeaders?: () => void };
    stream.flushHeaders?.(); // HTTP/2 sends the headers with writeHead already
    this.open.add(res);
    const write = (e: unknown): void => {
      if (!res.writableEnded) stream.write(`${JSON.stringify(e)}\n`);
    };
    const timers: NodeJS.Timeout[] = [];
    let stop: () => void = () => undefined;
    const end = (): void => {
      stop();
      for (const t of timers) clearTimeout(t);
      this.open.delete(res);
      if (!res.writableEnded) res.end();
    };
    if (forcedGone) {
      write({ type: 'ERROR', object: failureStatus(410, 'Expired', `too old resource version: ${opts.resourceVersion ?? ''} (${ep.cluster.store.resourceVersion})`) });
      return end();
    }
    let failed = false;
    // Watches asked for as tables carry one-row Tables (column definitions with the first event only).
    const columns = wantsTable(req.headers.accept) ? this.columns(ep.cluster, type) : undefined;
    let headers = true;
    stop = ep.cluster.watch(type, namespace, opts, (e) => {
      if (columns !== undefined && e.type !== 'BOOKMARK' && e.type !== 'ERROR') {
        write({ type: e.type, object: toTable(columns, [e.object as KubeObj], includeObject(q), { resourceVersion: (e.object as KubeObj).metadata.resourceVersion }, headers) });
        headers = false;
      } else write(e);
      if (e.type === 'ERROR') failed = true;
    });
    if (failed) return end();
    const timeout = Number(q.get('timeoutSeconds') ?? '1800');
    timers.push(setTimeout(end, Math.max(0, timeout) * 1000));
    if (ep.faults.dropWatchAfterMs !== undefined) timers.push(setTimeout(() => res.destroy(), ep.faults.dropWatchAfterMs));
    if (q.get('allowWatchBookmarks') === 'true') {
      const tick = (): void => {
        write(ep.cluster.bookmark(type));
        timers.push(setTimeout(tick, this.options.bookmarkIntervalMs));
      };
      timers.push(setTimeout(tick, this.options.bookmarkIntervalMs));
    }
    req.on('close', end);
    res.on('close', end);
  }

  private log(res: ServerResponse, pod: KubeObj, q: URLSearchParams): void {
    const spec = pod.spec as { containers?: { name?: string }[]; initContainers?: { name?: string }[] } | undefined;
    const containers = (spec?.containers ?? []).map((c) => c.name ?? '');
    const initContainers = (spec?.initContainers ?? []).map((c) => c.name ?? '');
    const name = pod.metadata.name ?? '';
    const container = q.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
    if (container === undefined) throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
    if (!containers.includes(container) && !initContainers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Pending') throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    const start = Date.parse(String((pod.status as { startTime?: string } | undefined)?.startTime ?? pod.metadata.creationTimestamp ?? '')) || Date.now();
    // The pod annotation `sim.spinnaker.io/log-{container}` (or `sim.spinnaker.io/log`) is the
    // container's output, so tests choose what a program printed; otherwise lines are generated.
    const annotations = pod.metadata.annotations ?? {};
    const chosen = annotations[`sim.spinnaker.io/log-${container}`] ?? annotations['sim.spinnaker.io/log'];
    const text = chosen?.replace(/\n$/, '').split('\n') ?? Array.from({ length: 20 }, (_, i) => `[${container}] simulated log line ${i + 1} of pod ${pod.metadata.namespace ?? ''}/${name}`);
    const lines = text.map((line, i) => `${q.get('timestamps') === 'true' ? `${new Date(start + i * 1000).toISOString()} ` : ''}${line}`);
    const tail = q.has('tailLines') ? Number(q.get('tailLines')) : lines.length;
    this.sendText(res, 200, `${lines.slice(Math.max(0, lines.length - tail)).join('\n')}\n`);
  }

  private async admin(req: IncomingMessage, res: ServerResponse, seg: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    if (seg[0] === 'clusters' && seg.length === 1 && method === 'GET') {
      return this.send(res, 200, [...this.endpoints.values()].map((ep) => ({ name: ep.cluster.name, resourceVersion: ep.cluster.store.resourceVersion, faults: ep.faults })));
    }
    const ep = seg[0] === 'clusters' && seg[1] !== undefined ? this.endpoints.get(seg[1]) : undefined;
    if (ep === undefined) return this.send(res, 404, { error: 'unknown cluster or admin path' });
    const action = seg[2];
    if (action === 'faults' && method === 'GET') return this.send(res, 200, ep.faults);
    if (action === 'faults' && (method === 'PUT' || method === 'POST')) {
      const parsed = faultsSchema.safeParse(await readJson(req));
      if (!parsed.success) return this.send(res, 400, { error: 'invalid faults', issues: parsed.error.issues });
      ep.faults = parsed.data;
      if (parsed.data.blackHole !== true) this.releaseBlackHoled();
      return this.send(res, 200, ep.faults);
    }
    if (action === 'compact' && method === 'POST') {
      ep.cluster.store.compact();
      ep.cluster.expireContinueTokens();
      return this.send(res, 200, { resourceVersion: ep.cluster.store.resourceVersion });
    }
    if (action === 'seed' && method === 'POST' && this.options.seed !== undefined) {
      return this.send(res, 200, this.options.seed(ep.cluster.name, await readJson(req)));
    }
    return this.send(res, 404, { error: 'unknown admin path' });
  }

  /** Black-holed requests never get an answer; when the fault clears, drop their connections. */
  private releaseBlackHoled(): void {
    for (const res of this.open) if (!res.headersSent) res.destroy();
  }

  private notFoundPath(res: ServerResponse): void {
    this.send(res, 404, failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof StatusError) return this.send(res, e.code, e.toJSON());
    if (e instanceof SelectorError) return this.send(res, 400, failureStatus(400, 'BadRequest', e.message));
    if (e instanceof SyntaxError) return this.send(res, 400, failureStatus(400, 'BadRequest', `the request body is not valid JSON: ${e.message}`));
    this.send(res, 500, failureStatus(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`));
  }

  private send(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private sendBytes(res: ServerResponse, code: number, contentType: string, body: Buffer): void {
    res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': body.length });
    res.end(body);
  }

  private sendText(res: ServerResponse, code: number, text: string): void {
    res.writeHead(code, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function scaleOf(o: KubeObj): Record<string, unknown> {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (o.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** The field manager the real server derives from the user agent (`kubectl-client-side-apply`, ...). */
function userAgentManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? 'unknown';
  return ua.split('/')[0] ?? 'unknown';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new StatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The structural schema a CRD declares for one served version of its custom resource. */
function crdSchema(cluster: SimCluster, t: ResourceType): Record<string, unknown> | undefined {
  const crd = cluster.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, `${t.resource}.${t.group}`);
  const versions = ((crd?.spec ?? {}) as { versions?: { name?: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[] }).versions ?? [];
  return versions.find((v) => v.name === t.version)?.schema?.openAPIV3Schema;
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

const UNSUPPORTED_MEDIA = 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf';

/**
 * A request body as an object: JSON, YAML, or (for built-in kinds, as the API server's
 * protobuf serializer allows) `application/vnd.kubernetes.protobuf`.
 */
async function readObject(req: IncomingMessage, protobufAllowed: boolean, emptyAllowed = false): Promise<unknown> {
  const contentType = req.headers['content-type'] ?? 'application/json';
  const raw = await readBody(req);
  if (raw.toString('utf8').trim() === '') {
    if (emptyAllowed) return {};
    throw badRequest('the request body is empty');
  }
  if (!contentType.includes('protobuf')) return parseText(raw.toString('utf8'), contentType);
  if (!protobufAllowed) throw new StatusError(415, 'UnsupportedMediaType', UNSUPPORTED_MEDIA.replace(', application/vnd.kubernetes.protobuf', ''));
  let decoded;
  try {
    decoded = decodeProtobufObject(raw);
  } catch (e) {
    throw badRequest(`the object provided is unrecognized or could not be decoded: ${(e as Error).message}`);
  }
  if (decoded === undefined) throw new StatusError(415, 'UnsupportedMediaType', UNSUPPORTED_MEDIA);
  return decoded.object;
}

function parseText(body: string, contentType: string): unknown {
  if (contentType.includes('yaml')) return parseYaml(body) as unknown;
  return JSON.parse(body) as unknown;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  return readObject(req, false);
}

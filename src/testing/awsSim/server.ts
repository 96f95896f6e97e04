/**
 * The HTTP front of the simulator: one endpoint for every service. A request is routed by its
 * protocol (Smithy RPC v2 CBOR path, `X-Amz-Target` for JSON, otherwise Query `Action`/`Version`)
 * and the SigV4 credential scope's service, authenticated (signature recomputed from the key's
 * secret), passed through the fault switches, then handed to the service's action handler.
 * `/_sim/*` is the unauthenticated control API (faults, tick, accounts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeCbor } from './cbor.js';
import { AwsError } from './errors.js';
import type { Faults, FaultControl } from './faults.js';
import { RateLimiter, faultApplies, faultsSchema } from './faults.js';
import { parseQueryParams } from './params.js';
import type { Params } from './params.js';
import { renderError, renderResult } from './protocols.js';
import type { WireProtocol, WireResponse } from './protocols.js';
import type { RequestContext, ServiceDefinition } from './service.js';
import { parseAuthorization, signatureMatches } from './sigv4.js';
import type { AwsWorld } from './world.js';

/** Larger request bodies are refused (413) before parsing. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ControlHooks {
  /** One convergence step; returns how many changes it made. */
  tick(): number;
  /** Steps until nothing changes. */
  converge(): number;
  /** Writes a generated fleet (generator.ts); the spec is validated there. */
  seedFleet(spec: unknown): { groups: number; instances: number };
  /** A new account with its keys. */
  addAccount(): { accountId: string; accessKeyId: string; secretAccessKey: string };
}

interface RoutedRequest {
  readonly protocol: WireProtocol;
  readonly service?: ServiceDefinition;
  readonly action: string;
  readonly params: Params;
  /** A body that could not be decoded: answered once the protocol and service are known. */
  readonly malformed?: AwsError;
}

export class AwsSimServer {
  private faults: Faults = {};
  private readonly limiter = new RateLimiter();
  private readonly random: () => number;
  private readonly pending = new Set<ServerResponse>();

  constructor(
    private readonly world: AwsWorld,
    private readonly services: readonly ServiceDefinition[],
    private readonly hooks: ControlHooks,
    faults: Faults | undefined,
    random: () => number,
    /** Refuse requests whose X-Amz-Date is further than this from the clock (AWS: 15 minutes); undefined = no check. */
    private readonly maxClockSkewMs?: number,
  ) {
    this.random = random;
    this.setFaults(faults ?? {});
  }

  readonly faultControl: FaultControl = {
    get: () => this.faults,
    set: (f) => this.setFaults(f),
    clear: () => this.setFaults({}),
  };

  private setFaults(f: Faults): void {
    this.faults = faultsSchema.parse(f);
    this.world.eventualConsistency = this.faults.eventualConsistency === true;
    this.limiter.clear();
  }

  /** Ends requests held by a black-hole fault (on close). */
  closeAll(): void {
    for (const res of this.pending) res.destroy();
    this.pending.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
        res.end('Request Entity Too Large');
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname.startsWith('/_sim/')) return this.control(req.method ?? 'GET', url.pathname, body, res);
    const requestId = this.world.requestId();
    // Until the request is routed, errors answer in the protocol its headers announce.
    const announced: WireProtocol = String(req.headers['smithy-protocol'] ?? '') === 'rpc-v2-cbor' ? 'cbor' : typeof req.headers['x-amz-target'] === 'string' ? 'json' : 'query';
    let routed: RoutedRequest = { protocol: announced, action: '', params: {} };
    try {
      routed = this.route(req, url, body);
      if (routed.malformed !== undefined) throw routed.malformed;
      const response = await this.dispatch(req, url, body, routed, requestId);
      if (response === undefined) {
        this.pending.add(res);
        res.on('close', () => this.pending.delete(res));
        return;
      }
      send(res, response, this.world.clock.now());
    } catch (e) {
      const error = e instanceof AwsError ? e : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
      if (!(e instanceof AwsError)) process.stderr.write(`aws-sim: ${(e as Error).stack ?? String(e)}\n`);
      send(res, renderError(routed.protocol, routed.service, error, requestId), this.world.clock.now());
    }
  }

  private route(req: IncomingMessage, url: URL, body: Buffer): RoutedRequest {
    const cborPath = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(url.pathname);
    if (cborPath !== null && String(req.headers['smithy-protocol'] ?? '') === 'rpc-v2-cbor') {
      const service = this.services.find((s) => s.smithyName === cborPath[1]);
      try {
        return { protocol: 'cbor', service, action: cborPath[2] ?? '', params: (decodeCbor(body) ?? {}) as Params };
      } catch {
        return { protocol: 'cbor', service, action: cborPath[2] ?? '', params: {}, malformed: new AwsError('SerializationException', 'Malformed CBOR request body') };
      }
    }
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const dot = target.lastIndexOf('.');
      const service = this.services.find((s) => s.smithyName === target.slice(0, dot));
      try {
        return { protocol: 'json', service, action: target.slice(dot + 1), params: body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Params) };
      } catch {
        return { protocol: 'json', service, action: target.slice(dot + 1), params: {}, malformed: new AwsError('SerializationException', 'Start of structure or map found where not expected.') };
      }
    }
    const form = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
    const action = form.get('Action') ?? '';
    const version = form.get('Version') ?? '';
    const scope = parseAuthorization(header(req, 'authorization'));
    const signingName = scope?.service ?? url.searchParams.get('X-Amz-Credential')?.split('/')[3];
    const candidates = this.services.filter((s) => s.signingName === signingName);
    const service = candidates.find((s) => s.version === version) ?? candidates[0];
    return { protocol: service?.protocol ?? 'query', service, action, params: parseQueryParams(form) };
  }

  /** Returns undefined when a black-hole fault swallows the request. */
  private async dispatch(req: IncomingMessage, url: URL, body: Buffer, routed: RoutedRequest, requestId: string): Promise<WireResponse | undefined> {
    const { service, protocol } = routed;
    const ec2 = protocol === 'ec2';
    const scope = parseAuthorization(header(req, 'authorization'));
    if (scope === undefined) {
      throw ec2 ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401) : new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    }
    if (service === undefined) throw new AwsError('UnknownOperationException', `No service is simulated for ${scope.service}`, 400);
    const credentials = this.world.credentials.get(scope.accessKeyId);
    if (credentials === undefined) {
      throw ec2 ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401) : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    }
    const signed = { method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers: req.headers, body };
    if (!signatureMatches(signed, scope, credentials.secretAccessKey)) {
      throw ec2
        ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401)
        : new AwsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.', 403);
    }
    if (this.maxClockSkewMs !== undefined) this.checkRequestTime(header(req, 'x-amz-date') ?? '', ec2);
    if (credentials.sessionToken !== undefined) {
      if (header(req, 'x-amz-security-token') !== credentials.sessionToken) throw ec2 ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401) : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      if (credentials.expiresAt !== undefined && credentials.expiresAt <= this.world.clock.now()) throw new AwsError('ExpiredToken', 'The security token included in the request is expired', ec2 ? 401 : 403);
    }
    // IAM is global (signed for us-east-1) and STS has a global endpoint (clients with the legacy
    // setting sign it for us-east-1): both answer whatever region was signed; every other service
    // must be in a simulated region.
    const global = service.signingName === 'iam' || service.signingName === 'sts';
    const regionName = global && !this.world.regionNames.includes(scope.region) ? (this.world.regionNames[0] ?? 'us-east-1') : scope.region;
    if (!this.world.regionNames.includes(regionName)) {
      throw ec2 ? new AwsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401) : new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    }
    const account = this.world.account(credentials.accountId);
    if (account === undefined) throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);

    const f = this.faults;
    if (faultApplies(f, { service: service.signingName, action: routed.action, accountId: account.id })) {
      if (f.blackHole === true) return undefined;
      if (f.latencyMs !== undefined && f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      const limited = f.rateLimit !== undefined && !this.limiter.take(`${account.id}/${service.signingName}`, f.rateLimit, this.world.clock.now());
      if (limited || (f.throttleRate !== undefined && this.random() < f.throttleRate)) {
        throw ec2 ? new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503, 'Receiver') : new AwsError('Throttling', 'Rate exceeded', 400);
      }
      if (f.errorRate !== undefined && this.random() < f.errorRate) {
        const status = f.errorStatus ?? 500;
        throw new AwsError(f.errorCode ?? (ec2 ? 'InternalError' : 'InternalFailure'), 'An internal error has occurred', status);
      }
    }
    const handler = Object.hasOwn(service.actions, routed.action) ? service.actions[routed.action] : undefined;
    if (handler === undefined) {
      throw ec2 ? new AwsError('InvalidAction', `The action ${routed.action} is not valid for this web service.`) : new AwsError('InvalidAction', `Could not find operation ${routed.action} for version ${service.version}`);
    }
    const ctx: RequestContext = { world: this.world, account, region: account.region(regionName), credentials, action: routed.action, requestId };
    return renderResult(protocol, service, routed.action, handler(ctx, routed.params), requestId);
  }

  /**
   * AWS refuses a signature dated more than 15 minutes from its clock: EC2 with `RequestExpired`,
   * the Query services with `SignatureDoesNotMatch` "Signature expired: ...".
   */
  private checkRequestTime(amzDate: string, ec2: boolean): void {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    const at = m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    const now = this.world.clock.now();
    if (Number.isFinite(at) && Math.abs(now - at) <= (this.maxClockSkewMs ?? 0)) return;
    if (ec2) throw new AwsError('RequestExpired', 'Request has expired.');
    const fmt = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    throw new AwsError('SignatureDoesNotMatch', `Signature expired: ${amzDate} is now earlier than ${fmt(now - (this.maxClockSkewMs ?? 0))} (${fmt(now)} - 15 min.)`, 403);
  }

  private control(method: string, path: string, body: Buffer, res: ServerResponse): void {
    const json = (status: number, v: unknown): void => send(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) }, this.world.clock.now());
    try {
      if (path === '/_sim/faults' && method === 'GET') return json(200, this.faults);
      if (path === '/_sim/faults' && method === 'PUT') {
        this.setFaults(JSON.parse(body.toString('utf8') || '{}') as Faults);
        return json(200, this.faults);
      }
      if (path === '/_sim/tick' && method === 'POST') return json(200, { changes: this.hooks.tick(), tick: this.world.tickCount });
      if (path === '/_sim/converge' && method === 'POST') return json(200, { steps: this.hooks.converge(), tick: this.world.tickCount });
      if (path === '/_sim/fleet' && method === 'POST') return json(200, this.hooks.seedFleet(JSON.parse(body.toString('utf8') || '{}')));
      if (path === '/_sim/accounts' && method === 'POST') return json(201, this.hooks.addAccount());
      if (path === '/_sim/accounts' && method === 'GET') {
        return json(200, this.world.accountKeys().map((c) => ({ accountId: c.accountId, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey })));
      }
      return json(404, { message: `no control endpoint ${method} ${path}` });
    } catch (e) {
      return json(400, { message: (e as Error).message });
    }
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Writes a response; `Date` is the simulator's clock (what SDK clock-skew correction reads). */
function send(res: ServerResponse, r: WireResponse, now: number): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  res.writeHead(r.status, { ...r.headers, 'content-length': String(body.length), date: new Date(now).toUTCString() });
  res.end(body);
}

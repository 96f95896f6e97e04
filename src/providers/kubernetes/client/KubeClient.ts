import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { DependencyError } from '../../../core/errors.js';
import { Http2Transport } from './Http2Transport.js';
import type { Http2RequestOptions, TransportResponse } from './Http2Transport.js';

/** A Kubernetes `Status` failure from the API server (or a transport failure, status 0). */
export class KubeApiError extends DependencyError {
  override name = 'KubeApiError';
  constructor(
    status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(status, message);
  }
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface KubeList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeObject[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface KubeClientOptions {
  readonly kubeconfigFile?: string;
  readonly kubeconfigContents?: string;
  readonly context?: string;
  /** Per-request limit for everything but watches (which use `timeoutSeconds`). */
  readonly requestTimeoutMs: number;
  /** Use HTTP/2 (one connection per account) when the server offers it; default true. */
  readonly http2?: boolean;
}

let kubeConfigClass: typeof KubeConfig | undefined;

/**
 * Imports the official client library (its kubeconfig handling), the first time a Kubernetes
 * account is created rather than when the service starts: loading it is about a second of CPU,
 * most of a start-up with no Kubernetes account. A `KubeClient` can be made once this resolved.
 */
export async function loadKubernetesClientLibrary(): Promise<void> {
  kubeConfigClass ??= (await import('@kubernetes/client-node')).KubeConfig;
}

/** Whether `loadKubernetesClientLibrary` has completed in this process. */
export function kubernetesClientLibraryLoaded(): boolean {
  return kubeConfigClass !== undefined;
}

/**
 * A thin client over the official library's kubeconfig handling (token, client certificate and
 * exec-plugin auth via `applyToHTTPSOptions`), speaking plain HTTP/JSON so any kind, including
 * custom resources, is listed and watched the same way. Every call has a time limit.
 */
export class KubeClient {
  private readonly kc: KubeConfig;
  private readonly server: URL;
  private readonly agent: http.Agent;
  /** One multiplexed connection for every call of this client (HTTPS servers that offer h2). */
  private readonly h2: Http2Transport | undefined;
  /** See `connectionOptions`. */
  private fixedOptions: Promise<https.RequestOptions> | undefined;
  private lastAnswerMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: KubeClientOptions) {
    if (kubeConfigClass === undefined) throw new Error('the Kubernetes client library is not loaded yet (await loadKubernetesClientLibrary() first)');
    this.kc = new kubeConfigClass();
    if (opts.kubeconfigContents) this.kc.loadFromString(opts.kubeconfigContents);
    else if (opts.kubeconfigFile) this.kc.loadFromFile(opts.kubeconfigFile);
    else this.kc.loadFromDefault();
    if (opts.context) this.kc.setCurrentContext(opts.context);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig has no cluster for context '${this.kc.getCurrentContext()}'`);
    this.server = new URL(cluster.server);
    const keepAlive = { keepAlive: true, maxSockets: 16 };
    this.agent = this.server.protocol === 'https:' ? new https.Agent(keepAlive) : new http.Agent(keepAlive);
    // Node's HTTP/2 client cannot go through a proxy: a cluster behind `proxy-url` is spoken to over HTTP/1.1 via it.
    if (this.server.protocol === 'https:' && opts.http2 !== false && !cluster.proxyUrl) this.h2 = new Http2Transport(this.server.origin);
  }

  /** The namespace of the kubeconfig's current context (`default` when it names none), as kubectl uses it. */
  get defaultNamespace(): string {
    return this.kc.getContextObject(this.kc.getCurrentContext())?.namespace ?? 'default';
  }

  /**
   * When the API server last answered a request of this client (`performance.now()`): a response
   * head with a status below 400. Data on an open watch does not count: a server can keep
   * streaming bookmarks on old watches while it no longer answers new requests. -Infinity before.
   */
  get answeredAtMs(): number {
    return this.lastAnswerMs;
  }

  get serverUrl(): string {
    return this.server.href;
  }

  /**
   * Opens the account's HTTP/2 connection now, ahead of its first request (no-op without HTTP/2,
   * or when the connection is up); resolves once it is up or failed, never rejects: a failure
   * shows in the first request, as it would have without this call.
   */
  async connect(): Promise<void> {
    if (this.h2 === undefined) return;
    try {
      await this.h2.preconnect(h2Tls(await this.connectionOptions()), this.opts.requestTimeoutMs);
    } catch {
      // The first request reports it.
    }
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.open(method, path, opts, opts.timeoutMs ?? this.opts.requestTimeoutMs);
    const text = await readBody(res.body, opts.signal);
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.statusCode >= 400) throw toApiError(res.statusCode, body);
    return body as T;
  }

  /** A call whose success body is text, not JSON (the pod `log` subresource); failures are the server's Status as a KubeApiError. */
  async requestText(method: string, path: string, opts: RequestOptions = {}): Promise<string> {
    const res = await this.open(method, path, opts, opts.timeoutMs ?? this.opts.requestTimeoutMs);
    const text = await readBody(res.body, opts.signal);
    if (res.statusCode >= 400) throw toApiError(res.statusCode, safeJson(text));
    return text;
  }

  /** Lists every page of a collection; with `onPage`, pages go there as they arrive instead of into the result. */
  async listAll(path: string, query: Record<string, string>, opts: { signal?: AbortSignal; pageSize?: number; onPage?: (items: readonly KubeObject[]) => void } = {}): Promise<KubeList> {
    const items: KubeObject[] = [];
    const fetchPage = (cont: string | undefined): Promise<KubeList> => {
      const q = new URLSearchParams({ ...query, limit: String(opts.pageSize ?? 500), ...(cont ? { continue: cont } : {}) });
      return this.request<KubeList>('GET', `${path}?${q}`, { ...(opts.signal ? { signal: opts.signal } : {}) });
    };
    let page = await fetchPage(undefined);
    for (;;) {
      const cont = page.metadata.continue || undefined;
      // Ask for the next page before processing this one, so the server's work overlaps ours.
      const next = cont === undefined ? undefined : fetchPage(cont);
      next?.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
      // The request leaves only once its promise chain has run (auth options, the connection)
      // and the connection has written it: one turn of the event loop. Processing the page
      // first would hold it back until the page was done, leaving the server idle meanwhile.
      if (next !== undefined) await new Promise((resolve) => setImmediate(resolve));
      if (opts.onPage !== undefined) opts.onPage(page.items);
      else for (const item of page.items) items.push(item);
      if (next === undefined) return { metadata: { ...(page.metadata.resourceVersion ? { resourceVersion: page.metadata.resourceVersion } : {}) }, items };
      page = await next;
    }
  }

  /**
   * Streams watch events until the server ends the stream, the signal aborts, or no byte arrives
   * for `idleTimeoutMs` (a black-holed server). Resolves when the stream ends; rejects on errors.
   */
  async watch(
    path: string,
    query: Record<string, string>,
    onEvent: (event: WatchEvent) => void,
    opts: { signal: AbortSignal; idleTimeoutMs: number },
  ): Promise<void> {
    const q = new URLSearchParams({ ...query, watch: 'true' });
    const head = await this.open('GET', `${path}?${q}`, { signal: opts.signal }, this.opts.requestTimeoutMs);
    if (head.statusCode >= 400) {
      const text = await readBody(head.body, opts.signal);
      throw toApiError(head.statusCode, text ? safeJson(text) : undefined);
    }
    const res = head.body;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      let idle: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => res.destroy(new KubeApiError(0, `watch stalled: no data for ${opts.idleTimeoutMs} ms`)), opts.idleTimeoutMs);
      };
      const onAbort = (): void => {
        res.destroy();
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      const finish = (err?: Error): void => {
        clearTimeout(idle);
        opts.signal.removeEventListener('abort', onAbort);
        if (err && !opts.signal.aborted) reject(err);
        else resolve();
      };
      arm();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        arm();
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          try {
            onEvent(JSON.parse(line) as WatchEvent);
          } catch (err) {
            res.destroy(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
      });
      res.on('end', () => finish());
      res.on('error', (err) => finish(err));
      res.on('close', () => finish());
    });
  }

  close(): void {
    this.agent.destroy();
    this.h2?.close();
  }

  /**
   * The kubeconfig's TLS material and headers as the official library applies them
   * (`applyToHTTPSOptions`), kept from the first request when they cannot change: that call
   * decodes the CA, certificate and key (or reads their files) and makes an https.Agent each
   * time, a few percent of the CPU of thousands of accounts starting. Users with an exec plugin
   * or an auth provider (OIDC, an in-cluster token file) have them applied per request, so
   * refreshed credentials are used as the library refreshes them.
   */
  private connectionOptions(): Promise<https.RequestOptions> {
    const apply = async (): Promise<https.RequestOptions> => {
      const o: https.RequestOptions = { headers: { accept: 'application/json' } };
      await this.kc.applyToHTTPSOptions(o);
      return o;
    };
    const user = this.kc.getCurrentUser();
    if (user?.exec != null || user?.authProvider != null) return apply();
    this.fixedOptions ??= apply().catch((e: unknown) => {
      this.fixedOptions = undefined;
      throw e;
    });
    return this.fixedOptions;
  }

  /** Sends a request; a successful response head counts as an answer (`answeredAtMs`). */
  private async open(method: string, path: string, opts: RequestOptions, timeoutMs: number): Promise<TransportResponse> {
    const res = await this.send(method, path, opts, timeoutMs);
    if (res.statusCode < 400) this.lastAnswerMs = performance.now();
    return res;
  }

  private async send(method: string, path: string, opts: RequestOptions, timeoutMs: number): Promise<TransportResponse> {
    const url = new URL(path.replace(/^\//, ''), this.server.href.endsWith('/') ? this.server.href : `${this.server.href}/`);
    const applied = await this.connectionOptions();
    // The library's agent goes through the cluster's `proxy-url`; without one, this client's keep-alive agent.
    const agent = this.kc.getCurrentCluster()?.proxyUrl ? applied.agent : this.agent;
    const reqOpts: https.RequestOptions = { ...applied, method, agent, headers: { ...applied.headers } };
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (payload !== undefined) {
      reqOpts.headers = { ...reqOpts.headers, 'content-type': opts.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) };
    }
    if (this.h2 !== undefined) {
      const res = await this.h2
        .request({
          method,
          path: `${url.pathname}${url.search}`,
          headers: (reqOpts.headers ?? {}) as Record<string, string>,
          ...(payload === undefined ? {} : { payload }),
          ...(opts.signal === undefined ? {} : { signal: opts.signal }),
          timeoutMs,
          tls: h2Tls(reqOpts),
        })
        .catch((err: unknown) => {
          throw new KubeApiError(0, `${url.host}: ${err instanceof Error ? err.message : String(err)}`);
        });
      if (res !== undefined) return res;
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, reqOpts, (res) => {
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, body: res });
      });
      const timer = setTimeout(() => req.destroy(new KubeApiError(0, `no response from ${url.host} within ${timeoutMs} ms`)), timeoutMs);
      const onAbort = (): void => {
        req.destroy(new KubeApiError(0, 'request aborted'));
      };
      if (opts.signal?.aborted) onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof KubeApiError ? err : new KubeApiError(0, `${url.host}: ${err.message}`));
      });
      req.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
      req.end(payload);
    });
  }
}

/** The TLS material of the request options, as the HTTP/2 session takes it. */
function h2Tls(o: https.RequestOptions): Http2RequestOptions['tls'] {
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = o;
  return { ca, cert, key, pfx, passphrase, ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }), ...(servername === undefined ? {} : { servername }) };
}

/**
 * A response body as text, decoded as its chunks arrive. Chunks kept as Buffers until the end
 * outlived young-generation collections (a LIST page streams in over many turns), and each one
 * holds the whole read buffer it is a view of: V8 counts that memory as external, and every 64
 * MB of it starts a full collection ("external memory pressure") however small the heap's own
 * growth. In a 2,000-account fill that was 9 of 14 mark-compacts, each marking the whole heap
 * (docs/benchmarks.md §5). Decoded strings are ordinary heap memory, collected on V8's own
 * schedule; the Buffers die young.
 */
function readBody(res: Readable, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: string[] = [];
    const onAbort = (): void => {
      res.destroy(new KubeApiError(0, 'request aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    res.setEncoding('utf8');
    res.on('data', (c: string) => parts.push(c));
    res.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(parts.join(''));
    });
    res.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(err instanceof KubeApiError ? err : new KubeApiError(0, err.message));
    });
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text };
  }
}

function toApiError(status: number, body: unknown): KubeApiError {
  const b = (body ?? {}) as { message?: unknown; reason?: unknown };
  return new KubeApiError(status, typeof b.message === 'string' ? b.message : `HTTP ${status}`, typeof b.reason === 'string' ? b.reason : undefined);
}

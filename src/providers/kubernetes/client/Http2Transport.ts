import http2 from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import type { Readable } from 'node:stream';
import { sharedSecureContext, type TlsMaterial } from './sharedSecureContext.js';

/** A response head and its body stream, whatever the HTTP version. */
export interface TransportResponse {
  readonly statusCode: number;
  readonly body: Readable;
}

export interface Http2RequestOptions {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: Record<string, string | number | string[] | undefined>;
  readonly payload?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** TLS material for the session (from the kubeconfig); sessions with the same material share one secure context. */
  readonly tls: TlsMaterial & { rejectUnauthorized?: boolean; servername?: string };
}

/** Headers HTTP/2 forbids (connection-specific) and pseudo-headers the client sets itself. */
const DROPPED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * Flow-control windows, as client-go's HTTP/2 transport sets them (golang.org/x/net/http2
 * `transportDefaultStreamFlow` 4 MiB per stream, a 1 GiB connection window; here 64 MiB): with
 * HTTP/2's default 64 KiB a LIST page of a few MB crosses in many round trips, each waiting for
 * this process's event loop to send a WINDOW_UPDATE, so the next page could not arrive while the
 * current one was being processed.
 */
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;
const SESSION_WINDOW_BYTES = 64 * 1024 * 1024;

/** How long a liveness PING may take before the connection is taken for dead. */
const PING_TIMEOUT_MS = 10_000;

/**
 * One multiplexed HTTP/2 connection to an API server (as client-go keeps): every list, get and
 * watch of an account is a stream on it, instead of a TCP+TLS connection each. Reconnects on
 * demand after the session closes or errors, or after a request timed out and the connection did
 * not answer a PING either. When the server does not
 * negotiate `h2`, `request` resolves undefined and the caller falls back to HTTP/1.1 (retried
 * after a minute).
 */
export class Http2Transport {
  private session: ClientHttp2Session | undefined;
  private connecting: Promise<ClientHttp2Session | undefined> | undefined;
  /** The session `connecting` is making, until it is up or has failed. */
  private pending: ClientHttp2Session | undefined;
  /** Set by `close()`: a connection asked for ahead of any request is then not made. */
  private closed = false;
  private unsupportedUntil = 0;
  /** Sessions whose liveness PING is in flight. */
  private readonly checking = new WeakSet<ClientHttp2Session>();

  constructor(private readonly origin: string) {}

  /** Makes the connection (or waits for the one being made) without a request on it; nothing once closed. */
  async preconnect(tls: Http2RequestOptions['tls'], timeoutMs: number): Promise<void> {
    if (!this.closed && Date.now() >= this.unsupportedUntil) await this.connect(tls, timeoutMs);
  }

  async request(opts: Http2RequestOptions): Promise<TransportResponse | undefined> {
    if (Date.now() < this.unsupportedUntil) return undefined;
    const deadline = Date.now() + opts.timeoutMs;
    const session = await this.connect(opts.tls, opts.timeoutMs);
    if (session === undefined) {
      if (Date.now() < this.unsupportedUntil) return undefined;
      throw new Error(`no connection to ${this.origin} within ${opts.timeoutMs} ms`);
    }
    const headers: http2.OutgoingHttpHeaders = { ':method': opts.method, ':path': opts.path };
    for (const [k, v] of Object.entries(opts.headers)) if (v !== undefined && !DROPPED.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
    return new Promise((resolve, reject) => {
      const stream = session.request(headers, { endStream: opts.payload === undefined });
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        // A server that does not answer in time may have a dead connection, or may only be slow
        // (busy, or this process busy): the connection is dropped only when it does not answer a
        // PING either, so one slow request does not fail every list and watch on it.
        this.dropUnlessAlive(session);
        reject(new Error(`no response within ${opts.timeoutMs} ms`));
      }, Math.max(0, deadline - Date.now()));
      const onAbort = (): void => {
        clearTimeout(timer);
        stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error('request aborted'));
      };
      if (opts.signal?.aborted) onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => opts.signal?.removeEventListener('abort', onAbort));
      stream.once('response', (h) => {
        clearTimeout(timer);
        resolve({ statusCode: Number(h[':status'] ?? 0), body: stream });
      });
      stream.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      if (opts.payload !== undefined) stream.end(opts.payload);
    });
  }

  /** Closes the connection, and the one being made (made ahead of any request, say). */
  close(): void {
    this.closed = true;
    this.pending?.destroy();
    this.session?.destroy();
    this.session = undefined;
  }

  /**
   * PINGs the session; drops it when the answer does not come within `PING_TIMEOUT_MS` (or the
   * PING cannot be sent). One check at a time per session.
   */
  private dropUnlessAlive(session: ClientHttp2Session): void {
    if (session.destroyed || this.checking.has(session)) return;
    this.checking.add(session);
    const timer = setTimeout(() => {
      this.checking.delete(session);
      this.drop(session);
    }, PING_TIMEOUT_MS).unref();
    const sent = session.ping((err) => {
      clearTimeout(timer);
      this.checking.delete(session);
      if (err !== null) this.drop(session);
    });
    if (!sent) {
      clearTimeout(timer);
      this.checking.delete(session);
      this.drop(session);
    }
  }

  private drop(session: ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
    session.destroy();
  }

  private connect(tls: Http2RequestOptions['tls'], timeoutMs: number): Promise<ClientHttp2Session | undefined> {
    if (this.session !== undefined && !this.session.closed && !this.session.destroyed) return Promise.resolve(this.session);
    this.connecting ??= new Promise<ClientHttp2Session | undefined>((resolve) => {
      let timedOut = false;
      const { ca, cert, key, pfx, passphrase, ...verification } = tls;
      const secureContext = sharedSecureContext({ ca, cert, key, pfx, passphrase });
      const session = http2.connect(this.origin, { ...verification, secureContext, ALPNProtocols: ['h2'], settings: { initialWindowSize: STREAM_WINDOW_BYTES } });
      this.pending = session;
      const timer = setTimeout(() => {
        // Not a protocol problem: the server is not answering. No fallback (it would wait again).
        session.destroy(new Error(`no connection to ${this.origin} within ${timeoutMs} ms`));
        timedOut = true;
        resolve(undefined);
      }, timeoutMs);
      session.once('connect', () => {
        clearTimeout(timer);
        // Destroyed while the TLS handshake was under way (closed, or timed out): Node ends the
        // socket gracefully, so the handshake may still complete and 'connect' still come.
        if (session.destroyed) return resolve(undefined);
        session.unref(); // an idle connection does not keep the process alive
        session.setLocalWindowSize(SESSION_WINDOW_BYTES);
        this.session = session;
        resolve(session);
      });
      session.once('error', () => {
        clearTimeout(timer);
        // Most often the server speaks only HTTP/1.1 (no `h2` in ALPN): fall back for a while.
        if (this.session !== session && !timedOut) this.unsupportedUntil = Date.now() + 60_000;
        resolve(undefined);
      });
      session.on('close', () => {
        clearTimeout(timer);
        if (this.session === session) this.session = undefined;
        resolve(undefined); // closed before it was up (no-op once resolved)
      });
      session.on('goaway', () => {
        if (this.session === session) this.session = undefined;
      });
    }).finally(() => {
      this.connecting = undefined;
      this.pending = undefined;
    });
    return this.connecting;
  }
}

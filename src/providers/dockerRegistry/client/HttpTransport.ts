import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The caller's cancellation (an agent run's signal). */
  readonly signal?: AbortSignal | undefined;
  /** Whole-exchange limit: connect, headers and body. */
  readonly timeoutMs: number;
  /** Bodies larger than this fail the request. */
  readonly maxBytes: number;
}

export interface TransportResponse {
  readonly status: number;
  /** Every header as a list of values (duplicates kept, e.g. several `Link` or `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string[] | undefined>>;
  readonly body: Buffer;
  /** The URL that answered (after redirects). */
  readonly url: URL;
}

/** The registry could not be reached or did not answer in time (no HTTP status). */
export class TransportError extends Error {}

const MAX_REDIRECTS = 5;

/**
 * HTTP/1.1 exchanges with one registry over Node's own `http`/`https` (kept-alive sockets per
 * account). `insecure` trusts any certificate, as Clouddriver's `insecureRegistry`
 * (`TrustAllX509TrustManager`) does. Redirects (a registry's blob store) are followed up to 5
 * times; the `Authorization` header is dropped when a redirect leaves the original origin, so
 * registry credentials never reach a storage host.
 */
export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent: https.Agent;

  constructor(insecure: boolean) {
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: !insecure });
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([req.signal, timeout]);
    let url = req.url;
    let headers = { ...req.headers };
    try {
      for (let hop = 0; ; hop++) {
        const res = await this.once(req.method, url, headers, signal, req.maxBytes);
        const location = res.headers.location?.[0];
        if (![301, 302, 303, 307, 308].includes(res.status) || location === undefined || hop >= MAX_REDIRECTS) return res;
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') return res;
        if (next.origin !== req.url.origin) {
          const { authorization: _dropped, ...rest } = headers;
          headers = rest;
        }
        url = next;
      }
    } catch (e) {
      if (timeout.aborted) throw new TransportError(`${req.method} ${describeUrl(url)} timed out after ${req.timeoutMs} ms`);
      if (req.signal?.aborted) throw req.signal.reason instanceof Error ? req.signal.reason : new Error('request aborted');
      if (e instanceof TransportError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new TransportError(`${req.method} ${describeUrl(url)} failed: ${code ?? (e instanceof Error ? e.message : String(e))}`);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private once(method: string, url: URL, headers: Record<string, string>, signal: AbortSignal, maxBytes: number): Promise<TransportResponse> {
    const secure = url.protocol === 'https:';
    return new Promise<TransportResponse>((resolve, reject) => {
      const request = (secure ? https : http).request(url, { method, headers, signal, agent: secure ? this.httpsAgent : this.httpAgent }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy(new TransportError(`${method} ${describeUrl(url)}: response larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.once('error', reject);
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headersDistinct, body: Buffer.concat(chunks), url }));
      });
      request.once('error', reject);
      request.end();
    });
  }
}

/** A URL for messages: origin and path only (queries can carry pagination cursors, never needed in logs). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DependencyError, InputError, NotFoundError } from '../core/errors.js';
import type { Download, DownloadContext } from './ArtifactCredentials.js';

/**
 * One GET for an artifact account (Clouddriver's `BaseHttpArtifactCredentials.fetchUrl`): follows
 * redirects, carries the account's headers, aborts with the download's signal, and turns a
 * failure into an error naming the account, the host and the status (never a header value).
 * fetch drops `Authorization` when a redirect leaves the origin.
 */
export async function httpGet(account: string, url: URL, headers: Record<string, string>, ctx: DownloadContext): Promise<Download & { response: Response }> {
  const response = await send(account, url, headers, ctx);
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const stream = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  return { stream, response, ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : {}) };
}

/** The body as text (index files, JSON metadata), within the size limit. */
export async function httpGetText(account: string, url: URL, headers: Record<string, string>, ctx: DownloadContext): Promise<string> {
  const response = await send(account, url, headers, ctx);
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > ctx.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(account, describe(url), length, ctx.maxBytes);
  }
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > ctx.maxBytes) throw tooLarge(account, describe(url), body.length, ctx.maxBytes);
  return body.toString('utf8');
}

/** A URL from an artifact's reference or from config, checked before anything is sent. */
export function parseHttpUrl(account: string, value: string | null | undefined, field = 'reference'): URL {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    throw new InputError(`Malformed content URL in ${field} for artifact account '${account}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`The ${field} for artifact account '${account}' must be an http(s) URL, not ${url.protocol}`);
  // Credentials in a URL would end up in messages and logs; they belong in the account's config.
  if (url.username !== '' || url.password !== '') throw new InputError(`The ${field} for artifact account '${account}' must not carry credentials; configure them on the account`);
  return url;
}

/** Host and path of a URL, for messages (no credentials, no query string). */
export function describe(url: URL): string {
  return `${url.host}${url.pathname}`;
}

export function tooLarge(account: string, what: string, size: number, max: number): InputError {
  return new InputError(`Artifact ${what} from account '${account}' is ${size} bytes, more than the limit of ${max} bytes (artifacts.maxBytes)`);
}

/** The error for a remote's non-success status. */
export function statusError(account: string, what: string, host: string, status: number): Error {
  if (status === 404 || status === 410) return new NotFoundError(`Artifact ${what} not found: HTTP ${status} from ${host} (account '${account}')`);
  if (status === 401 || status === 403) return new DependencyError(status, `Artifact account '${account}' was refused by ${host}: HTTP ${status}; check the account's credentials`);
  return new DependencyError(status, `Artifact account '${account}' received HTTP ${status} from ${host} for ${what}`);
}

async function send(account: string, url: URL, headers: Record<string, string>, ctx: DownloadContext): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: ctx.signal, redirect: 'follow' });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw new DependencyError(502, `Artifact account '${account}' could not reach ${url.host}: ${networkCause(err)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw statusError(account, describe(url), url.host, response.status);
  }
  return response;
}

/** The network error's code (`ECONNREFUSED`, ...) without anything from the request. */
function networkCause(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : 'connection failed';
}

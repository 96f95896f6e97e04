import { createHash } from 'node:crypto';
import type { Clock } from '../../../core/Clock.js';
import type { BasicCredentials } from './BasicCredentials.js';
import { BearerTokens } from './BearerTokens.js';
import { bearerChallenge, parseChallenges, type BearerChallenge } from './authChallenge.js';
import { HttpTransport, describeUrl, type TransportResponse } from './HttpTransport.js';
import { nextPageUrl } from './linkHeader.js';
import { isDigest, isRepositoryName, isTag } from './names.js';

export interface DockerRegistryClientOptions {
  /** Normalized base URL (`https://registry.example.com`), see `normalizeAddress`. */
  readonly address: string;
  readonly credentials: BasicCredentials;
  /** `clientTimeoutMillis`: the limit of each HTTP exchange (token requests included). */
  readonly timeoutMs: number;
  /** `paginateSize`: the `n` of catalog and tag list pages. */
  readonly paginateSize: number;
  /** `insecureRegistry`: trust any TLS certificate. */
  readonly insecure: boolean;
  readonly clock: Clock;
}

/**
 * A registry answer that is not a success, or no answer (`status` 0). Messages name the URL path
 * and the registry's error code, never credentials or tokens.
 */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ManifestJson = Record<string, unknown>;

export interface Manifest {
  /** `Docker-Content-Digest`, or the SHA-256 of the body when the registry sends none. */
  readonly digest: string;
  readonly mediaType: string;
  readonly json: ManifestJson;
}

/** What the caching agent reads from an image's config (labels and creation time). */
export interface ImageConfig {
  /** The config blob's digest (the image id); undefined for schema 1 manifests. */
  readonly configDigest?: string;
  readonly labels: Record<string, unknown> | null;
  /** ISO 8601, as written by the image builder. */
  readonly created?: string;
}

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
} as const;

const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');
const API_VERSION = { 'docker-distribution-api-version': 'registry/2.0' };
const USER_AGENT = 'Spinnaker-Clouddriver (clouddriver-ts)';
const LIST_PAGE_BYTES = 8 * 1024 * 1024;
const MANIFEST_BYTES = 4 * 1024 * 1024;
const CONFIG_BYTES = 8 * 1024 * 1024;
const TOKEN_BYTES = 1024 * 1024;
/** A listing that pages further than this is cut (a registry answering the same page forever). */
const MAX_PAGES = 10_000;
/** Image configs remembered by digest (content-addressed, so never stale). */
const CONFIG_CACHE_ENTRIES = 20_000;

/**
 * The registry v2 API of one account (Clouddriver's `DockerRegistryClient`): the catalog and
 * tag lists paged through `Link` headers, manifests and config blobs. Authentication follows the
 * Docker token flow: requests carry the account's basic credentials (or nothing) until the
 * registry answers 401 (or 400, a workaround Clouddriver keeps for registries that do so when a
 * token expires) with a `WWW-Authenticate: Bearer` challenge; a token is then asked from the
 * challenge's realm for its service and scope (with the basic credentials when there are
 * some), cached until it expires, and the request retried once. A `Basic` challenge means the
 * credentials were refused: the password source is read again next time.
 */
export class DockerRegistryClient {
  private readonly transport: HttpTransport;
  private readonly tokens: BearerTokens;
  private readonly tokenRequests = new Map<string, Promise<string>>();
  private readonly configs = new Map<string, ImageConfig>();
  private readonly base: URL;

  constructor(private readonly opts: DockerRegistryClientOptions) {
    this.transport = new HttpTransport(opts.insecure);
    this.tokens = new BearerTokens(opts.clock);
    this.base = new URL(opts.address);
  }

  /** `GET /v2/`: the registry answers and accepts our credentials. */
  async checkVersion(signal?: AbortSignal): Promise<void> {
    await this.send('v2', this.url('/v2/'), {}, signal, TOKEN_BYTES);
  }

  /** Every repository of `/v2/_catalog`, page by page (`n` = paginateSize). */
  async catalog(signal?: AbortSignal): Promise<string[]> {
    const out: string[] = [];
    await this.pages('_catalog', this.url('/v2/_catalog', { n: String(this.opts.paginateSize) }), signal, (json) => {
      const repositories = (json as { repositories?: unknown }).repositories;
      if (Array.isArray(repositories)) for (const r of repositories) if (typeof r === 'string') out.push(r);
    });
    return out;
  }

  /** Every tag of a repository (`/v2/{repository}/tags/list`, paged); a 404 rejects with status 404. */
  async tags(repository: string, signal?: AbortSignal): Promise<string[]> {
    assertRepository(repository);
    const out: string[] = [];
    await this.pages(repository, this.url(`/v2/${repository}/tags/list`, { n: String(this.opts.paginateSize) }), signal, (json) => {
      const tags = (json as { tags?: unknown }).tags;
      if (Array.isArray(tags)) for (const t of tags) if (typeof t === 'string') out.push(t);
    });
    return out;
  }

  /** A manifest by tag or digest, accepting Docker schema 2, OCI, manifest lists/indexes and schema 1. */
  async manifest(repository: string, reference: string, signal?: AbortSignal): Promise<Manifest> {
    assertRepository(repository);
    if (!isTag(reference) && !isDigest(reference)) throw new RegistryError(0, `not a tag or digest: ${JSON.stringify(reference.slice(0, 140))}`);
    const res = await this.send(repository, this.url(`/v2/${repository}/manifests/${reference}`), { accept: MANIFEST_ACCEPT }, signal, MANIFEST_BYTES);
    const json = parseJson(res, `manifest ${repository}:${reference}`);
    const digest = res.headers['docker-content-digest']?.[0] ?? `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    const mediaType = (typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? res.headers['content-type']?.[0]?.split(';')[0]?.trim() ?? '';
    return { digest, mediaType, json };
  }

  /**
   * Labels and creation time of the image a manifest describes: the config blob of a schema 2 /
   * OCI manifest (Clouddriver's `getConfigDigest` + `getDigestContent`); for a manifest list or
   * index, that of its linux/amd64 image (else its first); for schema 1, its newest history entry.
   */
  async imageConfig(repository: string, manifest: Manifest, signal?: AbortSignal): Promise<ImageConfig> {
    let m = manifest;
    if (Array.isArray(m.json.manifests)) {
      const entries = m.json.manifests.filter((e): e is { digest: string; platform?: { os?: string; architecture?: string } } => typeof (e as { digest?: unknown })?.digest === 'string');
      const chosen = entries.find((e) => e.platform?.os === 'linux' && e.platform.architecture === 'amd64') ?? entries[0];
      if (chosen === undefined) throw new RegistryError(0, `manifest list of ${repository} names no image`);
      m = await this.manifest(repository, chosen.digest, signal);
    }
    const config = m.json.config as { digest?: unknown } | undefined;
    if (typeof config?.digest === 'string') return this.configBlob(repository, config.digest, signal);
    const history = m.json.history;
    if (Array.isArray(history) && typeof (history[0] as { v1Compatibility?: unknown })?.v1Compatibility === 'string') {
      const v1 = JSON.parse((history[0] as { v1Compatibility: string }).v1Compatibility) as { created?: unknown; config?: { Labels?: unknown } };
      return { labels: labelsOf(v1.config?.Labels), ...(typeof v1.created === 'string' ? { created: v1.created } : {}) };
    }
    throw new RegistryError(0, `manifest of ${repository} has neither a config nor a history (${m.mediaType || 'unknown media type'})`);
  }

  close(): void {
    this.transport.close();
  }

  private async configBlob(repository: string, digest: string, signal?: AbortSignal): Promise<ImageConfig> {
    const known = this.configs.get(digest);
    if (known !== undefined) return known;
    if (!isDigest(digest)) throw new RegistryError(0, `manifest of ${repository} has a malformed config digest`);
    const res = await this.send(repository, this.url(`/v2/${repository}/blobs/${digest}`), {}, signal, CONFIG_BYTES);
    const json = parseJson(res, `config ${digest} of ${repository}`) as { created?: unknown; config?: { Labels?: unknown } | null };
    const config: ImageConfig = { configDigest: digest, labels: labelsOf(json.config?.Labels), ...(typeof json.created === 'string' ? { created: json.created } : {}) };
    if (this.configs.size >= CONFIG_CACHE_ENTRIES) this.configs.clear();
    this.configs.set(digest, config);
    return config;
  }

  private url(path: string, query: Record<string, string> = {}): URL {
    const prefix = this.base.pathname.replace(/\/$/, '');
    const url = new URL(`${prefix}${path}`, this.base.origin);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  }

  private async pages(target: string, first: URL, signal: AbortSignal | undefined, onPage: (json: ManifestJson) => void): Promise<void> {
    const seen = new Set<string>();
    let url: URL | undefined = first;
    for (let page = 0; url !== undefined && page < MAX_PAGES && !seen.has(url.href); page++) {
      seen.add(url.href);
      const res = await this.send(target, url, {}, signal, LIST_PAGE_BYTES);
      onPage(parseJson(res, `${target} listing`));
      url = nextPageUrl(res.headers.link, url);
    }
  }

  /** One request with the token flow; rejects with a RegistryError for anything but 2xx. */
  private async send(target: string, url: URL, headers: Record<string, string>, signal: AbortSignal | undefined, maxBytes: number): Promise<TransportResponse> {
    const token = this.tokens.tokenFor(target);
    const auth = token !== undefined ? `Bearer ${token}` : await this.opts.credentials.header();
    let res = await this.exchange(url, headers, auth, signal, maxBytes);
    if (res.status === 401 || (res.status === 400 && res.headers['www-authenticate'] !== undefined)) {
      const challenges = parseChallenges(res.headers['www-authenticate'] ?? []);
      const bearer = bearerChallenge(challenges);
      if (bearer === undefined) {
        if (token !== undefined) this.tokens.forget(target);
        if (challenges.some((c) => c.scheme === 'basic')) {
          this.opts.credentials.invalidate();
          throw new RegistryError(res.status, `${describeUrl(url)}: the registry ${this.opts.credentials.configured ? 'refused the account credentials' : 'requires credentials'} (HTTP ${res.status})`);
        }
        throw new RegistryError(res.status, `${describeUrl(url)}: HTTP ${res.status} without a Bearer or Basic challenge${this.registryMessage(res)}`);
      }
      if (token !== undefined) this.tokens.forget(target);
      const fresh = await this.token(target, bearer, token, signal);
      res = await this.exchange(url, headers, `Bearer ${fresh}`, signal, maxBytes);
      if (res.status === 401) {
        this.tokens.forget(target);
        throw new RegistryError(401, `${describeUrl(url)}: the registry refused the token issued by ${bearer.realm.origin}${this.registryMessage(res)}`);
      }
    }
    if (res.status < 200 || res.status > 299) throw new RegistryError(res.status, `${describeUrl(url)}: HTTP ${res.status}${this.registryMessage(res)}`);
    return res;
  }

  private exchange(url: URL, headers: Record<string, string>, auth: string | undefined, signal: AbortSignal | undefined, maxBytes: number): Promise<TransportResponse> {
    return this.transport
      .request({
        method: 'GET',
        url,
        headers: { ...API_VERSION, 'user-agent': USER_AGENT, ...headers, ...(auth === undefined ? {} : { authorization: auth }) },
        signal,
        timeoutMs: this.opts.timeoutMs,
        maxBytes,
      })
      .catch((e: unknown) => {
        if (signal?.aborted) throw e;
        throw new RegistryError(0, this.scrub(e instanceof Error ? e.message : String(e)));
      });
  }

  /**
   * A token for a challenge: a cached one (other than the one just refused), else one from the
   * token server; concurrent requests for one challenge share a single token request.
   */
  private async token(target: string, challenge: BearerChallenge, refused: string | undefined, signal: AbortSignal | undefined): Promise<string> {
    this.tokens.bind(target, challenge);
    const cached = this.tokens.cached(challenge);
    if (cached !== undefined && cached !== refused) return cached;
    const key = `${challenge.realm.href} ${challenge.service ?? ''} ${challenge.scope ?? ''}`;
    let pending = this.tokenRequests.get(key);
    if (pending === undefined) {
      pending = this.fetchToken(challenge, signal).finally(() => this.tokenRequests.delete(key));
      this.tokenRequests.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(challenge: BearerChallenge, signal: AbortSignal | undefined): Promise<string> {
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
    if (challenge.scope !== undefined) url.searchParams.set('scope', challenge.scope);
    const basic = await this.opts.credentials.header();
    const res = await this.exchange(url, { accept: 'application/json' }, basic, signal, TOKEN_BYTES);
    if (res.status < 200 || res.status > 299) {
      if (res.status === 401 || res.status === 403) this.opts.credentials.invalidate();
      throw new RegistryError(res.status === 401 || res.status === 403 ? 401 : 502, `token request to ${describeUrl(url)} failed: HTTP ${res.status}${this.registryMessage(res)}`);
    }
    const json = parseJson(res, `token from ${describeUrl(url)}`) as { token?: unknown; access_token?: unknown; bearer_token?: unknown; expires_in?: unknown };
    const token = [json.bearer_token, json.token, json.access_token].find((t): t is string => typeof t === 'string' && t !== '');
    if (token === undefined) throw new RegistryError(502, `token response of ${describeUrl(url)} holds no token`);
    this.tokens.remember(challenge, token, typeof json.expires_in === 'number' ? json.expires_in : undefined);
    return token;
  }

  /** `: CODE message` from the registry's `{"errors": [...]}` body, scrubbed and short. */
  private registryMessage(res: TransportResponse): string {
    try {
      const json = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[]; details?: unknown };
      const first = json.errors?.[0];
      const text = first === undefined ? (typeof json.details === 'string' ? json.details : '') : [first.code, first.message].filter((x) => typeof x === 'string').join(' ');
      return text === '' ? '' : `: ${this.scrub(text).slice(0, 200)}`;
    } catch {
      return '';
    }
  }

  /** Removes every secret this client knows (password, basic token, bearer tokens) from a message. */
  private scrub(message: string): string {
    let out = message;
    for (const secret of [...this.opts.credentials.secrets(), ...this.tokens.secrets()]) if (secret !== '') out = out.split(secret).join('[secret]');
    return out;
  }
}

function assertRepository(repository: string): void {
  if (!isRepositoryName(repository)) throw new RegistryError(0, `not a repository name: ${JSON.stringify(repository.slice(0, 255))}`);
}

function parseJson(res: TransportResponse, what: string): ManifestJson {
  try {
    const json = JSON.parse(res.body.toString('utf8')) as unknown;
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as ManifestJson;
  } catch {
    // reported below
  }
  throw new RegistryError(502, `${what}: the registry answered something other than a JSON object`);
}

function labelsOf(labels: unknown): Record<string, unknown> | null {
  return typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? (labels as Record<string, unknown>) : null;
}

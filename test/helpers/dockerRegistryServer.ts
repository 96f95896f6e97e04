import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';

/**
 * A real Docker registry on loopback for the Docker registry provider's tests: Debian's
 * `docker-registry` package (the CNCF distribution registry, 2.8), installed with apt-get when
 * the binary is missing, started with its own config file and a temporary storage directory.
 *
 * With `auth: 'token'` the registry sits behind token authentication (`auth.token`: realm,
 * service, issuer, rootcertbundle) and this helper runs the token server too: it checks HTTP
 * basic credentials and issues RS256 JWTs whose key id is the libtrust fingerprint of a key
 * whose self-signed certificate (made with `openssl`) is the registry's root bundle.
 *
 * With `tls: true` it serves HTTPS with a self-signed certificate for 127.0.0.1 (what
 * `insecureRegistry` is for).
 *
 * Images are pushed over the registry HTTP API (monolithic blob uploads and a schema 2
 * manifest), never through a Docker engine.
 */
export interface PushedImage {
  /** The manifest digest (`Docker-Content-Digest` of the PUT). */
  readonly digest: string;
  /** The config blob digest (the image id). */
  readonly configDigest: string;
}

export interface ImageSpec {
  /** `config.Labels` of the image config. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The config's `created` time (ISO 8601). */
  readonly created?: string;
}

export interface TokenServerState {
  readonly realm: string;
  readonly service: string;
  readonly username: string;
  readonly password: string;
  /** Token requests received (accepted or refused). */
  readonly requests: { readonly scope: string[]; readonly authorized: boolean }[];
  /** Lifetime of issued tokens (`expires_in`), seconds. */
  expiresInSeconds: number;
}

export interface DockerRegistryServer {
  /** `http://127.0.0.1:{port}` (`https://` with `tls`). */
  readonly address: string;
  /** `127.0.0.1:{port}` (Clouddriver's `registry`). */
  readonly registry: string;
  readonly token?: TokenServerState;
  push(repository: string, tag: string, image?: ImageSpec): Promise<PushedImage>;
  /** Deletes a manifest (every tag pointing at it). */
  deleteManifest(repository: string, digest: string): Promise<void>;
  /** The registry's own output (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

const BINARY = '/usr/bin/docker-registry';
const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG_V1 = 'application/vnd.docker.container.image.v1+json';
const LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/**
 * Installs Debian's registry when it is missing (as root, like test/helpers/ensureServers.ts).
 * Test files run in parallel processes: one installs while the others wait on a lock file, and
 * apt waits for a dpkg lock another installer holds.
 */
export function ensureDockerRegistryBinary(): void {
  if (existsSync(BINARY)) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error(`${BINARY} is missing and installing docker-registry needs root`);
  const apt = 'apt-get -o DPkg::Lock::Timeout=300 -qq';
  execSync(`flock /tmp/docker-registry-install.lock -c 'test -x ${BINARY} || (${apt} update && DEBIAN_FRONTEND=noninteractive ${apt} install -y docker-registry)'`, { stdio: 'inherit', shell: '/bin/bash' });
}

export async function startDockerRegistry(opts: { auth?: 'none' | 'token'; username?: string; password?: string; tls?: boolean } = {}): Promise<DockerRegistryServer> {
  ensureDockerRegistryBinary();
  const dir = mkdtempSync(join(tmpdir(), 'docker-registry-'));
  const port = await freePort();
  const address = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let tokenServer: { state: TokenServerState; signer: TokenSigner; close(): Promise<void> } | undefined;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
  };
  let ca: Buffer | undefined;
  if (opts.tls) {
    const key = join(dir, 'tls.key');
    const certificate = join(dir, 'tls.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    (config.http as Record<string, unknown>).tls = { certificate, key };
    ca = readFileSync(certificate);
  }
  const call = (method: string, url: string | URL, headers: Record<string, string> = {}, body?: Buffer | string) => exchange(method, url, headers, body, ca);
  if (opts.auth === 'token') {
    const signer = makeSigner(dir);
    tokenServer = await startTokenServer(signer, opts.username ?? 'ci-user', opts.password ?? `pw-${randomBytes(9).toString('hex')}`);
    config.auth = { token: { realm: tokenServer.state.realm, service: signer.service, issuer: signer.issuer, rootcertbundle: signer.certFile } };
  }
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, toYaml(config));
  let output = '';
  const child: ChildProcess = spawn(BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await tokenServer?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(address, child, () => output, call);
  } catch (e) {
    await stop();
    throw e;
  }

  /** The helper pushes with its own token (it holds the signing key), so pushes add nothing to `requests`. */
  const headersFor = (repository: string): Record<string, string> =>
    tokenServer === undefined ? {} : { authorization: `Bearer ${tokenServer.signer.token('pusher', [{ type: 'repository', name: repository, actions: ['pull', 'push', 'delete'] }], 300)}` };

  const uploadBlob = async (repository: string, content: Buffer): Promise<string> => {
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const start = await call('POST', `${address}/v2/${repository}/blobs/uploads/`, headersFor(repository));
    if (start.status !== 202) throw new Error(`blob upload start for ${repository}: ${start.status} ${start.body}`);
    const location = new URL(start.headers.location ?? '', address);
    location.searchParams.set('digest', digest);
    const put = await call('PUT', location, { ...headersFor(repository), 'content-type': 'application/octet-stream' }, content);
    if (put.status !== 201) throw new Error(`blob upload for ${repository}: ${put.status} ${put.body}`);
    return digest;
  };

  return {
    address,
    registry: `127.0.0.1:${port}`,
    ...(tokenServer === undefined ? {} : { token: tokenServer.state }),
    async push(repository, tag, image = {}) {
      const layer = Buffer.from(`layer of ${repository}:${tag} ${randomBytes(8).toString('hex')}`);
      const layerDigest = await uploadBlob(repository, layer);
      const imageConfig = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          created: image.created ?? new Date().toISOString(),
          config: { Labels: image.labels ?? null },
          rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(layer).digest('hex')}`] },
        }),
      );
      const configDigest = await uploadBlob(repository, imageConfig);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_V2,
        config: { mediaType: CONFIG_V1, size: imageConfig.length, digest: configDigest },
        layers: [{ mediaType: LAYER, size: layer.length, digest: layerDigest }],
      });
      const res = await call('PUT', `${address}/v2/${repository}/manifests/${tag}`, { ...headersFor(repository), 'content-type': MANIFEST_V2 }, manifest);
      if (res.status !== 201) throw new Error(`manifest PUT ${repository}:${tag}: ${res.status} ${res.body}`);
      const digest = res.headers['docker-content-digest'];
      return { digest: typeof digest === 'string' ? digest : '', configDigest };
    },
    async deleteManifest(repository, digest) {
      const res = await call('DELETE', `${address}/v2/${repository}/manifests/${digest}`, headersFor(repository));
      if (res.status !== 202) throw new Error(`manifest DELETE ${repository}@${digest}: ${res.status} ${res.body}`);
    },
    output: () => output,
    stop,
  };
}

interface Access {
  readonly type: string;
  readonly name: string;
  readonly actions: string[];
}

interface TokenSigner {
  readonly issuer: string;
  readonly service: string;
  readonly certFile: string;
  token(subject: string, access: readonly Access[], expiresInSeconds: number): string;
}

/** An RSA key and its self-signed certificate (openssl), and a JWT signer using them. */
function makeSigner(dir: string): TokenSigner {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=test-token-issuer'], { stdio: 'ignore' });
  const key: KeyObject = createPrivateKey(readFileSync(keyFile));
  const kid = libtrustKeyId(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const issuer = 'test-token-issuer';
  const service = 'test-registry';
  return {
    issuer,
    service,
    certFile,
    token(subject, access, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: 'JWT', alg: 'RS256', kid };
      const claims = { iss: issuer, sub: subject, aud: service, exp: now + expiresInSeconds, nbf: now - 10, iat: now, jti: randomBytes(12).toString('hex'), access };
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
    },
  };
}

/** libtrust's key id: the first 240 bits of SHA-256(SPKI DER), base32, in 12 groups of 4 joined by ':'. */
function libtrustKeyId(spki: Buffer): string {
  const bytes = createHash('sha256').update(spki).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return (out.match(/.{4}/g) ?? []).join(':');
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

/**
 * The token endpoint of the Docker token authentication spec: `GET /token?service=&scope=...`
 * with HTTP basic credentials; grants what each scope asks (`type:name:actions`).
 */
async function startTokenServer(signer: TokenSigner, username: string, password: string): Promise<{ state: TokenServerState; signer: TokenSigner; close(): Promise<void> }> {
  const requests: { scope: string[]; authorized: boolean }[] = [];
  const state = { realm: '', service: signer.service, username, password, requests, expiresInSeconds: 300 };
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scope = url.searchParams.getAll('scope');
    const authorized = req.headers.authorization === expected;
    requests.push({ scope, authorized });
    if (url.pathname !== '/token' || url.searchParams.get('service') !== signer.service) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNSUPPORTED","message":"bad token request"}]}');
      return;
    }
    if (!authorized) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    const access = scope.map((s): Access => {
      const first = s.indexOf(':');
      const last = s.lastIndexOf(':');
      return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') };
    });
    const token = signer.token(username, access, state.expiresInSeconds);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: state.expiresInSeconds, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return { state, signer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** One HTTP(S) exchange; with `ca`, the registry's self-signed certificate is trusted. */
function exchange(method: string, url: string | URL, headers: Record<string, string>, body: Buffer | string | undefined, ca: Buffer | undefined): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = (target.protocol === 'https:' ? https : http).request(target, { method, headers, ...(ca === undefined ? {} : { ca }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

async function waitUntilServing(address: string, child: ChildProcess, output: () => string, call: (method: string, url: string) => Promise<{ status: number }>): Promise<void> {
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
    try {
      const res = await call('GET', `${address}/v2/`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`docker-registry did not start serving on ${address}: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

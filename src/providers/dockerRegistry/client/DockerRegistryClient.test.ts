/**
 * The registry client against scripted registries on loopback (the network boundary): what
 * Debian's registry 2.8 cannot show (tag list paging, Basic challenges, redirects to a blob
 * store, manifest lists, silence), plus token expiry by the injected clock and password sources.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../testing/ManualClock.js';
import { BasicCredentials, PASSWORD_REUSE_MS, type PasswordOrigin } from './BasicCredentials.js';
import { DockerRegistryClient, MEDIA_TYPES, RegistryError } from './DockerRegistryClient.js';

interface Seen {
  readonly path: string;
  readonly authorization: string | undefined;
}

interface Fake {
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const open: Fake[] = [];
const dir = mkdtempSync(join(tmpdir(), 'docker-client-test-'));
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fake(handler: (req: IncomingMessage, res: ServerResponse, url: URL, base: string) => void): Promise<Fake> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    seen.push({ path: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    handler(req, res, url, base);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const f: Fake = {
    url: base,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  open.push(f);
  return f;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

function client(address: string, opts: { username?: string; origin?: PasswordOrigin; clock?: ManualClock; timeoutMs?: number; paginateSize?: number } = {}) {
  const clock = opts.clock ?? new ManualClock(1_000_000);
  const credentials = new BasicCredentials(opts.username, opts.origin ?? { kind: 'none' }, clock, 5_000);
  const c = new DockerRegistryClient({ address, credentials, timeoutMs: opts.timeoutMs ?? 5_000, paginateSize: opts.paginateSize ?? 100, insecure: false, clock });
  return { c, clock };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('DockerRegistryClient', () => {
  it('follows Link rel="next" through tag list pages, relative or absolute, and keeps the page size', async () => {
    const registry = await fake((_req, res, url, base) => {
      const last = url.searchParams.get('last');
      if (last === null) json(res, 200, { name: 'a/b', tags: ['1', '2'] }, { link: '</v2/a/b/tags/list?n=2&last=2>; rel="next"' });
      else if (last === '2') json(res, 200, { name: 'a/b', tags: ['3', '4'] }, { link: `<https://elsewhere.example.com/other/prefix>; rel="prev", <${base}/v2/a/b/tags/list?n=2&last=4>; rel="next"` });
      else json(res, 200, { name: 'a/b', tags: ['5'] });
    });
    const { c } = client(registry.url, { paginateSize: 2 });
    expect(await c.tags('a/b')).toEqual(['1', '2', '3', '4', '5']);
    expect(registry.seen.map((s) => s.path)).toEqual(['/v2/a/b/tags/list?n=2', '/v2/a/b/tags/list?n=2&last=2', '/v2/a/b/tags/list?n=2&last=4']);
    c.close();
  });

  it('resolves a next link naming another host against the registry, so credentials stay with it', async () => {
    const registry = await fake((_req, res, url) => {
      if (url.searchParams.get('last') === null) json(res, 200, { repositories: ['a'] }, { link: '<http://203.0.113.9:1/v2/_catalog?last=a&n=1>; rel="next"' });
      else json(res, 200, { repositories: ['b'] });
    });
    const { c } = client(registry.url, { username: 'u', origin: { kind: 'password', password: 'pw-1234' }, paginateSize: 1 });
    expect(await c.catalog()).toEqual(['a', 'b']);
    expect(registry.seen.map((s) => s.path)).toEqual(['/v2/_catalog?n=1', '/v2/_catalog?last=a&n=1']);
    c.close();
  });

  it('stops paging when the registry’s links go round in a circle', async () => {
    const registry = await fake((_req, res, url) =>
      json(res, 200, { name: 'x', tags: ['t'] }, { link: url.searchParams.has('last') ? '</v2/x/tags/list?n=100>; rel="next"' : '</v2/x/tags/list?n=100&last=t>; rel="next"' }),
    );
    const { c } = client(registry.url);
    expect(await c.tags('x')).toEqual(['t', 't']);
    expect(registry.seen).toHaveLength(2);
    c.close();
  });

  it('reports a Basic refusal without the password, reads the password file again, then succeeds', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'old-password-1\n');
    const registry = await fake((req, res) => {
      if (req.headers.authorization === basic('robot', 'new-password-2')) json(res, 200, { name: 'r', tags: ['ok'] });
      else json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: `bad credentials: ${req.headers.authorization ?? ''}` }] }, { 'www-authenticate': 'Basic realm="registry"' });
    });
    const { c } = client(registry.url, { username: 'robot', origin: { kind: 'file', path: file } });
    const failure = await c.tags('r').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RegistryError);
    expect((failure as RegistryError).status).toBe(401);
    expect((failure as Error).message).toContain('refused the account credentials');
    expect((failure as Error).message).not.toContain('old-password-1');
    expect((failure as Error).message).not.toContain(Buffer.from('robot:old-password-1').toString('base64'));
    writeFileSync(file, 'new-password-2\n');
    expect(await c.tags('r')).toEqual(['ok']);
    c.close();
  });

  it('reuses a password file for a minute by the injected clock, then reads it again', async () => {
    const file = join(dir, 'rotating');
    writeFileSync(file, 'first-secret');
    const registry = await fake((_req, res) => json(res, 200, { name: 'r', tags: [] }));
    const { c, clock } = client(registry.url, { username: 'u', origin: { kind: 'file', path: file } });
    await c.tags('r');
    writeFileSync(file, 'second-secret');
    await c.tags('r');
    clock.advance(PASSWORD_REUSE_MS);
    await c.tags('r');
    expect(registry.seen.map((s) => s.authorization)).toEqual([basic('u', 'first-secret'), basic('u', 'first-secret'), basic('u', 'second-secret')]);
    c.close();
  });

  it('runs passwordCommand for the password, and names only its exit status when it fails', async () => {
    const registry = await fake((_req, res) => json(res, 200, { name: 'r', tags: [] }));
    const good = client(registry.url, { username: 'u', origin: { kind: 'command', command: 'printf "%s\\n" cmd-secret-77' } });
    await good.c.tags('r');
    expect(registry.seen[0]?.authorization).toBe(basic('u', 'cmd-secret-77'));
    const bad = client(registry.url, { username: 'u', origin: { kind: 'command', command: 'echo leaked-output-88; exit 3' } });
    const failure = (await bad.c.tags('r').catch((e: unknown) => e)) as Error;
    expect(failure.message).toBe('passwordCommand exited with status 3');
    good.c.close();
    bad.c.close();
  });

  it('reads credentials from a docker config file entry for the registry', async () => {
    const registry = await fake((_req, res) => json(res, 200, { name: 'r', tags: [] }));
    const file = join(dir, 'config.json');
    const host = registry.url.replace('http://', '');
    writeFileSync(file, JSON.stringify({ auths: { 'other.example.com': { auth: 'eDp5' }, [`https://${host}/v1/`]: { auth: Buffer.from('cfg-user:cfg-pass').toString('base64') } } }));
    const { c } = client(registry.url, { origin: { kind: 'dockerconfig', path: file, registry: host } });
    await c.tags('r');
    expect(registry.seen[0]?.authorization).toBe(basic('cfg-user', 'cfg-pass'));
    c.close();
  });

  it('answers Bearer challenges with a token per scope, cached until it expires by the clock', async () => {
    const tokens: { scope: string | null; authorization: string | undefined }[] = [];
    const auth = await fake((req, res, url) => {
      tokens.push({ scope: url.searchParams.get('scope'), authorization: req.headers.authorization });
      const token = `tok-${tokens.length}-${url.searchParams.get('scope') ?? ''}`;
      json(res, 200, { token, expires_in: 60 });
    });
    const registry = await fake((req, res, url) => {
      const repo = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname)?.[1] ?? '';
      const scope = `repository:${repo}:pull`;
      if (req.headers.authorization?.startsWith('Bearer tok-') && req.headers.authorization.endsWith(scope)) json(res, 200, { name: repo, tags: ['t'] });
      else json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="fake",scope="${scope}"` });
    });
    const { c, clock } = client(registry.url, { username: 'u', origin: { kind: 'password', password: 'tok-pw-123' } });
    await Promise.all([c.tags('one'), c.tags('one'), c.tags('one')]);
    expect(tokens).toEqual([{ scope: 'repository:one:pull', authorization: basic('u', 'tok-pw-123') }]);
    await c.tags('one');
    await c.tags('two');
    expect(tokens.map((t) => t.scope)).toEqual(['repository:one:pull', 'repository:two:pull']);
    expect(registry.seen.at(-3)?.authorization).toBe('Bearer tok-1-repository:one:pull');
    clock.advance(60_000);
    await c.tags('one');
    expect(tokens.map((t) => t.scope)).toEqual(['repository:one:pull', 'repository:two:pull', 'repository:one:pull']);
    c.close();
  });

  it('treats a 400 with a Bearer challenge like a 401 (expired-token workaround)', async () => {
    const auth = await fake((_req, res) => json(res, 200, { access_token: 'fresh-token', expires_in: 300 }));
    const registry = await fake((req, res) => {
      if (req.headers.authorization === 'Bearer fresh-token') json(res, 200, { repositories: ['x'] });
      else json(res, 400, { errors: [{ code: 'DENIED' }] }, { 'www-authenticate': `Bearer realm="${auth.url}/t",service="s",scope="registry:catalog:*"` });
    });
    const { c } = client(registry.url);
    expect(await c.catalog()).toEqual(['x']);
    expect(auth.seen[0]?.path).toBe('/t?service=s&scope=registry%3Acatalog%3A*');
    expect(auth.seen[0]?.authorization).toBeUndefined();
    c.close();
  });

  it('fails a token request the token server refuses, naming the realm and not the password', async () => {
    const auth = await fake((_req, res) => json(res, 401, { details: 'no such user' }));
    const registry = await fake((_req, res) => json(res, 401, {}, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="s"` }));
    const { c } = client(registry.url, { username: 'u', origin: { kind: 'password', password: 'never-shown-999' } });
    const failure = (await c.tags('r').catch((e: unknown) => e)) as RegistryError;
    expect(failure.status).toBe(401);
    expect(failure.message).toBe(`token request to ${auth.url}/token failed: HTTP 401: no such user`);
    c.close();
  });

  it('gives up on a registry that does not answer within clientTimeoutMillis', async () => {
    const registry = await fake(() => undefined);
    const { c } = client(registry.url, { timeoutMs: 150 });
    const started = Date.now();
    const failure = (await c.tags('slow').catch((e: unknown) => e)) as RegistryError;
    expect(failure).toBeInstanceOf(RegistryError);
    expect(failure.status).toBe(0);
    expect(failure.message).toBe(`GET ${registry.url}/v2/slow/tags/list timed out after 150 ms`);
    expect(Date.now() - started).toBeLessThan(2_000);
    c.close();
  });

  it('reads labels through a manifest list’s linux/amd64 image and follows a blob redirect without credentials', async () => {
    const config = { created: '2024-05-01T10:00:00Z', config: { Labels: { commitId: 'c0ffee', branch: 'main' } } };
    const storage = await fake((_req, res) => json(res, 200, config));
    const amd64 = `sha256:${'a'.repeat(64)}`;
    const arm64 = `sha256:${'b'.repeat(64)}`;
    const configDigest = `sha256:${'c'.repeat(64)}`;
    const registry = await fake((_req, res, url) => {
      if (url.pathname === '/v2/app/manifests/multi')
        json(res, 200, { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ digest: arm64, platform: { os: 'linux', architecture: 'arm64' } }, { digest: amd64, platform: { os: 'linux', architecture: 'amd64' } }] }, { 'docker-content-digest': `sha256:${'d'.repeat(64)}` });
      else if (url.pathname === `/v2/app/manifests/${amd64}`) json(res, 200, { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: { digest: configDigest } });
      else if (url.pathname === `/v2/app/blobs/${configDigest}`) res.writeHead(307, { location: `${storage.url}/blob-store/object?sig=1` }).end();
      else json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    });
    const { c } = client(registry.url, { username: 'u', origin: { kind: 'password', password: 'redirect-pw-1' } });
    const manifest = await c.manifest('app', 'multi');
    expect(manifest.digest).toBe(`sha256:${'d'.repeat(64)}`);
    expect(await c.imageConfig('app', manifest)).toEqual({ configDigest, labels: { commitId: 'c0ffee', branch: 'main' }, created: '2024-05-01T10:00:00Z' });
    expect(registry.seen.every((s) => s.authorization === basic('u', 'redirect-pw-1'))).toBe(true);
    expect(storage.seen).toEqual([{ path: '/blob-store/object?sig=1', authorization: undefined }]);
    // config blobs are content-addressed: the second read is served from memory
    await c.imageConfig('app', manifest);
    expect(storage.seen).toHaveLength(1);
    c.close();
  });

  it('reports a missing repository as a 404 with the registry’s error code', async () => {
    const registry = await fake((_req, res) => json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
    const { c } = client(registry.url);
    const failure = (await c.tags('gone').catch((e: unknown) => e)) as RegistryError;
    expect(failure.status).toBe(404);
    expect(failure.message).toBe(`${registry.url}/v2/gone/tags/list: HTTP 404: NAME_UNKNOWN repository name not known to registry`);
    c.close();
  });

  it('scrubs a password the registry echoes into its error message', async () => {
    const registry = await fake((req, res) => json(res, 500, { errors: [{ code: 'UNKNOWN', message: `cannot handle ${req.headers.authorization ?? ''}` }] }));
    const { c } = client(registry.url, { username: 'u', origin: { kind: 'password', password: 'echoed-secret-5' } });
    const failure = (await c.tags('r').catch((e: unknown) => e)) as Error;
    expect(failure.message).toBe(`${registry.url}/v2/r/tags/list: HTTP 500: UNKNOWN cannot handle Basic [secret]`);
    c.close();
  });

  it('refuses names that are not repository names, tags or digests before building a URL', async () => {
    const registry = await fake((_req, res) => json(res, 200, {}));
    const { c } = client(registry.url);
    await expect(c.tags('../../etc')).rejects.toThrow('not a repository name');
    await expect(c.manifest('app', '../x')).rejects.toThrow('not a tag or digest');
    expect(registry.seen).toEqual([]);
    c.close();
  });
});

/**
 * The Docker registry provider against a real registry (Debian's docker-registry on loopback,
 * filled by the test over the registry HTTP API), once without auth and once behind token auth:
 * what Igor's docker monitor calls (`/credentials`, `/credentials/{account}`,
 * `/dockerRegistry/images/find?account=&includeDetails=true`) returns, catalog paging, a tag
 * pushed later appearing after the next agent cycle (driven by the injected clock, no sleeping
 * through intervals), a missing repository skipped, runtime accounts, 400s for bad input, and
 * the password in no response and no log line.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { createApp } from '../../src/app.js';
import { startDockerRegistry, type DockerRegistryServer, type PushedImage } from '../helpers/dockerRegistryServer.js';
import { waitFor } from '../helpers/waitFor.js';

const INTERVAL_S = 30;
/** More repositories than one catalog page (paginateSize 2). */
const REPOSITORIES = ['apps/web', 'apps/worker', 'base/node', 'tools/cli', 'zeta'];

interface TaggedImage {
  account: string;
  repository: string;
  tag: string;
  registry: string;
  digest: string | null;
  commitId?: string | null;
  buildNumber?: string | null;
  branch?: string | null;
  artifact: { name: string; type: string; version: string; reference: string; metadata: { registry: string; labels: unknown } };
}

describe.each([
  ['without auth', 'none'],
  ['behind token auth', 'token'],
] as const)('Docker registry provider %s', (_label, auth) => {
  const password = `pw-${auth}-${Math.random().toString(36).slice(2)}-s3cr3t`;
  const username = 'ci-user';
  const logLines: string[] = [];
  const bodies: string[] = [];
  const clock = new ManualClock(Date.now());
  const pushed = new Map<string, PushedImage>();
  let registry: DockerRegistryServer;
  let app: App;

  const request = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await app.server.inject({ method, url, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    bodies.push(res.body);
    return { status: res.statusCode, body: (res.body === '' ? undefined : JSON.parse(res.body)) as T };
  };
  const dockerAgents = () => app.scheduler.introspection().filter((a) => a.provider === 'dockerRegistry');
  /** Moves the clock past the interval and waits until every Docker agent has finished one more run. */
  const cycle = async (advanceMs = INTERVAL_S * 1000 + 1): Promise<void> => {
    const before = new Map(dockerAgents().map((a) => [a.id, a.runs]));
    clock.advance(advanceMs);
    await waitFor(() => {
      for (const a of dockerAgents()) if (a.running || a.runs <= (before.get(a.id) ?? 0)) throw new Error(`agent ${a.id} has not run again yet`);
    }, 20_000, 10);
  };
  const find = async (query: string): Promise<TaggedImage[]> => {
    const res = await request<TaggedImage[]>('GET', `/dockerRegistry/images/find?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth, username, password });
    const labelled = { commitId: 'a1b2c3d', buildNumber: '42', branch: 'main' };
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    let n = 0;
    for (const repository of REPOSITORIES) {
      for (const tag of ['1.0.0', '1.1.0']) {
        const created = new Date(t0 + n++ * 60_000).toISOString();
        pushed.set(`${repository}:${tag}`, await registry.push(repository, tag, { labels: { ...labelled, buildNumber: String(n) }, created }));
      }
    }
    pushed.set('apps/web:unlabelled', await registry.push('apps/web', 'unlabelled', { created: new Date(t0 - 60_000).toISOString() }));

    const account = (extra: Record<string, unknown>) => ({ address: registry.address, username, password, paginateSize: 2, cacheIntervalSeconds: INTERVAL_S, ...extra });
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      caching: { agentLockAcquisitionIntervalSeconds: 0.01 },
      account: { storage: { enabled: true, allow: { servers: ['http://127.0.0.1:*'] } } },
      dockerRegistry: {
        accounts: [
          account({ name: 'docker', trackDigests: true, inspectDigests: true, sortTagsByDate: true, cacheThreads: 2, skip: ['zeta'] }),
          account({ name: 'listed', repositories: ['apps/worker', 'no/such-repo'] }),
        ],
      },
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    app = await createApp({ config, logger: pino({ level: 'debug' }, sink), clock });
    await app.server.ready();
    app.scheduler.start();
    await waitFor(() => {
      const agents = dockerAgents();
      if (agents.length !== 3 || agents.some((a) => a.runs < 1 || a.running)) throw new Error('first runs not finished');
    }, 20_000, 10);
  });
  afterAll(async () => {
    await app?.stop();
    await registry?.stop();
  });

  it('lists the account in /credentials and /credentials/{account} as Igor reads them, without secrets', async () => {
    const list = await request<{ name: string; cloudProvider: string; type: string }[]>('GET', '/credentials');
    expect(list.body.filter((a) => a.cloudProvider === 'dockerRegistry').map((a) => a.name)).toEqual(['docker', 'listed']);
    const one = await request<Record<string, unknown>>('GET', '/credentials/docker');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      name: 'docker',
      cloudProvider: 'dockerRegistry',
      type: 'dockerRegistry',
      address: registry.address,
      registry: registry.registry,
      v2Endpoint: `${registry.address}/v2`,
      trackDigests: true,
      inspectDigests: true,
      sortTagsByDate: true,
      cacheThreads: 2,
      cacheIntervalSeconds: INTERVAL_S,
      paginateSize: 2,
      clientTimeoutMillis: 60_000,
      skip: ['zeta'],
    });
    expect(one.body).not.toHaveProperty('password');
    expect(one.body).not.toHaveProperty('username');
  });

  it('answers Igor’s find with every tagged image of the account, labels as commitId/buildNumber/branch', async () => {
    const images = await find('account=docker&includeDetails=true');
    const expectedKeys = [...pushed.keys()].filter((k) => !k.startsWith('zeta:')).sort();
    expect(images.map((i) => `${i.repository}:${i.tag}`).sort()).toEqual(expectedKeys);
    const web = images.find((i) => i.repository === 'apps/web' && i.tag === '1.0.0');
    const reference = `${registry.registry}/apps/web:1.0.0`;
    expect(web).toEqual({
      repository: 'apps/web',
      tag: '1.0.0',
      account: 'docker',
      registry: registry.registry,
      // inspectDigests: the digest is the image config's (as Clouddriver does)
      digest: pushed.get('apps/web:1.0.0')?.configDigest,
      commitId: 'a1b2c3d',
      buildNumber: '1',
      branch: 'main',
      artifact: { name: 'apps/web', type: 'docker', version: '1.0.0', reference, metadata: { registry: registry.registry, labels: { commitId: 'a1b2c3d', buildNumber: '1', branch: 'main' } } },
    });
    const unlabelled = images.find((i) => i.tag === 'unlabelled');
    expect(unlabelled).toMatchObject({ commitId: null, buildNumber: null, branch: null, digest: pushed.get('apps/web:unlabelled')?.configDigest });
  });

  it('caches every repository of a catalog longer than one page, sharded over cacheThreads, minus skip', async () => {
    const agents = dockerAgents().map((a) => a.id).sort();
    expect(agents).toEqual(['docker/DockerRegistryImageCachingAgent[1/2]', 'docker/DockerRegistryImageCachingAgent[2/2]', 'listed/DockerRegistryImageCachingAgent[1/1]']);
    const repos = new Set((await find('account=docker')).map((i) => i.repository));
    expect([...repos].sort()).toEqual(REPOSITORIES.filter((r) => r !== 'zeta'));
    for (const a of dockerAgents()) expect(a.lastError, a.id).toBeNull();
  });

  it('skips a repository the registry does not know, with a warning, and caches the rest', async () => {
    const images = await find('account=listed');
    expect(images.map((i) => `${i.repository}:${i.tag}`).sort()).toEqual(['apps/worker:1.0.0', 'apps/worker:1.1.0']);
    // without trackDigests or inspectDigests the digest is not read
    expect(images[0]).toEqual({
      repository: 'apps/worker',
      tag: '1.0.0',
      account: 'listed',
      registry: registry.registry,
      artifact: { name: 'apps/worker', type: 'docker', version: '1.0.0', reference: `${registry.registry}/apps/worker:1.0.0`, metadata: { registry: registry.registry, labels: {} } },
    });
    const warning = logLines.map((l) => JSON.parse(l) as { msg?: string; repository?: string; level: number }).find((l) => l.repository === 'no/such-repo');
    expect(warning?.msg).toContain('not found');
    expect(warning?.level).toBe(40);
  });

  it('shows a tag pushed later after the next agent cycle, newest first in /tags', async () => {
    pushed.set('apps/web:2.0.0', await registry.push('apps/web', '2.0.0', { labels: { commitId: 'fff0001', buildNumber: '99', branch: 'release' }, created: '2025-06-01T00:00:00Z' }));
    expect((await find('account=docker&repository=apps/web&tag=2.0.0')).length).toBe(0);
    await cycle();
    const [found] = await find('account=docker&repository=apps/web&tag=2.0.0&includeDetails=true');
    expect(found).toMatchObject({ tag: '2.0.0', commitId: 'fff0001', buildNumber: '99', branch: 'release' });
    for (const prefix of ['/dockerRegistry/images', '/titus/images']) {
      const tags = await request<string[]>('GET', `${prefix}/tags?account=docker&repository=apps/web`);
      expect(tags.body).toEqual(['2.0.0', '1.1.0', '1.0.0', 'unlabelled']);
    }
    // without sortTagsByDate, tags come in key order
    expect((await request<string[]>('GET', '/dockerRegistry/images/tags?account=listed&repository=apps/worker')).body).toEqual(['1.0.0', '1.1.0']);
  });

  it('forgets a tag deleted from the registry after the next agent cycle', async () => {
    const digest = pushed.get('apps/worker:1.1.0')?.digest ?? '';
    await registry.deleteManifest('apps/worker', digest);
    expect((await find('account=listed')).map((i) => i.tag)).toEqual(['1.0.0', '1.1.0']);
    await cycle();
    expect((await find('account=listed')).map((i) => i.tag)).toEqual(['1.0.0']);
    expect((await find('account=docker&repository=apps/worker')).map((i) => i.tag)).toEqual(['1.0.0']);
    await registry.push('apps/worker', '1.1.0', { labels: { commitId: 'again' } });
    await cycle();
  });

  it('finds by q across image ids, and counts after filtering', async () => {
    const byQ = await find('q=worker&account=docker');
    expect(byQ.map((i) => `${i.repository}:${i.tag}`)).toEqual(['apps/worker:1.0.0', 'apps/worker:1.1.0']);
    // Image ids are per registry, not per account (Clouddriver's key): two accounts of one
    // registry share `dockerRegistry:imageId:{registry}/apps/worker:1.1.0`, the last writer's.
    const everywhere = await find('q=apps/worker:1.1');
    expect(everywhere).toHaveLength(1);
    expect(['docker', 'listed']).toContain(everywhere[0]?.account);
    expect(await find('q=apps/worker:1.1&account=nobody')).toEqual([]);
    expect(await find('account=docker&repository=apps/web&count=2')).toHaveLength(2);
  });

  it('answers bad query input with a 400 naming the parameter', async () => {
    for (const url of [
      '/dockerRegistry/images/find?count=abc',
      '/dockerRegistry/images/find?account=docker&account=listed',
      '/dockerRegistry/images/find?includeDetails=maybe',
      '/dockerRegistry/images/tags?account=docker',
      '/titus/images/tags?repository=apps/web',
      `/dockerRegistry/images/find?q=${'x'.repeat(300)}`,
    ]) {
      const res = await request<{ message: string; status: number }>('GET', url);
      expect(res.status, url).toBe(400);
      expect(res.body.message, url).toMatch(/invalid query: \w+/);
    }
  });

  it('adds, replaces and removes an account at runtime through the account storage API', async () => {
    const def = { type: 'dockerRegistry', name: 'runtime', address: `${registry.address}/v2/`, username, password, repositories: ['base/node'] };
    const added = await request<Record<string, unknown>>('POST', '/credentials', def);
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ name: 'runtime', address: registry.address, registry: registry.registry });
    await cycle();
    expect((await find('account=runtime')).map((i) => i.tag)).toEqual(['1.0.0', '1.1.0']);

    for (const [extra, setting] of [
      [{ passwordCommand: `echo ${password}`, password: undefined }, 'execPlugins'],
      [{ passwordFile: '/etc/hostname', password: undefined }, 'filePaths'],
      [{ address: 'http://169.254.169.254' }, 'servers'],
    ] as const) {
      const res = await request<{ message: string }>('POST', '/credentials', { ...def, name: `refused-${setting.toLowerCase()}`, ...extra });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(`account.storage.allow.${setting}`);
    }

    const replaced = await request<Record<string, unknown>>('PUT', '/credentials', { ...def, repositories: ['apps/worker'] });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    await cycle();
    expect((await find('account=runtime')).map((i) => `${i.repository}:${i.tag}`)).toEqual(['apps/worker:1.0.0', 'apps/worker:1.1.0']);

    expect((await request('DELETE', '/credentials/runtime')).status).toBe(204);
    expect(await find('account=runtime')).toEqual([]);
    expect((await app.cache('dockerRegistry').filterIdentifiers('taggedImage', 'dockerRegistry:taggedImage:runtime:*')).length).toBe(0);
  });

  if (auth === 'token') {
    it('gets tokens with the account’s basic credentials and reuses each scope’s token until it expires', async () => {
      const token = registry.token;
      if (token === undefined) throw new Error('token server missing');
      expect(token.requests.length).toBeGreaterThan(0);
      expect(token.requests.every((r) => r.authorized)).toBe(true);
      expect(token.requests.flatMap((r) => r.scope)).toContain('registry:catalog:*');
      const before = token.requests.length;
      await cycle();
      expect(token.requests.length).toBe(before);
      await cycle(300_000);
      const renewed = token.requests.slice(before);
      expect(renewed.length).toBeGreaterThan(0);
      expect(renewed.length).toBeLessThanOrEqual(before);
    });
  }

  it('never puts the password in a response or a log line', async () => {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    expect(bodies.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(10);
    for (const text of [...bodies, ...logLines]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(basic);
    }
  });
});

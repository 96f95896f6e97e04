/**
 * The image lookup routes over a cache written as the caching agents write it, under Fiat (an
 * HTTP stand-in): read authorization (find leaves out accounts the caller may not READ, tags is
 * a 403), both mounts, the answer shapes with and without details and digests, `q` globs,
 * `count`, and unknown accounts. No registry is needed: the scheduler is never started.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { cacheData } from '../../src/core/cache/CacheData.js';
import { createApp } from '../../src/app.js';
import { startFiatStandIn, type FiatStandIn } from '../helpers/fiatStandIn.js';

const read = ['READ'];

describe('Docker image lookup routes', () => {
  let fiat: FiatStandIn;
  let app: App;

  /** Writes one account's images as its agent would (`{account}/DockerRegistryImageCachingAgent[1/1]`). */
  const write = async (account: string, registry: string, images: { repository: string; tag: string; digest?: string; date?: string; labels?: Record<string, string> }[]) => {
    const tagged = images.map((i) =>
      cacheData(`dockerRegistry:taggedImage:${account}:${i.repository}:${i.tag}`, {
        name: `${i.repository}:${i.tag}`,
        account,
        digest: i.digest ?? null,
        date: i.date ?? null,
        ...(i.labels === undefined ? {} : { labels: i.labels }),
      }),
    );
    const ids = images.map((i) => cacheData(`dockerRegistry:imageId:${registry}/${i.repository}:${i.tag}`, { tagKey: `dockerRegistry:taggedImage:${account}:${i.repository}:${i.tag}`, account }));
    await app.cache('dockerRegistry').putCacheResult(`${account}/DockerRegistryImageCachingAgent[1/1]`, ['taggedImage', 'imageId'], { cacheResults: { taggedImage: tagged, imageId: ids } });
  };
  const get = async <T>(url: string, user = 'root') => {
    const res = await app.server.inject({ method: 'GET', url, headers: { 'x-spinnaker-user': user } });
    return { status: res.statusCode, body: JSON.parse(res.body) as T };
  };
  const names = (items: { account: string; repository: string; tag: string }[]) => items.map((i) => `${i.account}/${i.repository}:${i.tag}`);

  beforeAll(async () => {
    fiat = await startFiatStandIn({
      alice: { accounts: [{ name: 'hub', authorizations: read }] },
      bob: { accounts: [{ name: 'private', authorizations: read }] },
      root: { admin: true },
    });
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      services: { fiat: { enabled: true, baseUrl: fiat.url } },
      dockerRegistry: {
        accounts: [
          { name: 'hub', address: 'https://hub.example.com', sortTagsByDate: true },
          { name: 'private', address: 'http://private.example.com:5000/v2', inspectDigests: true, permissions: { READ: ['ops'] } },
        ],
      },
    });
    app = await createApp({ config, logger: pino({ level: 'silent' }) });
    await app.server.ready();
    await write('hub', 'hub.example.com', [
      { repository: 'library/nginx', tag: '1.25', date: '2024-03-01T00:00:00.000Z' },
      { repository: 'library/nginx', tag: '1.27', date: '2024-09-01T00:00:00.000Z' },
      { repository: 'library/nginx', tag: 'latest' },
      { repository: 'library/redis', tag: '7', date: '2024-01-01T00:00:00.000Z' },
    ]);
    await write('private', 'private.example.com:5000', [
      { repository: 'team/api', tag: 'v1', digest: 'sha256:aaa', labels: { commitId: 'c1', buildNumber: '7', branch: 'main', other: 'x' } },
      { repository: 'team/api', tag: 'v2', digest: 'sha256:bbb' },
      // an account that no longer exists: its leftovers are never answered
    ]);
    await write('gone', 'gone.example.com', [{ repository: 'old/thing', tag: '1' }]);
  });
  afterAll(async () => {
    await app?.stop();
    await fiat?.stop();
  });

  it('leaves out of find the images of accounts the caller may not READ', async () => {
    expect(names((await get<{ account: string; repository: string; tag: string }[]>('/dockerRegistry/images/find', 'alice')).body)).toEqual([
      'hub/library/nginx:1.25',
      'hub/library/nginx:1.27',
      'hub/library/nginx:latest',
      'hub/library/redis:7',
    ]);
    expect(names((await get<{ account: string; repository: string; tag: string }[]>('/titus/images/find', 'bob')).body)).toEqual(['private/team/api:v1', 'private/team/api:v2']);
    expect((await get<unknown[]>('/dockerRegistry/images/find', 'nobody')).body).toEqual([]);
    expect((await get<unknown[]>('/dockerRegistry/images/find?account=private', 'alice')).body).toEqual([]);
  });

  it('refuses tags of an account the caller may not READ with a 403, and lists them otherwise', async () => {
    const denied = await get<{ message: string }>('/dockerRegistry/images/tags?account=private&repository=team/api', 'alice');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('private');
    expect((await get<string[]>('/titus/images/tags?account=private&repository=team/api', 'bob')).body).toEqual(['v1', 'v2']);
    // sortTagsByDate: newest first, undated last
    expect((await get<string[]>('/dockerRegistry/images/tags?account=hub&repository=library/nginx', 'alice')).body).toEqual(['1.27', '1.25', 'latest']);
    expect((await get<string[]>('/dockerRegistry/images/tags?account=unknown&repository=a')).body).toEqual([]);
  });

  it('answers from keys alone (no digest) when nothing asks for attributes, and with details when asked', async () => {
    const [plain] = (await get<Record<string, unknown>[]>('/dockerRegistry/images/find?account=hub&repository=library/redis')).body;
    expect(plain).toEqual({
      repository: 'library/redis',
      tag: '7',
      account: 'hub',
      registry: 'hub.example.com',
      artifact: { name: 'library/redis', type: 'docker', version: '7', reference: 'hub.example.com/library/redis:7', metadata: { registry: 'hub.example.com', labels: {} } },
    });
    const detailed = (await get<Record<string, unknown>[]>('/dockerRegistry/images/find?account=private&includeDetails=true')).body;
    expect(detailed).toEqual([
      {
        repository: 'team/api',
        tag: 'v1',
        account: 'private',
        registry: 'private.example.com:5000',
        digest: 'sha256:aaa',
        commitId: 'c1',
        buildNumber: '7',
        branch: 'main',
        artifact: {
          name: 'team/api',
          type: 'docker',
          version: 'v1',
          reference: 'private.example.com:5000/team/api:v1',
          metadata: { registry: 'private.example.com:5000', labels: { commitId: 'c1', buildNumber: '7', branch: 'main', other: 'x' } },
        },
      },
      {
        repository: 'team/api',
        tag: 'v2',
        account: 'private',
        registry: 'private.example.com:5000',
        digest: 'sha256:bbb',
        commitId: null,
        buildNumber: null,
        branch: null,
        artifact: { name: 'team/api', type: 'docker', version: 'v2', reference: 'private.example.com:5000/team/api:v2', metadata: { registry: 'private.example.com:5000', labels: null } },
      },
    ]);
    // an account that inspects digests answers digests without details too
    expect((await get<Record<string, unknown>[]>('/dockerRegistry/images/find?account=private&tag=v2')).body[0]).toMatchObject({ tag: 'v2', digest: 'sha256:bbb', artifact: { metadata: { labels: {} } } });
  });

  it('answers hostile query strings with 200 or a 400 JSON body, never a 500', async () => {
    const values = ['', '%00', '..%2F..%2Fetc', '%5B', '%5D%5B*%3F', 'a%3Ab%3Ac', '%E2%80%AE', '%F0%9F%90%B3', 'x'.repeat(5000), '-1', '1e3', 'true%00', '%25'];
    const params = ['q', 'account', 'repository', 'tag', 'count', 'includeDetails', 'region', 'unknown'];
    for (const prefix of ['/dockerRegistry/images', '/titus/images']) {
      for (const route of ['find', 'tags']) {
        for (const param of params) {
          for (const value of values) {
            const url = `${prefix}/${route}?account=hub&repository=library/nginx&${param}=${value}&${param}=${value}`;
            for (const u of [url, `${prefix}/${route}?${param}=${value}`]) {
              const res = await app.server.inject({ method: 'GET', url: u, headers: { 'x-spinnaker-user': 'root' } });
              expect([200, 400], `${u} -> ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
              const body = JSON.parse(res.body) as unknown;
              if (res.statusCode === 400) expect(typeof (body as { message?: unknown }).message).toBe('string');
              else expect(Array.isArray(body)).toBe(true);
            }
          }
        }
      }
    }
  });

  it('matches q as a glob inside image ids, limits with count, and never answers a removed account', async () => {
    const byQ = (q: string) => get<{ account: string; repository: string; tag: string }[]>(`/dockerRegistry/images/find?q=${encodeURIComponent(q)}`);
    expect(names((await byQ('nginx:1.2')).body)).toEqual(['hub/library/nginx:1.25', 'hub/library/nginx:1.27']);
    expect(names((await byQ('private.example.com:5000/team')).body)).toEqual(['private/team/api:v1', 'private/team/api:v2']);
    expect(names((await byQ('library/*:7')).body)).toEqual(['hub/library/redis:7']);
    expect((await byQ('[')).status).toBe(200);
    expect((await byQ('old/thing')).body).toEqual([]);
    expect((await get<unknown[]>('/dockerRegistry/images/find?count=3')).body).toHaveLength(3);
    expect((await get<unknown[]>('/dockerRegistry/images/find?account=*')).body).toEqual([]);
  });
});

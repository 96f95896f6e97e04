/**
 * The caching agent's failure handling against a scripted registry on loopback, written through
 * the real provider cache between runs: a repository that fails for a moment keeps its tags, a
 * missing one is dropped, an unreadable catalog fails the run, and trackDigests leaves out a tag
 * whose manifest is gone while sortTagsByDate reads schema 1 history.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../core/Logger.js';
import { DefaultProviderCache } from '../../../core/cache/DefaultProviderCache.js';
import { InMemoryCacheStoreDriver } from '../../../stores/memory/InMemoryCacheStoreDriver.js';
import { ManualClock } from '../../../testing/ManualClock.js';
import { DockerRegistryCredentials } from '../account/DockerRegistryCredentials.js';
import { dockerRegistryAccountSchema } from '../account/DockerRegistryAccountConfig.js';
import { DockerRegistryImageCachingAgent } from './DockerRegistryImageCachingAgent.js';

type Route = (path: string) => { status: number; body: unknown; headers?: Record<string, string> };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function registry(route: Route): Promise<string> {
  const server = http.createServer((req, res) => {
    const answer = route(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function setup(address: string, extra: Record<string, unknown> = {}) {
  const clock = new ManualClock(1_700_000_000_000);
  const credentials = new DockerRegistryCredentials(dockerRegistryAccountSchema.parse({ name: 'acct', address, ...extra }), clock);
  closers.push(() => credentials.close());
  const cache = new DefaultProviderCache('dockerRegistry', new InMemoryCacheStoreDriver({ clock }).open('dockerRegistry'), clock);
  const agent = new DockerRegistryImageCachingAgent(credentials, 0, 1);
  const run = async () => {
    const result = await agent.loadData({ cache, signal: new AbortController().signal, logger: silentLogger, clock });
    await cache.putCacheResult(agent.agentType, ['taggedImage', 'imageId'], result);
    clock.advance(30_000);
    return (await cache.getIdentifiers('taggedImage')).sort();
  };
  return { run, cache, agent };
}

const notFound = { status: 404, body: { errors: [{ code: 'NAME_UNKNOWN' }] } };

describe('DockerRegistryImageCachingAgent', () => {
  it('keeps a repository’s tags through a passing failure, drops a missing repository, and fails on an unreadable catalog', async () => {
    let phase = 1;
    const address = await registry((path) => {
      if (path === '/v2/_catalog') return phase === 4 ? { status: 503, body: {} } : { status: 200, body: { repositories: ['a', 'b'] } };
      if (path === '/v2/a/tags/list') return phase >= 3 ? notFound : { status: 200, body: { name: 'a', tags: ['1'] } };
      if (path === '/v2/b/tags/list') return phase === 2 ? { status: 500, body: {} } : { status: 200, body: { name: 'b', tags: ['1', '2'] } };
      return notFound;
    });
    const { run, cache, agent } = setup(address);
    const key = (r: string, t: string) => `dockerRegistry:taggedImage:acct:${r}:${t}`;
    expect(await run()).toEqual([key('a', '1'), key('b', '1'), key('b', '2')]);
    phase = 2;
    expect(await run()).toEqual([key('a', '1'), key('b', '1'), key('b', '2')]);
    expect(agent.introspectionDetails()).toMatchObject({ keptRepositories: 1, missingRepositories: 0 });
    phase = 3;
    expect(await run()).toEqual([key('b', '1'), key('b', '2')]);
    expect((await cache.getIdentifiers('imageId')).sort()).toEqual([`dockerRegistry:imageId:${address.slice(7)}/b:1`, `dockerRegistry:imageId:${address.slice(7)}/b:2`]);
    phase = 4;
    await expect(run()).rejects.toThrow('/v2/_catalog: HTTP 503');
  });

  it('fails the run (evicting nothing) when no repository can be listed, and reports it as failing', async () => {
    let refuse = false;
    const address = await registry((path) => {
      if (path === '/v2/_catalog') return { status: 200, body: { repositories: ['a', 'b'] } };
      if (refuse) return { status: 401, body: { errors: [{ code: 'UNAUTHORIZED' }] }, headers: { 'www-authenticate': 'Basic realm="r"' } };
      return { status: 200, body: { name: path.split('/')[2], tags: ['1'] } };
    });
    const { run, cache, agent } = setup(address, { username: 'u', password: 'refused-pw-1' });
    expect(await run()).toHaveLength(2);
    refuse = true;
    await expect(run()).rejects.toThrow('no repository could be listed (2 failed), first: ');
    expect(await cache.getIdentifiers('taggedImage')).toHaveLength(2);
    expect(agent.lastOutcome()).toMatchObject({ ok: false });
    expect(agent.lastOutcome()?.error).toContain('refused the account credentials');
    expect(agent.lastOutcome()?.error).not.toContain('refused-pw-1');
  });

  it('with trackDigests leaves out a tag whose manifest is gone; with sortTagsByDate reads schema 1 history', async () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const address = await registry((path) => {
      if (path === '/v2/app/tags/list') return { status: 200, body: { name: 'app', tags: ['old', 'gone'] } };
      if (path === '/v2/app/manifests/old')
        return {
          status: 200,
          headers: { 'docker-content-digest': digest },
          body: { schemaVersion: 1, history: [{ v1Compatibility: JSON.stringify({ created: '2016-02-03T04:05:06.789Z', config: { Labels: { commitId: 'x' } } }) }] },
        };
      return { status: 404, body: { errors: [{ code: 'MANIFEST_UNKNOWN' }] } };
    });
    const { run, cache } = setup(address, { repositories: ['app'], trackDigests: true, sortTagsByDate: true });
    expect(await run()).toEqual(['dockerRegistry:taggedImage:acct:app:old']);
    const item = await cache.get('taggedImage', 'dockerRegistry:taggedImage:acct:app:old');
    expect(item?.attributes).toEqual({ name: 'app:old', account: 'acct', digest, date: '2016-02-03T04:05:06.789Z' });
  });
});

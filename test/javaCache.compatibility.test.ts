/**
 * A cache written by the Java Clouddriver (laid out in Redis by a fixture that follows cats-redis,
 * not by this service's writer) is served through the read API during a migration: the account's
 * cluster is unreachable, so everything shown comes from what the Java service left in Redis.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { ensureServer } from './helpers/ensureServers.js';
import { waitFor } from './helpers/waitFor.js';
import { writeJavaRedisCache, type JavaCacheItem } from './fixtures/javaRedisCache.js';

const URL = 'redis://127.0.0.1:6379/12';
const ACCOUNT = 'legacy';
const AGENT = `${ACCOUNT}/KubernetesCoreCachingAgent[1/1]`;
const NS = 'shop';
const key = (kind: string, name: string) => `kubernetes.v2:infrastructure:${kind}:${ACCOUNT}:${NS}:${name}`;
const moniker = { 'moniker.spinnaker.io/application': 'storefront', 'moniker.spinnaker.io/cluster': 'replicaSet web' };

/** What `KubernetesCacheDataConverter` stores for a manifest: name, namespace, kind, apiVersion, moniker and the manifest itself. */
function javaItem(kind: string, manifest: Record<string, unknown>, relationships: Record<string, string[]> = {}): JavaCacheItem {
  const metadata = manifest.metadata as { name: string };
  return {
    type: kind,
    id: key(kind, metadata.name),
    attributes: { name: metadata.name, namespace: NS, kind: manifest.kind, apiVersion: manifest.apiVersion, moniker: { app: 'storefront', cluster: 'replicaSet web' }, manifest },
    relationships,
  };
}

describe('a cache the Java service wrote to Redis', () => {
  let app: App;

  beforeAll(async () => {
    await ensureServer('redis');
    const redis = await openRedis({ connection: URL });
    await redis.flushdb();
    const replicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-v003', namespace: NS, uid: 'rs-uid', annotations: moniker, labels: { app: 'web' }, creationTimestamp: '2026-11-30T10:00:00Z' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example/web:3' }] } } },
      status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 },
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-v003-abcde', namespace: NS, uid: 'pod-uid', annotations: moniker, labels: { app: 'web' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-v003', uid: 'rs-uid', apiVersion: 'apps/v1' }] },
      spec: { containers: [{ name: 'web', image: 'registry.example/web:3' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, state: { running: {} } }] },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS, annotations: { 'moniker.spinnaker.io/application': 'storefront' } },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    };
    await writeJavaRedisCache(redis, 'kubernetes', AGENT, [
      javaItem('replicaSet', replicaSet, { pod: [key('pod', 'web-v003-abcde')], service: [key('service', 'web')] }),
      javaItem('pod', pod, { replicaSet: [key('replicaSet', 'web-v003')] }),
      javaItem('service', service, { replicaSet: [key('replicaSet', 'web-v003')] }),
    ]);
    await redis.quit();
    // The account's API server does not answer (port 9 discards): only the stored cache can be shown.
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'legacy-token' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    });
    app = await createApp({
      config: parseConfig({
        server: { port: 0, host: '127.0.0.1' },
        storage: { cache: 'redis', tasks: 'memory', leases: 'memory', changes: 'memory', redis: { connection: URL } },
        kubernetes: { accounts: [{ name: ACCOUNT, kubeconfigContents: kubeconfig, namespaces: [NS] }] },
      }),
      logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    });
    await app.server.ready();
  });
  afterAll(async () => {
    await app?.stop();
    const redis = await openRedis({ connection: URL });
    await redis.flushdb();
    await redis.quit();
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.server.inject({ method: 'GET', url });
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
    return JSON.parse(res.body) as T;
  };

  it('lists the application, its server group with its instance and load balancer, and the instance', async () => {
    const apps = await waitFor(async () => {
      const list = await get<{ name: string; clusterNames: Record<string, string[]> }[]>('/applications');
      if (list.length === 0) throw new Error('nothing loaded from the store yet');
      return list;
    });
    expect(apps).toEqual([expect.objectContaining({ name: 'storefront', clusterNames: { [ACCOUNT]: ['replicaSet web'] } })]);
    const groups = await get<{ name: string; region: string; instances: { id: string; name: string; healthState: string }[]; loadBalancers: string[]; cloudProvider: string }[]>('/applications/storefront/serverGroups');
    expect(groups).toEqual([
      expect.objectContaining({ name: 'replicaSet web-v003', region: NS, cloudProvider: 'kubernetes', loadBalancers: ['service web'], instances: [expect.objectContaining({ id: 'pod-uid', name: 'pod web-v003-abcde', healthState: 'Up' })] }),
    ]);
    const full = await get<{ buildInfo: { images: string[] } }>(`/serverGroups/${ACCOUNT}/${NS}/${encodeURIComponent('replicaSet web-v003')}`);
    expect(full.buildInfo.images).toEqual(['registry.example/web:3']);
    expect(await get<{ humanReadableName: string }>(`/instances/${ACCOUNT}/${NS}/${encodeURIComponent('pod web-v003-abcde')}`)).toMatchObject({ humanReadableName: 'pod web-v003-abcde' });
    const search = await get<{ results: { name: string }[] }[]>('/search?q=web&type=serverGroups');
    expect(search[0]?.results.map((r) => r.name)).toEqual(['replicaSet web-v003']);
  });
});

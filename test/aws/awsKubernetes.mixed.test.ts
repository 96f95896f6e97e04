/**
 * Two providers in one read API: a Kubernetes account on the Kubernetes simulator and an AWS
 * account on the AWS simulator, the AWS agents run by the service's own scheduler. `/applications`
 * lists both providers' applications, an application both know is merged, and `/search` merges
 * both providers' results into one set (`platform: "aws"`), as Clouddriver's controllers do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';
import { startKubernetesApp, type KubernetesAppHarness } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';
import { useSimCredentials } from './awsApp.js';
import { APP, REGION, buildAwsWorld } from './awsWorld.js';

type Json = Record<string, unknown>;
const NS = 'myapp-ns';

describe('Kubernetes and AWS in one read API', () => {
  let aws: AwsSim;
  let h: KubernetesAppHarness;
  const get = async <T = Json>(url: string): Promise<T> => {
    const res = await h.request<T>('GET', url);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    aws = await startAwsSim({ seed: 'demo', regions: [REGION], clock: new ManualClock(Date.parse('2026-06-01T12:00:00Z')) });
    useSimCredentials(aws);
    await buildAwsWorld(aws);
    h = await startKubernetesApp({
      config: { aws: { endpoint: aws.endpoint, accounts: [{ name: 'aws-prod', accountId: aws.accounts[0]?.accountId, regions: [REGION] }] } },
    });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    // The same application on Kubernetes, and one only Kubernetes knows.
    for (const [app, name] of [[APP, 'myapp-web-v000'], ['shop', 'shop-v000']] as const) {
      cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), NS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name, namespace: NS, annotations: { 'moniker.spinnaker.io/application': app, 'moniker.spinnaker.io/cluster': `replicaSet ${name}` } },
        spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
      });
    }
    // The scheduler runs the AWS agents at start; wait until both providers answer.
    await waitFor(async () => {
      const apps = await get<{ name: string; clusterNames: Record<string, string[]> }[]>('/applications');
      const awsApp = apps.find((a) => a.name === APP && a.clusterNames['aws-prod'] !== undefined);
      if (awsApp === undefined || !apps.some((a) => a.name === 'shop') || !apps.some((a) => a.name === APP && a.clusterNames.k8s !== undefined)) throw new Error(`applications so far: ${JSON.stringify(apps)}`);
      const sgs = await get<Json[]>(`/applications/${APP}/serverGroups`);
      if (!sgs.some((g) => g.cloudProvider === 'aws' && (g.instances as unknown[]).length === 2)) throw new Error('AWS server groups not cached yet');
    }, 20_000);
  }, 40_000);

  afterAll(async () => {
    await h?.stop();
    await aws?.close();
  });

  it('lists each provider’s applications, not merged, sorted by name', async () => {
    const apps = await get<{ name: string; clusterNames: Record<string, string[]> }[]>('/applications');
    expect(apps.map((a) => a.name)).toEqual([APP, APP, 'shop']);
    expect(apps.filter((a) => a.name === APP).map((a) => Object.keys(a.clusterNames)).sort()).toEqual([['aws-prod'], ['k8s']]);
  });

  it('merges an application both providers know', async () => {
    const app = await get<{ attributes: Json; clusters: Record<string, { provider: string; name: string }[]> }>(`/applications/${APP}`);
    expect(String(app.attributes.cloudProviders).split(',').sort()).toEqual(['aws', 'kubernetes']);
    expect(app.clusters['aws-prod']).toEqual([expect.objectContaining({ provider: 'aws', name: `${APP}-prod` })]);
    expect(app.clusters.k8s).toEqual([expect.objectContaining({ provider: 'kubernetes' })]);
    const groups = await get<Json[]>(`/applications/${APP}/serverGroups`);
    expect(groups.map((g) => g.cloudProvider).sort()).toEqual(['aws', 'aws', 'kubernetes']);
  });

  it('merges search results of both providers into one set', async () => {
    const pages = await get<{ platform: string; totalMatches: number; results: Json[] }[]>(`/search?q=${APP}&type=serverGroups`);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.platform).toBe('aws');
    const results = pages[0]?.results ?? [];
    expect(results.filter((r) => r.provider === 'aws').map((r) => r.serverGroup).sort()).toEqual([`${APP}-prod-v000`, `${APP}-prod-v001`]);
    expect(results.some((r) => r.account === 'k8s')).toBe(true);
    // One provider named: its set alone.
    const awsOnly = await get<{ platform: string; results: Json[] }[]>(`/search?q=${APP}&type=serverGroups&platform=aws`);
    expect(awsOnly[0]?.results.every((r) => r.provider === 'aws')).toBe(true);
  });
});

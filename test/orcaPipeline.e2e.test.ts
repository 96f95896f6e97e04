/**
 * A whole pipeline, driven as Orca drives Clouddriver, against the real service process
 * (`npm start`) and the simulator; every step is checked against what real `kubectl get -o json`
 * shows. Orca's calls: `POST /kubernetes/ops` → poll `GET /task/{id}` (MonitorKatoTask) →
 * `POST /cache/kubernetes/manifest` per deployed manifest (ManifestForceCacheRefreshTask) → poll
 * `GET /manifests/{account}/{location}/{name}` until `status.stable` (WaitForManifestStableTask);
 * dynamic targets through `/manifests/.../cluster/{app}/{cluster}/dynamic/{criteria}`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { kubectlFor, type Kubectl } from './helpers/kubectl.js';
import { startService, type ServiceProcess } from './helpers/serviceProcess.js';
import { waitFor } from './helpers/waitFor.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read field by field below

const NS = 'pipeline';
const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: NS }, data });
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: NS },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example/web', envFrom: [{ configMapRef: { name: 'web-config' } }] }] } },
  },
};
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS }, spec: { selector: { 'serve-web': 'true' }, ports: [{ port: 80 }] } };
const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: NS },
  spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } } },
});
const image = (tag: string) => ({ type: 'docker/image', name: 'registry.example/web', reference: `registry.example/web:${tag}` });

describe('an Orca pipeline end to end', () => {
  let sim: KubeSim;
  let service$: ServiceProcess;
  let k: Kubectl;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${service$.url}${path}`, {
      method,
      headers: { 'x-spinnaker-user': 'orca-e2e', 'x-spinnaker-execution-id': 'e2e-1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
  };

  /** MonitorKatoTask: submit, then poll the task until it completes; fails on a failed task. */
  const runTask = async (operation: string, description: Json): Promise<Json> => {
    const submitted = await call('POST', '/kubernetes/ops', [{ [operation]: { cloudProvider: 'kubernetes', account: 'e2e', ...description } }]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.resourceUri).toBe(`/task/${submitted.body.id}`);
    const task = await waitFor(async () => {
      const { body } = await call('GET', `/task/${submitted.body.id}`);
      if (!body.status.completed) throw new Error(`task ${body.id}: ${body.status.status}`);
      return body;
    }, 30_000, 100);
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.at(-1).status).toBe('Orchestration completed.');
    return task;
  };

  /** ManifestForceCacheRefreshTask then WaitForManifestStableTask for every deployed manifest. */
  const refreshAndWaitStable = async (manifestNamesByNamespace: Record<string, string[]>): Promise<void> => {
    for (const [location, names] of Object.entries(manifestNamesByNamespace)) {
      for (const name of names) {
        const refreshed = await call('POST', '/cache/kubernetes/manifest', { account: 'e2e', location, name, cloudProvider: 'kubernetes' });
        expect(refreshed.status).toBe(200);
        await waitFor(async () => {
          const { status, body } = await call('GET', `/manifests/e2e/${location}/${encodeURIComponent(name)}`);
          expect(status).toBe(200);
          expect(body.status.failed.state).toBe(false);
          expect(body.status.stable.state, `${name}: ${JSON.stringify(body.status)}`).toBe(true);
        }, 30_000, 100);
      }
    }
  };

  const kget = (kind: string, name: string): Promise<Json> => k.json<Json>(['get', '-n', NS, kind, name]);
  const podsOf = async (rs: string): Promise<Json[]> => {
    const pods = await k.json<{ items: Json[] }>(['get', '-n', NS, 'pods']);
    return pods.items.filter((p) => (p.metadata.ownerReferences ?? []).some((o: Json) => o.name === rs));
  };

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, timing: { reconcileDelayMs: 10, podStartMs: 50 }, bookmarkIntervalMs: 1000 });
    k = kubectlFor(sim.kubeconfig);
    await k.ok(['create', 'namespace', NS]);
    const dir = mkdtempSync(join(tmpdir(), 'cd-e2e-'));
    const configPath = join(dir, 'clouddriver.yml');
    writeFileSync(
      configPath,
      ['storage:', `  sqlite: {path: ${join(dir, 'cd.db')}}`, 'kubernetes:', '  writeBatchMillis: 20', '  accounts:', `    - {name: e2e, kubeconfigFile: ${k.kubeconfigPath}, kinds: [], cacheIntervalSeconds: 600}`, ''].join('\n'),
    );
    service$ = await startService({ args: ['--config', configPath] });
    await waitFor(async () => {
      const { body } = await call('GET', '/health');
      expect(body.components.kubernetes.details.e2e.state).toBe('watching');
    }, 30_000);
  }, 90_000);

  afterAll(async () => {
    await service$?.stop();
    await sim?.stop();
  });

  it('deploys a ConfigMap, a ReplicaSet and a Service with a bound image, and waits until stable', async () => {
    const task = await runTask('deployManifest', {
      moniker: { app: 'web' },
      source: 'text',
      manifests: [configMap({ greeting: 'hello' }), replicaSet, service],
      requiredArtifacts: [image('1.0')],
      optionalArtifacts: [],
      enableTraffic: true,
      services: ['service web'],
      strategy: 'RED_BLACK',
    });
    const result = task.resultObjects[0];
    expect(result.manifestNamesByNamespace).toEqual({ [NS]: ['configMap web-config-v000', 'service web', 'replicaSet web-v000'] });
    await refreshAndWaitStable(result.manifestNamesByNamespace);

    const rs = await kget('replicaset', 'web-v000');
    expect(rs.spec.template.spec.containers[0].image).toBe('registry.example/web:1.0');
    expect(rs.spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'web-config-v000' } }]);
    expect(rs.spec.template.metadata.labels['serve-web']).toBe('true');
    expect(rs.metadata.annotations['moniker.spinnaker.io/application']).toBe('web');
    expect((await kget('configmap', 'web-config-v000')).data).toEqual({ greeting: 'hello' });
    expect((await kget('service', 'web')).spec.selector).toEqual({ 'serve-web': 'true' });
    expect(rs.status.readyReplicas).toBe(2);

    const groups = await call('GET', '/applications/web/serverGroups');
    expect(groups.body.map((g: Json) => [g.name, g.isDisabled])).toEqual([['replicaSet web-v000', false]]);
  });

  it('deploys a change as web-v001 and disables the previous version (red/black)', async () => {
    const task = await runTask('deployManifest', { moniker: { app: 'web' }, manifests: [configMap({ greeting: 'hello' }), replicaSet], requiredArtifacts: [image('2.0')], enableTraffic: true, services: ['service web'], strategy: 'RED_BLACK' });
    expect(task.resultObjects[0].manifestNamesByNamespace).toEqual({ [NS]: ['configMap web-config-v000', 'replicaSet web-v001'] });
    await refreshAndWaitStable(task.resultObjects[0].manifestNamesByNamespace);
    expect((await kget('replicaset', 'web-v001')).spec.template.spec.containers[0].image).toBe('registry.example/web:2.0');

    // Orca's red/black: disable what was serving before, found as the cluster's second newest.
    const previous = await call('GET', `/manifests/e2e/${NS}/replicaSet/cluster/web/${encodeURIComponent('replicaSet web')}/dynamic/second_newest`);
    expect(previous.body).toEqual({ kind: 'replicaSet', namespace: NS, name: 'web-v000' });
    await runTask('disableManifest', { manifestName: 'replicaSet web-v000', location: NS });

    const old = await kget('replicaset', 'web-v000');
    expect(old.spec.template.metadata.labels['serve-web']).toBeUndefined();
    for (const pod of await podsOf('web-v000')) expect(pod.metadata.labels['serve-web']).toBeUndefined();
    for (const pod of await podsOf('web-v001')) expect(pod.metadata.labels['serve-web']).toBe('true');
    const groups = await call('GET', '/applications/web/serverGroups');
    expect(Object.fromEntries(groups.body.map((g: Json) => [g.name, g.isDisabled]))).toEqual({ 'replicaSet web-v000': true, 'replicaSet web-v001': false });
  });

  it('enables and disables a server group again', async () => {
    await runTask('enableManifest', { manifestName: 'replicaSet web-v000', location: NS });
    expect((await kget('replicaset', 'web-v000')).spec.template.metadata.labels['serve-web']).toBe('true');
    for (const pod of await podsOf('web-v000')) expect(pod.metadata.labels['serve-web']).toBe('true');
    expect((await call('GET', `/serverGroups/e2e/${NS}/${encodeURIComponent('replicaSet web-v000')}`)).body.disabled).toBe(false);
    await runTask('disableManifest', { manifestName: 'replicaSet web-v000', location: NS });
    expect((await kget('replicaset', 'web-v000')).spec.template.metadata.labels['serve-web']).toBeUndefined();
    expect((await call('GET', `/serverGroups/e2e/${NS}/${encodeURIComponent('replicaSet web-v000')}`)).body.disabled).toBe(true);
  });

  it('scales the new version', async () => {
    await runTask('scaleManifest', { manifestName: 'replicaSet web-v001', location: NS, replicas: 3 });
    expect((await kget('replicaset', 'web-v001')).spec.replicas).toBe(3);
    await refreshAndWaitStable({ [NS]: ['replicaSet web-v001'] });
    expect((await kget('replicaset', 'web-v001')).status.readyReplicas).toBe(3);
    const sg = await call('GET', `/serverGroups/e2e/${NS}/${encodeURIComponent('replicaSet web-v001')}`);
    expect(sg.body.capacity.desired).toBe(3);
  });

  it('undoes the rollout of a Deployment', async () => {
    for (const tag of ['1', '2']) {
      const task = await runTask('deployManifest', { moniker: { app: 'web' }, manifests: [deployment(`registry.example/api:${tag}`)] });
      await refreshAndWaitStable(task.resultObjects[0].manifestNamesByNamespace);
    }
    expect((await kget('deployment', 'api')).spec.template.spec.containers[0].image).toBe('registry.example/api:2');
    await runTask('undoRolloutManifest', { manifestName: 'deployment api', location: NS, numRevisionsBack: 1 });
    await refreshAndWaitStable({ [NS]: ['deployment api'] });
    expect((await kget('deployment', 'api')).spec.template.spec.containers[0].image).toBe('registry.example/api:1');
  });

  it('runs a Job and reads its property file', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: NS },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { annotations: { 'sim.spinnaker.io/log-main': 'starting\nSPINNAKER_PROPERTY_VERSION=2.0\nSPINNAKER_CONFIG_JSON={"migrated": 42}\ndone\n' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example/migrate:1' }] },
        },
      },
    };
    const task = await runTask('runJob', { application: 'web', namespace: NS, manifest: job });
    expect(task.resultObjects[0].deployedNamesByLocation).toEqual({ [NS]: ['job migrate'] });
    // Orca's WaitOnJobCompletion, then the property file of the stage's container.
    const status = await waitFor(async () => {
      const { body } = await call('GET', `/applications/web/jobs/e2e/${NS}/${encodeURIComponent('job migrate')}`);
      expect(body.jobState).toBe('Succeeded');
      return body;
    }, 20_000, 100);
    expect(status).toMatchObject({ name: 'migrate', account: 'e2e', location: NS, provider: 'kubernetes' });
    const file = await call('GET', `/applications/web/jobs/e2e/${NS}/${encodeURIComponent('job migrate')}/main`);
    expect(file.body).toEqual({ version: '2.0', migrated: 42 });
    const kubectlJob = await kget('job', 'migrate');
    expect(kubectlJob.status.succeeded).toBe(1);
    expect(kubectlJob.metadata.annotations['strategy.spinnaker.io/recreate']).toBe('true');
    await runTask('deleteManifest', { manifestName: 'job migrate', location: NS, options: { cascading: true } });
  });

  it('deletes what the pipeline deployed', async () => {
    const task = await runTask('deleteManifest', { manifestName: 'replicaSet web-v000', location: NS, options: { cascading: true } });
    expect(task.resultObjects[0].manifestNamesByNamespace).toEqual({ [NS]: ['replicaSet web-v000'] });
    for (const name of ['replicaSet web-v001', 'service web', 'configMap web-config-v000', 'deployment api']) {
      await runTask('deleteManifest', { manifestName: name, location: NS, options: { cascading: true } });
    }
    for (const [kind, name] of [['replicaset', 'web-v000'], ['replicaset', 'web-v001'], ['service', 'web'], ['configmap', 'web-config-v000'], ['deployment', 'api']] as const) {
      const r = await k.run(['get', '-n', NS, kind, name, '-o', 'json']);
      expect(r.code, `${kind} ${name} still exists`).not.toBe(0);
      expect(r.stderr).toContain('NotFound');
    }
    await waitFor(async () => {
      const groups = await call('GET', '/applications/web/serverGroups');
      expect(groups.body).toEqual([]);
    }, 10_000);
    expect((await call('GET', `/manifests/e2e/${NS}/${encodeURIComponent('replicaSet web-v001')}`)).status).toBe(404);
  });
});

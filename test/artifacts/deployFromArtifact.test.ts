import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { S3_KEYS, SECRETS, startArtifactOrigin, startS3Server, type ArtifactOrigin, type S3Server } from '../helpers/artifactServers.js';

/**
 * deployManifest with `source: artifact` end to end: the manifest is downloaded through an
 * artifact account (github/file, http/file, s3/object from loopback servers), its images bound
 * from a docker/image artifact, and deployed to the Kubernetes simulator.
 */

const multiDocYaml = `# a ConfigMap and a Deployment in one file
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: default
data:
  mode: from-github
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: registry.example/api
        envFrom:
        - configMapRef: {name: api-config}
---
`;

const replicaSetJson = JSON.stringify([
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'worker', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'worker' } },
      template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'worker', image: 'registry.example/worker:latest' }] } },
    },
  },
]);

const s3Yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-s3\n  namespace: default\ndata:\n  source: s3\n';

describe('deployManifest from a manifest artifact', () => {
  let h: KubernetesAppHarness;
  let origin: ArtifactOrigin;
  let s3: S3Server;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const live = (apiVersion: string, kind: string, name: string): KubeObj | undefined => cluster().tryGet(cluster().typeOfKind(apiVersion, kind), 'default', name);
  const deploy = (description: Record<string, unknown>): Promise<TaskJson> => h.runOperation('deployManifest', { account: 'k8s', moniker: { app: 'api' }, cloudProvider: 'kubernetes', source: 'artifact', ...description });
  const failureOf = (task: TaskJson): string => {
    expect(task.status.failed).toBe(true);
    return JSON.stringify(task.resultObjects);
  };

  beforeAll(async () => {
    [origin, s3] = await Promise.all([startArtifactOrigin(), startS3Server(['manifests'])]);
    origin.repo.set('release-1', new Map([['deploy/api.yml', Buffer.from(multiDocYaml)], ['deploy/broken.yml', Buffer.from('kind: [unclosed\n')]]));
    origin.files.set('/files/worker.json', Buffer.from(replicaSetJson));
    await s3.put('manifests', 'app/config.yml', Buffer.from(s3Yaml));
    h = await startKubernetesApp({
      config: {
        artifacts: {
          github: { enabled: true, accounts: [{ name: 'github', token: SECRETS.githubToken }] },
          http: { enabled: true, accounts: [{ name: 'http', username: SECRETS.user, password: SECRETS.password }] },
          s3: { enabled: true, accounts: [{ name: 's3', 'api-endpoint': s3.endpoint, 'api-region': 'us-east-1', 'aws-access-key-id': S3_KEYS.accessKeyId, 'aws-secret-access-key': S3_KEYS.secretAccessKey }] },
        },
      },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await Promise.all([origin?.close(), s3?.close()]);
  });

  it('lists the configured artifact accounts beside the built-in ones', async () => {
    const { body } = await h.request<{ name: string }[]>('GET', '/artifacts/credentials');
    expect(body.map((a) => a.name)).toEqual(['embedded-artifact', 'custom-artifact', 'docker-registry', 'kubernetes', 'http', 'github', 's3']);
  });

  it('serves PUT /artifacts/fetch through the service', async () => {
    const res = await h.app.server.inject({ method: 'PUT', url: '/artifacts/fetch', payload: { type: 's3/object', reference: 's3://manifests/app/config.yml', artifactAccount: 's3' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body).toBe(s3Yaml);
  });

  it('deploys a github/file manifest (two YAML documents) with its image bound from a docker/image artifact', async () => {
    const task = await deploy({
      manifestArtifact: { type: 'github/file', name: 'deploy/api.yml', reference: `${origin.url}/repos/acme/api/contents/deploy/api.yml`, version: 'release-1', artifactAccount: 'github' },
      requiredArtifacts: [{ type: 'docker/image', name: 'registry.example/api', reference: 'registry.example/api:2.4.1' }],
    });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual(expect.arrayContaining([expect.stringContaining('Downloading manifest from github/file artifact deploy/api.yml'), 'Read 2 manifest(s) from github/file artifact deploy/api.yml (account \'github\')']));
    const result = task.resultObjects[0] as { manifestNamesByNamespace: Record<string, string[]>; boundArtifacts: { reference: string }[] };
    expect(result.manifestNamesByNamespace).toEqual({ default: ['configMap api-config-v000', 'deployment api'] });
    expect(result.boundArtifacts.map((a) => a.reference).sort()).toEqual(['api-config-v000', 'registry.example/api:2.4.1']);
    const deployment = live('apps/v1', 'Deployment', 'api');
    const container = (deployment?.spec as { template: { spec: { containers: { image: string; envFrom: unknown[] }[] } } }).template.spec.containers[0];
    expect(container?.image).toBe('registry.example/api:2.4.1');
    expect(container?.envFrom).toEqual([{ configMapRef: { name: 'api-config-v000' } }]);
    expect(live('v1', 'ConfigMap', 'api-config-v000')?.data).toEqual({ mode: 'from-github' });
  });

  it('deploys an http/file JSON manifest named by manifestArtifactId among the optional artifacts, through manifestArtifactAccount', async () => {
    const task = await deploy({
      moniker: { app: 'worker' },
      manifestArtifactId: 'manifest-1',
      manifestArtifactAccount: 'http',
      optionalArtifacts: [
        { uuid: 'manifest-1', type: 'http/file', name: 'worker.json', reference: `${origin.url}/files/worker.json` },
        { type: 'docker/image', name: 'registry.example/worker', reference: 'registry.example/worker@sha256:abc123' },
      ],
    });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    const rs = live('apps/v1', 'ReplicaSet', 'worker-v000');
    expect((rs?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe('registry.example/worker@sha256:abc123');
  });

  it('deploys an s3/object manifest', async () => {
    const task = await deploy({ manifestArtifact: { type: 's3/object', reference: 's3://manifests/app/config.yml', artifactAccount: 's3' } });
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(live('v1', 'ConfigMap', 'from-s3-v000')?.data).toEqual({ source: 's3' });
  });

  it('refuses, before any task, an unknown artifact account, an account of another type, and a missing artifact', async () => {
    const artifact = { type: 'github/file', reference: `${origin.url}/repos/acme/api/contents/deploy/api.yml`, artifactAccount: 'nope' };
    const base = { account: 'k8s', moniker: { app: 'api' }, source: 'artifact' };
    await h.expectRefused('deployManifest', { ...base, manifestArtifact: artifact }, "Credentials 'nope' supporting artifact type 'github/file' cannot be found");
    await h.expectRefused('deployManifest', { ...base, manifestArtifact: { ...artifact, artifactAccount: 'http' } }, "Credentials 'http' supporting artifact type 'github/file' cannot be found");
    await h.expectRefused('deployManifest', base, 'No manifest artifact was specified.');
    await h.expectRefused('deployManifest', { ...base, manifestArtifactId: 'missing' }, 'No artifact with id missing');
    await h.expectRefused('deployManifest', { ...base, manifestArtifact: { ...artifact, artifactAccount: undefined } }, 'No manifest artifact account was specified.');
  });

  it('fails the task with the download error (missing file) or the parse error (not YAML)', async () => {
    const missing = await deploy({ manifestArtifact: { type: 'github/file', reference: `${origin.url}/repos/acme/api/contents/deploy/none.yml`, version: 'release-1', artifactAccount: 'github' } });
    expect(failureOf(missing)).toContain('not found');
    const broken = await deploy({ manifestArtifact: { type: 'github/file', reference: `${origin.url}/repos/acme/api/contents/deploy/broken.yml`, version: 'release-1', artifactAccount: 'github' } });
    expect(failureOf(broken)).toContain('is not valid YAML or JSON');
    const notAManifest = await deploy({ manifestArtifact: { type: 'embedded/base64', reference: Buffer.from('kind: ConfigMap\n').toString('base64'), artifactAccount: 'embedded-artifact' } });
    expect(failureOf(notAManifest)).toContain('apiVersion is required');
  });
});

import { describe, expect, it } from 'vitest';
import { artifactKey, bindArtifacts, imageName } from './artifacts.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: {
    template: {
      spec: {
        initContainers: [{ name: 'init', image: 'gcr.io/acme/migrate:latest' }],
        containers: [
          {
            name: 'web',
            image: 'gcr.io/acme/web',
            envFrom: [{ configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-secret' } }],
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'a' } } }, { name: 'B', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'b' } } }],
          },
          { name: 'side', image: 'localhost:5000/sidecar:1.0' },
        ],
        volumes: [
          { name: 'c', configMap: { name: 'web-config' } },
          { name: 's', secret: { secretName: 'web-secret' } },
          { name: 'p', projected: { sources: [{ configMap: { name: 'web-config' } }, { secret: { name: 'web-secret' } }] } },
        ],
      },
    },
  },
};

describe('artifact binding', () => {
  it('names images without tag or digest, keeping a registry port', () => {
    expect(imageName('nginx')).toBe('nginx');
    expect(imageName('nginx:1.25')).toBe('nginx');
    expect(imageName('localhost:5000/a/b:1')).toBe('localhost:5000/a/b');
    expect(imageName('gcr.io/a/b@sha256:abc')).toBe('gcr.io/a/b');
    expect(imageName('gcr.io/a/b:1@sha256:abc')).toBe('gcr.io/a/b');
  });

  it('binds images, init-container images, ConfigMaps and Secrets everywhere a pod spec names them', () => {
    const artifacts = [
      { type: 'docker/image', name: 'gcr.io/acme/web', reference: 'gcr.io/acme/web:2.0' },
      { type: 'docker/image', name: 'gcr.io/acme/migrate', reference: 'gcr.io/acme/migrate@sha256:1' },
      { type: 'kubernetes/configMap', name: 'web-config', location: 'prod', reference: 'web-config-v003' },
      { type: 'kubernetes/secret', name: 'web-secret', location: 'prod', reference: 'web-secret-v001' },
      { type: 'docker/image', name: 'unused', reference: 'unused:1' },
    ];
    const { manifest, bound } = bindArtifacts(deployment, artifacts, { account: 'k8s', namespace: 'prod' });
    const text = JSON.stringify(manifest);
    expect(text).toContain('"image":"gcr.io/acme/web:2.0"');
    expect(text).toContain('"image":"gcr.io/acme/migrate@sha256:1"');
    expect(text).toContain('"image":"localhost:5000/sidecar:1.0"');
    expect(text.match(/web-config-v003/g)).toHaveLength(4);
    expect(text.match(/web-secret-v001/g)).toHaveLength(4);
    expect(text).not.toMatch(/"web-(config|secret)"/);
    expect(bound.map((a) => a.name).sort()).toEqual(['gcr.io/acme/migrate', 'gcr.io/acme/web', 'web-config', 'web-secret']);
    expect(JSON.stringify(deployment)).toContain('"image":"gcr.io/acme/web"'); // input untouched
  });

  it('binds kubernetes artifacts only in their namespace and account', () => {
    const other = [{ type: 'kubernetes/configMap', name: 'web-config', location: 'staging', reference: 'web-config-v009' }];
    expect(bindArtifacts(deployment, other, { account: 'k8s', namespace: 'prod' }).bound).toEqual([]);
    const foreign = [{ type: 'kubernetes/configMap', name: 'web-config', reference: 'x-v1', metadata: { account: 'other' } }];
    expect(bindArtifacts(deployment, foreign, { account: 'k8s', namespace: 'prod' }).bound).toEqual([]);
  });

  it('binds pods, CronJob job templates and HPA targets', () => {
    const pod = { kind: 'Pod', spec: { containers: [{ name: 'a', image: 'busybox:1' }] } };
    expect(JSON.stringify(bindArtifacts(pod, [{ type: 'docker/image', name: 'busybox', reference: 'busybox:2' }], { account: 'k8s' }).manifest)).toContain('busybox:2');
    const cron = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'job' }] } } } } } };
    expect(JSON.stringify(bindArtifacts(cron, [{ type: 'docker/image', name: 'job', reference: 'job:7' }], { account: 'k8s' }).manifest)).toContain('job:7');
    const hpa = { kind: 'HorizontalPodAutoscaler', metadata: { namespace: 'prod' }, spec: { scaleTargetRef: { kind: 'ReplicaSet', name: 'web' } } };
    const bound = bindArtifacts(hpa, [{ type: 'kubernetes/replicaSet', name: 'web', location: 'prod', reference: 'web-v004' }], { account: 'k8s', namespace: 'prod' });
    expect(bound.manifest.spec).toEqual({ scaleTargetRef: { kind: 'ReplicaSet', name: 'web-v004' } });
  });

  it('keys the pool by type, name and location', () => {
    expect(artifactKey({ type: 'docker/image', name: 'a' })).toBe('[docker/image]-[a]-[]');
    expect(artifactKey({ type: 'kubernetes/configMap', name: 'c', location: 'ns' })).toBe('[kubernetes/configMap]-[c]-[ns]');
  });
});

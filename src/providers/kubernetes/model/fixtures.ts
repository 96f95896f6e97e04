import type { KubernetesManifest } from './KubernetesManifest.js';

/**
 * Test fixtures: the `docs` namespace of account `k8s` as a real cluster would return it — a
 * Deployment with two ReplicaSets (pod-template-hash, revision annotations), their Pods, a Service
 * selecting them, an Ingress, a StatefulSet with its headless Service, a NetworkPolicy, a Secret,
 * a canary ReplicaSet routed by annotation only, and an object marked to be ignored.
 * Each call returns fresh objects, so tests may mutate them.
 */
export const ACCOUNT = 'k8s';
export const NS = 'docs';

const monikerAnnotations = (cluster: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'moniker.spinnaker.io/application': 'docs',
  'moniker.spinnaker.io/cluster': cluster,
  ...extra,
});

const podTemplate = (labels: Record<string, string>, images: string[]): Record<string, unknown> => ({
  metadata: { labels },
  spec: { containers: images.map((image, i) => ({ name: i === 0 ? 'web' : `sidecar${i}`, image })) },
});

export function deployment(): KubernetesManifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'docs-site',
      namespace: NS,
      uid: 'uid-deploy-docs-site',
      generation: 3,
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { 'app.kubernetes.io/name': 'docs', 'app.kubernetes.io/managed-by': 'spinnaker' },
      annotations: monikerAnnotations('deployment docs-site', { 'deployment.kubernetes.io/revision': '2' }),
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'docs-site' } },
      template: podTemplate({ app: 'docs-site', 'app.kubernetes.io/name': 'docs' }, ['registry.example.com/docs/site:1.4.2']),
    },
    status: {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "docs-site-7d9f8c6b5" has successfully progressed.' },
      ],
    },
  };
}

function replicaSet(hash: string, revision: string, replicas: number, image: string, created: string): KubernetesManifest {
  const labels = { app: 'docs-site', 'app.kubernetes.io/name': 'docs', 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `docs-site-${hash}`,
      namespace: NS,
      uid: `uid-rs-${hash}`,
      generation: 1,
      creationTimestamp: created,
      labels,
      annotations: monikerAnnotations('deployment docs-site', {
        'deployment.kubernetes.io/revision': revision,
        'deployment.kubernetes.io/desired-replicas': '2',
      }),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'docs-site', uid: 'uid-deploy-docs-site', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'docs-site', 'pod-template-hash': hash } }, template: podTemplate(labels, [image, 'registry.example.com/envoy:1.29']) },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
  };
}

export const currentReplicaSet = (): KubernetesManifest =>
  replicaSet('7d9f8c6b5', '2', 2, 'registry.example.com/docs/site:1.4.2', '2024-05-02T09:30:00Z');
export const oldReplicaSet = (): KubernetesManifest =>
  replicaSet('5c4b3a291', '1', 0, 'registry.example.com/docs/site:1.4.1', '2024-05-01T10:00:00Z');

function pod(name: string, owner: { kind: string; name: string; apiVersion: string }, labels: Record<string, string>, phase: string, ready: boolean[]): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-pod-${name}`,
      creationTimestamp: '2024-05-02T09:30:05Z',
      labels,
      ownerReferences: [{ ...owner, uid: `uid-owner-${owner.name}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: { containers: ready.map((_, i) => ({ name: i === 0 ? 'web' : 'envoy', image: 'x' })) },
    status: {
      phase,
      containerStatuses: ready.map((r, i) => ({ name: i === 0 ? 'web' : 'envoy', ready: r, restartCount: 0, image: 'x' })),
    },
  };
}

const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'docs-site-7d9f8c6b5' };
const siteLabels = { app: 'docs-site', 'app.kubernetes.io/name': 'docs', 'pod-template-hash': '7d9f8c6b5' };
export const runningPod = (): KubernetesManifest => pod('docs-site-7d9f8c6b5-abcde', rsOwner, siteLabels, 'Running', [true, true]);
export const pendingPod = (): KubernetesManifest => pod('docs-site-7d9f8c6b5-fghij', rsOwner, siteLabels, 'Pending', [false, true]);

export function service(): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'docs-site', namespace: NS, uid: 'uid-svc-docs-site', creationTimestamp: '2024-05-01T09:00:00Z', annotations: monikerAnnotations('service docs-site') },
    spec: { type: 'ClusterIP', selector: { app: 'docs-site' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    status: { loadBalancer: {} },
  };
}

export function ingress(): KubernetesManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'docs', namespace: NS, uid: 'uid-ing-docs', creationTimestamp: '2024-05-01T09:05:00Z', annotations: monikerAnnotations('ingress docs') },
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: { service: { name: 'docs-fallback', port: { number: 80 } } },
      rules: [{ host: 'docs.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'docs-site', port: { number: 80 } } } }] } }],
    },
  };
}

export function statefulSet(): KubernetesManifest {
  const labels = { app: 'docs-db' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'docs-db', namespace: NS, uid: 'uid-sts-docs-db', generation: 1, creationTimestamp: '2024-04-01T00:00:00Z', annotations: monikerAnnotations('statefulSet docs-db') },
    spec: { replicas: 1, serviceName: 'docs-db-headless', selector: { matchLabels: labels }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, template: podTemplate(labels, ['postgres:16']) },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, currentRevision: 'docs-db-1', updateRevision: 'docs-db-1' },
  };
}

export function headlessService(): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'docs-db-headless', namespace: NS, uid: 'uid-svc-db', annotations: monikerAnnotations('service docs-db-headless') },
    spec: { clusterIP: 'None', ports: [{ port: 5432 }] },
  };
}

export const databasePod = (): KubernetesManifest =>
  pod('docs-db-0', { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'docs-db' }, { app: 'docs-db', 'statefulset.kubernetes.io/pod-name': 'docs-db-0' }, 'Running', [true]);

export function networkPolicy(): KubernetesManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'docs-allow-web', namespace: NS, uid: 'uid-np', annotations: monikerAnnotations('networkPolicy docs-allow-web') },
    spec: {
      podSelector: { matchLabels: { app: 'docs-site' } },
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'http' }] }],
      egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }],
    },
  };
}

export function secret(): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: 'docs-creds-v001',
      namespace: NS,
      uid: 'uid-secret',
      annotations: {
        'moniker.spinnaker.io/application': 'docs',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","data":{"password":"aHVudGVyMg=="},"kind":"Secret"}',
      },
    },
    data: { password: 'aHVudGVyMg==' },
  };
}

export function ignoredConfigMap(): KubernetesManifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'docs-scratch', namespace: NS, annotations: { 'caching.spinnaker.io/ignore': 'true', 'moniker.spinnaker.io/application': 'docs' } },
    data: { a: 'b' },
  };
}

/** A Spinnaker-managed ReplicaSet whose traffic annotation names the Service but whose labels no longer match it. */
export function disabledCanary(): KubernetesManifest {
  const labels = { app: 'docs-canary' };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'docs-canary-v002',
      namespace: NS,
      uid: 'uid-rs-canary',
      generation: 1,
      creationTimestamp: '2024-05-03T00:00:00Z',
      annotations: {
        'moniker.spinnaker.io/application': 'docs',
        'moniker.spinnaker.io/cluster': 'replicaSet docs-canary',
        'moniker.spinnaker.io/sequence': '2',
        'traffic.spinnaker.io/load-balancers': '["service docs-site"]',
      },
    },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: podTemplate(labels, ['registry.example.com/docs/site:1.5.0-rc1']) },
    status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 },
  };
}

/** Everything above, in the order a LIST of the namespace might return it. */
export function docsNamespace(): KubernetesManifest[] {
  return [
    deployment(),
    currentReplicaSet(),
    oldReplicaSet(),
    runningPod(),
    pendingPod(),
    service(),
    ingress(),
    statefulSet(),
    headlessService(),
    databasePod(),
    networkPolicy(),
    secret(),
    ignoredConfigMap(),
    disabledCanary(),
  ];
}

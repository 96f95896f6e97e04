/**
 * Fidelity of the Kubernetes API server simulator, judged by the real kubectl client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim } from '../src/testing/kubeSim/index.js';
import { kubectlFor } from './helpers/kubectl.js';
import type { Kubectl } from './helpers/kubectl.js';
import { waitFor } from './helpers/waitFor.js';

interface K8sObject {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; ownerReferences?: unknown[]; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface K8sList {
  items: K8sObject[];
}

const APP = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    moniker.spinnaker.io/application: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

describe('kube simulator driven by real kubectl', () => {
  let sim: KubeSim;
  let k: Kubectl;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, timing: { reconcileDelayMs: 10, podStartMs: 100 } });
    k = kubectlFor(sim.kubeconfig);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('lists API resources through discovery', async () => {
    const out = await k.ok(['api-resources', '--no-headers']);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io\/v1\s+false/m);
    expect(await k.ok(['version', '-o', 'json'])).toContain('v1.32.4-sim');
    // Without metrics-server (the default) there is no metrics.k8s.io API.
    const top = await k.run(['top', 'pods']);
    expect(top.code).not.toBe(0);
    expect(top.stderr).toContain('Metrics API not available');
  });

  it('applies a multi-document manifest client-side, and rollout status waits for the rollout', async () => {
    const file = k.file('app.yaml', APP);
    const out = await k.ok(['apply', '-f', file]);
    expect(out).toContain('namespace/shop created');
    expect(out).toContain('deployment.apps/web created');
    expect(out).toContain('service/web created');
    expect(await k.ok(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s'])).toContain('successfully rolled out');
    const dep = await k.json<K8sObject>(['get', 'deployment', 'web', '-n', 'shop']);
    expect(dep.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    expect(dep.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('nginx:1.25');
    const pods = await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=web']);
    expect(pods.items).toHaveLength(2);
    expect(pods.items.every((p) => p.status?.phase === 'Running' && (p.metadata.ownerReferences ?? []).length === 1)).toBe(true);
    const ep = await k.json<{ subsets: { addresses: unknown[] }[] }>(['get', 'endpoints', 'web', '-n', 'shop']);
    expect(ep.subsets[0]?.addresses).toHaveLength(2);
    expect((await k.ok(['apply', '-f', file])).match(/unchanged/g)).toHaveLength(3);
  });

  it('rolls out a change and rolls it back with rollout undo, reusing the earlier ReplicaSet', async () => {
    const file = k.file('app2.yaml', APP.replace('nginx:1.25', 'nginx:1.26'));
    expect(await k.ok(['apply', '-f', file])).toContain('deployment.apps/web configured');
    await k.ok(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s']);
    const history = await k.ok(['rollout', 'history', 'deployment/web', '-n', 'shop']);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
    expect(await k.ok(['rollout', 'undo', 'deployment/web', '-n', 'shop'])).toContain('rolled back');
    await k.ok(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s']);
    const dep = await k.json<K8sObject>(['get', 'deployment', 'web', '-n', 'shop']);
    expect(JSON.stringify(dep.spec?.template)).toContain('nginx:1.25');
    const sets = await k.json<K8sList>(['get', 'replicasets', '-n', 'shop']);
    expect(sets.items).toHaveLength(2);
    const active = sets.items.find((rs) => rs.spec?.replicas === 2);
    expect(active?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(JSON.stringify(active?.spec?.template)).toContain('nginx:1.25');
  });

  it('scales through the scale subresource', async () => {
    expect(await k.ok(['scale', 'deployment/web', '-n', 'shop', '--replicas=4'])).toContain('scaled');
    await k.ok(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s']);
    await waitFor(async () => {
      const pods = await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=web', '--field-selector', 'status.phase=Running']);
      expect(pods.items).toHaveLength(4);
    });
  });

  it('server-side applies, reports conflicts between field managers, and forces them', async () => {
    const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: "${value}", level: "1"}\n`;
    expect(await k.ok(['apply', '--server-side', '--field-manager=alice', '-f', k.file('cm1.yaml', cm('blue'))])).toContain('serverside-applied');
    const conflict = await k.run(['apply', '--server-side', '--field-manager=bob', '-f', k.file('cm2.yaml', cm('green'))]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "alice": .data.mode');
    await k.ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', k.file('cm2.yaml', cm('green'))]);
    const obj = await k.json<K8sObject & { metadata: { managedFields: { manager: string }[] } }>(['get', 'configmap', 'settings', '-n', 'shop', '--show-managed-fields']);
    expect(obj.data).toEqual({ mode: 'green', level: '1' });
    expect(obj.metadata.managedFields.map((m) => m.manager).sort()).toEqual(['alice', 'bob']);
    // Multi-document server-side apply of the whole application is idempotent.
    expect(await k.ok(['apply', '--server-side', '--force-conflicts', '-f', k.file('app.yaml', APP)])).toContain('deployment.apps/web serverside-applied');
  });

  it('streams changes to get --watch', async () => {
    const watcher = k.spawn(['get', 'configmaps', '-n', 'shop', '--watch', '--output-watch-events', '-o', 'json']);
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => expect(out).toContain('"settings"'));
      await k.ok(['create', '-f', k.file('watched.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: shop}\ndata: {v: "1"}\n')]);
      await k.ok(['patch', 'configmap', 'watched', '-n', 'shop', '--type=merge', '-p', '{"data":{"v":"2"}}']);
      await waitFor(() => {
        expect(out).toMatch(/"type":\s?"ADDED"[^\n]*"name":\s?"watched"/);
        expect(out).toMatch(/"type":\s?"MODIFIED"[^\n]*"v":\s?"2"/);
      });
    } finally {
      watcher.kill();
    }
  });

  it('serves pod logs', async () => {
    const pods = await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=web']);
    const name = pods.items[0]?.metadata.name ?? '';
    const logs = await k.ok(['logs', '-n', 'shop', name, '--tail=3']);
    expect(logs.trim().split('\n')).toHaveLength(3);
    expect(logs).toContain(`pod shop/${name}`);
  });

  it('creates a CRD and then one of its custom resources', async () => {
    await k.ok(['apply', '-f', k.file('crd.yaml', CRD)]);
    await k.ok(['wait', '--for', 'condition=established', 'crd/widgets.example.com', '--timeout=10s']);
    expect(await k.ok(['api-resources', '--api-group=example.com', '--no-headers'])).toMatch(/^widgets\s+wd\s+example.com\/v1\s+true\s+Widget$/m);
    await k.ok(['apply', '-f', k.file('cr.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: gear, namespace: shop}\nspec: {size: 3}\n')]);
    const cr = await k.json<K8sObject>(['get', 'wd', 'gear', '-n', 'shop']);
    expect(cr.spec).toEqual({ size: 3 });
    await k.ok(['delete', 'crd', 'widgets.example.com']);
    await waitFor(async () => expect((await k.run(['get', 'widgets', '-n', 'shop'])).code).not.toBe(0));
  });

  it('deletes with cascade: foreground removes dependents, orphan keeps them', async () => {
    const orphanFile = k.file('orphan.yaml', APP.replaceAll('name: web', 'name: api').replaceAll('app: web', 'app: api').replace(/^apiVersion: v1\nkind: Namespace[\s\S]*?---\n/m, ''));
    await k.ok(['apply', '-f', orphanFile]);
    await k.ok(['rollout', 'status', 'deployment/api', '-n', 'shop', '--timeout=30s']);
    await k.ok(['delete', 'deployment', 'api', '-n', 'shop', '--cascade=orphan']);
    const orphaned = await k.json<K8sList>(['get', 'replicasets', '-n', 'shop', '-l', 'app=api']);
    expect(orphaned.items).toHaveLength(1);
    expect(orphaned.items[0]?.metadata.ownerReferences).toBeUndefined();

    await k.ok(['delete', 'deployment', 'web', '-n', 'shop', '--cascade=foreground']);
    const sets = await k.json<K8sList>(['get', 'replicasets', '-n', 'shop', '-l', 'app=web']);
    const pods = await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=web']);
    expect(sets.items).toHaveLength(0);
    expect(pods.items).toHaveLength(0);
  });

  it('pauses, resumes and restarts a rollout', async () => {
    const file = k.file('paused.yaml', APP.replaceAll('name: web', 'name: paused').replaceAll('app: web', 'app: paused').replace(/^apiVersion: v1\nkind: Namespace[\s\S]*?---\n/m, ''));
    await k.ok(['apply', '-f', file]);
    await k.ok(['rollout', 'status', 'deployment/paused', '-n', 'shop', '--timeout=30s']);
    await k.ok(['rollout', 'pause', 'deployment/paused', '-n', 'shop']);
    await k.ok(['set', 'image', 'deployment/paused', '-n', 'shop', 'paused=nginx:1.27']);
    await new Promise((r) => setTimeout(r, 300));
    expect((await k.json<K8sList>(['get', 'replicasets', '-n', 'shop', '-l', 'app=paused'])).items).toHaveLength(1);
    await k.ok(['rollout', 'resume', 'deployment/paused', '-n', 'shop']);
    await k.ok(['rollout', 'status', 'deployment/paused', '-n', 'shop', '--timeout=30s']);
    expect((await k.json<K8sList>(['get', 'replicasets', '-n', 'shop', '-l', 'app=paused'])).items).toHaveLength(2);
    await k.ok(['rollout', 'restart', 'deployment/paused', '-n', 'shop']);
    await k.ok(['rollout', 'status', 'deployment/paused', '-n', 'shop', '--timeout=30s']);
    expect((await k.json<K8sList>(['get', 'replicasets', '-n', 'shop', '-l', 'app=paused'])).items).toHaveLength(3);
  });

  it('runs StatefulSets, DaemonSets and Jobs to their documented end states', async () => {
    const manifests = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: agent:1}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: m, image: migrate:1}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: broken, namespace: shop}
spec:
  backoffLimit: 1
  template:
    metadata: {annotations: {sim.spinnaker.io/behavior: fail, sim.spinnaker.io/run-ms: "50"}}
    spec: {restartPolicy: Never, containers: [{name: b, image: broken:1}]}
`;
    await k.ok(['apply', '-f', k.file('workloads.yaml', manifests)]);
    await k.ok(['rollout', 'status', 'statefulset/db', '-n', 'shop', '--timeout=30s']);
    await k.ok(['rollout', 'status', 'daemonset/agent', '-n', 'shop', '--timeout=30s']);
    const dbPods = await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=db']);
    expect(dbPods.items.map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    expect((await k.json<K8sList>(['get', 'pods', '-n', 'shop', '-l', 'app=agent'])).items).toHaveLength(3);
    await k.ok(['wait', '--for=condition=complete', 'job/migrate', '-n', 'shop', '--timeout=20s']);
    await k.ok(['wait', '--for=condition=failed', 'job/broken', '-n', 'shop', '--timeout=20s']);
    const broken = await k.json<K8sObject>(['get', 'job', 'broken', '-n', 'shop']);
    expect(broken.status).toMatchObject({ failed: 2 });
  });
});

describe('kube simulator with client-certificate kubeconfig', () => {
  it('authenticates kubectl by client certificate and rejects revoked credentials', async () => {
    const sim = await startKubeSim({ auth: 'cert', clusters: 2 });
    try {
      const k = kubectlFor(sim.kubeconfig);
      expect(await k.ok(['get', 'namespaces', '-o', 'name', '--context', 'sim-2'])).toContain('namespace/default');
      sim.setFaults('sim-2', { unauthorized: true });
      const denied = await k.run(['get', 'namespaces', '--context', 'sim-2']);
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/provide credentials|Unauthorized/);
      expect(await k.ok(['get', 'namespaces', '-o', 'name', '--context', 'sim-1'])).toContain('namespace/default');
    } finally {
      await sim.stop();
    }
  });
});

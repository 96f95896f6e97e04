/**
 * Everyday kubectl commands against the Kubernetes API server simulator: the typed generators
 * (which send protobuf bodies), `kind: List` files, Deployment, StatefulSet and DaemonSet
 * rollouts, explain (built-in kinds and CRDs), server-side tables, describe, top,
 * label/annotate/scale/set, patch types and diff, delete cascades, cordon/drain, replace/edit,
 * logs, wait and the auth commands. Each test works in its own namespace, so the tests run
 * concurrently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim } from '../src/testing/kubeSim/index.js';
import { kubectlFor } from './helpers/kubectl.js';
import type { Kubectl } from './helpers/kubectl.js';
import { waitFor } from './helpers/waitFor.js';

interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string }[];
  deletionTimestamp?: string;
}
interface K8sObject {
  kind?: string;
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  type?: string;
  value?: number;
  rules?: unknown[];
  subjects?: unknown[];
  roleRef?: Record<string, unknown>;
}
interface K8sList {
  items: K8sObject[];
}
interface PodSpecLike {
  template: { metadata?: { labels?: Record<string, string> }; spec: { restartPolicy?: string; containers: { name: string; image: string; command?: string[]; ports?: { containerPort: number }[]; env?: { name: string; value?: string }[]; resources?: Record<string, unknown> }[] } };
}

const image = (d: K8sObject): string | undefined => (d.spec as unknown as PodSpecLike | undefined)?.template.spec.containers[0]?.image;

// Generous per-test limit: each test runs dozens of kubectl processes, and on a busy two-core
// machine a kubectl start alone can take half a second.
describe.concurrent('everyday kubectl commands against the simulator', { timeout: 90_000 }, () => {
  let sim: KubeSim;
  let k: Kubectl;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, cluster: { metricsServer: true }, timing: { reconcileDelayMs: 5, podStartMs: 50 } });
    k = kubectlFor(sim.kubeconfig);
  });
  afterAll(async () => {
    await sim.stop();
  });

  // Setup steps that are not the command under test go straight to the simulator, sparing a
  // kubectl process each (the suite's time is mostly kubectl start-up).

  /** A namespace for one test. */
  function namespace(ns: string): void {
    const cluster = sim.cluster('sim-1');
    cluster.create(cluster.type('', 'v1', 'namespaces'), undefined, { metadata: { name: ns } });
  }

  /** Waits until a Deployment's rollout is complete, as `kubectl rollout status` would report. */
  async function rolledOut(ns: string, name: string): Promise<void> {
    const cluster = sim.cluster('sim-1');
    await waitFor(() => {
      const d = cluster.get(cluster.type('apps', 'v1', 'deployments'), ns, name);
      const desired = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      const status = (d.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
      expect(status.observedGeneration).toBe(d.metadata.generation);
      expect([status.replicas ?? 0, status.updatedReplicas ?? 0, status.availableReplicas ?? 0]).toEqual([desired, desired, desired]);
    }, 20_000);
  }

  it('creates objects with the typed generators (protobuf bodies)', async () => {
    const ns = 'gen';
    expect(await k.ok(['create', 'namespace', ns])).toBe(`namespace/${ns} created\n`);
    const created = await Promise.all([
      k.ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.25', '--replicas=3', '--port=8080']),
      k.ok(['create', 'configmap', 'settings', '-n', ns, '--from-literal=mode=blue', '--from-literal=level=2']),
      k.ok(['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=user=admin', '--from-literal=pass=s3cr3t']),
      k.ok(['create', 'secret', 'docker-registry', 'pull', '-n', ns, '--docker-server=registry.example.com', '--docker-username=u', '--docker-password=p']),
      k.ok(['create', 'job', 'once', '-n', ns, '--image=busybox:1.36', '--', 'echo', 'hello']),
      k.ok(['create', 'cronjob', 'nightly', '-n', ns, '--image=busybox:1.36', '--schedule=0 3 * * *', '--', 'date']),
      k.ok(['create', 'serviceaccount', 'robot', '-n', ns]),
      k.ok(['create', 'service', 'clusterip', 'backend', '-n', ns, '--tcp=5678:8080']),
      k.ok(['create', 'role', 'reader', '-n', ns, '--verb=get,list', '--resource=pods']),
      k.ok(['create', 'rolebinding', 'reader-bob', '-n', ns, '--role=reader', '--user=bob']),
      k.ok(['create', 'clusterrole', 'gen-viewer', '--verb=get', '--resource=nodes']),
      k.ok(['create', 'clusterrolebinding', 'gen-viewer-bob', '--clusterrole=gen-viewer', '--user=bob']),
      k.ok(['create', 'quota', 'small', '-n', ns, '--hard=pods=10,requests.cpu=2']),
      k.ok(['create', 'poddisruptionbudget', 'web-pdb', '-n', ns, '--selector=app=web', '--min-available=1']),
      k.ok(['create', 'ingress', 'site', '-n', ns, '--rule=shop.example.com/cart*=backend:5678']),
      k.ok(['create', 'priorityclass', 'gen-high', '--value=1000', '--description=important']),
      k.ok(['create', 'service', 'loadbalancer', 'edge', '-n', ns, '--tcp=443:8443']),
    ]);
    expect(created.join('')).toMatch(/deployment.apps\/web created[\s\S]*configmap\/settings created[\s\S]*secret\/creds created[\s\S]*job.batch\/once created[\s\S]*priorityclass.scheduling.k8s.io\/gen-high created/);

    // One GET of many kinds comes back as a List, in the order asked.
    const fetched = await k.json<K8sList>(['get', '-n', ns, 'deployment/web', 'configmap/settings', 'secret/creds', 'secret/pull', 'job/once', 'cronjob/nightly', 'service/backend', 'role/reader', 'rolebinding/reader-bob', 'quota/small', 'pdb/web-pdb', 'ingress/site', 'priorityclass/gen-high', 'service/edge']);
    const [dep, cm, secret, pull, job, cron, svc, role, binding, quota, pdb, ing, pc, edge] = fetched.items as [K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject, K8sObject];
    expect(fetched.items.map((o) => o.kind)).toEqual(['Deployment', 'ConfigMap', 'Secret', 'Secret', 'Job', 'CronJob', 'Service', 'Role', 'RoleBinding', 'ResourceQuota', 'PodDisruptionBudget', 'Ingress', 'PriorityClass', 'Service']);
    const depSpec = dep.spec as unknown as PodSpecLike & { replicas: number; selector: unknown };
    expect(depSpec.replicas).toBe(3);
    expect(depSpec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(depSpec.template.spec.containers[0]).toMatchObject({ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 8080 }] });
    expect(cm.data).toEqual({ mode: 'blue', level: '2' });
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data?.pass ?? '', 'base64').toString()).toBe('s3cr3t');
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    expect(Buffer.from(pull.data?.['.dockerconfigjson'] ?? '', 'base64').toString()).toContain('registry.example.com');
    const jobSpec = job.spec as unknown as PodSpecLike;
    expect(jobSpec.template.spec.restartPolicy).toBe('Never');
    expect(jobSpec.template.spec.containers[0]?.command).toEqual(['echo', 'hello']);
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *' });
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'backend' }, ports: [{ name: '5678-8080', port: 5678, targetPort: 8080, protocol: 'TCP' }] });
    expect(role.rules).toEqual([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }]);
    expect(quota.spec).toEqual({ hard: { pods: '10', 'requests.cpu': '2' } });
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
    expect(JSON.stringify(ing.spec)).toContain('"host":"shop.example.com"');
    expect(JSON.stringify(ing.spec)).toContain('"pathType":"Prefix"');
    expect(pc.value).toBe(1000);
    // A LoadBalancer Service gets a node port allocated, as the API server's allocator does.
    const edgePort = (edge.spec?.ports as { port: number; nodePort: number }[] | undefined)?.[0];
    expect(edge.spec?.type).toBe('LoadBalancer');
    expect(edgePort?.port).toBe(443);
    expect(edgePort?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(edgePort?.nodePort).toBeLessThanOrEqual(32767);

    // Generators that read an object first: expose, autoscale, create job --from.
    await rolledOut(ns, 'web');
    expect(await k.ok(['expose', 'deployment', 'web', '-n', ns, '--port=80', '--target-port=8080'])).toContain('service/web exposed');
    expect(await k.ok(['autoscale', 'deployment', 'web', '-n', ns, '--min=2', '--max=5', '--cpu-percent=70'])).toContain('horizontalpodautoscaler.autoscaling/web autoscaled');
    expect(await k.ok(['create', 'job', 'manual', '-n', ns, '--from=cronjob/nightly'])).toContain('job.batch/manual created');
    const [exposed, hpa, manual] = (await k.json<K8sList>(['get', '-n', ns, 'service/web', 'hpa/web', 'job/manual'])).items as [K8sObject, K8sObject, K8sObject];
    expect(exposed.spec).toMatchObject({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'web' } });
    expect(manual.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'nightly' });
    await k.ok(['wait', '--for=condition=complete', 'job/once', 'job/manual', '-n', ns, '--timeout=20s']);

    // A protobuf create of an existing object is a conflict, not a decoding problem.
    const again = await k.run(['create', 'configmap', 'settings', '-n', ns, '--from-literal=x=y']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('configmaps "settings" already exists');
  });

  it('applies a kind: List file, then reports the items unchanged, configured or pruned', async () => {
    const ns = 'listed';
    namespace(ns);
    const list = (level: string): string => `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: first, namespace: ${ns}, labels: {set: listed}}
  data: {level: "${level}"}
- apiVersion: v1
  kind: ServiceAccount
  metadata: {name: second, namespace: ${ns}}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: third, namespace: ${ns}, labels: {set: listed}}
  spec:
    replicas: 1
    selector: {matchLabels: {app: third}}
    template:
      metadata: {labels: {app: third}}
      spec: {containers: [{name: app, image: "app:1"}]}
`;
    const out = await k.ok(['apply', '-f', k.file('list1.yaml', list('1'))]);
    expect(out).toContain('configmap/first created');
    expect(out).toContain('serviceaccount/second created');
    expect(out).toContain('deployment.apps/third created');
    expect((await k.ok(['apply', '-f', k.file('list1.yaml', list('1'))])).match(/unchanged/g)).toHaveLength(3);
    const changed = await k.ok(['apply', '-f', k.file('list2.yaml', list('2'))]);
    expect(changed).toContain('configmap/first configured');
    expect(changed).toContain('deployment.apps/third unchanged');
    expect((await k.json<K8sObject>(['get', 'configmap', 'first', '-n', ns])).data).toEqual({ level: '2' });
    // get -o yaml of several kinds comes back as a List too.
    const yaml = await k.ok(['get', 'configmap/first', 'serviceaccount/second', '-n', ns, '-o', 'yaml']);
    expect(yaml).toMatch(/^kind: List$/m);
    expect(yaml).toContain('name: second');
    // apply --prune deletes labelled objects of the prunable kinds that the file no longer holds.
    const withoutFirst = list('2').replace(/^- apiVersion: v1\n {2}kind: ConfigMap\n(?: {2}.*\n)+/m, '');
    const pruned = await k.ok(['apply', '--prune', '-l', 'set=listed', '-n', ns, '-f', k.file('list3.yaml', withoutFirst)]);
    expect(pruned).toContain('deployment.apps/third unchanged');
    expect(pruned).toContain('configmap/first pruned');
    expect((await k.run(['get', 'configmap', 'first', '-n', ns])).stderr).toContain('configmaps "first" not found');
  });

  it('rolls a generated Deployment forward and back (history --revision, undo, undo --to-revision)', async () => {
    const ns = 'rollouts';
    namespace(ns);
    await k.ok(['create', 'deployment', 'app', '-n', ns, '--image=app:1', '--replicas=2']);
    await k.ok(['rollout', 'status', 'deployment/app', '-n', ns, '--timeout=20s']);
    for (const v of ['2', '3']) {
      await k.ok(['set', 'image', 'deployment/app', '-n', ns, `app=app:${v}`]);
      await k.ok(['rollout', 'status', 'deployment/app', '-n', ns, '--timeout=20s']);
    }
    const history = await k.ok(['rollout', 'history', 'deployment/app', '-n', ns]);
    expect(history).toMatch(/^1\s+<none>$/m);
    expect(history).toMatch(/^3\s+<none>$/m);
    expect(await k.ok(['rollout', 'history', 'deployment/app', '-n', ns, '--revision=2'])).toMatch(/Image:\s+app:2/);

    expect(await k.ok(['rollout', 'undo', 'deployment/app', '-n', ns, '--to-revision=1'])).toContain('deployment.apps/app rolled back');
    await k.ok(['rollout', 'status', 'deployment/app', '-n', ns, '--timeout=20s']);
    const back = await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]);
    expect(image(back)).toBe('app:1');
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');

    expect(await k.ok(['rollout', 'undo', 'deployment/app', '-n', ns])).toContain('rolled back');
    await k.ok(['rollout', 'status', 'deployment/app', '-n', ns, '--timeout=20s']);
    expect(image(await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]))).toBe('app:3');
    const missing = await k.run(['rollout', 'undo', 'deployment/app', '-n', ns, '--to-revision=42']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('unable to find specified revision 42 in history');

    // rollout restart, pause and resume are covered in kubeSim.kubectl.test.ts.
  });

  it('keeps StatefulSet and DaemonSet history in ControllerRevisions: rollout history and undo', async () => {
    const ns = 'history';
    namespace(ns);
    const workload = (kind: string, name: string): string => `
apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
  ${kind === 'StatefulSet' ? `replicas: 2\n  serviceName: ${name}` : 'updateStrategy: {type: RollingUpdate}'}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: main, image: "${name}:1"}]}
`;
    await k.ok(['apply', '-f', k.file('history.yaml', `${workload('StatefulSet', 'db')}---${workload('DaemonSet', 'agent')}`)]);
    for (const target of ['statefulset/db', 'daemonset/agent']) {
      await k.ok(['rollout', 'status', target, '-n', ns, '--timeout=20s']);
      await k.ok(['set', 'image', target, '-n', ns, `main=${target.split('/')[1] ?? ''}:2`]);
      await k.ok(['rollout', 'status', target, '-n', ns, '--timeout=20s']);
    }
    const [stsHistory, dsHistory, revisionOne, revisions] = await Promise.all([
      k.ok(['rollout', 'history', 'statefulset/db', '-n', ns]),
      k.ok(['rollout', 'history', 'daemonset/agent', '-n', ns]),
      k.ok(['rollout', 'history', 'statefulset/db', '-n', ns, '--revision=1']),
      k.ok(['get', 'controllerrevisions', '-n', ns, '--sort-by=.revision']),
    ]);
    for (const history of [stsHistory, dsHistory]) expect(history).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>$/m);
    expect(revisionOne).toMatch(/Image:\s+db:1/);
    expect(revisions).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE$/m);
    expect(revisions).toMatch(/^db-\w+\s+statefulset.apps\/db\s+2\s/m);
    expect(revisions).toMatch(/^agent-\w+\s+daemonset.apps\/agent\s+1\s/m);

    await Promise.all(['statefulset/db', 'daemonset/agent'].map((target) => k.ok(['rollout', 'undo', target, '-n', ns])));
    await Promise.all(['statefulset/db', 'daemonset/agent'].map((target) => k.ok(['rollout', 'status', target, '-n', ns, '--timeout=20s'])));
    await waitFor(async () => {
      const pods = await k.json<K8sList>(['get', 'pods', '-n', ns]);
      const images = pods.items.filter((p) => p.metadata.deletionTimestamp === undefined).map((p) => (p.spec as { containers: { image: string }[] }).containers[0]?.image).sort();
      expect(images).toEqual(['agent:1', 'agent:1', 'agent:1', 'db:1', 'db:1']);
    });
    // The earlier revision is renumbered, not duplicated.
    expect(await k.ok(['rollout', 'history', 'statefulset/db', '-n', ns])).toMatch(/^2\s+<none>\n3\s+<none>$/m);
  });

  it('explains built-in kinds and fields from the OpenAPI schemas', async () => {
    const [deploymentSpec, containers, service, missing] = await Promise.all([
      k.ok(['explain', 'deployment.spec']),
      k.ok(['explain', 'pods.spec.containers']),
      k.ok(['explain', 'services', '--recursive']),
      k.run(['explain', 'deployment.spec.nonsense']),
    ]);
    expect(deploymentSpec).toMatch(/^GROUP:\s+apps$/m);
    expect(deploymentSpec).toMatch(/^KIND:\s+Deployment$/m);
    expect(deploymentSpec).toMatch(/^FIELD: spec <DeploymentSpec>$/m);
    expect(deploymentSpec).toMatch(/^ {2}replicas\t<integer>$/m);
    expect(deploymentSpec).toMatch(/^ {2}template\t<PodTemplateSpec> -required-$/m);
    expect(containers).toMatch(/^FIELD: containers <\[\]Container>$/m);
    expect(containers).toMatch(/^ {2}image\t<string>$/m);
    expect(service).toMatch(/^ {4}ports\t<\[\]ServicePort>$/m);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('field "nonsense" does not exist');

    // Custom resources are explained from their CRD's structural schema.
    const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.org}
spec:
  group: example.org
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A gadget.
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, description: How big the gadget is.}
`;
    await k.ok(['apply', '-f', k.file('gadget-crd.yaml', crd)]);
    await k.ok(['wait', '--for=condition=established', 'crd/gadgets.example.org', '--timeout=20s']);
    const gadget = await k.ok(['explain', 'gadgets.spec']);
    expect(gadget).toMatch(/^KIND:\s+Gadget$/m);
    expect(gadget).toMatch(/^ {2}size\t<integer>\n\s+How big the gadget is\.$/m);
  });

  it('prints server-side tables: get -o wide, --show-labels, selectors, names, jsonpath, yaml', async () => {
    const ns = 'tables';
    namespace(ns);
    await k.ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.25', '--replicas=2']);
    await k.ok(['expose', 'deployment', 'web', '-n', ns, '--port=80']);
    await rolledOut(ns, 'web');
    await k.ok(['label', 'pods', '-n', ns, '-l', 'app=web', 'tier=front']);
    const [deploy, pods, svc, byLabel, names, phases, yaml, all] = await Promise.all([
      k.ok(['get', 'deployments', '-n', ns, '-o', 'wide']),
      k.ok(['get', 'pods', '-n', ns, '-o', 'wide', '--show-labels']),
      k.ok(['get', 'svc', 'web', '-n', ns]),
      k.ok(['get', 'pods', '-n', ns, '-l', 'tier=front,app in (web)', '--no-headers']),
      k.ok(['get', 'pods', '-n', ns, '-l', 'tier!=front', '-o', 'name']),
      k.ok(['get', 'pods', '-n', ns, '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].status.phase}']),
      k.ok(['get', 'deployment', 'web', '-n', ns, '-o', 'yaml']),
      k.ok(['get', 'all', '-n', ns]),
    ]);
    expect(deploy).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    expect(deploy).toMatch(/^web\s+2\/2\s+2\s+2\s+\S+\s+nginx\s+nginx:1.25\s+app=web$/m);
    expect(pods).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s+LABELS$/m);
    expect(pods.match(/^web-\S+\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\S+\s+sim-node-\d\s+<none>\s+<none>\s+app=web,pod-template-hash=\w+,tier=front$/gm)).toHaveLength(2);
    expect(svc).toMatch(/^web\s+ClusterIP\s+10\.96\.\S+\s+<none>\s+80\/TCP\s+\S+$/m);
    expect(byLabel.trim().split('\n')).toHaveLength(2);
    expect(names).toBe('');
    expect(phases).toBe('Running Running');
    expect(yaml).toMatch(/^kind: Deployment$/m);
    expect(yaml).toContain('image: nginx:1.25');
    expect(all).toMatch(/^deployment.apps\/web\s+2\/2/m);
    expect(all).toMatch(/^replicaset.apps\/web-\w+\s+2\s+2\s+2/m);
    expect(all).toMatch(/^service\/web\s+ClusterIP/m);

    // A crash-looping pod (kubectl run with the simulator's behaviour annotation).
    await k.ok(['run', 'crashy', '-n', ns, '--image=crashy:1', '--annotations=sim.spinnaker.io/behavior=crash', '--labels=app=crashy']);
    await waitFor(async () => expect(await k.ok(['get', 'pods', '-n', ns, '-l', 'app=crashy', '--no-headers'])).toMatch(/^crashy\s+0\/1\s+CrashLoopBackOff\s+3 \(\d+s ago\)\s+\S+$/m), 20_000);
  });

  it('describes a deployment, its pods, a service and a node; top shows pod and node usage', async () => {
    const ns = 'described';
    namespace(ns);
    await k.ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.25', '--replicas=2', '--port=80']);
    await k.ok(['expose', 'deployment', 'web', '-n', ns, '--port=80']);
    await rolledOut(ns, 'web');
    const [deploy, pods, svc, node] = await Promise.all([
      k.ok(['describe', 'deployment', 'web', '-n', ns]),
      k.ok(['describe', 'pods', '-n', ns, '-l', 'app=web']),
      k.ok(['describe', 'service', 'web', '-n', ns]),
      k.ok(['describe', 'node', 'sim-node-1']),
    ]);
    expect(deploy).toMatch(/^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    expect(deploy).toMatch(/^NewReplicaSet:\s+web-\w+ \(2\/2 replicas created\)$/m);
    expect(deploy).toMatch(/Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ to 2/);
    expect(deploy).toMatch(/^\s+Port:\s+80\/TCP$/m);
    expect(pods.match(/^Status:\s+Running$/gm)).toHaveLength(2);
    expect(pods).toMatch(/^Controlled By:\s+ReplicaSet\/web-\w+$/m);
    expect(svc).toMatch(/^Selector:\s+app=web$/m);
    expect(svc).toMatch(/^TargetPort:\s+80\/TCP$/m);
    expect(svc).toMatch(/^IP Families:\s+IPv4$/m);
    // describe reads the endpoints from EndpointSlices.
    await waitFor(async () => expect(await k.ok(['describe', 'service', 'web', '-n', ns])).toMatch(/^Endpoints:\s+10\.244\.[\d.]+:80,10\.244\.[\d.]+:80$/m));
    expect(node).toMatch(/^Name:\s+sim-node-1$/m);
    expect(node).toMatch(/^Allocatable:\n\s+cpu:\s+3900m$/m);
    // kubectl top reads the metrics.k8s.io API.
    const [topPods, topContainers, topNode] = await Promise.all([
      k.ok(['top', 'pods', '-n', ns]),
      k.ok(['top', 'pods', '-n', ns, '-l', 'app=web', '--containers', '--no-headers']),
      k.ok(['top', 'node', 'sim-node-1']),
    ]);
    expect(topPods).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
    expect(topPods.match(/^web-\S+\s+\d+m\s+\d+Mi\s*$/gm)).toHaveLength(2);
    expect(topContainers.match(/^web-\S+\s+nginx\s+\d+m\s+\d+Mi\s*$/gm)).toHaveLength(2);
    expect(topNode).toMatch(/^sim-node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/m);
  });

  it('labels, annotates, scales and sets images, env and resources', async () => {
    const ns = 'edits';
    namespace(ns);
    await k.ok(['create', 'deployment', 'app', '-n', ns, '--image=app:1']);
    expect(await k.ok(['label', 'deployment', 'app', '-n', ns, 'team=red'])).toContain('labeled');
    const clash = await k.run(['label', 'deployment', 'app', '-n', ns, 'team=blue']);
    expect(clash.code).not.toBe(0);
    expect(clash.stderr).toContain("'team' already has a value (red), and --overwrite is false");
    await k.ok(['label', 'deployment', 'app', '-n', ns, 'team=blue', '--overwrite']);
    await k.ok(['annotate', 'deployment', 'app', '-n', ns, 'owner=ops', 'kubernetes.io/change-cause=tuning']);
    await k.ok(['annotate', 'deployment', 'app', '-n', ns, 'owner-']);
    expect(await k.ok(['scale', 'deployment', 'app', '-n', ns, '--replicas=3'])).toContain('scaled');
    const stale = await k.run(['scale', 'deployment', 'app', '-n', ns, '--current-replicas=1', '--replicas=5']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('Expected replicas to be 1, was 3');
    await k.ok(['set', 'image', 'deployment/app', '-n', ns, 'app=app:2']);
    await k.ok(['set', 'env', 'deployment/app', '-n', ns, 'MODE=fast', 'LEVEL=3']);
    await k.ok(['set', 'env', 'deployment/app', '-n', ns, 'LEVEL-']);
    await k.ok(['set', 'resources', 'deployment/app', '-n', ns, '--limits=cpu=200m,memory=256Mi', '--requests=cpu=100m']);
    const dep = await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]);
    expect(dep.metadata.labels).toEqual({ app: 'app', team: 'blue' });
    expect(dep.metadata.annotations?.['kubernetes.io/change-cause']).toBe('tuning');
    expect(dep.metadata.annotations?.owner).toBeUndefined();
    expect(dep.spec?.replicas).toBe(3);
    const container = (dep.spec as unknown as PodSpecLike).template.spec.containers[0];
    expect(container?.image).toBe('app:2');
    expect(container?.env).toEqual([{ name: 'MODE', value: 'fast' }]);
    expect(container?.resources).toEqual({ limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '100m' } });
  });

  it('patches with strategic merge, merge, JSON patch, dry runs and the scale subresource', async () => {
    const ns = 'patches';
    namespace(ns);
    await k.ok(['create', 'deployment', 'app', '-n', ns, '--image=app:1']);
    // Strategic merge: containers merge by name, so the sidecar is added beside the app container.
    await k.ok(['patch', 'deployment', 'app', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"proxy:1"}]}}}}']);
    let dep = await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]);
    expect((dep.spec as unknown as PodSpecLike).template.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'app']);
    // Merge patch replaces the list.
    await k.ok(['patch', 'deployment', 'app', '-n', ns, '--type=merge', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}']);
    dep = await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]);
    expect((dep.spec as unknown as PodSpecLike).template.spec.containers.map((c) => c.image)).toEqual(['app:2']);
    // JSON patch with a failing test operation changes nothing.
    const failed = await k.run(['patch', 'deployment', 'app', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":7},{"op":"replace","path":"/spec/replicas","value":2}]']);
    expect(failed.code).not.toBe(0);
    await k.ok(['patch', 'deployment', 'app', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/patched","value":"yes"}]']);
    // Dry run: reported, not stored.
    expect(await k.ok(['patch', 'deployment', 'app', '-n', ns, '--type=merge', '-p', '{"spec":{"replicas":9}}', '--dry-run=server'])).toContain('patched');
    expect((await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns])).spec?.replicas).toBe(1);
    // The scale subresource.
    await k.ok(['patch', 'deployment', 'app', '-n', ns, '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    dep = await k.json<K8sObject>(['get', 'deployment', 'app', '-n', ns]);
    expect(dep.spec?.replicas).toBe(2);
    expect(dep.metadata.labels?.patched).toBe('yes');
    // kubectl diff uses a server-side dry-run apply and exits 1 on differences.
    const manifest = await k.ok(['get', 'deployment', 'app', '-n', ns, '-o', 'yaml']);
    const diff = await k.run(['diff', '-f', k.file('diff.yaml', manifest.replace('image: app:2', 'image: app:3'))]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^\+\s+- image: app:3$/m);
  });

  it('deletes with --cascade background, foreground and orphan, by selector, and as a dry run', async () => {
    const ns = 'deletes';
    namespace(ns);
    await Promise.all(['bg', 'fg', 'orphan'].map((name) => k.ok(['create', 'deployment', name, '-n', ns, '--image=app:1'])));
    await Promise.all(['bg', 'fg', 'orphan'].map((name) => rolledOut(ns, name)));
    expect(await k.ok(['delete', 'deployment', 'bg', '-n', ns, '--dry-run=server'])).toContain('deleted (server dry run)');
    expect((await k.json<K8sObject>(['get', 'deployment', 'bg', '-n', ns])).metadata.name).toBe('bg');
    await Promise.all([
      k.ok(['delete', 'deployment', 'bg', '-n', ns, '--cascade=background']),
      k.ok(['delete', 'deployment', 'fg', '-n', ns, '--cascade=foreground']),
      k.ok(['delete', 'deployment', 'orphan', '-n', ns, '--cascade=orphan']),
    ]);
    await waitFor(async () => {
      const sets = await k.json<K8sList>(['get', 'replicasets', '-n', ns]);
      expect(sets.items.map((rs) => rs.metadata.labels?.app)).toEqual(['orphan']);
    });
    const orphans = await k.json<K8sList>(['get', 'pods', '-n', ns, '-l', 'app=orphan']);
    expect(orphans.items).toHaveLength(1);
    await k.ok(['create', 'configmap', 'a', '-n', ns, '--from-literal=x=1']);
    await k.ok(['create', 'configmap', 'b', '-n', ns, '--from-literal=x=1']);
    await k.ok(['label', 'configmap', 'a', 'b', '-n', ns, 'batch=old']);
    expect(await k.ok(['delete', 'configmaps', '-n', ns, '-l', 'batch=old'])).toMatch(/configmap "a" deleted\nconfigmap "b" deleted/);
    const gone = await k.run(['get', 'configmap', 'a', '-n', ns]);
    expect(gone.stderr).toContain('configmaps "a" not found');
    expect(await k.ok(['delete', 'replicasets', '--all', '-n', ns, '--wait'])).toMatch(/replicaset.apps "orphan-\w+" deleted/);
  });

  it('serves logs of pods, deployments and jobs, and waits for conditions, jsonpath values and deletion', async () => {
    const ns = 'logs';
    namespace(ns);
    await k.ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx:1.25', '--replicas=2']);
    await k.ok(['create', 'job', 'task', '-n', ns, '--image=busybox:1.36']);
    expect(await k.ok(['wait', '--for=condition=Available', 'deployment/web', '-n', ns, '--timeout=20s'])).toContain('condition met');
    expect(await k.ok(['wait', '--for=jsonpath={.status.readyReplicas}=2', 'deployment/web', '-n', ns, '--timeout=20s'])).toContain('condition met');
    await k.ok(['wait', '--for=condition=complete', 'job/task', '-n', ns, '--timeout=20s']);
    const [fromDeployment, byLabel, fromJob] = await Promise.all([
      k.ok(['logs', 'deployment/web', '-n', ns, '--tail=2']),
      k.ok(['logs', '-n', ns, '-l', 'app=web', '--prefix', '--tail=1']),
      k.ok(['logs', 'job/task', '-n', ns, '-c', 'task', '--timestamps']),
    ]);
    expect(fromDeployment.trim().split('\n')).toHaveLength(2);
    expect(fromDeployment).toMatch(/\[nginx\] simulated log line 20 of pod logs\/web-/);
    expect(byLabel.trim().split('\n')).toHaveLength(2);
    expect(byLabel).toMatch(/^\[pod\/web-\S+\/nginx\] /m);
    expect(fromJob).toMatch(/^\d{4}-\d\d-\d\dT\S+ \[task\] simulated log line 1 of pod logs\/task-/m);
    // wait --for=delete on a pod a finalizer holds: it returns once the finalizer is removed.
    const pod = (await k.ok(['get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'name'])).split('\n')[0] ?? '';
    await k.ok(['patch', pod, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    expect(await k.ok(['delete', pod, '-n', ns, '--wait=false'])).toContain('deleted');
    expect((await k.json<K8sObject>(['get', pod, '-n', ns])).metadata.deletionTimestamp).toBeDefined();
    const waiter = k.spawn(['wait', '--for=delete', pod, '-n', ns, '--timeout=20s', '-v=6']);
    let waitOut = '';
    let waitLog = '';
    waiter.stdout.on('data', (d: Buffer) => (waitOut += d.toString()));
    waiter.stderr.on('data', (d: Buffer) => (waitLog += d.toString()));
    const exited = new Promise<number | null>((resolve) => waiter.on('exit', resolve));
    await waitFor(() => expect(waitLog).toMatch(/watch=true/), 20_000);
    expect(waitOut).toBe('');
    await k.ok(['patch', pod, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect(await exited).toBe(0);
    expect(waitOut).toContain('condition met');
    const timedOut = await k.run(['wait', '--for=condition=Failed', 'job/task', '-n', ns, '--timeout=1s']);
    expect(timedOut.code).not.toBe(0);
    expect(timedOut.stderr).toContain('timed out waiting for the condition');
  });

  it('cordons, drains and uncordons a node; replaces and edits objects; watches as a table', async () => {
    const ns = 'nodes';
    namespace(ns);
    await k.ok(['create', 'deployment', 'drained', '-n', ns, '--image=app:1', '--replicas=3']);
    await rolledOut(ns, 'drained');
    const nodeOf = (p: K8sObject): string => String((p.spec as { nodeName?: string } | undefined)?.nodeName);
    const before = (await k.json<K8sList>(['get', 'pods', '-n', ns, '-l', 'app=drained'])).items;
    const node = nodeOf(before[0] as K8sObject);
    const evicted = before.filter((p) => nodeOf(p) === node).map((p) => p.metadata.name);

    // A table watch prints the header once, then a row per change.
    const watcher = k.spawn(['get', 'pods', '-n', ns, '-l', 'app=drained', '--watch']);
    let watched = '';
    watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()));
    try {
      await waitFor(() => expect(watched.match(/^drained-\S+\s+1\/1\s+Running\s+0\s+\S+$/gm)).toHaveLength(3), 20_000);
      expect(await k.ok(['cordon', node])).toBe(`node/${node} cordoned\n`);
      expect(await k.ok(['get', 'node', node, '--no-headers'])).toMatch(/^\S+\s+Ready,SchedulingDisabled\s/);
      const drained = await k.ok(['drain', node, '--pod-selector=app=drained', '--ignore-daemonsets', '--timeout=20s']);
      for (const name of evicted) expect(drained).toContain(`pod/${name} evicted`);
      expect(drained).toContain(`node/${node} drained`);
      // Replacements avoid the cordoned node.
      await waitFor(async () => {
        const now = (await k.json<K8sList>(['get', 'pods', '-n', ns, '-l', 'app=drained', '--field-selector=status.phase=Running'])).items;
        expect(now.map((p) => p.metadata.name).filter((n) => evicted.includes(n))).toEqual([]);
        expect(now.filter((p) => nodeOf(p) !== node)).toHaveLength(3);
      }, 20_000);
      expect(await k.ok(['uncordon', node])).toBe(`node/${node} uncordoned\n`);
      await waitFor(() => expect(watched.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/gm)).toHaveLength(1));
      expect(watched.match(/^drained-\S+\s+1\/1\s+Running\s+0\s+\S+$/gm)?.length).toBeGreaterThanOrEqual(3 + evicted.length);
    } finally {
      watcher.kill();
    }

    // replace (and replace --force, which deletes and recreates) and edit through $EDITOR.
    const manifest = await k.ok(['get', 'deployment', 'drained', '-n', ns, '-o', 'yaml']);
    expect(await k.ok(['replace', '-f', k.file('replace.yaml', manifest.replace('image: app:1', 'image: app:2'))])).toContain('deployment.apps/drained replaced');
    const uid = (await k.json<K8sObject & { metadata: { uid: string } }>(['get', 'deployment', 'drained', '-n', ns])).metadata.uid;
    const forced = await k.ok(['replace', '--force', '-f', k.file('forced.yaml', manifest.replace(/^ {2}(resourceVersion|uid): .*\n/gm, ''))]);
    expect(forced).toMatch(/deployment.apps "drained" deleted\ndeployment.apps\/drained replaced/);
    expect((await k.json<K8sObject & { metadata: { uid: string } }>(['get', 'deployment', 'drained', '-n', ns])).metadata.uid).not.toBe(uid);
    const edited = await k.run(['edit', 'deployment', 'drained', '-n', ns], undefined, { EDITOR: 'sed -i s/replicas:\\ 3/replicas:\\ 2/' });
    expect(edited.stdout).toContain('deployment.apps/drained edited');
    expect((await k.json<K8sObject>(['get', 'deployment', 'drained', '-n', ns])).spec?.replicas).toBe(2);
  });

  it('answers auth can-i, auth whoami and create token', async () => {
    namespace('auth');
    await k.ok(['create', 'serviceaccount', 'builder', '-n', 'auth']);
    const [canI, list, whoami, token] = await Promise.all([
      k.ok(['auth', 'can-i', 'delete', 'deployments', '-n', 'auth']),
      k.ok(['auth', 'can-i', '--list', '-n', 'auth']),
      k.ok(['auth', 'whoami', '-o', 'json']),
      k.ok(['create', 'token', 'builder', '-n', 'auth', '--duration=10m']),
    ]);
    expect(canI.trim()).toBe('yes');
    expect(list).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(JSON.parse(whoami)).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'system:serviceaccount:spinnaker:clouddriver' } } });
    const claims = JSON.parse(Buffer.from(token.trim().split('.')[1] ?? '', 'base64url').toString()) as { sub: string; exp: number; iat: number };
    expect(claims.sub).toBe('system:serviceaccount:auth:builder');
    expect(claims.exp - claims.iat).toBe(600);
    sim.setFaults('sim-1', { forbidden: { resources: ['secrets'], namespaces: ['auth'] } });
    try {
      const denied = await k.run(['auth', 'can-i', 'get', 'secrets', '-n', 'auth']);
      expect(denied.stdout.trim()).toBe('no');
      expect(denied.code).toBe(1);
    } finally {
      sim.setFaults('sim-1', {});
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

interface Template {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: { name: string; image: string }[] };
}
const workload = (kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {
    ...(kind === 'DaemonSet' ? {} : { replicas: 1 }),
    ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
});

describe('undoRolloutManifest, pauseRolloutManifest, resumeRolloutManifest, rollingRestartManifest', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const type = (kind: string, apiVersion = 'apps/v1') => cluster().typeOfKind(apiVersion, kind);
  const live = (kind: string, name: string): KubeObj => cluster().get(type(kind), 'default', name);
  const templateOf = (o: KubeObj | undefined): Template => (o?.spec as { template: Template }).template;
  const imageOf = (o: KubeObj | undefined): string | undefined => templateOf(o).spec.containers[0]?.image;
  const setImage = (kind: string, name: string, image: string) =>
    cluster().patch(type(kind), 'default', name, 'application/strategic-merge-patch+json', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }));
  /** The deployment's ReplicaSets: image -> revision. */
  const revisions = (name: string): Record<string, number> =>
    Object.fromEntries(
      cluster()
        .list(type('ReplicaSet'), 'default', { labelSelector: `app=${name}` })
        .items.map((rs) => [imageOf(rs) ?? '', Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'])]),
    );
  const revisionNumbers = (name: string): number[] =>
    cluster()
      .list(type('ReplicaSet'), 'default', { labelSelector: `app=${name}` })
      .items.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision']))
      .sort((a, b) => a - b);
  /** The manifest the cache store holds, written through when the operation changed the object. */
  const cached = async (kind: string, name: string): Promise<KubeObj | undefined> => {
    const item = await h.app.cache('kubernetes').get(kind, `kubernetes.v2:infrastructure:${kind}:k8s:default:${name}`);
    return item?.attributes.manifest as KubeObj | undefined;
  };
  const run = (op: string, description: Record<string, unknown>): Promise<TaskJson> => h.runOperation(op, { account: 'k8s', location: 'default', cloudProvider: 'kubernetes', ...description });
  const succeeded = (task: TaskJson): string[] => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.resultObjects).toEqual([]);
    return task.history.map((e) => e.status);
  };
  const failure = (task: TaskJson): string => {
    expect(task.status.failed).toBe(true);
    expect(task.status.retryable).toBe(false);
    return String(task.resultObjects[0]?.message);
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    cluster().create(type('Deployment'), 'default', workload('Deployment', 'web', 'nginx:1'));
    await waitFor(() => expect(revisions('web')).toEqual({ 'nginx:1': 1 }));
    setImage('Deployment', 'web', 'nginx:2');
    await waitFor(() => expect(revisions('web')).toEqual({ 'nginx:1': 1, 'nginx:2': 2 }));
    setImage('Deployment', 'web', 'nginx:3');
    await waitFor(() => expect(revisions('web')).toEqual({ 'nginx:1': 1, 'nginx:2': 2, 'nginx:3': 3 }));
  });
  afterAll(async () => h.stop());

  it('undoes a Deployment numRevisionsBack revisions (the ReplicaSet’s template, without pod-template-hash), with upstream status lines', async () => {
    const task = await run('undoRolloutManifest', { manifestName: 'deployment web', numRevisionsBack: 1 });
    expect(succeeded(task)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesUndoRolloutManifestOperation',
      'Starting undo rollout operation in account k8s...',
      'Looking up resource properties...',
      'Looking up rollout history...',
      'Picked revision 2...',
      'Calling undo rollout operation for web in namespace default with revision 2...',
      'Undo rollout operation completed successfully',
      'Orchestration completed.',
    ]);
    const d = live('Deployment', 'web');
    expect(imageOf(d)).toBe('nginx:2');
    expect(templateOf(d).metadata.labels).toEqual({ app: 'web' });
    expect(imageOf(await cached('deployment', 'web'))).toBe('nginx:2');
    // The controller re-activates the ReplicaSet of revision 2 as the newest revision, as a cluster does.
    await waitFor(() => expect(revisions('web')).toEqual({ 'nginx:1': 1, 'nginx:2': 4, 'nginx:3': 3 }));
  });

  it('undoes a Deployment to an explicit revision, and reports a missing revision or too many revisions back as upstream', async () => {
    expect(succeeded(await run('undoRolloutManifest', { manifestName: 'deployment web', revision: 1 }))).toContain('Calling undo rollout operation for web in namespace default with revision 1...');
    expect(imageOf(live('Deployment', 'web'))).toBe('nginx:1');
    await waitFor(() => expect(revisions('web')).toEqual({ 'nginx:1': 5, 'nginx:2': 4, 'nginx:3': 3 }));

    expect(failure(await run('undoRolloutManifest', { manifestName: 'deployment web', numRevisionsBack: 3 }))).toBe('There are 3 revision(s) in total, cannot rollback 3');
    expect(failure(await run('undoRolloutManifest', { manifestName: 'deployment web', revision: 99 }))).toBe('Failed to undo rollout deployment/web from default: error: unable to find specified revision 99 in history');
    expect(failure(await run('undoRolloutManifest', { manifestName: 'deployment ghost', revision: 1 }))).toBe('Failed to undo rollout deployment/ghost from default: Error from server (NotFound): deployments.apps "ghost" not found');
    expect(imageOf(live('Deployment', 'web'))).toBe('nginx:1');
  });

  it('pauses and resumes a Deployment (spec.paused) and refuses what kubectl refuses', async () => {
    expect(succeeded(await run('pauseRolloutManifest', { manifestName: 'deployment web' }))).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesPauseRolloutManifestOperation',
      'Starting pause rollout operation in account k8s...',
      'Looking up resource properties...',
      'Calling pause rollout operation for web in namespace default...',
      'Pause rollout operation completed successfully',
      'Orchestration completed.',
    ]);
    expect(live('Deployment', 'web').spec).toMatchObject({ paused: true });
    expect((await cached('deployment', 'web'))?.spec).toMatchObject({ paused: true });

    expect(failure(await run('pauseRolloutManifest', { manifestName: 'deployment web' }))).toBe('Failed to pause rollout deployment/web from default: error: deployments.apps "web" is already paused');
    expect(failure(await run('undoRolloutManifest', { manifestName: 'deployment web', revision: 3 }))).toContain("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again");
    expect(failure(await run('rollingRestartManifest', { manifestName: 'deployment web' }))).toBe(
      'Failed to complete rolling restart of deployment/web from default: error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)',
    );

    expect(succeeded(await run('resumeRolloutManifest', { manifestName: 'deployment web' }))).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesResumeRolloutManifestOperation',
      'Starting resume rollout operation in account k8s ...',
      'Looking up resource properties...',
      'Calling resume rollout operation for web in namespace default...',
      'Resume rollout operation completed successfully',
      'Orchestration completed.',
    ]);
    expect((live('Deployment', 'web').spec as { paused?: boolean }).paused).toBeUndefined();
    expect(((await cached('deployment', 'web'))?.spec as { paused?: boolean }).paused).toBeUndefined();
    expect(failure(await run('resumeRolloutManifest', { manifestName: 'deployment web' }))).toBe('Failed to resume rollout deployment/web from default: error: deployments.apps "web" is not paused');
  });

  it('restarts a Deployment through the restartedAt pod-template annotation, and the controller rolls a new ReplicaSet', async () => {
    const before = Date.now() - 1000;
    expect(succeeded(await run('rollingRestartManifest', { manifestName: 'deployment web' }))).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesRollingRestartManifestOperation',
      'Starting rolling restart operation in account k8s...',
      'Looking up resource properties...',
      'Calling rolling restart operation for web in namespace default...',
      'Rolling rollout operation completed successfully',
      'Orchestration completed.',
    ]);
    const restartedAt = templateOf(live('Deployment', 'web')).metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '';
    expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(restartedAt)).toBeGreaterThanOrEqual(before);
    expect(templateOf(await cached('deployment', 'web')).metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    await waitFor(() => expect(revisionNumbers('web')).toEqual([3, 4, 5, 6]));
  });

  it('undoes a StatefulSet to a ControllerRevision, restarts it, and refuses to pause it as kubectl does', async () => {
    // The simulator's StatefulSet controller keeps one ControllerRevision per pod template, as the real one does.
    cluster().create(type('StatefulSet'), 'default', workload('StatefulSet', 'db', 'redis:1'));
    await waitFor(() => expect(cluster().list(type('ControllerRevision'), 'default').items.filter((r) => r.metadata.name?.startsWith('db-')).length).toBe(1));
    setImage('StatefulSet', 'db', 'redis:2');
    await waitFor(() => expect(cluster().list(type('ControllerRevision'), 'default').items.filter((r) => r.metadata.name?.startsWith('db-')).length).toBe(2));
    // A revision of another owner is not part of the history.
    cluster().create(type('ControllerRevision'), 'default', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'other-rev7', namespace: 'default', labels: { app: 'db' } },
      revision: 7,
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'redis:7' }] } } } },
    });

    expect(succeeded(await run('undoRolloutManifest', { manifestName: 'statefulSet db', numRevisionsBack: 1 }))).toContain('Picked revision 1...');
    expect(imageOf(live('StatefulSet', 'db'))).toBe('redis:1');
    expect(imageOf(await cached('statefulSet', 'db'))).toBe('redis:1');
    expect(failure(await run('undoRolloutManifest', { manifestName: 'statefulSet db', numRevisionsBack: 2 }))).toBe('There are 2 revision(s) in total, cannot rollback 2');

    expect(succeeded(await run('rollingRestartManifest', { manifestName: 'statefulSet db' }))).toContain('Rolling rollout operation completed successfully');
    expect(templateOf(live('StatefulSet', 'db')).metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    expect(failure(await run('pauseRolloutManifest', { manifestName: 'statefulSet db' }))).toBe('Failed to pause rollout statefulSet/db from default: error: statefulsets.apps "db" pausing is not supported');
  });

  it.each([
    ['undoRolloutManifest', { manifestName: 'service web', revision: 1 }, 'Resource with KubernetesCoordinates(kind=service, namespace=default, name=web) does not support undo rollout'],
    ['pauseRolloutManifest', { manifestName: 'replicaSet web-1' }, 'Resource with KubernetesCoordinates(kind=replicaSet, namespace=default, name=web-1) does not support pause rollout'],
    ['resumeRolloutManifest', { manifestName: 'rs web-1' }, 'Resource with KubernetesCoordinates(kind=replicaSet, namespace=default, name=web-1) does not support resume rollout'],
    ['rollingRestartManifest', { manifestName: 'configMap web' }, 'Resource with KubernetesCoordinates(kind=configMap, namespace=default, name=web) does not support rolling restart'],
  ])('%s on a kind without the capability fails as upstream words it', async (op, description, message) => {
    expect(failure(await run(op, description))).toBe(message);
  });

  it.each([
    ['undoRolloutManifest', { manifestName: 'deployment web' }, 'undoRolloutKubernetesManifest.numRevisionsBack & revision.empty'],
    ['undoRolloutManifest', { manifestName: 'deployment web', numRevisionsBack: -1 }, 'undoRolloutKubernetesManifest.numRevisionsBack.invalid'],
    ['undoRolloutManifest', { manifestName: 'deployment web', revision: 'x' }, 'undoRolloutManifest.revision'],
    ['undoRolloutManifest', { account: 'limited', manifestName: 'deployment web', revision: 1 }, 'undoRolloutKubernetesManifest.default.wrongNamespace'],
    ['pauseRolloutManifest', { account: 'limited', manifestName: 'deployment web' }, 'pauseRolloutKubernetesManifest.default.wrongNamespace'],
    ['resumeRolloutManifest', { manifestName: 'deployment' }, 'resumeRolloutKubernetesManifest.manifestName.invalid'],
    ['rollingRestartManifest', { account: 'limited', manifestName: 'deployment web', location: 'kube-system' }, 'rollingRestartKubernetesManifest.kube-system.wrongNamespace'],
    ['rollingRestartManifest', { account: 'nope', manifestName: 'deployment web' }, 'rollingRestartManifest.account'],
  ])('%s refuses %j with a 400 naming %s and creates no task', async (op, description, expected) => {
    await h.expectRefused(op, { account: 'k8s', location: 'default', ...description }, expected);
  });

  it('fails the task with the cluster’s cause when the API server refuses the change', async () => {
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['deployments'], namespaces: ['default'] } });
    try {
      for (const op of ['pauseRolloutManifest', 'rollingRestartManifest']) {
        const task = await run(op, { manifestName: 'deployment web' });
        expect(failure(task)).toContain('HTTP 403');
        expect(task.history.at(-1)?.status).toMatch(/^Orchestration failed: Kubernetes(PauseRollout|RollingRestart)ManifestOperation/);
      }
      expect(failure(await run('undoRolloutManifest', { manifestName: 'deployment web', numRevisionsBack: 1 }))).toContain('HTTP 403');
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect((live('Deployment', 'web').spec as { paused?: boolean }).paused).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

const job = (metadata: Record<string, unknown>, podAnnotations: Record<string, string> = {}, image = 'busybox:1') => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { namespace: 'default', ...metadata },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { 'sim.spinnaker.io/run-ms': '30', ...podAnnotations } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] },
    },
  },
});

interface RunJobResult {
  deployedNamesByLocation: Record<string, string[]>;
  manifestNamesByNamespace: Record<string, string[]>;
  createdArtifacts: { type: string; name: string; reference: string }[];
  boundArtifacts: { reference: string }[];
  manifests: KubeObj[];
}

describe('runJob', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const liveJob = (namespace: string, name: string): KubeObj | undefined => cluster().tryGet(cluster().typeOfKind('batch/v1', 'Job'), namespace, name);
  const run = (description: Record<string, unknown>): Promise<TaskJson> => h.runOperation('runJob', { account: 'k8s', application: 'batchapp', cloudProvider: 'kubernetes', ...description });
  const ok = (task: TaskJson): RunJobResult => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    return task.resultObjects[0] as unknown as RunJobResult;
  };
  /** What Orca's WaitOnJobCompletion does with `deploy.jobs`: poll the job until it is no longer Running. */
  const waitForJob = (result: RunJobResult) => {
    const [location, names] = Object.entries(result.deployedNamesByLocation)[0] ?? ['', []];
    return waitFor(async () => {
      const res = await h.request<{ jobState: string; failureDetails?: string; name: string }>('GET', `/applications/batchapp/jobs/k8s/${location}/${encodeURIComponent(names[0] ?? '')}`);
      expect(res.status).toBe(200);
      expect(res.body.jobState).not.toBe('Running');
      return res.body;
    });
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } }, sim: { timing: { podStartMs: 20 } } });
    cluster().create(cluster().typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  });
  afterAll(async () => h.stop());

  it('deploys the Job with the recreate strategy and the application moniker, returns at once, and the job runs to success', async () => {
    const task = await run({ manifest: job({ name: 'pi' }, { 'sim.spinnaker.io/run-ms': '500' }) });
    const result = ok(task);
    expect(task.history.map((e) => e.status)).toEqual(
      expect.arrayContaining(['Processing op: KubernetesRunJobOperation', 'Running Kubernetes job...', 'Submitting manifest job pi to kubernetes master...', 'Orchestration completed.']),
    );
    expect(result.deployedNamesByLocation).toEqual({ default: ['job pi'] });
    expect(result.manifestNamesByNamespace).toEqual({ default: ['job pi'] });
    expect(result.createdArtifacts).toMatchObject([{ type: 'kubernetes/job', name: 'pi', reference: 'pi' }]);
    const annotations = liveJob('default', 'pi')?.metadata.annotations ?? {};
    expect(annotations).toMatchObject({ 'strategy.spinnaker.io/recreate': 'true', 'moniker.spinnaker.io/application': 'batchapp', 'moniker.spinnaker.io/cluster': 'job pi' });
    // The task does not wait for the job.
    const status = (liveJob('default', 'pi')?.status ?? {}) as { succeeded?: number };
    expect(status.succeeded ?? 0).toBe(0);
    expect(await waitForJob(result)).toMatchObject({ name: 'pi', jobState: 'Succeeded' });
  });

  it('runs the same Job again as a new object (recreate), replacing the finished one', async () => {
    const before = liveJob('default', 'pi')?.metadata.uid;
    expect(before).toBeDefined();
    const result = ok(await run({ manifest: job({ name: 'pi', annotations: { 'strategy.spinnaker.io/replace': 'true', 'strategy.spinnaker.io/server-side-apply': 'true' } }) }));
    const after = liveJob('default', 'pi');
    expect(after?.metadata.uid).not.toBe(before);
    expect(after?.metadata.annotations).toMatchObject({ 'strategy.spinnaker.io/recreate': 'true' });
    expect(after?.metadata.annotations).not.toHaveProperty('strategy.spinnaker.io/replace');
    expect(after?.metadata.annotations).not.toHaveProperty('strategy.spinnaker.io/server-side-apply');
    expect(await waitForJob(result)).toMatchObject({ jobState: 'Succeeded' });
  });

  it('creates a new Job per run from generateName', async () => {
    const first = ok(await run({ manifest: job({ generateName: 'batch-' }) }));
    const second = ok(await run({ manifest: job({ generateName: 'batch-' }) }));
    const [a, b] = [first.deployedNamesByLocation.default?.[0] ?? '', second.deployedNamesByLocation.default?.[0] ?? ''];
    expect(a).toMatch(/^job batch-[a-z0-9]+$/);
    expect(b).toMatch(/^job batch-[a-z0-9]+$/);
    expect(a).not.toBe(b);
  });

  it('puts the Job in the description’s namespace and binds required image artifacts', async () => {
    const result = ok(await run({ namespace: 'team-a', manifest: job({ name: 'bound' }, {}, 'registry.example/tool'), requiredArtifacts: [{ type: 'docker/image', name: 'registry.example/tool', reference: 'registry.example/tool:2.0' }] }));
    expect(result.deployedNamesByLocation).toEqual({ 'team-a': ['job bound'] });
    expect(result.boundArtifacts.map((a) => a.reference)).toEqual(['registry.example/tool:2.0']);
    const spec = liveJob('team-a', 'bound')?.spec as { template: { spec: { containers: { image: string }[] } } };
    expect(spec.template.spec.containers[0]?.image).toBe('registry.example/tool:2.0');
    expect(liveJob('default', 'bound')).toBeUndefined();
  });

  it('reports a failed job to the poller with the failing container', async () => {
    const result = ok(await run({ manifest: job({ name: 'broken' }, { 'sim.spinnaker.io/behavior': 'fail' }) }));
    const done = await waitForJob(result);
    expect(done).toMatchObject({ jobState: 'Failed' });
    expect(done.failureDetails).toMatch(/^Pod: 'broken-[a-z0-9]+' had errors\.\n Container: 'main' exited with code: 1\./);
  });

  it('fails the task when a required artifact is not bound', async () => {
    const task = await run({ manifest: job({ name: 'unbound' }), requiredArtifacts: [{ type: 'docker/image', name: 'registry.example/other', reference: 'registry.example/other:1' }] });
    expect(task.status.failed).toBe(true);
    expect(String(task.resultObjects[0]?.message)).toContain('The following required artifacts could not be bound');
    expect(liveJob('default', 'unbound')).toBeUndefined();
  });

  it.each([
    [{ manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} } }, 'runKubernetesJob.manifest.invalidKind: Only kind of Job is accepted for the Run Job operation.'],
    [{ manifest: { apiVersion: 'example.com/v1', kind: 'Job', metadata: { name: 'custom' } } }, 'runKubernetesJob.manifest.invalidKind'],
    [{ manifest: job({ name: 'x' }), application: '' }, 'application is required'],
    [{ manifest: job({ name: '..' }) }, 'runKubernetesJob.manifests[0].invalid'],
    [{ manifest: job({ name: 'x' }), namespace: 'Not_A_Namespace' }, 'runKubernetesJob.namespace.invalid'],
    [{ manifest: job({ name: 'x' }), account: 'limited' }, 'runKubernetesJob.default.wrongNamespace'],
    [{ manifest: job({ name: 'x' }), account: 'nope' }, 'account'],
  ])('refuses %j with a 400 naming %s and creates no task', async (description, expected) => {
    await h.expectRefused('runJob', { account: 'k8s', application: 'batchapp', ...description }, expected);
  });
  it('fails the task with the cluster’s cause when the API server refuses to create the Job', async () => {
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['jobs'] } });
    try {
      const task = await run({ manifest: job({ name: 'denied' }) });
      expect(task.status.failed).toBe(true);
      expect(task.status.retryable).toBe(false);
      expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'KubernetesRunJobOperation' });
      expect(String(task.resultObjects[0]?.message)).toContain('HTTP 403');
      expect(task.history.at(-1)?.status).toMatch(/^Orchestration failed: KubernetesRunJobOperation/);
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect(liveJob('default', 'denied')).toBeUndefined();
  });
});

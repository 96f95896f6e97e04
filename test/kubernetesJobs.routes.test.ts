import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';

/**
 * The Run Job read API against the simulator; a pod's `sim.spinnaker.io/log-{container}`
 * annotation is what its container printed.
 */

const LOG_ANNOTATION = 'sim.spinnaker.io/log-';

interface JobStatusJson {
  name: string;
  account: string;
  location: string;
  provider: string;
  createdTime: number;
  jobState: string;
  completionDetails: Record<string, string>;
  message?: string;
  reason?: string;
  failureDetails?: string;
  pods: { name: string; status: { phase: string } }[];
  mostRecentPodName?: string;
}

const jobManifest = (name: string, podAnnotations: Record<string, string>, extra: { backoffLimit?: number; initContainers?: unknown[] } = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: {
    backoffLimit: extra.backoffLimit ?? 6,
    template: {
      metadata: { annotations: { 'sim.spinnaker.io/run-ms': '30', ...podAnnotations } },
      spec: { restartPolicy: 'Never', ...(extra.initContainers === undefined ? {} : { initContainers: extra.initContainers }), containers: [{ name: 'main', image: 'busybox:1' }] },
    },
  },
});

describe('Run Job read API', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const createJob = (manifest: ReturnType<typeof jobManifest>) => cluster().create(cluster().typeOfKind('batch/v1', 'Job'), 'default', manifest);
  const jobStatus = (name: string, account = 'k8s') => h.request<JobStatusJson>('GET', `/applications/app/jobs/${account}/default/${encodeURIComponent(`job ${name}`)}`);
  const untilDone = (name: string, account = 'k8s') =>
    waitFor(async () => {
      const res = await jobStatus(name, account);
      expect(res.status).toBe(200);
      expect(res.body.jobState).not.toBe('Running');
      return res.body;
    });

  beforeAll(async () => {
    h = await startKubernetesApp({ sim: { timing: { podStartMs: 20 } }, accounts: { logs: {}, limited: { namespaces: ['team-a'] } } });
  });
  afterAll(async () => h.stop());

  it('reports a running job, then a succeeded one, in Clouddriver’s KubernetesJobStatus shape', async () => {
    const created = createJob(jobManifest('pi', { 'sim.spinnaker.io/run-ms': '400' }));
    const first = await jobStatus('pi');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: 'pi', account: 'k8s', location: 'default', provider: 'kubernetes', jobState: 'Running' });
    const done = await untilDone('pi');
    expect(done).toMatchObject({
      name: 'pi',
      jobState: 'Succeeded',
      createdTime: Date.parse(String(created.metadata.creationTimestamp)),
      completionDetails: { exitCode: '', signal: '', message: '', reason: '' },
    });
    expect(done.pods).toHaveLength(1);
    expect(done.pods[0]?.status.phase).toBe('Succeeded');
    expect(done.mostRecentPodName).toBe(done.pods[0]?.name);
    expect(done).not.toHaveProperty('failureDetails');
  });

  it('describes a failed job with the condition and the container that exited non-zero', async () => {
    createJob(jobManifest('broken', { 'sim.spinnaker.io/behavior': 'fail' }, { backoffLimit: 0 }));
    const done = await untilDone('broken');
    const pod = done.pods[0]?.name ?? '';
    expect(done).toMatchObject({
      jobState: 'Failed',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
      completionDetails: { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
      failureDetails: `Pod: '${pod}' had errors.\n Container: 'main' exited with code: 1.\n Status: Error.\n Logs: null`,
    });
  });

  it('reads the property file a job printed: SPINNAKER_PROPERTY_ lines and SPINNAKER_CONFIG_JSON objects', async () => {
    const log = ['building...', 'SPINNAKER_PROPERTY_FOO=bar', 'SPINNAKER_PROPERTY_Image_Tag=1.2.3', 'SPINNAKER_CONFIG_JSON={"replicas": 3, "tags": ["a", "b"]}', 'done'].join('\n');
    createJob(jobManifest('props', { [`${LOG_ANNOTATION}main`]: log }));
    const done = await untilDone('props', 'logs');
    const expected = { foo: 'bar', image_tag: '1.2.3', replicas: 3, tags: ['a', 'b'] };
    const file = await h.request('GET', `/applications/app/jobs/logs/default/${encodeURIComponent('job props')}/main`);
    expect(file).toEqual({ status: 200, body: expected });
    // Orca's fallback for succeeded jobs reads one pod directly.
    const fromPod = await h.request('GET', `/applications/app/kubernetes/pods/logs/default/${done.mostRecentPodName ?? ''}/main`);
    expect(fromPod).toEqual({ status: 200, body: expected });
  });

  it('answers {} when the log holds invalid JSON, has no properties, or the job, pod or container is missing', async () => {
    createJob(jobManifest('badjson', { [`${LOG_ANNOTATION}main`]: 'SPINNAKER_PROPERTY_FOO=bar\nSPINNAKER_CONFIG_JSON={"a": ' }));
    const done = await untilDone('badjson', 'logs');
    const empty = { status: 200, body: {} };
    expect(await h.request('GET', `/applications/app/jobs/logs/default/${encodeURIComponent('job badjson')}/main`)).toEqual(empty);
    // The simulator's own log lines carry no properties.
    expect(await h.request('GET', `/applications/app/jobs/k8s/default/${encodeURIComponent('job badjson')}/main`)).toEqual(empty);
    expect(await h.request('GET', `/applications/app/jobs/k8s/default/${encodeURIComponent('job badjson')}/nosuchcontainer`)).toEqual(empty);
    expect(await h.request('GET', `/applications/app/jobs/k8s/default/${encodeURIComponent('job ghost')}/main`)).toEqual(empty);
    expect(await h.request('GET', `/applications/app/kubernetes/pods/k8s/default/ghost-pod/main`)).toEqual(empty);
    expect(await h.request('GET', `/applications/app/kubernetes/pods/logs/default/${done.mostRecentPodName ?? ''}/main`)).toEqual(empty);
  });

  it('shows the console output of every init and app container of a pod', async () => {
    createJob(jobManifest('console', {}, { initContainers: [{ name: 'setup', image: 'busybox:1' }] }));
    const pod = (await untilDone('console')).mostRecentPodName ?? '';
    const res = await h.request<{ output: { name: string; output: string }[] }>('GET', `/instances/k8s/default/${encodeURIComponent(`pod ${pod}`)}/console?provider=kubernetes`);
    expect(res.status).toBe(200);
    expect(res.body.output.map((o) => o.name)).toEqual(['setup', 'main']);
    expect(res.body.output[1]?.output).toContain(`[main] simulated log line 1 of pod default/${pod}`);
    expect(res.body.output[0]?.output).toContain(`[setup] simulated log line 1 of pod default/${pod}`);

    const gone = await h.request('GET', `/instances/k8s/default/${encodeURIComponent('pod ghost')}/console?provider=kubernetes`);
    expect(gone).toEqual({ status: 200, body: { output: [{ name: 'Error', output: 'Failed to retrieve pod data; pod may have been deleted.' }] } });
  });

  it.each([
    ['an unknown account', '/applications/app/jobs/nope/default/job%20pi'],
    ['a missing job', '/applications/app/jobs/k8s/default/job%20ghost'],
    ['a namespace the account may not use', '/applications/app/jobs/limited/default/job%20pi'],
    ['the console of another provider', '/instances/k8s/default/pod%20x/console?provider=aws'],
    ['the console of an id that is not "kind name"', '/instances/k8s/default/x/console'],
    ['the console on an unknown account', '/instances/nope/default/pod%20x/console'],
  ])('answers 404 for %s', async (_what, url) => {
    const res = await h.request<{ status: number; message: string }>('GET', url);
    expect(res.status).toBe(404);
    expect(res.body.status).toBe(404);
  });

  it.each([
    ['a dot-segment job name', '/applications/app/jobs/k8s/default/job%20..'],
    ['a job name with a slash', '/applications/app/jobs/k8s/default/job%20a%2Fb'],
    ['a job name with a query', '/applications/app/jobs/k8s/default/job%20a%3Fwatch%3Dtrue'],
    ['another kind', '/applications/app/jobs/k8s/default/secret%20db'],
    ['an id without a kind', '/applications/app/jobs/k8s/default/pi'],
    ['a namespace that is not a DNS label', '/applications/app/jobs/k8s/..%2Fkube-system/job%20pi'],
    ['a container with a slash', '/applications/app/jobs/k8s/default/job%20pi/a%2F..'],
    ['a pod name with a slash', '/applications/app/kubernetes/pods/k8s/default/a%2F..%2Fb/main'],
    ['a pod container with a slash', '/applications/app/kubernetes/pods/k8s/default/p/a%2Fb'],
    ['an upper-case namespace', '/applications/app/kubernetes/pods/k8s/Default/p/main'],
    ['a console id of another kind', '/instances/k8s/default/secret%20db/console'],
    ['a console pod name with a slash', '/instances/k8s/default/pod%20a%2Fb/console'],
  ])('answers 400 with a JSON body for %s', async (_what, url) => {
    const res = await h.request<{ status: number; message: string }>('GET', url);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, error: 'Bad Request' });
  });

  it('does not cancel jobs: DELETE is not implemented for Kubernetes, as in Clouddriver', async () => {
    const res = await h.request('DELETE', `/applications/app/jobs/k8s/default/${encodeURIComponent('job pi')}`);
    expect(res).toMatchObject({ status: 501, body: { status: 501, message: 'cancelJob is not implemented for the Kubernetes provider' } });
    expect((await jobStatus('pi')).status).toBe(200);
  });
});

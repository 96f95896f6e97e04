/**
 * No secret leaves the service: a broad scenario (accounts whose kubeconfig holds a bearer token,
 * a Secret deployed with `stringData` and `data`, reads of it through every read path, an
 * on-demand refresh, failing tasks about it, the account storage API with a kubeconfig) runs with
 * the service's logger at debug level writing to a file and the SQLite stores in a temp dir; then
 * every response body, the log file and the database files are searched for the secret values
 * (plain and base64). Account definitions are sealed with `account.storage.encryption.keyFile`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import type { TaskJson } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';

const hex = (n: number): string => randomBytes(n).toString('hex');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('secrets never leak into answers, logs or the database', () => {
  const clusterA = `a-${hex(6)}`;
  const clusterB = `b-${hex(6)}`;
  const stringDataValue = `string-data-${hex(12)}`;
  const dataValue = `data-${hex(12)}`;
  const failingValue = `failing-${hex(12)}`;
  /** Every secret with a name for the report: the tokens, the Secret's values and their base64. */
  const secrets: Record<string, string> = {
    'token of the configured account': `sim-token-${clusterA}`,
    'token of the stored account': `sim-token-${clusterB}`,
    'stringData value': stringDataValue,
    'stringData value (base64)': b64(stringDataValue),
    'data value': dataValue,
    'data value (base64)': b64(dataValue),
    'value of a failing deploy': failingValue,
    'value of a failing deploy (base64)': b64(failingValue),
  };
  const bodies: string[] = [];
  let dir: string;
  let sim: KubeSim;
  let app: App;

  const request = async <T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await app.server.inject({ method, url, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    bodies.push(`${method} ${url} -> ${res.body}`);
    return { status: res.statusCode, body: (res.body === '' ? undefined : JSON.parse(res.body)) as T };
  };
  const runOperation = async (name: string, description: Record<string, unknown>): Promise<TaskJson> => {
    const submitted = await request<{ id: string }>('POST', '/kubernetes/ops', [{ [name]: description }]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    return waitFor(async () => {
      const { body } = await request<TaskJson>('GET', `/task/${submitted.body.id}`);
      if (!body.status.completed) throw new Error(`task ${body.id} still running`);
      return body;
    }, 20_000, 20);
  };
  const found = (text: string): string[] => Object.entries(secrets).filter(([, v]) => text.includes(v)).map(([k]) => k);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-secrets-'));
    const keyFile = join(dir, 'account-storage.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    sim = await startKubeSim({ tls: true, clusters: [clusterA, clusterB] });
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'sqlite', tasks: 'sqlite', accounts: 'sqlite', sqlite: { path: join(dir, 'clouddriver.db') } },
      account: { storage: { enabled: true, encryption: { keyFile }, allow: { servers: ['*'] } } },
      logging: { level: 'debug' },
      kubernetes: { accounts: [{ name: 'k8s', kubeconfigContents: sim.kubeconfigFor(clusterA) }] },
    });
    app = await createApp({ config, logger: pino({ level: 'debug' }, pino.destination({ dest: join(dir, 'service.log'), sync: true })) });
    await app.server.ready();
    app.scheduler.start();
    await waitFor(async () => {
      const { body } = await request<{ components: { kubernetes: { details: Record<string, { state: string }> } } }>('GET', '/health');
      if (Object.values(body.components.kubernetes.details).some((a) => a.state !== 'watching')) throw new Error('not watching yet');
    });

    // A Secret deployed through deployManifest, with stringData and data.
    const deployed = await runOperation('deployManifest', {
      account: 'k8s',
      cloudProvider: 'kubernetes',
      moniker: { app: 'vaultapp' },
      source: 'text',
      versioned: false,
      manifests: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', stringData: { password: stringDataValue }, data: { apiKey: b64(dataValue) } }],
    });
    expect(deployed.status.failed, JSON.stringify(deployed.resultObjects)).toBe(false);
    await waitFor(async () => {
      const ids = await app.cache('kubernetes').filterIdentifiers('secret', '*db*');
      if (ids.length === 0) throw new Error('Secret not cached yet');
    });

    // Reads of the Secret through every read path.
    const reads: { status: number }[] = [];
    for (const url of [
      '/manifests/k8s/default/secret%20db',
      '/manifests/k8s/default/secret%20db?includeEvents=false',
      '/search?q=db&type=secrets',
      '/search?q=db&type=secret',
      '/search?q=vaultapp&type=applications',
      '/applications/vaultapp',
      '/applications/vaultapp/rawResources',
      '/applications/vaultapp/clusters',
      '/credentials?expand=true',
      '/credentials/k8s',
    ]) reads.push(await request('GET', url));
    expect(reads[0]?.status).toBe(200); // the live manifest read found the Secret
    expect((await request('POST', '/cache/kubernetes/manifest', { account: 'k8s', location: 'default', name: 'secret db' })).status).toBe(200);
    await request('GET', '/cache/kubernetes/manifest');

    // Failing tasks about the Secret: a patch whose test fails, a deploy the API server refuses.
    const patched = await runOperation('patchManifest', {
      account: 'k8s',
      cloudProvider: 'kubernetes',
      manifestName: 'secret db',
      location: 'default',
      source: 'text',
      patchBody: [{ op: 'test', path: '/data/apiKey', value: b64(failingValue) }, { op: 'replace', path: '/data/apiKey', value: b64(failingValue) }],
      options: { mergeStrategy: 'json', record: false },
    });
    const refused = await runOperation('deployManifest', {
      account: 'k8s',
      cloudProvider: 'kubernetes',
      moniker: { app: 'vaultapp' },
      source: 'text',
      manifests: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db2', namespace: 'no-such-namespace' }, stringData: { password: failingValue } }],
    });
    expect([patched.status.failed, refused.status.failed]).toContain(true);

    // The account storage API with a kubeconfig holding the other cluster's token.
    const added = await request('POST', '/credentials', { type: 'kubernetes', name: 'stored', kubeconfigContents: sim.kubeconfigFor(clusterB) });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect((await request('PUT', '/credentials', { type: 'kubernetes', name: 'stored', kubeconfigContents: sim.kubeconfigFor(clusterB), namespaces: ['default'] })).status).toBe(200);
    await request('GET', '/credentials/stored');
    await request('GET', '/credentials?expand=true');
    await request('GET', '/task');
    await app.stop(); // flushes the log and checkpoints the SQLite WAL
  }, 90_000);
  afterAll(async () => {
    await app.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the scenario exercised what it should: the Secret exists in the cluster with its values', () => {
    const secret = sim.cluster(clusterA).tryGet(sim.cluster(clusterA).typeOfKind('v1', 'Secret'), 'default', 'db');
    expect(JSON.stringify(secret)).toContain(b64(stringDataValue));
    const log = readFileSync(join(dir, 'service.log'), 'utf8');
    expect(log).toContain('operation failed'); // the failing task about the Secret was logged
  });

  it('no response body carries a secret', () => {
    const leaks = bodies.flatMap((b) => found(b).map((what) => `${what} in ${b.slice(0, 300)}`));
    expect(leaks).toEqual([]);
  });

  it('the log file carries no secret', () => {
    const log = readFileSync(join(dir, 'service.log'), 'utf8');
    const leaks = log.split('\n').flatMap((line) => found(line).map((what) => `${what} in ${line.slice(0, 400)}`));
    expect(leaks).toEqual([]);
  });

  it('the SQLite database files carry no secret (stored account definitions are sealed)', () => {
    const files = ['clouddriver.db', 'clouddriver.db-wal', 'clouddriver.db-shm'].map((f) => join(dir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    const leaks = files.flatMap((f) => {
      const text = readFileSync(f).toString('latin1');
      return found(text).map((what) => `${what} in ${f}`);
    });
    expect(leaks).toEqual([]);
  });
});

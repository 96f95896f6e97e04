/**
 * Operations under authorization: with Fiat on, account WRITE and application WRITE from a real
 * HTTP Fiat stand-in (admin bypass, unknown applications, Fiat down fails closed, legacy
 * fallback); with Fiat off, Clouddriver's allowed-accounts check on restricted accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', annotations: { 'strategy.spinnaker.io/versioned': 'false' } }, data: {} });
const deploy = (app: string, name: string) => [{ deployManifest: { account: 'k8s', moniker: { app }, manifests: [configMap(name)] } }];
const rw = ['READ', 'WRITE'];

describe('operations with Fiat', () => {
  let fiat: FiatStandIn;
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    fiat = await startFiatStandIn({
      alice: { accounts: [{ name: 'K8S', authorizations: rw }], applications: [{ name: 'Web', authorizations: rw }] },
      bob: { accounts: [{ name: 'k8s', authorizations: ['READ'] }], applications: [{ name: 'web', authorizations: ['READ'] }] },
      carol: { accounts: [{ name: 'k8s', authorizations: rw }], applications: [{ name: 'other', authorizations: rw }] },
      dave: { accounts: [{ name: 'k8s', authorizations: rw }], allowAccessToUnknownApplications: true, applications: [{ name: 'web', authorizations: ['READ'] }] },
      root: { admin: true },
    });
    h = await startKubernetesApp({ config: { services: { fiat: { enabled: true, baseUrl: fiat.url, timeoutMs: 500 } } } });
  });
  afterAll(async () => {
    await h.stop();
    await fiat.stop();
  });

  const submit = (user: string | undefined, body: unknown, requestId = `r-${Math.random().toString(36).slice(2)}`) =>
    h.request<{ id?: string; errors?: string[] }>('POST', `/kubernetes/ops?clientRequestId=${requestId}`, body, user === undefined ? {} : { 'x-spinnaker-user': user });

  it.each([
    ['alice', 'web', 200, []],
    ['root', 'web', 200, []],
    ['dave', 'brand-new-app', 200, []],
    ['bob', 'web', 400, ['deployManifest: authorization.account: Access denied to account k8s', 'deployManifest: authorization.application: Access denied to application web']],
    ['carol', 'web', 400, ['deployManifest: authorization.application: Access denied to application web']],
    ['dave', 'web', 400, ['deployManifest: authorization.application: Access denied to application web']],
    ['mallory', 'web', 400, ['deployManifest: authorization.account: Access denied to account k8s', 'deployManifest: authorization.application: Access denied to application web']],
    [undefined, 'web', 400, ['deployManifest: authorization.account: Access denied to account k8s', 'deployManifest: authorization.application: Access denied to application web']],
  ])('%s deploying to %s: %i', async (user, app, status, errors) => {
    const requestId = `refused-${Math.random().toString(36).slice(2)}`;
    const res = await submit(user, deploy(app, `cm-${user ?? 'anon'}-${app}`), requestId);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (status === 400) {
      expect(res.body.errors).toEqual(errors);
      expect(await h.app.tasks.getByRequestId(requestId)).toBeUndefined();
    }
  });

  it('checks the application of an existing object for coordinate operations (scale)', async () => {
    const res = await submit('carol', [{ scaleManifest: { account: 'k8s', manifestName: 'deployment web', location: 'default', replicas: 1 } }]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(['scaleManifest: authorization.application: Access denied to application web']);
  });

  it('caches each user’s permissions instead of calling Fiat per request', async () => {
    const before = fiat.calls.get('alice') ?? 0;
    for (let i = 0; i < 5; i++) await submit('alice', [{ deployManifest: { account: 'k8s', moniker: { app: 'web' }, manifests: [] } }]);
    expect((fiat.calls.get('alice') ?? 0) - before).toBeLessThanOrEqual(1);
  });

  it('fails closed with 503 when Fiat is down, and creates no task', async () => {
    fiat.down = true;
    try {
      const requestId = `refused-${Math.random().toString(36).slice(2)}`;
      const res = await submit('erin', deploy('web', 'cm-erin'), requestId);
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toContain('Fiat');
      expect(await h.app.tasks.getByRequestId(requestId)).toBeUndefined();
    } finally {
      fiat.down = false;
    }
  });
});

describe('operations with Fiat down and legacy fallback', () => {
  let fiat: FiatStandIn;
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    fiat = await startFiatStandIn({});
    fiat.down = true;
    h = await startKubernetesApp({ config: { services: { fiat: { enabled: true, baseUrl: fiat.url, legacyFallback: true } } } });
  });
  afterAll(async () => {
    await h.stop();
    await fiat.stop();
  });

  it('takes the accounts of X-SPINNAKER-ACCOUNTS', async () => {
    const headers = { 'x-spinnaker-user': 'frank' };
    const allowed = await h.request('POST', '/kubernetes/ops', deploy('web', 'cm-frank'), { ...headers, 'x-spinnaker-accounts': 'other,K8S' });
    expect(allowed.status).toBe(200);
    const refused = await h.request<{ errors: string[] }>('POST', '/kubernetes/ops', deploy('web', 'cm-frank2'), { ...headers, 'x-spinnaker-accounts': 'other' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(['deployManifest: authorization.account: Access denied to account k8s']);
  });
});

describe('operations with Fiat off', () => {
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { restricted: { permissions: { READ: ['ops'], WRITE: ['ops'] } } } });
  });
  afterAll(async () => h.stop());

  it('lets anyone use unrestricted accounts, and restricted ones only when X-SPINNAKER-ACCOUNTS names them', async () => {
    expect((await h.request('POST', '/kubernetes/ops', deploy('web', 'open'))).status).toBe(200);
    const body = [{ deployManifest: { account: 'restricted', moniker: { app: 'web' }, manifests: [configMap('closed')] } }];
    const refused = await h.request<{ errors: string[] }>('POST', '/kubernetes/ops', body, { 'x-spinnaker-user': 'gina' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(['deployManifest: credentials.unauthorized: gina is not authorized to use account restricted']);
    expect((await h.request('POST', '/kubernetes/ops', body, { 'x-spinnaker-user': 'gina', 'x-spinnaker-accounts': 'Restricted' })).status).toBe(200);
  });
});

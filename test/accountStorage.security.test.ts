/**
 * The account storage API under hostile definitions: only admins and account managers may change
 * accounts (with Fiat on); definitions that would run programs, read files, borrow the service's
 * credentials or reach unlisted servers are refused with the reason; definitions are validated
 * completely before anything is registered; configured accounts cannot be replaced or removed.
 */
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';

const TOKEN = 'very-secret-token-3f9a';

describe('account storage API', () => {
  let fiat: FiatStandIn;
  let h: KubernetesAppHarness;
  let server: string;
  const kubeconfig = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
    toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true, ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    });
  const as = (user: string) => ({ 'x-spinnaker-user': user });

  beforeAll(async () => {
    fiat = await startFiatStandIn({ root: { admin: true }, manager: { accountManager: true }, alice: { accounts: [{ name: 'k8s', authorizations: ['READ', 'WRITE'] }] } });
    h = await startKubernetesApp({
      config: {
        services: { fiat: { enabled: true, baseUrl: fiat.url } },
        account: { storage: { enabled: true, allow: { servers: ['https://127.0.0.1:*'] } } },
      },
    });
    server = h.sim.serverUrl(h.sim.clusterNames[0] ?? '');
  });
  afterAll(async () => {
    await h.stop();
    await fiat.stop();
  });

  const post = (body: Record<string, unknown>, user = 'root') => h.request<{ message: string }>('POST', '/credentials', body, as(user));

  it('lets admins and account managers add, replace and remove accounts, and nobody else', async () => {
    const def = { type: 'kubernetes', name: 'added', kubeconfigContents: kubeconfig({ token: TOKEN }) };
    expect((await post(def, 'alice')).status).toBe(403);
    expect((await post(def)).status).toBe(200);
    expect((await h.request('PUT', '/credentials', { ...def, environment: 'prod' }, as('alice'))).status).toBe(403);
    expect((await h.request('PUT', '/credentials', { ...def, environment: 'prod' }, as('manager'))).status).toBe(200);
    expect((await h.request('DELETE', '/credentials/added', undefined, as('alice'))).status).toBe(403);
    expect((await h.request('DELETE', '/credentials/added', undefined, as('manager'))).status).toBe(204);
  });

  it('never lets the API replace or remove a configured account', async () => {
    expect((await h.request('DELETE', '/credentials/k8s', undefined, as('root'))).status).toBe(409);
    const put = await h.request<{ message: string }>('PUT', '/credentials', { type: 'kubernetes', name: 'k8s', kubeconfigContents: kubeconfig({ token: TOKEN }) }, as('root'));
    expect(put.status).toBe(409);
    expect(put.body.message).toContain('comes from the configuration');
    expect((await h.request('GET', '/credentials/k8s')).status).toBe(200);
  });

  it.each([
    ['an exec plugin', () => ({ kubeconfigContents: kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', 'id'] } }) }), 'execPlugins'],
    ['an auth provider', () => ({ kubeconfigContents: kubeconfig({ 'auth-provider': { name: 'gcp' } }) }), 'execPlugins'],
    ['a kubeconfig file of this host', () => ({ kubeconfigFile: '/etc/passwd' }), 'filePaths'],
    ['a token file', () => ({ kubeconfigContents: kubeconfig({ tokenFile: '/var/run/secrets/token' }) }), 'filePaths'],
    ['a certificate authority file', () => ({ kubeconfigContents: kubeconfig({ token: TOKEN }, { 'certificate-authority': '/etc/ssl/ca.pem' }) }), 'filePaths'],
    ['the service’s own credentials', () => ({}), 'defaultCredentials'],
    ['an unlisted server (SSRF)', () => ({ kubeconfigContents: kubeconfig({ token: TOKEN }).replace(server, 'http://169.254.169.254/latest') }), 'servers'],
  ])('refuses %s, saying which setting would allow it, and registers nothing', async (_what, extra, setting) => {
    const name = `refused-${setting.toLowerCase()}-${Math.random().toString(36).slice(2, 7)}`;
    const res = await post({ type: 'kubernetes', name, ...extra() });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`account.storage.allow.${setting}`);
    expect(res.body.message).not.toContain(TOKEN);
    expect((await h.request('GET', `/credentials/${name}`)).status).toBe(404);
  });

  it.each([
    ['an invalid regular expression', { kubeconfigContents: 'x', rawResourcesEndpointConfig: { kindExpressions: ['(unclosed'] } }, 'not a valid regular expression'],
    ['deep nesting', { kubeconfigContents: 'x', customResources: [JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`)] }, 'nest deeper than 16'],
    ['a kubeconfig that is not YAML', { kubeconfigContents: `users: [{name: u, user: {token: ${TOKEN}` }, 'not valid YAML'],
    ['a namespace that is not a name', { kubeconfigContents: 'x', namespaces: ['../kube-system'] }, 'RFC 1123'],
  ])('refuses %s with a 400 before anything is registered, without echoing secrets', async (_what, extra, message) => {
    const name = `invalid-${Math.random().toString(36).slice(2, 7)}`;
    const res = await post({ type: 'kubernetes', name, ...extra });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    expect((await h.request('GET', `/credentials/${name}`)).status).toBe(404);
  });
});

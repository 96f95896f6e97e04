/**
 * The operator console in a real browser (Debian's chromium through playwright-core) against the
 * real service process and the Kubernetes simulator: a Deployment and a Service created with
 * kubectl are found in the cache browser, followed to their ReplicaSet, pods and Service, refreshed
 * on demand; a deployManifest task is opened; an ignored object is explained. Screenshots of each
 * step go to test-artifacts/console/ (kept as test artefacts, not committed).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { ensureChromium, launchChromium } from './helpers/chromium.js';
import { kubectlFor, type Kubectl } from './helpers/kubectl.js';
import { repoRoot, startService, type ServiceProcess } from './helpers/serviceProcess.js';
import { waitFor } from './helpers/waitFor.js';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  namespace: shop
  annotations:
    moniker.spinnaker.io/application: shop
    moniker.spinnaker.io/cluster: deployment shop-web
spec:
  replicas: 2
  selector: {matchLabels: {app: shop-web}}
  template:
    metadata:
      labels: {app: shop-web}
      annotations: {moniker.spinnaker.io/application: shop}
    spec:
      containers: [{name: web, image: "registry.example/shop:1.0"}]
---
apiVersion: v1
kind: Service
metadata:
  name: shop-web
  namespace: shop
  annotations: {moniker.spinnaker.io/application: shop}
spec:
  selector: {app: shop-web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-shadow
  namespace: shop
  annotations: {moniker.spinnaker.io/application: shop, caching.spinnaker.io/ignore: "true"}
spec:
  replicas: 1
  selector: {matchLabels: {app: shop-shadow}}
  template:
    metadata: {labels: {app: shop-shadow}}
    spec:
      containers: [{name: web, image: "registry.example/shop:1.0"}]
`;

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console');
const DEPLOYMENT_KEY = 'kubernetes.v2:infrastructure:deployment:alpha:shop:shop-web';

describe('operator console in a browser', () => {
  let sim: KubeSim;
  let k: Kubectl;
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let shot = 0;

  const screenshot = async (name: string): Promise<void> => {
    shot++;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${service.url}${path}`, init);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  /** Waits for the page's current view to finish loading (the script marks main busy meanwhile). */
  const settled = async (): Promise<void> => {
    await page.locator('#main:not([aria-busy])').waitFor();
  };

  beforeAll(async () => {
    await ensureChromium();
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    sim = await startKubeSim({ tls: true, clusters: ['alpha', 'gamma'], timing: { reconcileDelayMs: 10, podStartMs: 50 }, faults: { gamma: { blackHole: true } } });
    k = kubectlFor(sim.kubeconfig);
    dir = mkdtempSync(join(tmpdir(), 'cd-console-'));
    const config = join(dir, 'clouddriver.yml');
    writeFileSync(
      config,
      [
        'storage:',
        `  sqlite: {path: ${join(dir, 'cd.db')}}`,
        'kubernetes:',
        '  writeBatchMillis: 20',
        '  probeIntervalSeconds: 1',
        '  accounts:',
        `    - {name: alpha, kubeconfigFile: ${k.kubeconfigPath}, context: alpha, kubectlRequestTimeoutSeconds: 5}`,
        // A cluster that never answers: the console shows it unreachable, with the error.
        `    - {name: gamma, kubeconfigFile: ${k.kubeconfigPath}, context: gamma, kubectlRequestTimeoutSeconds: 1}`,
        '',
      ].join('\n'),
    );
    service = await startService({ args: ['--config', config] });
    await k.ok(['apply', '--context', 'alpha', '-f', k.file('shop.yaml', SHOP)]);
    await k.ok(['rollout', 'status', '--context', 'alpha', '-n', 'shop', 'deployment/shop-web', '--timeout=30s']);
    // The Deployment, its ReplicaSet (with both pods) and the Service are cached.
    await waitFor(async () => {
      const item = await api<{ relationships: Record<string, unknown[]> }>(`/console/api/cache/kubernetes/deployment/item?id=${encodeURIComponent(DEPLOYMENT_KEY)}`);
      const rs = (item.relationships.replicaSet ?? []) as { id: string }[];
      expect(rs).toHaveLength(1);
      const rsItem = await api<{ relationships: Record<string, unknown[]> }>(`/console/api/cache/kubernetes/replicaSet/item?id=${encodeURIComponent(rs[0]?.id ?? '')}`);
      expect(rsItem.relationships.pod).toHaveLength(2);
      expect(rsItem.relationships.service).toHaveLength(1);
    }, 30_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sim?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the instance, the accounts (one unreachable) and their agents', async () => {
    await page.goto(`${service.url}/console`);
    await settled();
    await expect.poll(() => page.locator('#instance').textContent()).toContain('instance ');
    await expect.poll(async () => (await page.reload(), await settled(), await page.locator('#first-sync').textContent()), { timeout: 20_000 }).toContain('2/2 accounts');
    await screenshot('overview');

    await page.click('nav >> text=Accounts');
    await settled();
    const row = page.locator('#accounts tbody tr', { hasText: 'alpha' });
    await expect.poll(() => row.textContent()).toContain('watching');
    const dead = page.locator('#accounts tbody tr', { hasText: 'gamma' });
    expect(await dead.textContent()).toContain('unreachable');
    expect(await dead.locator('.error').textContent()).not.toBe('');
    await screenshot('accounts');

    await page.click('nav >> text=Agents');
    await settled();
    await expect.poll(() => page.locator('#agents').textContent()).toContain('alpha/KubernetesCoreCachingAgent');
    // Its snapshot agent fails once it has waited for a first sync that never comes.
    const gammaAgent = page.locator('#agents tbody tr', { hasText: 'gamma/' });
    await expect.poll(async () => (await page.reload(), await settled(), await gammaAgent.textContent()), { timeout: 30_000 }).toContain('account gamma is unreachable');
    await screenshot('agents');
  });

  it('finds the Deployment and follows its relationships to the ReplicaSet, its pods and the Service', async () => {
    await page.click('nav >> text=Cache');
    await settled();
    await page.click('a[data-type="deployment"]');
    await settled();
    await page.fill('input[name="q"]', 'shop-web');
    await page.click('button:has-text("Search")');
    await settled();
    await expect.poll(() => page.locator('#keys li').count()).toBe(1);
    await screenshot('deployment-keys');

    await page.click(`#keys a:has-text("${DEPLOYMENT_KEY}")`);
    await settled();
    await expect.poll(() => page.locator('h1').textContent()).toBe('deployment shop-web');
    expect(await page.locator('pre.json').textContent()).toContain('registry.example/shop:1.0');
    await screenshot('deployment');

    await page.click('[data-rel="replicaSet"] a');
    await settled();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^replicaSet shop-web-/);
    expect(await page.locator('[data-rel="pod"] li').count()).toBe(2);
    expect(await page.locator('[data-rel="deployment"] li').textContent()).toContain(DEPLOYMENT_KEY);
    await screenshot('replicaset');

    await page.click('[data-rel="pod"] li >> nth=0 >> a');
    await settled();
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^pod shop-web-/);
    await screenshot('pod');

    await page.goBack();
    await settled();
    await page.click('[data-rel="service"] a');
    await settled();
    await expect.poll(() => page.locator('h1').textContent()).toBe('service shop-web');
    await page.click('#scan-inbound');
    await settled();
    await expect.poll(() => page.locator('#referenced-by').textContent()).toContain('replicaSet');
    await screenshot('service');
  });

  it('refreshes the Deployment on demand from its page', async () => {
    await page.goto(`${service.url}/console#/item/kubernetes/deployment/${encodeURIComponent(DEPLOYMENT_KEY)}`);
    await settled();
    await page.click('#refresh');
    await expect.poll(() => page.locator('#refresh-result').textContent(), { timeout: 15_000 }).toContain('Refreshed');
    expect(await page.locator('#refresh-result').textContent()).toContain(DEPLOYMENT_KEY);
    await screenshot('refreshed');
  });

  it('opens a completed deployManifest task with its history and result objects', async () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-settings', namespace: 'shop' }, data: { color: 'blue' } };
    const { id } = await api<{ id: string }>('/kubernetes/ops', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spinnaker-user': 'operator@example.com' },
      body: JSON.stringify([{ deployManifest: { account: 'alpha', cloudProvider: 'kubernetes', moniker: { app: 'shop' }, source: 'text', manifests: [manifest] } }]),
    });
    await waitFor(async () => expect((await api<{ status: { completed: boolean } }>(`/task/${id}`)).status.completed).toBe(true), 20_000);

    await page.click('nav >> text=Tasks');
    await settled();
    await page.selectOption('select[name="state"]', 'COMPLETED');
    await page.fill('input[name="q"]', 'deployManifest');
    await page.click('button:has-text("Filter")');
    await settled();
    await expect.poll(() => page.locator('#tasks tbody tr', { hasText: id }).count()).toBe(1);
    await screenshot('tasks');

    await page.click(`#tasks a:has-text("${id}")`);
    await settled();
    await expect.poll(() => page.locator('#history').textContent()).toContain('Orchestration completed');
    expect(await page.locator('pre.json').textContent()).toContain('configMap shop-settings');
    await screenshot('task');
  });

  it('explains that an ignored Deployment is kept out by its annotation', async () => {
    await page.click('nav >> text=Why is this missing?');
    await settled();
    await page.fill('input[name="name"]', 'deployment shop-shadow');
    await page.click('button:has-text("Explain")');
    await settled();
    await expect.poll(() => page.locator('#missing-live').textContent(), { timeout: 15_000 }).toContain('ignoreAnnotation excludes it');
    await screenshot('why-missing');
  });
});

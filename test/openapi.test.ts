/**
 * The OpenAPI description (`GET /openapi.json`) against the routes the service really has, with
 * every provider that registers routes configured (Kubernetes on the simulator, Docker registry,
 * AWS, artifacts, the account storage API): a valid OpenAPI 3 document, every route in it, none
 * without a summary, a description and a tag. A route registered without a description is
 * reported by name, so a route added later without one fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { openApiPath, openApiProblems } from '../src/api/openapi/openApiCheck.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';

type Operation = { summary?: string; description?: string; tags?: string[]; parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> };
type Document = { openapi: string; info: { title: string; version: string }; tags: { name: string }[]; paths: Record<string, Record<string, Operation>> };

function config(kubeconfig: string): ReturnType<typeof parseConfig> {
  return parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    storage: { cache: 'memory', tasks: 'memory' },
    account: { storage: { enabled: true } },
    kubernetes: { accounts: [{ name: 'k8s', kubeconfigContents: kubeconfig, kinds: ['deployment'] }] },
    dockerRegistry: { accounts: [] },
    aws: { endpoint: 'http://127.0.0.1:9', accounts: [] },
    artifacts: { http: { enabled: true }, s3: { enabled: true, accounts: [{ name: 's3', apiEndpoint: 'http://127.0.0.1:9' }] } },
  });
}

describe('GET /openapi.json', () => {
  let sim: KubeSim;
  let app: App;
  let doc: Document;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, controllers: false });
    app = await createApp({ config: config(sim.kubeconfig), logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    const res = await app.server.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json<Document>();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.stop();
  });

  it('is an OpenAPI 3 document describing every route the service has, each with a summary, a description and a tag', () => {
    const routes = app.server.registeredRoutes();
    // Every provider's routes are there (the check below is only as good as the list it reads).
    for (const url of ['/applications', '/manifests/:account/:name', '/dockerRegistry/images/find', '/aws/images/find', '/artifacts/fetch', '/credentials/:name', '/health', '/openapi.json']) {
      expect(routes.some((r) => r.url === url), url).toBe(true);
    }
    expect(openApiProblems(doc, routes)).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'clouddriver-ts', version: expect.any(String) });
    // Every tag an operation uses is declared.
    const declared = new Set(doc.tags.map((t) => t.name));
    const used = Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? []));
    expect(used.filter((t) => !declared.has(t))).toEqual([]);
  });

  it('writes path parameters as OpenAPI does and describes them', () => {
    const op = doc.paths['/applications/{app}/clusters/{account}/{cluster}']?.get;
    expect(op?.parameters?.filter((p) => p.in === 'path').map((p) => p.name).sort()).toEqual(['account', 'app', 'cluster']);
    expect(doc.paths[openApiPath('/task/:id')]?.get?.summary).toBeTruthy();
  });

  it('reports a route registered without a description, by method and path', async () => {
    const other = await createApp({ config: parseConfig({ server: { port: 0, host: '127.0.0.1' }, storage: { cache: 'memory', tasks: 'memory' } }), logger: pino({ level: 'silent' }) });
    try {
      other.server.get('/undocumented/:thing', async () => ({ ok: true }));
      other.server.post('/half-documented', { schema: { summary: 'Has a summary only', tags: ['service'] } }, async () => ({ ok: true }));
      const res = await other.server.inject({ method: 'GET', url: '/openapi.json' });
      expect(openApiProblems(res.json(), other.server.registeredRoutes())).toEqual([
        'GET /undocumented/:thing has no summary',
        'GET /undocumented/:thing has no description',
        'GET /undocumented/:thing has no tags',
        'POST /half-documented has no description',
      ]);
      // The route itself still works: describing is separate from serving.
      expect((await other.server.inject({ method: 'GET', url: '/undocumented/x' })).json()).toEqual({ ok: true });
    } finally {
      await other.stop();
    }
  });

  it('reports a route missing from the description and a document that is not OpenAPI 3', () => {
    expect(openApiProblems({ openapi: '2.0', info: { title: 't', version: '1' }, paths: {} }, [{ method: 'GET', url: '/x/:id' }])).toEqual([
      'openapi is "2.0", not a 3.x.y version',
      'GET /x/:id is not in the OpenAPI description',
    ]);
  });
});

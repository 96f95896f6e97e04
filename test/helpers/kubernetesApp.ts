import { pino } from 'pino';
import { expect } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import type { ProviderModule } from '../../src/core/providers/ProviderModule.js';
import { waitFor } from './waitFor.js';
import { startKubeSim, type KubeSim, type KubeSimOptions } from '../../src/testing/kubeSim/index.js';

export interface KubernetesAppHarness {
  readonly app: App;
  readonly sim: KubeSim;
  /** In-process request through Fastify's `inject()`; the body is parsed JSON (or undefined). */
  request<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** `POST /kubernetes/ops` with one operation; resolves with the finished task's JSON (fails on a 4xx). */
  runOperation(name: string, description: Record<string, unknown>, timeoutMs?: number): Promise<TaskJson>;
  /** Submits one operation and expects a 400 whose `errors[]` mention `expected`, and no task for it. */
  expectRefused(name: string, description: unknown, expected: string): Promise<void>;
  stop(): Promise<void>;
}

/** The `/task/{id}` JSON Orca reads. */
export interface TaskJson {
  id: string;
  history: { phase: string; status: string }[];
  resultObjects: Record<string, unknown>[];
  status: { completed: boolean; failed: boolean; retryable: boolean; phase: string; status: string };
}

export interface HarnessOptions {
  /** Extra fields for each account, by account name; account `k8s` (the simulator's first cluster) always exists. */
  readonly accounts?: Readonly<Record<string, Record<string, unknown>>>;
  readonly sim?: KubeSimOptions;
  /** Extra top-level config (merged shallowly). */
  readonly config?: Record<string, unknown>;
  /** Providers besides the built-in ones (their accounts come from `config`). */
  readonly providers?: readonly ProviderModule[];
}

/**
 * The service in-process (memory stores, no port) with Kubernetes accounts on a fresh simulator:
 * account `k8s` and any others given point at the simulator's first cluster. Waits until every
 * account finished its first LIST.
 */
export async function startKubernetesApp(opts: HarnessOptions = {}): Promise<KubernetesAppHarness> {
  const sim = await startKubeSim({ tls: true, ...opts.sim });
  const names = ['k8s', ...Object.keys(opts.accounts ?? {}).filter((n) => n !== 'k8s')];
  const config = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    storage: { cache: 'memory', tasks: 'memory' },
    kubernetes: { accounts: names.map((name) => ({ name, kubeconfigContents: sim.kubeconfig, ...(opts.accounts?.[name] ?? {}) })) },
    ...opts.config,
  });
  const app = await createApp({ config, ...(opts.providers === undefined ? {} : { providers: opts.providers }), logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
  await app.server.ready();
  app.scheduler.start();
  const request = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }> => {
    const res = await app.server.inject({ method, url, ...(headers === undefined ? {} : { headers }), ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
    return { status: res.statusCode, body: (res.body === '' ? undefined : JSON.parse(res.body)) as T };
  };
  await waitFor(async () => {
    const { body } = await request<{ components: { kubernetes: { details: Record<string, { state: string }> } } }>('GET', '/health');
    const states = Object.values(body.components.kubernetes.details).map((a) => a.state);
    if (states.length !== names.length || states.some((s) => s !== 'watching')) throw new Error(`accounts not watching yet: ${states.join(', ')}`);
  }, 30_000);
  const runOperation = async (name: string, description: Record<string, unknown>, timeoutMs = 20_000): Promise<TaskJson> => {
    const submitted = await request<{ id: string; errors?: string[] }>('POST', '/kubernetes/ops', [{ [name]: description }]);
    if (submitted.status !== 200) throw new Error(`${name} was refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
    return waitFor(async () => {
      const { body } = await request<TaskJson>('GET', `/task/${submitted.body.id}`);
      if (!body.status.completed) throw new Error(`task ${body.id} still running: ${body.status.status}`);
      return body;
    }, timeoutMs, 20);
  };
  const expectRefused = async (name: string, description: unknown, expected: string): Promise<void> => {
    const requestId = `refused-${Math.random().toString(36).slice(2)}`;
    const res = await request<{ errors?: string[] }>('POST', `/kubernetes/ops?clientRequestId=${requestId}`, [{ [name]: description }]);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect((res.body.errors ?? []).join('\n')).toContain(expected);
    expect(await app.tasks.getByRequestId(requestId)).toBeUndefined();
  };
  return {
    app,
    sim,
    request,
    runOperation,
    expectRefused,
    async stop() {
      await app.stop();
      await sim.stop();
    },
  };
}

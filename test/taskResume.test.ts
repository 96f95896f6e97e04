/** `POST /task/{id}:resume` (Clouddriver's TaskController): re-runs a retryably failed task. */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { testProvider } from './fixtures/testProvider.js';
import { waitFor } from './helpers/waitFor.js';

interface TaskJson {
  id: string;
  status: { completed: boolean; failed: boolean; retryable: boolean; status: string };
  resultObjects: Record<string, unknown>[];
}

describe('task resume', () => {
  let app: App;
  const request = async <T>(method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  beforeAll(async () => {
    const config = parseConfig({ storage: { cache: 'memory', tasks: 'memory' }, testProvider: { accounts: [{ name: 'acct', widgets: 1 }] } });
    app = await createApp({ config, providers: [testProvider], logger: pino({ level: 'silent' }) });
    await app.server.ready();
  });
  afterAll(async () => app.stop());

  it('finds the task and re-runs a retryably failed one to completion', async () => {
    const submitted = await request<{ id: string }>('POST', '/test/ops', [{ testFlaky: { account: 'acct', marker: 'resume-1' } }]);
    expect(submitted.status).toBe(200);
    const failed = await waitFor(async () => {
      const { body } = await request<TaskJson>('GET', `/task/${submitted.body.id}`);
      expect(body.status.failed).toBe(true);
      return body;
    });
    expect(failed.status.retryable).toBe(true);
    const resumed = await request<TaskJson>('POST', `/task/${submitted.body.id}:resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.id).toBe(submitted.body.id);
    const done = await waitFor(async () => {
      const { body } = await request<TaskJson>('GET', `/task/${submitted.body.id}`);
      expect(body.status.completed && !body.status.failed).toBe(true);
      return body;
    });
    expect(done.resultObjects).toContainEqual({ attempts: 2 });
  });

  it('answers 404 naming an unknown task, and 404 for other POST /task paths', async () => {
    const unknown = await request<{ message: string }>('POST', '/task/no-such-task:resume');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Task not found (id: no-such-task)');
    expect((await request('POST', '/task/abc')).status).toBe(404);
  });
});

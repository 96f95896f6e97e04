import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, rawPost, repoRoot, startService, type ServiceProcess } from './helpers/serviceProcess.js';

interface TaskJson {
  id: string;
  requestId: string;
  status: { completed: boolean; failed: boolean; retryable: boolean; phase: string; status: string };
  history: { phase: string; status: string }[];
  resultObjects: Record<string, unknown>[];
}

async function json(res: Response): Promise<unknown> {
  expect(res.headers.get('content-type') ?? '').toMatch(/application\/json/);
  return res.json();
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function finished(svc: ServiceProcess, id: string): Promise<TaskJson> {
  return eventually(async () => {
    const t = (await (await fetch(`${svc.url}/task/${id}`)).json()) as TaskJson;
    return t.status.completed ? t : undefined;
  }, 15_000, `task ${id}`);
}

describe('service with zero configuration (npm start)', () => {
  let svc: ServiceProcess;
  beforeAll(async () => {
    svc = await startService();
  }, 60_000);
  afterAll(async () => {
    expect(await svc.stop()).toBe(true);
  }, 30_000);

  it('reports health per component and uses the embedded SQLite store under ./data', async () => {
    const res = await fetch(`${svc.url}/health`);
    expect(res.status).toBe(200);
    const body = (await json(res)) as { status: string; components: Record<string, { status: string; details?: { driver?: string } }> };
    expect(body.status).toBe('UP');
    expect(body.components.cacheStore).toEqual({ status: 'UP', details: { driver: 'sqlite' } });
    expect(body.components.taskRepository?.status).toBe('UP');
    expect(existsSync(join(repoRoot, 'data', 'clouddriver.db'))).toBe(true);
  });

  it('lists no credentials and no agents', async () => {
    expect(await json(await fetch(`${svc.url}/credentials`))).toEqual([]);
    expect(await json(await fetch(`${svc.url}/cache/introspection`))).toEqual([]);
  });

  it('answers bad input with a clear 4xx JSON body', async () => {
    const unknownTask = await fetch(`${svc.url}/task/does-not-exist`);
    expect(unknownTask.status).toBe(404);
    expect(await json(unknownTask)).toMatchObject({ status: 404, error: 'Not Found', message: expect.stringContaining('does-not-exist') });

    const unknownOp = await post(`${svc.url}/kubernetes/ops`, [{ noSuchOp: { account: 'x' } }]);
    expect(unknownOp.status).toBe(400);
    expect(await json(unknownOp)).toMatchObject({
      status: 400,
      error: 'Bad Request',
      message: 'Validation Failed',
      errors: ["noSuchOp: no operation named 'noSuchOp' for cloud provider 'kubernetes'"],
    });

    const malformed = await fetch(`${svc.url}/kubernetes/ops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"a": ' });
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toMatchObject({ status: 400 });

    const notAList = await post(`${svc.url}/kubernetes/ops`, { deployManifest: {} });
    expect(notAList.status).toBe(400);
    expect(((await json(notAList)) as { message: string }).message).toMatch(/JSON array/);

    const huge = await rawPost(`${svc.url}/kubernetes/ops`, JSON.stringify([{ x: { blob: 'y'.repeat(11 * 1024 * 1024) } }]));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ status: 413, error: 'Payload Too Large' });

    const wrongType = await fetch(`${svc.url}/kubernetes/ops`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(wrongType.status).toBe(415);
    expect(await json(wrongType)).toMatchObject({ status: 415 });

    const noRoute = await fetch(`${svc.url}/no/such/route`);
    expect(noRoute.status).toBe(404);
    expect(await json(noRoute)).toMatchObject({ status: 404 });

    const resumeUnknown = await fetch(`${svc.url}/task/nope:resume`, { method: 'POST' });
    expect(resumeUnknown.status).toBe(404);

    // Still healthy after all of that.
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/clouddriver_http_request_duration_seconds_bucket\{.*route="\/health"/);
    expect(text).toContain('clouddriver_operation_validation_errors_total{cloudProvider="kubernetes"}');
  });
});

describe('service with a config file, a plugin provider and the SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clouddriver-bb-'));
  const configFile = join(dir, 'clouddriver.yml');
  let svc: ServiceProcess;

  beforeAll(async () => {
    writeFileSync(
      configFile,
      [
        'storage:',
        `  sqlite: { path: ${JSON.stringify(join(dir, 'db', 'clouddriver.db'))} }`,
        'caching:',
        '  poll: { intervalSeconds: 1, errorIntervalSeconds: 1, timeoutSeconds: 5 }',
        'credentials:',
        '  primary-account-types: [main]',
        'plugins:',
        `  - ${JSON.stringify(join(repoRoot, 'test/fixtures/testProvider.ts'))}`,
        'testProvider:',
        '  accounts:',
        '    - name: alpha',
        '      accountType: main',
        '      environment: prod',
        '      apiToken: s3cr3t-token',
        '      widgets: 4',
        '    - name: beta',
        '      widgets: 2',
        '',
      ].join('\n'),
    );
    svc = await startService({ args: ['--config', configFile] });
  }, 60_000);

  afterAll(async () => {
    await svc.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('lists accounts with the /credentials fields and never their secrets', async () => {
    const list = (await json(await fetch(`${svc.url}/credentials`))) as Record<string, unknown>[];
    expect(list).toEqual([
      {
        name: 'alpha',
        environment: 'prod',
        accountType: 'main',
        cloudProvider: 'test',
        requiredGroupMembership: [],
        permissions: {},
        type: 'test',
        challengeDestructiveActions: false,
        primaryAccount: true,
      },
      expect.objectContaining({ name: 'beta', environment: 'test', primaryAccount: false, challengeDestructiveActions: false }),
    ]);
    const alpha = (await json(await fetch(`${svc.url}/credentials/alpha`))) as Record<string, unknown>;
    expect(alpha).toMatchObject({ name: 'alpha', widgets: 4, type: 'test' });
    expect(JSON.stringify(alpha)).not.toContain('s3cr3t');
    expect((await fetch(`${svc.url}/credentials/nope`)).status).toBe(404);
    expect(svc.output()).not.toContain('s3cr3t');
  });

  it('runs each account’s caching agent and shows it in introspection', async () => {
    const agents = await eventually(async () => {
      const list = (await (await fetch(`${svc.url}/cache/introspection`)).json()) as { id: string; totalAdditions: number; lastExecutionStartMs: number | null }[];
      return list.length === 2 && list.every((a) => a.totalAdditions > 0) ? list : undefined;
    }, 10_000, 'agents to run');
    expect(agents.map((a) => a.id).sort()).toEqual(['alpha/TestCachingAgent', 'beta/TestCachingAgent']);
    const alpha = agents.find((a) => a.id === 'alpha/TestCachingAgent');
    expect(alpha).toMatchObject({ provider: 'test', lastError: null, details: { widgets: 4 } });
    expect(typeof alpha?.lastExecutionStartMs).toBe('number');
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/clouddriver_agent_runs_total\{provider="test",success="true"\} \d+/);
  });

  it('drives the orchestration path end to end: ordered history, idempotent clientRequestId, failure stops later ops', async () => {
    const ops = [{ testEcho: { account: 'alpha', message: 'one' } }, { testEcho: { account: 'alpha', message: 'two' } }];
    const first = await post(`${svc.url}/test/ops?clientRequestId=req-123`, ops);
    expect(first.status).toBe(200);
    const { id, resourceUri } = (await json(first)) as { id: string; resourceUri: string };
    expect(resourceUri).toBe(`/task/${id}`);
    const again = (await (await post(`${svc.url}/test/ops?clientRequestId=req-123`, ops)).json()) as { id: string };
    expect(again.id).toBe(id);

    const task = await finished(svc, id);
    expect(task.requestId).toBe('req-123');
    expect(task.status).toMatchObject({ completed: true, failed: false, retryable: false, status: 'Orchestration completed.' });
    expect(task.history).toEqual([
      { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task' },
      { phase: 'ORCHESTRATION', status: 'Processing op: TestEchoAtomicOperation' },
      { phase: 'ECHO', status: 'Echoing one' },
      { phase: 'ORCHESTRATION', status: 'Processing op: TestEchoAtomicOperation' },
      { phase: 'ECHO', status: 'Echoing two' },
      { phase: 'ORCHESTRATION', status: 'Orchestration completed.' },
    ]);
    expect(task.resultObjects).toEqual([{ echoed: 'one', priorResults: 0 }, { echoed: 'two', priorResults: 1 }]);

    const failing = (await (await post(`${svc.url}/test/ops`, [
      { testEcho: { account: 'alpha', message: 'before' } },
      { testFail: { account: 'alpha', reason: 'disk on fire' } },
      { testEcho: { account: 'alpha', message: 'after' } },
    ])).json()) as { id: string };
    const failed = await finished(svc, failing.id);
    expect(failed.status).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(failed.history.map((h) => h.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: TestEchoAtomicOperation',
      'Echoing before',
      'Processing op: TestFailAtomicOperation',
      'About to fail',
      'Orchestration failed: TestFailAtomicOperation | TestOperationFailure: [disk on fire]',
    ]);
    expect(failed.resultObjects).toEqual([
      expect.objectContaining({ type: 'EXCEPTION', message: 'disk on fire', cause: 'TestOperationFailure', operation: 'TestFailAtomicOperation' }),
    ]);
  });

  it('validates every operation before creating a task', async () => {
    const res = await post(`${svc.url}/test/ops`, [
      { testEcho: { account: 'alpha', message: 'invalid' } },
      { testEcho: { account: 'ghost', message: 'x' } },
      { testEcho: { account: 'alpha' } },
    ]);
    expect(res.status).toBe(400);
    expect(((await json(res)) as { errors: string[] }).errors).toEqual([
      'testEcho: message may not be "invalid"',
      "testEcho.account: account 'ghost' is not known for cloud provider 'test'",
      'testEcho.message: Required',
    ]);
  });

  it('accepts the single-operation and deprecated forms', async () => {
    const single = (await json(await post(`${svc.url}/test/ops/testEcho`, { account: 'beta', message: 'single' }))) as { id: string };
    expect((await finished(svc, single.id)).resultObjects).toEqual([{ echoed: 'single', priorResults: 0 }]);
    const legacy = (await json(await post(`${svc.url}/ops`, [{ testEcho: { account: 'beta', message: 'legacy' } }]))) as { id: string };
    expect((await finished(svc, legacy.id)).status.failed).toBe(false);
    const legacySingle = (await json(await post(`${svc.url}/ops/testEcho`, { cloudProvider: 'test', account: 'beta', message: 'l2' }))) as { id: string };
    expect((await finished(svc, legacySingle.id)).status.failed).toBe(false);
  });

  it('lists running tasks at GET /task', async () => {
    const { id } = (await (await post(`${svc.url}/test/ops`, [{ testEcho: { account: 'alpha', message: 'slow', delayMs: 1500 } }])).json()) as { id: string };
    const running = (await json(await fetch(`${svc.url}/task`))) as TaskJson[];
    expect(running.map((t) => t.id)).toContain(id);
    await finished(svc, id);
    expect(((await (await fetch(`${svc.url}/task`)).json()) as TaskJson[]).map((t) => t.id)).not.toContain(id);
  });

  it('keeps completed tasks across a restart and fails tasks a dead process left running', async () => {
    const done = (await (await post(`${svc.url}/test/ops`, [{ testEcho: { account: 'alpha', message: 'durable' } }])).json()) as { id: string };
    await finished(svc, done.id);
    const stuck = (await (await post(`${svc.url}/test/ops`, [{ testEcho: { account: 'alpha', message: 'stuck', delayMs: 60_000 } }])).json()) as { id: string };
    await eventually(async () => {
      const t = (await (await fetch(`${svc.url}/task/${stuck.id}`)).json()) as TaskJson;
      return t.history.some((h) => h.status === 'Echoing stuck') ? true : undefined;
    });
    await svc.stop('SIGKILL');

    svc = await startService({ args: ['--config', configFile] });
    const kept = (await json(await fetch(`${svc.url}/task/${done.id}`))) as TaskJson;
    expect(kept.status).toMatchObject({ completed: true, failed: false, status: 'Orchestration completed.' });
    expect(kept.resultObjects).toEqual([{ echoed: 'durable', priorResults: 0 }]);
    const orphan = (await json(await fetch(`${svc.url}/task/${stuck.id}`))) as TaskJson;
    expect(orphan.status).toMatchObject({ completed: true, failed: true });
    expect(orphan.status.status).toMatch(/stopped before it finished/);
  });

  it('drains a running task on SIGTERM before exiting', async () => {
    const { id } = (await (await post(`${svc.url}/test/ops`, [{ testEcho: { account: 'alpha', message: 'drain', delayMs: 1500 } }])).json()) as { id: string };
    expect(await svc.stop('SIGTERM')).toBe(true);
    svc = await startService({ args: ['--config', configFile] });
    const t = (await (await fetch(`${svc.url}/task/${id}`)).json()) as TaskJson;
    expect(t.status).toMatchObject({ completed: true, failed: false });
  });
});

describe('start-up with invalid configuration', () => {
  it('exits non-zero and names the offending path and rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clouddriver-badcfg-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'server:\n  port: "not a number"\ncaching:\n  poll:\n    intervalSeconds: -5\n');
    const run = spawnSync('npm', ['start', '--', '--config', file], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/server\.port: Expected number, received string/);
    expect(run.stderr + run.stdout).toMatch(/caching\.poll\.intervalSeconds: Number must be greater than 0/);
  });
});

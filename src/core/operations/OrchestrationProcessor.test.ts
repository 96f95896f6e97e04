import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryTaskRepository } from '../../stores/memory/InMemoryTaskRepository.js';
import { systemClock } from '../Clock.js';
import { ServiceUnavailableError, ValidationError } from '../errors.js';
import { silentLogger } from '../Logger.js';
import { currentEntry, type TaskRecord } from '../tasks/Task.js';
import type { Authorizer } from '../security/Authorizer.js';
import { TaskExecutionSealer } from '../tasks/TaskExecutionSealer.js';
import { defineOperation } from './OperationDefinition.js';
import { OperationRegistry } from './OperationRegistry.js';
import { MAX_ORPHAN_RESUMES, OrchestrationProcessor } from './OrchestrationProcessor.js';

function setup() {
  const calls: string[] = [];
  let flakyAttempts = 0;
  const registry = new OperationRegistry();
  registry.register('p', defineOperation({
    name: 'step',
    schema: z.object({ account: z.string(), label: z.string() }),
    account: (d) => d.account,
    async operate(d, ctx) {
      calls.push(d.label);
      await ctx.task.updateStatus('STEP', `did ${d.label}`);
      return { label: d.label, prior: ctx.priorResults.length };
    },
  }));
  registry.register('p', defineOperation({
    name: 'boom',
    schema: z.object({}),
    async operate() {
      calls.push('boom');
      throw new RangeError('kaput');
    },
  }));
  registry.register('p', defineOperation({
    name: 'flaky',
    retryable: true,
    schema: z.object({}),
    async operate() {
      if (++flakyAttempts === 1) throw new Error('try again');
      return { attempts: flakyAttempts };
    },
  }));
  const tasks = new InMemoryTaskRepository();
  const processor = new OrchestrationProcessor({
    tasks,
    registry,
    ownerId: 'me@host',
    clock: systemClock,
    logger: silentLogger,
    accountExists: (_p, name) => name === 'prod',
  });
  const settle = async (id: string): Promise<TaskRecord> => {
    for (let i = 0; i < 200; i++) {
      const t = await tasks.get(id);
      if (t && currentEntry(t).state !== 'STARTED') return t;
      await sleep(5);
    }
    throw new Error('task did not finish');
  };
  return { processor, tasks, calls, settle };
}

describe('OrchestrationProcessor', () => {
  it('runs operations in order and writes the history lines Orca expects', async () => {
    const { processor, calls, settle } = setup();
    const task = await processor.submit('p', [
      { name: 'step', description: { account: 'prod', label: 'one' } },
      { name: 'step', description: { account: 'prod', label: 'two' } },
    ]);
    const done = await settle(task.id);
    expect(calls).toEqual(['one', 'two']);
    expect(done.history.map((h) => h.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: StepAtomicOperation',
      'did one',
      'Processing op: StepAtomicOperation',
      'did two',
      'Orchestration completed.',
    ]);
    expect(done.resultObjects).toEqual([{ label: 'one', prior: 0 }, { label: 'two', prior: 1 }]);
    expect(currentEntry(done).state).toBe('COMPLETED');
  });

  it('rejects the whole request before any task exists when one operation is invalid', async () => {
    const { processor, tasks, calls } = setup();
    const err = await processor
      .submit('p', [
        { name: 'step', description: { account: 'prod', label: 'ok' } },
        { name: 'step', description: { account: 'nope', label: 5 } },
        { name: 'missing', description: {} },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors).toEqual([
      'step.label: Expected string, received number',
      "missing: no operation named 'missing' for cloud provider 'p'",
    ]);
    const err2 = (await processor.submit('p', [{ name: 'step', description: { account: 'nope', label: 'x' } }]).catch((e: unknown) => e)) as ValidationError;
    expect(err2.errors).toEqual(["step.account: account 'nope' is not known for cloud provider 'p'"]);
    expect(await tasks.listRunning()).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('stops at the first failure and records an EXCEPTION result', async () => {
    const { processor, calls, settle } = setup();
    const task = await processor.submit('p', [
      { name: 'step', description: { account: 'prod', label: 'one' } },
      { name: 'boom', description: {} },
      { name: 'step', description: { account: 'prod', label: 'never' } },
    ]);
    const done = await settle(task.id);
    expect(calls).toEqual(['one', 'boom']);
    expect(currentEntry(done)).toEqual({
      phase: 'ORCHESTRATION',
      status: 'Orchestration failed: BoomAtomicOperation | RangeError: [kaput]',
      state: 'FAILED',
    });
    expect(done.resultObjects).toEqual([
      { type: 'EXCEPTION', message: 'kaput', cause: 'RangeError', details: [], retryable: false, operation: 'BoomAtomicOperation' },
    ]);
  });

  it('returns the existing task for a repeated clientRequestId without running it again', async () => {
    const { processor, calls, settle } = setup();
    const ops = [{ name: 'step', description: { account: 'prod', label: 'once' } }];
    const first = await processor.submit('p', ops, 'req-1');
    await settle(first.id);
    const again = await processor.submit('p', ops, 'req-1');
    const concurrent = await Promise.all([processor.submit('p', ops, 'req-2'), processor.submit('p', ops, 'req-2')]);
    expect(again.id).toBe(first.id);
    expect(concurrent[0].id).toBe(concurrent[1].id);
    await settle(concurrent[0].id);
    expect(calls).toEqual(['once', 'once']);
  });

  it('re-runs a retryably failed task when its clientRequestId is submitted again', async () => {
    const { processor, settle } = setup();
    const first = await processor.submit('p', [{ name: 'flaky', description: {} }], 'req-f');
    expect(currentEntry(await settle(first.id)).state).toBe('FAILED_RETRYABLE');
    const again = await processor.submit('p', [{ name: 'flaky', description: {} }], 'req-f');
    expect(again.id).toBe(first.id);
    const done = await settle(first.id);
    expect(currentEntry(done).state).toBe('COMPLETED');
    expect(done.resultObjects.at(-1)).toEqual({ attempts: 2 });
  });

  it('resumes a retryably failed task and refuses to resume others', async () => {
    const { processor, settle } = setup();
    const t = await processor.submit('p', [{ name: 'flaky', description: {} }]);
    await settle(t.id);
    await processor.resume(t.id);
    expect(currentEntry(await settle(t.id)).state).toBe('COMPLETED');
    await expect(processor.resume(t.id)).rejects.toThrow(/not retryable/);
    await expect(processor.resume('unknown')).rejects.toThrow(/not found/);
  });

  it('fails tasks left running by a dead process of this host', async () => {
    const { processor, tasks } = setup();
    const { task } = await tasks.create({
      requestId: 'orphan',
      ownerId: 'dead@host',
      startTimeMs: 1,
      first: { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', state: 'STARTED' },
    });
    await tasks.create({
      requestId: 'elsewhere',
      ownerId: 'alive@other',
      startTimeMs: 1,
      first: { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', state: 'STARTED' },
    });
    expect(await processor.recoverOrphanedTasks((owner) => owner.endsWith('@host'))).toEqual({ failed: 1, resumed: 0 });
    const failed = await tasks.get(task.id);
    expect(failed && currentEntry(failed).state).toBe('FAILED');
    expect(failed?.ownerId).toBe('me@host');
    expect((await tasks.listRunning()).map((t) => t.requestId)).toEqual(['elsewhere']);
  });
});

describe('OrchestrationProcessor with a task storage key (tasks survive their instance)', () => {
  const key = randomBytes(32);
  const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;

  /** Two instances (A and B) sharing one task repository, each with its own registry. */
  function cluster(opts: { keyA?: Buffer; keyB?: Buffer; authorizerB?: Authorizer } = { keyA: key, keyB: key }) {
    const tasks = new InMemoryTaskRepository();
    const runs: string[] = [];
    let flakyAttempts = 0;
    const instance = (ownerId: string, sealingKey: Buffer | undefined, authorizer?: Authorizer) => {
      const registry = new OperationRegistry();
      registry.register('p', defineOperation({
        name: 'flaky',
        retryable: true,
        schema: z.object({ token: z.string() }),
        async operate(d) {
          runs.push(`${ownerId}:${d.token === SECRET ? 'secret' : 'other'}`);
          if (++flakyAttempts === 1) throw new Error('try again');
          return { attempts: flakyAttempts };
        },
      }));
      registry.register('p', defineOperation({
        name: 'idempotent',
        retryable: true,
        schema: z.object({ label: z.string(), hang: z.boolean().default(false) }),
        async operate(d) {
          runs.push(`${ownerId}:${d.label}`);
          if (d.hang && ownerId === 'a@h') await new Promise(() => undefined); // "A dies" mid-task: it never finishes
          return { label: d.label };
        },
      }));
      registry.register('p', defineOperation({
        name: 'once',
        schema: z.object({}),
        async operate() {
          runs.push(`${ownerId}:once`);
          await new Promise(() => undefined);
        },
      }));
      return new OrchestrationProcessor({
        tasks,
        registry,
        ownerId,
        clock: systemClock,
        logger: silentLogger,
        accountExists: () => true,
        ...(sealingKey === undefined ? {} : { sealer: new TaskExecutionSealer(sealingKey) }),
        ...(authorizer === undefined ? {} : { authorizer }),
      });
    };
    const settle = async (id: string, state: string): Promise<TaskRecord> => {
      for (let i = 0; i < 200; i++) {
        const t = await tasks.get(id);
        if (t && currentEntry(t).state === state) return t;
        await sleep(5);
      }
      throw new Error(`task did not reach ${state}`);
    };
    return { tasks, runs, a: instance('a@h', opts.keyA), b: instance('b@h', opts.keyB, opts.authorizerB), settle };
  }
  const identity = { user: 'alice', accounts: ['prod'], context: { 'x-spinnaker-user': 'alice' } };

  it('stores the operations and identity sealed, never in clear, and resumes the task on another instance', async () => {
    const { a, b, tasks, runs, settle } = cluster();
    const t = await a.submit('p', [{ name: 'flaky', description: { token: SECRET } }], 'req-resume', identity);
    const failed = await settle(t.id, 'FAILED_RETRYABLE');
    expect(failed.execution).toMatch(/^aes-256-gcm:v1:/);
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    expect(JSON.stringify(failed)).not.toContain('alice');
    expect(new TaskExecutionSealer(key).open('req-resume', failed.execution ?? '')).toEqual({ cloudProvider: 'p', operations: [{ name: 'flaky', description: { token: SECRET } }], identity });
    await b.resume(t.id);
    const done = await settle(t.id, 'COMPLETED');
    expect(runs).toEqual(['a@h:secret', 'b@h:secret']);
    expect(done.ownerId).toBe('b@h');
    expect(done.history.map((h) => h.status)).toContain('Resuming Orchestration Task');
    expect(done.execution).toBeUndefined(); // a finished task keeps nothing to run again
    expect((await tasks.get(t.id))?.resultObjects.at(-1)).toEqual({ attempts: 2 });
  });

  it('of two instances resuming one task at once, one runs it', async () => {
    const { a, b, runs, settle } = cluster();
    const t = await a.submit('p', [{ name: 'flaky', description: { token: 'x' } }]);
    await settle(t.id, 'FAILED_RETRYABLE');
    await Promise.all([a.resume(t.id), b.resume(t.id)]);
    await settle(t.id, 'COMPLETED');
    expect(runs).toHaveLength(2);
  });

  it('without a key, resume works only where the task ran, and the refusal says why', async () => {
    const { a, b, settle } = cluster({});
    const t = await a.submit('p', [{ name: 'flaky', description: { token: 'x' } }]);
    expect((await settle(t.id, 'FAILED_RETRYABLE')).execution).toBeUndefined();
    await expect(b.resume(t.id)).rejects.toThrow(/without a task storage key \(CLOUDDRIVER_TASK_STORAGE_KEY or storage.taskEncryption.keyFile\).*\(a@h\); resume it there/);
    await a.resume(t.id);
    await settle(t.id, 'COMPLETED');
  });

  it('refuses to resume with another key, naming the cause', async () => {
    const { a, b, settle } = cluster({ keyA: key, keyB: randomBytes(32) });
    const t = await a.submit('p', [{ name: 'flaky', description: { token: 'x' } }]);
    await settle(t.id, 'FAILED_RETRYABLE');
    await expect(b.resume(t.id)).rejects.toThrow(/cannot be opened with this instance's task storage key/);
  });

  it('resumes an orphan whose operations are all retryable on the sweeping instance, and fails one that may not run twice', async () => {
    const { a, b, runs, settle } = cluster();
    const safe = await a.submit('p', [{ name: 'idempotent', description: { label: 'one' } }, { name: 'idempotent', description: { label: 'two', hang: true } }]);
    const unsafe = await a.submit('p', [{ name: 'once', description: {} }]);
    for (let i = 0; i < 200 && runs.length < 3; i++) await sleep(5); // until A is inside both tasks' last operations
    expect([...runs].sort()).toEqual(['a@h:once', 'a@h:one', 'a@h:two']);
    expect(await b.recoverOrphanedTasks((owner) => owner === 'a@h')).toEqual({ failed: 1, resumed: 1 });
    const resumed = await settle(safe.id, 'COMPLETED');
    expect(resumed.ownerId).toBe('b@h');
    expect(resumed.history.map((h) => h.status)).toContain('Resuming Orchestration Task: its instance (a@h) stopped before it finished');
    expect(runs.slice(3)).toEqual(['b@h:one', 'b@h:two']);
    const failed = await settle(unsafe.id, 'FAILED');
    expect(failed.resultObjects[0]).toMatchObject({ cause: 'TaskInterrupted', message: expect.stringContaining('once may not be run twice') });
    expect(failed.execution).toBeUndefined();
    expect(await b.recoverOrphanedTasks((owner) => owner === 'a@h')).toEqual({ failed: 0, resumed: 0 });
  });

  it('leaves an orphan for a later sweep while the permissions of its submitter cannot be known', async () => {
    const fiatDown: Authorizer = { enabled: true, permissions: async () => Promise.reject(new ServiceUnavailableError('Fiat is unreachable')) };
    const { a, b, tasks } = cluster({ keyA: key, keyB: key, authorizerB: fiatDown });
    const t = await a.submit('p', [{ name: 'idempotent', description: { label: 'x', hang: true } }]);
    expect(await b.recoverOrphanedTasks((owner) => owner === 'a@h')).toEqual({ failed: 0, resumed: 0 });
    const still = await tasks.get(t.id);
    expect(still && [currentEntry(still).state, still.ownerId]).toEqual(['STARTED', 'a@h']);
  });

  it(`fails an orphan that was already resumed ${MAX_ORPHAN_RESUMES} times`, async () => {
    const { a, b, tasks, settle } = cluster();
    const t = await a.submit('p', [{ name: 'idempotent', description: { label: 'x', hang: true } }]);
    for (let i = 0; i < MAX_ORPHAN_RESUMES; i++) {
      await tasks.appendHistory(t.id, { phase: 'ORCHESTRATION', status: `Resuming Orchestration Task: its instance (dead-${i}@h) stopped before it finished`, state: 'STARTED' });
    }
    expect(await b.recoverOrphanedTasks((owner) => owner === 'a@h')).toEqual({ failed: 1, resumed: 0 });
    expect((await settle(t.id, 'FAILED')).resultObjects[0]).toMatchObject({ message: expect.stringContaining(`resumed ${MAX_ORPHAN_RESUMES} times already`) });
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryTaskRepository } from '../../stores/memory/InMemoryTaskRepository.js';
import { systemClock } from '../Clock.js';
import { ValidationError } from '../errors.js';
import { silentLogger } from '../Logger.js';
import { currentEntry, type TaskRecord } from '../tasks/Task.js';
import { defineOperation } from './OperationDefinition.js';
import { OperationRegistry } from './OperationRegistry.js';
import { OrchestrationProcessor } from './OrchestrationProcessor.js';

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
    expect(await processor.failOrphanedTasks((owner) => owner.endsWith('@host'))).toBe(1);
    const failed = await tasks.get(task.id);
    expect(failed && currentEntry(failed).state).toBe('FAILED');
    expect((await tasks.listRunning()).map((t) => t.requestId)).toEqual(['elsewhere']);
  });
});

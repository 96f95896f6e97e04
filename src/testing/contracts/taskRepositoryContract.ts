import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskStatusEntry } from '../../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskRepository } from '../../core/tasks/TaskRepository.js';

export interface TaskRepositoryFixture {
  readonly repo: TaskRepository;
  cleanup(): Promise<void>;
}

const started = (status: string): TaskStatusEntry => ({ phase: 'ORCHESTRATION', status, state: 'STARTED' });
const newTask = (requestId: string, startTimeMs = 1_000): NewTask => ({
  requestId,
  ownerId: 'owner@host',
  startTimeMs,
  first: started('Initializing Orchestration Task'),
});

/** The behaviour every `TaskRepository` driver must have (see TaskRepository.ts). */
export function describeTaskRepositoryContract(name: string, factory: () => Promise<TaskRepositoryFixture>): void {
  describe(`TaskRepository contract: ${name}`, () => {
    let fx: TaskRepositoryFixture;
    let repo: TaskRepository;

    beforeEach(async () => {
      fx = await factory();
      repo = fx.repo;
    });
    afterEach(async () => {
      await repo.close();
      await fx.cleanup();
    });

    it('creates a task with its first history entry and reads it back', async () => {
      const { task, created } = await repo.create(newTask('r1'));
      expect(created).toBe(true);
      expect(task.id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(task).toMatchObject({ requestId: 'r1', ownerId: 'owner@host', startTimeMs: 1_000, resultObjects: [], outputs: [], sagaIds: [] });
      expect(task.history).toEqual([started('Initializing Orchestration Task')]);
      expect(await repo.get(task.id)).toEqual(task);
      expect(await repo.getByRequestId('r1')).toEqual(task);
    });

    it('returns the existing task for a known request id and writes nothing', async () => {
      const first = await repo.create(newTask('same'));
      await repo.appendHistory(first.task.id, started('working'));
      const second = await repo.create({ ...newTask('same'), ownerId: 'other@host' });
      expect(second.created).toBe(false);
      expect(second.task.id).toBe(first.task.id);
      expect(second.task.ownerId).toBe('owner@host');
      expect(second.task.history).toHaveLength(2);
    });

    it('creates exactly one task under concurrent creates with one request id', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => repo.create(newTask('race'))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.task.id)).size).toBe(1);
    });

    it('gives distinct ids to distinct tasks and undefined for unknown ids', async () => {
      const a = await repo.create(newTask('a'));
      const b = await repo.create(newTask('b'));
      expect(a.task.id).not.toBe(b.task.id);
      expect(await repo.get('no-such-task')).toBeUndefined();
      expect(await repo.getByRequestId('no-such-request')).toBeUndefined();
    });

    it('keeps history, results, outputs and saga ids in insertion order', async () => {
      const { task } = await repo.create(newTask('order'));
      for (let i = 0; i < 5; i++) await repo.appendHistory(task.id, started(`step ${i}`));
      await repo.addResultObjects(task.id, [{ n: 1 }, { n: 2 }]);
      await repo.addResultObjects(task.id, [{ n: 3, nested: { deep: ['x'] } }]);
      await repo.addOutput(task.id, { manifest: 'm1', phase: 'DEPLOY', stdOut: 'out', stdError: null });
      await repo.addOutput(task.id, { manifest: 'm2', phase: 'DEPLOY', stdOut: null, stdError: 'err' });
      await repo.addSagaId(task.id, { name: 'saga', id: 's1' });
      const t = await repo.get(task.id);
      expect(t?.history.map((h) => h.status)).toEqual(['Initializing Orchestration Task', 'step 0', 'step 1', 'step 2', 'step 3', 'step 4']);
      expect(t?.resultObjects).toEqual([{ n: 1 }, { n: 2 }, { n: 3, nested: { deep: ['x'] } }]);
      expect(t?.outputs.map((o) => o.manifest)).toEqual(['m1', 'm2']);
      expect(t?.outputs[1]).toEqual({ manifest: 'm2', phase: 'DEPLOY', stdOut: null, stdError: 'err' });
      expect(t?.sagaIds).toEqual([{ name: 'saga', id: 's1' }]);
    });

    it('lists tasks whose latest state is STARTED, oldest first', async () => {
      const late = await repo.create(newTask('late', 3_000));
      const early = await repo.create(newTask('early', 1_000));
      const done = await repo.create(newTask('done', 2_000));
      await repo.appendHistory(done.task.id, { phase: 'ORCHESTRATION', status: 'Orchestration completed.', state: 'COMPLETED' });
      const failed = await repo.create(newTask('failed', 2_500));
      await repo.appendHistory(failed.task.id, { phase: 'ORCHESTRATION', status: 'Orchestration failed', state: 'FAILED_RETRYABLE' });
      expect((await repo.listRunning()).map((t) => t.requestId)).toEqual(['early', 'late']);
      await repo.appendHistory(failed.task.id, started('Restarting'));
      expect((await repo.listRunning()).map((t) => t.id)).toEqual([early.task.id, failed.task.id, late.task.id]);
    });

    it('changes the owner', async () => {
      const { task } = await repo.create(newTask('own'));
      await repo.setOwner(task.id, 'new@host');
      expect((await repo.get(task.id))?.ownerId).toBe('new@host');
    });

    it('rejects updates to unknown tasks with UnknownTaskError', async () => {
      await expect(repo.appendHistory('ghost', started('x'))).rejects.toThrow(UnknownTaskError);
      await expect(repo.addResultObjects('ghost', [{}])).rejects.toThrow(UnknownTaskError);
      await expect(repo.addOutput('ghost', { manifest: 'm', phase: 'P', stdOut: null, stdError: null })).rejects.toThrow(UnknownTaskError);
      await expect(repo.addSagaId('ghost', { name: 'n', id: 'i' })).rejects.toThrow(UnknownTaskError);
      await expect(repo.setOwner('ghost', 'o@h')).rejects.toThrow(UnknownTaskError);
      await expect(repo.setExecution('ghost', 'sealed')).rejects.toThrow(UnknownTaskError);
      await expect(repo.transition('ghost', { state: 'STARTED' }, 'o@h', started('x'))).rejects.toThrow(UnknownTaskError);
    });

    it('stores the sealed execution with the task, replaces and removes it', async () => {
      const sealed = `aes-256-gcm:v1:${'QUJD+/='.repeat(300)}`;
      const { task } = await repo.create({ ...newTask('exec'), execution: sealed });
      expect(task.execution).toBe(sealed);
      expect((await repo.get(task.id))?.execution).toBe(sealed);
      expect((await repo.getByRequestId('exec'))?.execution).toBe(sealed);
      expect((await repo.listRunning()).find((t) => t.id === task.id)?.execution).toBe(sealed);
      await repo.setExecution(task.id, 'replaced');
      expect((await repo.get(task.id))?.execution).toBe('replaced');
      await repo.setExecution(task.id, undefined);
      expect((await repo.get(task.id))?.execution).toBeUndefined();
      const { task: plain } = await repo.create(newTask('no-exec'));
      expect(plain.execution).toBeUndefined();
      await repo.setExecution(plain.id, undefined); // removing what is not there is no error
    });

    it('transitions only when the expected state (and owner) hold', async () => {
      const { task } = await repo.create(newTask('tr'));
      const failed = { phase: 'ORCHESTRATION', status: 'Orchestration failed', state: 'FAILED_RETRYABLE' } as const;
      expect(await repo.transition(task.id, { state: 'FAILED_RETRYABLE' }, 'b@h', started('nope'))).toBe(false);
      expect(await repo.transition(task.id, { state: 'STARTED', ownerId: 'someone-else@h' }, 'b@h', failed)).toBe(false);
      let t = await repo.get(task.id);
      expect([t?.ownerId, t?.history.length]).toEqual(['owner@host', 1]);
      expect(await repo.transition(task.id, { state: 'STARTED', ownerId: 'owner@host' }, 'a@h', failed)).toBe(true);
      expect((await repo.listRunning()).map((r) => r.id)).not.toContain(task.id);
      expect(await repo.transition(task.id, { state: 'FAILED_RETRYABLE' }, 'b@h', started('Resuming'))).toBe(true);
      t = await repo.get(task.id);
      expect(t?.ownerId).toBe('b@h');
      expect(t?.history.map((h) => h.state)).toEqual(['STARTED', 'FAILED_RETRYABLE', 'STARTED']);
      expect((await repo.listRunning()).map((r) => r.id)).toContain(task.id);
    });

    it('lets exactly one of concurrent transitions with the same expectation through', async () => {
      const { task } = await repo.create(newTask('tr-race'));
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => repo.transition(task.id, { state: 'STARTED', ownerId: 'owner@host' }, `taker-${i}@h`, started(`taken by ${i}`))),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      const t = await repo.get(task.id);
      expect(t?.ownerId).toBe(`taker-${winner}@h`);
      expect(t?.history.map((h) => h.status)).toEqual(['Initializing Orchestration Task', `taken by ${winner}`]);
    });
  });
}

import { randomUUID } from 'node:crypto';
import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import { NotFoundError, InputError, ServiceUnavailableError, ValidationError } from '../errors.js';
import type { TaskOutput, TaskRecord, TaskState } from '../tasks/Task.js';
import { currentEntry } from '../tasks/Task.js';
import type { TaskExecution, TaskExecutionSealer } from '../tasks/TaskExecutionSealer.js';
import type { TaskHandle } from '../tasks/TaskHandle.js';
import type { TaskRepository } from '../tasks/TaskRepository.js';
import { displayNameOf, type OperationDefinition, type ValidationContext } from './OperationDefinition.js';
import type { OperationRegistry } from './OperationRegistry.js';
import { allowedAccountsProblem, openAuthorizer, type Authorizer, type Permissions } from '../security/Authorizer.js';
import { ANONYMOUS, type Identity } from '../security/Identity.js';

const PHASE = 'ORCHESTRATION';

/**
 * How many times an orphaned task is resumed on another instance before it is failed instead: a
 * task that keeps taking its instance down must not go round the cluster for ever.
 */
export const MAX_ORPHAN_RESUMES = 3;
const ORPHAN_RESUME_STATUS = 'Resuming Orchestration Task: its instance';

/** What one orphan sweep did. */
export interface OrphanSweep {
  readonly failed: number;
  readonly resumed: number;
}

/** One requested operation as it arrives: `{opName: description}`. */
export interface RequestedOperation {
  readonly name: string;
  readonly description: unknown;
}

interface PreparedOperation {
  readonly definition: OperationDefinition;
  readonly description: unknown;
}

/** A task's operations ready to run, and who asked for them. */
interface Runnable {
  readonly cloudProvider: string;
  readonly ops: PreparedOperation[];
  readonly identity: Identity;
}

export interface OrchestrationOptions {
  readonly tasks: TaskRepository;
  readonly registry: OperationRegistry;
  /** `{uuid}@{hostname}` of this process. */
  readonly ownerId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly accountExists: (cloudProvider: string, name: string) => boolean;
  /** Fiat or open; with Fiat off, restricted accounts need `X-SPINNAKER-ACCOUNTS` (`allowedAccountsProblem`). */
  readonly authorizer?: Authorizer;
  /** Whether an account has permissions (Clouddriver restricts only those). */
  readonly accountRestricted?: (cloudProvider: string, name: string) => boolean;
  readonly onTaskFinished?: (cloudProvider: string, state: TaskState) => void;
  /**
   * Seals what a task needs to run again (operations, identity) into the task repository, so any
   * instance sharing it can resume the task or take over an orphan. Without it, a task's
   * operations live only in the memory of the instance that ran it.
   */
  readonly sealer?: TaskExecutionSealer;
}

/**
 * The schema's verdict on a description, or undefined when parsing throws instead of answering:
 * zod's coercion calls `Number()`/`String()` on the input, which throws for an object whose
 * `toString`/`valueOf` are data rather than functions. Clouddriver answers 400 when Jackson
 * cannot convert a description; so does this.
 */
function readDescription(definition: OperationDefinition, description: unknown): ReturnType<OperationDefinition['schema']['safeParse']> | undefined {
  try {
    return definition.schema.safeParse(description);
  } catch {
    return undefined;
  }
}

/**
 * Clouddriver's OperationsService + DefaultOrchestrationProcessor: converts and validates every
 * operation of a request synchronously (throwing `ValidationError` before any task exists), then
 * runs them in order under one task. `clientRequestId` makes submission idempotent: a known id
 * returns its task without running anything, unless that task failed retryably, in which case
 * it is re-run.
 *
 * With a `sealer`, each task's operations and identity are stored sealed with it, so
 * `POST /task/{id}:resume` works on any instance (Clouddriver's OperationsController rebuilds
 * them from the task's sagas) and orphans of a dead instance can be resumed elsewhere
 * (`recoverOrphanedTasks`). Taking a task over is a conditional `transition` of the repository,
 * so of several instances resuming one task, one runs it.
 */
export class OrchestrationProcessor {
  private readonly running = new Map<string, Promise<void>>();
  /** Operations of retryably failed tasks, kept so `resume` can re-run them in this process. */
  private readonly resumable = new Map<string, Runnable>();
  private readonly shutdown = new AbortController();
  private accepting = true;

  constructor(private readonly opts: OrchestrationOptions) {}

  /**
   * Validates and authorizes a request, then starts it; resolves with the task as soon as it
   * exists. Throws `ServiceUnavailableError` when permissions cannot be known (fail closed).
   */
  async submit(cloudProvider: string, requested: readonly RequestedOperation[], clientRequestId?: string, identity: Identity = ANONYMOUS): Promise<TaskRecord> {
    if (!this.accepting) throw new InputError('the service is shutting down and takes no new operations');
    const ops = await this.prepare(cloudProvider, requested, identity);
    const requestId = clientRequestId ?? randomUUID();
    const { tasks, ownerId, clock } = this.opts;
    const execution = this.seal(requestId, { cloudProvider, operations: requested.map(({ name, description }) => ({ name, description })), identity });
    const { task, created } = await tasks.create({
      requestId,
      ownerId,
      startTimeMs: clock.now(),
      first: { phase: PHASE, status: 'Initializing Orchestration Task', state: 'STARTED' },
      ...(execution === undefined ? {} : { execution }),
    });
    const runnable: Runnable = { cloudProvider, ops, identity };
    if (created) {
      this.launch(task.id, runnable);
      return task;
    }
    if (currentEntry(task).state !== 'FAILED_RETRYABLE' || this.running.has(task.id)) return task;
    if (!(await this.takeOver(task.id, 'FAILED_RETRYABLE', undefined, 'Restarting Orchestration Task (retry of the same clientRequestId)'))) return (await tasks.get(task.id)) ?? task;
    if (execution !== undefined) await tasks.setExecution(task.id, execution);
    this.launch(task.id, runnable);
    return (await tasks.get(task.id)) ?? task;
  }

  /**
   * `POST /task/{id}:resume` (OperationsController.resumeTask): re-runs a retryably failed task,
   * from the operations this process kept or, on any instance, from the sealed execution stored
   * with it (validated and authorized again with the identity that submitted it). 404 for an
   * unknown task or one whose operations cannot be had here; 400 for a task that is not retryable.
   */
  async resume(id: string): Promise<TaskRecord> {
    const { tasks } = this.opts;
    const task = await tasks.get(id);
    if (!task) throw new NotFoundError(`Task not found (id: ${id})`);
    if (currentEntry(task).state !== 'FAILED_RETRYABLE') throw new InputError(`Task ${id} is not retryable`);
    const runnable = this.resumable.get(id) ?? (await this.storedRunnable(task));
    if (!(await this.takeOver(id, 'FAILED_RETRYABLE', undefined, 'Resuming Orchestration Task'))) return (await tasks.get(id)) ?? task;
    this.resumable.delete(id);
    this.launch(id, runnable);
    return (await tasks.get(id)) ?? task;
  }

  /**
   * The orphan rule (docs/operations.md): a running task whose instance is gone (`isGone`) is
   * resumed here when it can be run again safely — its execution is stored and opens with this
   * instance's key, every operation is `retryable` (idempotent), it still validates, and it has
   * been resumed as an orphan fewer than `MAX_ORPHAN_RESUMES` times; otherwise it is failed with
   * a `TaskInterrupted` result. Each task is taken over with a conditional transition on its
   * owner, so of several sweeping instances exactly one acts. Upstream Clouddriver leaves this to
   * Orca (MonitorKatoTask's forced retry of a Kubernetes task whose owner pod is gone, through
   * `/{cloudProvider}/task/{id}/restart` with the operations Orca kept).
   */
  async recoverOrphanedTasks(isGone: (ownerId: string) => boolean | Promise<boolean>): Promise<OrphanSweep> {
    let failed = 0;
    let resumed = 0;
    for (const task of await this.opts.tasks.listRunning()) {
      if (task.ownerId === this.opts.ownerId || this.running.has(task.id) || !(await isGone(task.ownerId))) continue;
      const plan = await this.orphanPlan(task);
      if (plan === 'later') continue;
      if (typeof plan === 'object') {
        if (!(await this.takeOver(task.id, 'STARTED', task.ownerId, `${ORPHAN_RESUME_STATUS} (${task.ownerId}) stopped before it finished`))) continue;
        this.launch(task.id, plan);
        resumed++;
        continue;
      }
      const taken = await this.opts.tasks.transition(task.id, { state: 'STARTED', ownerId: task.ownerId }, this.opts.ownerId, {
        phase: PHASE,
        status: `Orchestration failed: the instance running this task (${task.ownerId}) stopped before it finished; its outcome is unknown`,
        state: 'FAILED',
      });
      if (!taken) continue;
      await this.opts.tasks.addResultObjects(task.id, [
        { type: 'EXCEPTION', message: `Task interrupted: its instance stopped while it was running${plan === '' ? '' : ` (not resumed: ${plan})`}`, cause: 'TaskInterrupted', retryable: false, details: [], operation: null },
      ]);
      if (task.execution !== undefined) await this.opts.tasks.setExecution(task.id, undefined);
      failed++;
    }
    return { failed, resumed };
  }

  /** Stops intake and waits up to `limitMs` for running tasks; the rest are signalled to abort. */
  async drain(limitMs: number): Promise<void> {
    this.accepting = false;
    const all = Promise.allSettled([...this.running.values()]);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
    await Promise.race([all, limit]);
    clearTimeout(timer);
    if (this.running.size > 0) {
      this.shutdown.abort(new Error('service shutting down'));
      await Promise.race([Promise.allSettled([...this.running.values()]), new Promise((r) => setTimeout(r, 1_000))]);
    }
  }

  runningCount(): number {
    return this.running.size;
  }

  private seal(requestId: string, execution: TaskExecution): string | undefined {
    return this.opts.sealer?.seal(requestId, execution);
  }

  /** The stored execution of `task`, opened, validated and authorized again; 404 when there is none to be had here. */
  private async storedRunnable(task: TaskRecord): Promise<Runnable> {
    const { sealer } = this.opts;
    if (sealer === undefined) {
      throw new NotFoundError(
        `Task ${task.id} cannot be resumed on this instance: without a task storage key (CLOUDDRIVER_TASK_STORAGE_KEY or storage.taskEncryption.keyFile) ` +
          `a task's operations are kept only in the memory of the instance that ran it (${task.ownerId}); resume it there`,
      );
    }
    if (task.execution === undefined) throw new NotFoundError(`Task ${task.id} has no stored operations to resume (it was submitted without a task storage key)`);
    let execution: TaskExecution;
    try {
      execution = sealer.open(task.requestId, task.execution);
    } catch {
      throw new NotFoundError(`Task ${task.id}'s stored operations cannot be opened with this instance's task storage key (every instance needs the same key)`);
    }
    const ops = await this.prepare(execution.cloudProvider, execution.operations, execution.identity);
    return { cloudProvider: execution.cloudProvider, ops, identity: execution.identity };
  }

  /**
   * What to do with an orphan: run it again here (the runnable), fail it (a string: why it is not
   * resumed, '' when no execution is stored), or leave it for a later sweep (permissions unknown).
   */
  private async orphanPlan(task: TaskRecord): Promise<Runnable | string | 'later'> {
    if (this.opts.sealer === undefined || task.execution === undefined) return '';
    if (task.history.filter((h) => h.status.startsWith(ORPHAN_RESUME_STATUS)).length >= MAX_ORPHAN_RESUMES) return `resumed ${MAX_ORPHAN_RESUMES} times already`;
    try {
      const runnable = await this.storedRunnable(task);
      const unsafe = runnable.ops.filter((op) => op.definition.retryable !== true).map((op) => op.definition.name);
      return unsafe.length === 0 ? runnable : `${[...new Set(unsafe)].join(', ')} may not be run twice`;
    } catch (err) {
      if (err instanceof ServiceUnavailableError) return 'later';
      if (err instanceof ValidationError) return `its operations no longer validate: ${err.errors.join('; ')}`;
      return err instanceof Error ? err.message : String(err);
    }
  }

  private async prepare(cloudProvider: string, requested: readonly RequestedOperation[], identity: Identity): Promise<PreparedOperation[]> {
    if (requested.length === 0) throw new ValidationError(['no operations were given']);
    const errors: string[] = [];
    const authorizer = this.opts.authorizer ?? openAuthorizer;
    const permissions = await authorizer.permissions(identity);
    const prepared: PreparedOperation[] = [];
    const ctx: ValidationContext = { accountExists: (name) => this.opts.accountExists(cloudProvider, name) };
    for (const { name, description } of requested) {
      const definition = this.opts.registry.find(cloudProvider, name);
      if (!definition) {
        errors.push(`${name}: no operation named '${name}' for cloud provider '${cloudProvider}'`);
        continue;
      }
      const parsed = readDescription(definition, description);
      if (parsed === undefined) {
        errors.push(`${name}: the description cannot be read`);
        continue;
      }
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          errors.push(`${name}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
        }
        continue;
      }
      const account = definition.account?.(parsed.data);
      if (account !== undefined && !ctx.accountExists(account)) {
        errors.push(`${name}.account: account '${account}' is not known for cloud provider '${cloudProvider}'`);
      }
      for (const problem of (await definition.validate?.(parsed.data, ctx)) ?? []) errors.push(`${name}: ${problem}`);
      for (const problem of await this.authorizationProblems(cloudProvider, definition, parsed.data, authorizer.enabled, permissions, identity)) errors.push(`${name}: ${problem}`);
      prepared.push({ definition, description: parsed.data });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    return prepared;
  }

  /**
   * `DescriptionAuthorizerService`: with Fiat on, the account needs WRITE and every application
   * WRITE; with Fiat off, `DefaultAllowedAccountsValidator` (restricted accounts must be allowed).
   */
  private async authorizationProblems(cloudProvider: string, definition: OperationDefinition, description: unknown, enabled: boolean, permissions: Permissions, identity: Identity): Promise<string[]> {
    const account = definition.account?.(description);
    if (!enabled) {
      const restricted = account !== undefined && (this.opts.accountRestricted?.(cloudProvider, account) ?? false);
      const problem = account === undefined ? undefined : allowedAccountsProblem(identity, account, restricted);
      return problem === undefined ? [] : [problem];
    }
    const problems: string[] = [];
    if (account !== undefined && !permissions.account(account, 'WRITE')) problems.push(`authorization.account: Access denied to account ${account}`);
    for (const app of (await definition.applications?.(description)) ?? []) {
      if (!permissions.application(app, 'WRITE')) problems.push(`authorization.application: Access denied to application ${app}`);
    }
    return problems;
  }

  /** Makes this instance the task's owner and marks it running again, if it is still in `from` (and owned by `owner`). */
  private takeOver(id: string, from: TaskState, owner: string | undefined, status: string): Promise<boolean> {
    return this.opts.tasks.transition(id, { state: from, ...(owner === undefined ? {} : { ownerId: owner }) }, this.opts.ownerId, { phase: PHASE, status, state: 'STARTED' });
  }

  private launch(id: string, runnable: Runnable): void {
    const { cloudProvider, ops, identity } = runnable;
    const run = this.execute(id, cloudProvider, ops, identity)
      .catch((err: unknown) => this.opts.logger.error({ err, taskId: id }, 'task bookkeeping failed'))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async execute(id: string, cloudProvider: string, ops: PreparedOperation[], identity: Identity): Promise<void> {
    const { tasks, logger } = this.opts;
    let completed = false;
    const handle: TaskHandle = {
      id,
      updateStatus: async (phase, status) => {
        if (completed) throw new Error(`task ${id} is completed and takes no more updates`);
        await tasks.appendHistory(id, { phase, status, state: 'STARTED' });
      },
      addOutput: (output: TaskOutput) => tasks.addOutput(id, output),
    };
    const results: unknown[] = [];
    for (const op of ops) {
      const opName = displayNameOf(op.definition);
      try {
        await handle.updateStatus(PHASE, `Processing op: ${opName}`);
        this.shutdown.signal.throwIfAborted();
        const result = await op.definition.operate(op.description, {
          task: handle,
          priorResults: [...results],
          signal: this.shutdown.signal,
          logger: logger.child({ taskId: id, operation: op.definition.name, user: identity.user ?? 'anonymous', ...identity.context }),
        });
        if (result !== undefined && result !== null) results.push(result);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const retryable = op.definition.retryable === true;
        completed = true;
        await tasks.addResultObjects(id, [
          { type: 'EXCEPTION', message: e.message, cause: e.name, details: [], retryable, operation: opName },
        ]);
        const state: TaskState = retryable ? 'FAILED_RETRYABLE' : 'FAILED';
        await tasks.appendHistory(id, { phase: PHASE, status: `Orchestration failed: ${opName} | ${e.name}: [${e.message}]`, state });
        if (retryable) this.resumable.set(id, { cloudProvider, ops, identity });
        else await this.forgetExecution(id);
        logger.warn({ taskId: id, operation: op.definition.name, err: e.message }, 'operation failed');
        this.opts.onTaskFinished?.(cloudProvider, state);
        return;
      }
    }
    if (results.length > 0) await tasks.addResultObjects(id, results);
    completed = true;
    await tasks.appendHistory(id, { phase: PHASE, status: 'Orchestration completed.', state: 'COMPLETED' });
    await this.forgetExecution(id);
    this.opts.onTaskFinished?.(cloudProvider, 'COMPLETED');
  }

  /** A finished task can never run again: its sealed execution is removed rather than kept at rest. */
  private async forgetExecution(id: string): Promise<void> {
    if (this.opts.sealer === undefined) return;
    await this.opts.tasks.setExecution(id, undefined).catch((err: unknown) =>
      this.opts.logger.warn({ taskId: id, err: err instanceof Error ? err.message : String(err) }, 'could not remove a finished task’s stored execution'),
    );
  }
}

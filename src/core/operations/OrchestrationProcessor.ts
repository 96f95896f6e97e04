import { randomUUID } from 'node:crypto';
import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import { NotFoundError, InputError, ValidationError } from '../errors.js';
import type { TaskOutput, TaskRecord, TaskState } from '../tasks/Task.js';
import { currentEntry } from '../tasks/Task.js';
import type { TaskHandle } from '../tasks/TaskHandle.js';
import type { TaskRepository } from '../tasks/TaskRepository.js';
import { displayNameOf, type OperationDefinition, type ValidationContext } from './OperationDefinition.js';
import type { OperationRegistry } from './OperationRegistry.js';
import { allowedAccountsProblem, openAuthorizer, type Authorizer, type Permissions } from '../security/Authorizer.js';
import { ANONYMOUS, type Identity } from '../security/Identity.js';

const PHASE = 'ORCHESTRATION';

/** One requested operation as it arrives: `{opName: description}`. */
export interface RequestedOperation {
  readonly name: string;
  readonly description: unknown;
}

interface PreparedOperation {
  readonly definition: OperationDefinition;
  readonly description: unknown;
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
 */
export class OrchestrationProcessor {
  private readonly running = new Map<string, Promise<void>>();
  /** Operations of retryably failed tasks, kept so `resume` can re-run them in this process. */
  private readonly resumable = new Map<string, { cloudProvider: string; ops: PreparedOperation[] }>();
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
    const { task, created } = await tasks.create({
      requestId,
      ownerId,
      startTimeMs: clock.now(),
      first: { phase: PHASE, status: 'Initializing Orchestration Task', state: 'STARTED' },
    });
    if (created) {
      this.launch(task.id, cloudProvider, ops, identity);
      return task;
    }
    if (currentEntry(task).state !== 'FAILED_RETRYABLE' || this.running.has(task.id)) return task;
    await this.reopen(task.id, 'Restarting Orchestration Task (retry of the same clientRequestId)');
    this.launch(task.id, cloudProvider, ops, identity);
    return (await tasks.get(task.id)) ?? task;
  }

  /** `POST /task/{id}:resume`: re-runs a retryably failed task whose operations this process still has. */
  async resume(id: string): Promise<TaskRecord> {
    const task = await this.opts.tasks.get(id);
    if (!task) throw new NotFoundError(`Task not found (id: ${id})`);
    if (currentEntry(task).state !== 'FAILED_RETRYABLE') throw new InputError(`Task ${id} is not retryable`);
    const saved = this.resumable.get(id);
    if (!saved) throw new NotFoundError(`Task ${id} has no resumable operations on this instance`);
    this.resumable.delete(id);
    await this.reopen(id, 'Resuming Orchestration Task');
    this.launch(id, saved.cloudProvider, saved.ops);
    return (await this.opts.tasks.get(id)) ?? task;
  }

  /**
   * Marks tasks whose owning instance is gone (`isOrphan`) as failed, so they never stay
   * "running" forever. Returns how many were failed.
   */
  async failOrphanedTasks(isOrphan: (ownerId: string) => boolean | Promise<boolean>): Promise<number> {
    let n = 0;
    for (const task of await this.opts.tasks.listRunning()) {
      if (task.ownerId === this.opts.ownerId || this.running.has(task.id) || !(await isOrphan(task.ownerId))) continue;
      await this.opts.tasks.appendHistory(task.id, {
        phase: PHASE,
        status: `Orchestration failed: the instance running this task (${task.ownerId}) stopped before it finished; its outcome is unknown`,
        state: 'FAILED',
      });
      await this.opts.tasks.addResultObjects(task.id, [
        { type: 'EXCEPTION', message: 'Task interrupted: its instance stopped while it was running', cause: 'TaskInterrupted', retryable: false, details: [], operation: null },
      ]);
      n++;
    }
    return n;
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
      for (const problem of this.authorizationProblems(cloudProvider, definition, parsed.data, authorizer.enabled, permissions, identity)) errors.push(`${name}: ${problem}`);
      prepared.push({ definition, description: parsed.data });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    return prepared;
  }

  /**
   * `DescriptionAuthorizerService`: with Fiat on, the account needs WRITE and every application
   * WRITE; with Fiat off, `DefaultAllowedAccountsValidator` (restricted accounts must be allowed).
   */
  private authorizationProblems(cloudProvider: string, definition: OperationDefinition, description: unknown, enabled: boolean, permissions: Permissions, identity: Identity): string[] {
    const account = definition.account?.(description);
    if (!enabled) {
      const restricted = account !== undefined && (this.opts.accountRestricted?.(cloudProvider, account) ?? false);
      const problem = account === undefined ? undefined : allowedAccountsProblem(identity, account, restricted);
      return problem === undefined ? [] : [problem];
    }
    const problems: string[] = [];
    if (account !== undefined && !permissions.account(account, 'WRITE')) problems.push(`authorization.account: Access denied to account ${account}`);
    for (const app of definition.applications?.(description) ?? []) {
      if (!permissions.application(app, 'WRITE')) problems.push(`authorization.application: Access denied to application ${app}`);
    }
    return problems;
  }

  private async reopen(id: string, status: string): Promise<void> {
    await this.opts.tasks.setOwner(id, this.opts.ownerId);
    await this.opts.tasks.appendHistory(id, { phase: PHASE, status, state: 'STARTED' });
  }

  private launch(id: string, cloudProvider: string, ops: PreparedOperation[], identity: Identity = ANONYMOUS): void {
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
        if (retryable) this.resumable.set(id, { cloudProvider, ops });
        logger.warn({ taskId: id, operation: op.definition.name, err: e.message }, 'operation failed');
        this.opts.onTaskFinished?.(cloudProvider, state);
        return;
      }
    }
    if (results.length > 0) await tasks.addResultObjects(id, results);
    completed = true;
    await tasks.appendHistory(id, { phase: PHASE, status: 'Orchestration completed.', state: 'COMPLETED' });
    this.opts.onTaskFinished?.(cloudProvider, 'COMPLETED');
  }
}


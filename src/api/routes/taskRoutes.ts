import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { OrchestrationProcessor } from '../../core/operations/OrchestrationProcessor.js';
import { toTaskJson } from '../../core/tasks/Task.js';
import type { TaskRepository } from '../../core/tasks/TaskRepository.js';
import { documented, errorSchema, taskSchema } from '../openapi/routeDoc.js';

export interface TaskRouteDeps {
  readonly tasks: TaskRepository;
  readonly orchestration: OrchestrationProcessor;
}

/**
 * `GET /task/{id}` (404 when unknown), `GET /task` (not yet completed), `POST /task/{id}:resume`
 * (OperationsController): with a shared task store every instance answers the same; resume works
 * on any instance when a task storage key is configured, else only on the one that ran the task
 * (`OrchestrationProcessor.resume` says which in its 404).
 */
export function registerTaskRoutes(app: FastifyInstance, deps: TaskRouteDeps): void {
  app.get(
    '/task',
    documented({
      summary: 'Tasks not yet completed',
      description: "Clouddriver's `TaskController.list`: every task that has not completed, as `/task/{id}` shows it.",
      tags: ['tasks'],
      responses: { 200: { description: 'Running tasks', type: 'array', items: taskSchema('A task') } },
    }),
    async () => (await deps.tasks.listRunning()).map(toTaskJson),
  );
  app.get<{ Params: { id: string } }>(
    '/task/:id',
    documented({
      summary: 'One task',
      description: "Clouddriver's `TaskController.get`: the task an operation submission returned, with its status, history lines, result objects and outputs (what Orca polls). 404 when unknown.",
      tags: ['tasks'],
      params: { id: 'The task id (`resourceUri` of the submission)' },
      responses: { 200: taskSchema('The task'), 404: errorSchema('No such task') },
    }),
    async (req) => {
      const task = await deps.tasks.get(req.params.id);
      if (!task) throw new NotFoundError(`Task not found (id: ${req.params.id})`);
      return toTaskJson(task);
    },
  );
  // `{id}:resume` is one path segment; the router cannot split a parameter on a literal ':', so
  // the segment is taken whole and split here.
  app.post<{ Params: { segment: string } }>(
    '/task/:segment',
    documented({
      summary: 'Resume a task: POST /task/{id}:resume',
      description:
        "Clouddriver's `TaskController.resume`, served as one path segment `{id}:resume`: re-runs a `FAILED_RETRYABLE` task's operations under the same task (on any instance with the task storage key, else only on the instance that ran it; 404 says which). Any other segment is a 404.",
      tags: ['tasks'],
      params: { segment: '`{id}:resume`' },
      responses: { 200: taskSchema('The resumed task'), 400: errorSchema('Its operations no longer validate'), 404: errorSchema('No such task, or it cannot be resumed here') },
    }),
    async (req) => {
      const id = /^(.+):resume$/.exec(req.params.segment)?.[1];
      if (id === undefined) throw new NotFoundError(`No handler for POST /task/${req.params.segment}`);
      return toTaskJson(await deps.orchestration.resume(id));
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { OrchestrationProcessor } from '../../core/operations/OrchestrationProcessor.js';
import { toTaskJson } from '../../core/tasks/Task.js';
import type { TaskRepository } from '../../core/tasks/TaskRepository.js';

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
  app.get('/task', async () => (await deps.tasks.listRunning()).map(toTaskJson));
  app.get<{ Params: { id: string } }>('/task/:id', async (req) => {
    const task = await deps.tasks.get(req.params.id);
    if (!task) throw new NotFoundError(`Task not found (id: ${req.params.id})`);
    return toTaskJson(task);
  });
  // `{id}:resume` is one path segment; the router cannot split a parameter on a literal ':', so
  // the segment is taken whole and split here.
  app.post<{ Params: { segment: string } }>('/task/:segment', async (req) => {
    const id = /^(.+):resume$/.exec(req.params.segment)?.[1];
    if (id === undefined) throw new NotFoundError(`No handler for POST /task/${req.params.segment}`);
    return toTaskJson(await deps.orchestration.resume(id));
  });
}

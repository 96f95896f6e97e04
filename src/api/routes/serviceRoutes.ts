import type { FastifyInstance } from 'fastify';
import type { AgentScheduler } from '../../core/agents/AgentScheduler.js';
import type { OperationRegistry } from '../../core/operations/OperationRegistry.js';
import { checkHealth, type HealthIndicator } from '../../observability/Health.js';
import type { Metrics } from '../../observability/Metrics.js';

export interface ServiceRouteDeps {
  readonly health: readonly HealthIndicator[];
  readonly metrics: Metrics;
  readonly scheduler: AgentScheduler;
  readonly registry: OperationRegistry;
}

/** `/health`, `/metrics`, `/cache/introspection`, `/features/stages`. */
export function registerServiceRoutes(app: FastifyInstance, deps: ServiceRouteDeps): void {
  app.get('/health', async (_req, reply) => {
    const report = await checkHealth(deps.health);
    return reply.status(report.status === 'UP' ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) =>
    reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  app.get('/cache/introspection', async () => deps.scheduler.introspection());
  app.get('/features/stages', async () => deps.registry.names().map((name) => ({ name, enabled: true })));
}

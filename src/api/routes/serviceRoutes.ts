import type { FastifyInstance } from 'fastify';
import type { AgentScheduler } from '../../core/agents/AgentScheduler.js';
import type { OperationRegistry } from '../../core/operations/OperationRegistry.js';
import { checkHealth, type HealthIndicator } from '../../observability/Health.js';
import type { Metrics } from '../../observability/Metrics.js';
import { anyObject, arrayOf, documented } from '../openapi/routeDoc.js';

export interface ServiceRouteDeps {
  readonly health: readonly HealthIndicator[];
  readonly metrics: Metrics;
  readonly scheduler: AgentScheduler;
  readonly registry: OperationRegistry;
}

/** `/health`, `/metrics`, `/cache/introspection`, `/features/stages`. */
export function registerServiceRoutes(app: FastifyInstance, deps: ServiceRouteDeps): void {
  app.get(
    '/health',
    documented({
      summary: 'Service health',
      description:
        "Spring Boot's health endpoint as Clouddriver's: `{status: UP|DOWN, components}` with the cache store, change feed, task repository, agents and each provider (Kubernetes accounts and their states); 503 when a component is DOWN. Each check has a 2 s limit.",
      tags: ['service'],
      responses: {
        200: anyObject('Every component UP', { status: { type: 'string', enum: ['UP', 'DOWN'] }, components: { type: 'object', additionalProperties: true } }),
        503: anyObject('A component is DOWN', { status: { type: 'string', enum: ['UP', 'DOWN'] }, components: { type: 'object', additionalProperties: true } }),
      },
    }),
    async (_req, reply) => {
      const report = await checkHealth(deps.health);
      return reply.status(report.status === 'UP' ? 200 : 503).send(report);
    },
  );
  app.get(
    '/metrics',
    documented({
      summary: 'Prometheus metrics',
      description: 'Prometheus text exposition: agent runs and durations, cache writes and evictions, tasks by state, validation errors, HTTP latency by route, and Node process metrics.',
      tags: ['service'],
      responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    }),
    async (_req, reply) =>
    reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
  app.get(
    '/cache/introspection',
    documented({
      summary: 'Caching agents',
      description:
        "Clouddriver's `CacheIntrospectionController`: per caching agent `{id, provider, totalAdditions, totalEvictions, details, lastError, lastExecutionStartMs, lastExecutionDurationMs, runs, failures, running}`.",
      tags: ['cache'],
      responses: { 200: arrayOf('One entry per scheduled caching agent') },
    }),
    async () => deps.scheduler.introspection(),
  );
  app.get(
    '/features/stages',
    documented({
      summary: 'Operations this service runs',
      description: "Clouddriver's `FeaturesController`: every registered atomic operation name as `{name, enabled: true}` (Orca and Deck read it to offer stages).",
      tags: ['operations'],
      responses: { 200: arrayOf('Operation names', { type: 'object', properties: { name: { type: 'string' }, enabled: { type: 'boolean' } } }) },
    }),
    async () => deps.registry.names().map((name) => ({ name, enabled: true })),
  );
}

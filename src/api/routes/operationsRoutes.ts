import type { FastifyInstance, FastifyRequest } from 'fastify';
import { identityFromHeaders } from '../../core/security/Identity.js';
import { InputError, ValidationError } from '../../core/errors.js';
import type { OperationRegistry } from '../../core/operations/OperationRegistry.js';
import type { OrchestrationProcessor, RequestedOperation } from '../../core/operations/OrchestrationProcessor.js';
import type { Metrics } from '../../observability/Metrics.js';

export interface OperationsRouteDeps {
  readonly orchestration: OrchestrationProcessor;
  readonly registry: OperationRegistry;
  readonly metrics: Metrics;
  /** Operations one request may carry (`server.maxOperationsPerRequest`). */
  readonly maxOperations: number;
}

interface OpsQuery {
  clientRequestId?: string;
}

/**
 * `POST /{cloudProvider}/ops`, `POST /{cloudProvider}/ops/{name}` and the deprecated `POST /ops`
 * forms (spec 4.1). Answers `{id, resourceUri}` as soon as the task exists; validation problems
 * are a 400 with `errors[]` and no task.
 */
export function registerOperationsRoutes(app: FastifyInstance, deps: OperationsRouteDeps): void {
  const submit = async (cloudProvider: string, ops: RequestedOperation[], query: OpsQuery, headers: FastifyRequest['headers']) => {
    try {
      const task = await deps.orchestration.submit(cloudProvider, ops, requestIdOf(query), identityFromHeaders(headers));
      return { id: task.id, resourceUri: `/task/${task.id}` };
    } catch (err) {
      if (err instanceof ValidationError) deps.metrics.validationErrors.inc({ cloudProvider });
      throw err;
    }
  };

  app.post<{ Params: { cloudProvider: string }; Querystring: OpsQuery }>('/:cloudProvider/ops', (req) =>
    submit(req.params.cloudProvider, parseOperationList(req.body, deps.maxOperations), req.query, req.headers),
  );
  app.post<{ Params: { cloudProvider: string; name: string }; Querystring: OpsQuery }>('/:cloudProvider/ops/:name', (req) =>
    submit(req.params.cloudProvider, [{ name: req.params.name, description: requireObject(req.body, 'the request body') }], req.query, req.headers),
  );
  app.post<{ Querystring: OpsQuery }>('/ops', (req) => {
    const ops = parseOperationList(req.body, deps.maxOperations);
    return submit(providerOf(ops, deps.registry), ops, req.query, req.headers);
  });
  app.post<{ Params: { name: string }; Querystring: OpsQuery }>('/ops/:name', (req) => {
    const ops = [{ name: req.params.name, description: requireObject(req.body, 'the request body') }];
    return submit(providerOf(ops, deps.registry), ops, req.query, req.headers);
  });
}

function requestIdOf(query: OpsQuery): string | undefined {
  const id = query.clientRequestId;
  if (id === undefined || id === '') return undefined;
  if (typeof id !== 'string' || id.length > 255) throw new InputError('clientRequestId must be a string of at most 255 characters');
  return id;
}

/** `[{opName: description, ...}, ...]`: every key of every map is one operation, in order. */
export function parseOperationList(body: unknown, maxOperations: number): RequestedOperation[] {
  if (!Array.isArray(body)) throw new InputError('the request body must be a JSON array of {operationName: description} maps');
  const ops: RequestedOperation[] = [];
  const total = body.reduce((n: number, entry: unknown) => n + (typeof entry === 'object' && entry !== null ? Object.keys(entry).length : 1), 0);
  if (total > maxOperations) throw new InputError(`a request may carry at most ${maxOperations} operations (it has ${total})`);
  body.forEach((entry, i) => {
    const map = requireObject(entry, `element ${i}`);
    for (const [name, description] of Object.entries(map)) {
      ops.push({ name, description: requireObject(description, `the description of ${name}`) });
    }
  });
  return ops;
}

function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

/**
 * The deprecated forms name no provider: take the descriptions' `cloudProvider`, else the only
 * provider that has operations of those names.
 */
function providerOf(ops: RequestedOperation[], registry: OperationRegistry): string {
  const named = new Set(
    ops.map((op) => (op.description as Record<string, unknown>).cloudProvider).filter((p): p is string => typeof p === 'string'),
  );
  if (named.size > 1) throw new InputError(`operations name several cloud providers: ${[...named].join(', ')}`);
  const [only] = named;
  if (only) return only;
  const candidates = registry.providers().filter((p) => ops.every((op) => registry.find(p, op.name)));
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw new InputError('set cloudProvider on the descriptions or use POST /{cloudProvider}/ops');
}

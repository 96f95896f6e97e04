import type { FastifyInstance, FastifyRequest } from 'fastify';
import { identityFromHeaders } from '../../core/security/Identity.js';
import { InputError, ValidationError } from '../../core/errors.js';
import type { OperationRegistry } from '../../core/operations/OperationRegistry.js';
import type { OrchestrationProcessor, RequestedOperation } from '../../core/operations/OrchestrationProcessor.js';
import type { Metrics } from '../../observability/Metrics.js';
import { documented, errorSchema, type JsonSchema, type RouteDoc } from '../openapi/routeDoc.js';

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
 * forms (`OperationsController`). Answers `{id, resourceUri}` as soon as the task exists; validation problems
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

  app.post<{ Params: { cloudProvider: string }; Querystring: OpsQuery }>(
    '/:cloudProvider/ops',
    documented(opsDoc('Submit operations to one cloud provider', "`OperationsController.operations`: a list of `{operationName: description}` maps, run in order as one task.", { cloudProvider: 'kubernetes, aws, ...' }, true)),
    (req) => submit(req.params.cloudProvider, parseOperationList(req.body, deps.maxOperations), req.query, req.headers),
  );
  app.post<{ Params: { cloudProvider: string; name: string }; Querystring: OpsQuery }>(
    '/:cloudProvider/ops/:name',
    documented(opsDoc('Submit one operation to one cloud provider', '`OperationsController.operation`: one operation, its description as the body.', { cloudProvider: 'kubernetes, aws, ...', name: 'The operation, e.g. deployManifest' }, false)),
    (req) => submit(req.params.cloudProvider, [{ name: req.params.name, description: requireObject(req.body, 'the request body') }], req.query, req.headers),
  );
  app.post<{ Querystring: OpsQuery }>(
    '/ops',
    documented(opsDoc('Submit operations (deprecated form)', "The deprecated `POST /ops`: the provider is the descriptions' `cloudProvider`, else the only provider with operations of those names.", undefined, true)),
    (req) => {
      const ops = parseOperationList(req.body, deps.maxOperations);
      return submit(providerOf(ops, deps.registry), ops, req.query, req.headers);
    },
  );
  app.post<{ Params: { name: string }; Querystring: OpsQuery }>(
    '/ops/:name',
    documented(opsDoc('Submit one operation (deprecated form)', "The deprecated `POST /ops/{name}`: the provider is the description's `cloudProvider`, else the only provider with an operation of that name.", { name: 'The operation, e.g. deployManifest' }, false)),
    (req) => {
      const ops = [{ name: req.params.name, description: requireObject(req.body, 'the request body') }];
      return submit(providerOf(ops, deps.registry), ops, req.query, req.headers);
    },
  );
}

/** The shared description of the four submission forms. */
function opsDoc(summary: string, form: string, params: Record<string, string> | undefined, list: boolean): RouteDoc {
  const description: JsonSchema = { type: 'object', additionalProperties: true, description: "The operation's description (Clouddriver's fields for that operation; `account` or `credentials` names the account)" };
  return {
    summary,
    description: `${form} Every description is validated (and authorized: account and application WRITE) before a task exists: problems are one 400 with \`errors[]\`. Then the task is created and \`{id, resourceUri}\` returned at once; poll \`/task/{id}\`. \`clientRequestId\` makes the submission idempotent.`,
    tags: ['operations'],
    ...(params === undefined ? {} : { params }),
    query: { clientRequestId: 'Idempotency key (at most 255 characters): a known id returns its task' },
    body: list ? { description: 'Operations in order', type: 'array', items: { type: 'object', additionalProperties: description } } : description,
    responses: {
      200: { description: 'The task was created', type: 'object', properties: { id: { type: 'string' }, resourceUri: { type: 'string', description: '`/task/{id}`' } } },
      400: errorSchema('Malformed body, unknown operation or account, or validation problems (`errors[]`)'),
    },
  };
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

import type {} from '@fastify/swagger'; // its FastifySchema fields: tags, summary, description
import type { FastifySchema } from 'fastify';

/** A JSON Schema (draft 7, as Fastify and OpenAPI 3.0 read it). */
export type JsonSchema = Record<string, unknown>;

/** What the OpenAPI description says about one route. */
export interface RouteDoc {
  /** One line: what the route answers. */
  readonly summary: string;
  /** Longer: the Clouddriver controller it answers as, its rules and its errors. */
  readonly description: string;
  readonly tags: readonly string[];
  /** Path parameters: name → what it is. */
  readonly params?: Readonly<Record<string, string>>;
  /** Query parameters: name → what it is (a string), or a schema carrying its own description. */
  readonly query?: Readonly<Record<string, string | JsonSchema>>;
  /** The query parameters the handler refuses to go without (400). */
  readonly requiredQuery?: readonly string[];
  /** The request body (`description` inside). */
  readonly body?: JsonSchema;
  /** Answers by status: a schema (with its `description`) or only a description. */
  readonly responses?: Readonly<Record<number, string | JsonSchema>>;
}

/** Every input is accepted as it came: the handlers validate (with Clouddriver's messages). */
const acceptAsIs = () => () => true;
/** Answers are written as JSON.stringify writes them, as for a route without a schema. */
const asJson = () => (data: unknown) => JSON.stringify(data);

/**
 * Route options describing a route for the OpenAPI description (`GET /openapi.json`) without
 * changing what it does: its schema is documentation only. The route's own validator and
 * serializer compilers accept every input unchanged (the handlers check inputs with zod and answer
 * with Clouddriver's error messages, as before) and write every answer with JSON.stringify (a
 * response schema would otherwise drop fields it does not list). Routes that want Fastify to
 * validate and coerce their inputs give a plain `schema` instead.
 */
export function documented(doc: RouteDoc): { schema: FastifySchema; validatorCompiler: typeof acceptAsIs; serializerCompiler: typeof asJson } {
  const schema: FastifySchema & Record<string, unknown> = { summary: doc.summary, description: doc.description, tags: [...doc.tags] };
  if (doc.params !== undefined) schema.params = objectOf(doc.params, Object.keys(doc.params));
  if (doc.query !== undefined) schema.querystring = objectOf(doc.query, doc.requiredQuery ?? []);
  if (doc.body !== undefined) schema.body = doc.body;
  if (doc.responses !== undefined) {
    schema.response = Object.fromEntries(Object.entries(doc.responses).map(([status, r]) => [status, typeof r === 'string' ? { description: r } : r]));
  }
  return { schema, validatorCompiler: acceptAsIs, serializerCompiler: asJson };
}

function objectOf(fields: Readonly<Record<string, string | JsonSchema>>, required: readonly string[]): JsonSchema {
  const properties = Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, typeof f === 'string' ? { type: 'string', description: f } : f]));
  return { type: 'object', properties, ...(required.length > 0 ? { required: [...required] } : {}) };
}

/** A query parameter that may be given once or repeated (`a=1&a=2`), as Spring binds a list. */
export function listQuery(description: string): JsonSchema {
  return { description, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
}

/** The Spring-style error body every 4xx/5xx carries (`errorBody`). */
export const errorSchema = (description: string): JsonSchema => ({
  description,
  type: 'object',
  properties: {
    timestamp: { type: 'integer', description: 'Milliseconds since the epoch' },
    status: { type: 'integer' },
    error: { type: 'string', description: 'The status reason phrase' },
    message: { type: 'string' },
    errors: { type: 'array', items: { type: 'string' }, description: 'Every validation problem (400 from operations)' },
  },
  required: ['timestamp', 'status', 'error', 'message'],
});

/** An open-ended JSON object (its fields depend on the provider that answered). */
export const anyObject = (description: string, properties: Record<string, JsonSchema> = {}): JsonSchema => ({ description, type: 'object', properties, additionalProperties: true });

/** A JSON array of open-ended objects. */
export const arrayOf = (description: string, items: JsonSchema = { type: 'object', additionalProperties: true }): JsonSchema => ({ description, type: 'array', items });

/** `/task/{id}`'s task (Clouddriver's `Task` as Orca polls it). */
export const taskSchema = (description: string): JsonSchema => ({
  description,
  type: 'object',
  properties: {
    id: { type: 'string' },
    requestId: { type: 'string', description: 'The clientRequestId it was submitted with (or a generated one)' },
    ownerId: { type: 'string', description: 'The instance running it: `{uuid}@{hostname}`' },
    startTimeMs: { type: 'integer' },
    status: {
      type: 'object',
      properties: {
        phase: { type: 'string' },
        status: { type: 'string' },
        complete: { type: 'boolean' },
        completed: { type: 'boolean' },
        failed: { type: 'boolean' },
        retryable: { type: 'boolean' },
      },
    },
    history: { type: 'array', items: { type: 'object', properties: { phase: { type: 'string' }, status: { type: 'string' } } } },
    resultObjects: { type: 'array', items: { type: 'object', additionalProperties: true } },
    outputs: { type: 'array', items: { type: 'object', additionalProperties: true } },
    sagaIds: { type: 'array', items: { type: 'object', additionalProperties: true } },
    retryable: { type: 'boolean' },
  },
});

/** Path parameters the read API shares, described once. */
export const PARAM = {
  app: 'The application name',
  account: 'The account name',
  cluster: 'The cluster name (application-stack-detail; Kubernetes: "kind name" of the controller)',
  cloudProvider: 'A cloud provider id: kubernetes, aws, ...',
  region: 'The region (Kubernetes: the namespace)',
  serverGroup: 'The server group name (Kubernetes: "kind name", e.g. "replicaSet web-v001")',
} as const;

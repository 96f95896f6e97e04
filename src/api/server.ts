import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { InputError, ServiceError, ValidationError } from '../core/errors.js';
import type { Metrics } from '../observability/Metrics.js';
import { errorBody, statusOf } from './errorBody.js';

/**
 * The deepest JSON body accepted. Clouddriver's Jackson refuses documents nested deeper than 1000
 * levels (`StreamReadConstraints`) with a 400; here the bound is lower because V8's
 * `structuredClone` and the recursive walks over manifests overflow the stack near 1000 levels
 * inside a request, which would be a 500. No Kubernetes manifest comes near it.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether a parsed body nests deeper than `limit` (iterative: the check itself never overflows). */
function deeperThan(body: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[body, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

export interface ServerOptions {
  readonly logger: PinoLogger;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: number;
}

/**
 * The HTTP server with the cross-cutting behaviour every route shares: JSON errors for every
 * 4xx/5xx (5xx bodies never carry internals), JSON 404 for unknown routes, latency metrics.
 */
export function createServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Every endpoint speaks JSON; other bodies get 415 rather than reaching a handler as text.
  app.removeContentTypeParser('text/plain');

  app.addHook('preValidation', async (request) => {
    if (deeperThan(request.body, MAX_JSON_DEPTH)) throw new InputError(`the request body may not nest deeper than ${MAX_JSON_DEPTH} levels`);
  });

  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof ServiceError) {
      const status = statusOf(err);
      return reply.status(status).send(errorBody(status, err.message, err instanceof ValidationError ? err.errors : undefined));
    }
    const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err, url: request.url }, 'request failed');
      return reply.status(500).send(errorBody(500, 'Internal error; see the service log'));
    }
    // Fastify's own 4xx: malformed JSON, oversized body, unsupported media type, schema failures.
    return reply.status(status).send(errorBody(status, err.message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody(404, `No handler for ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  app.addHook('onResponse', (request, reply, done) => {
    opts.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  return app;
}

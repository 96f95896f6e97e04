import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { ServiceError, ValidationError } from '../core/errors.js';
import type { Metrics } from '../observability/Metrics.js';
import { errorBody, statusOf } from './errorBody.js';

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

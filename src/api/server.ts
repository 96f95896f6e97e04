import { copyFileSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifyRequest } from 'fastify';
import { pino, type Logger as PinoLogger } from 'pino';
import { processForeground, type ForegroundActivity } from '../core/ForegroundActivity.js';
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

/**
 * Capture mode, for the test suite's whole-run secret audit (test/secretAudit.globalSetup.ts):
 * with `CLOUDDRIVER_CAPTURE_DIR` set — read here and nowhere else — every response body, every
 * log line (at debug, whatever level the logger was given) and every SQLite store file a service
 * closes are appended or copied under that directory, one set of files per process; what the
 * service was given (its configuration, request bodies) goes to `inputs-*` files, so the audit
 * knows the secret values to look for. Unset (always, in production), nothing is installed.
 */
const CAPTURE_DIR = process.env.CLOUDDRIVER_CAPTURE_DIR || undefined;
const captured = new WeakSet<object>();

const captureFiles = new Map<string, number>();

/** Appends a record to this process's capture file of that kind (synchronously: a crash loses nothing). */
function capture(kind: string, text: string): void {
  if (CAPTURE_DIR === undefined) return;
  let fd = captureFiles.get(kind);
  if (fd === undefined) {
    mkdirSync(CAPTURE_DIR, { recursive: true });
    captureFiles.set(kind, (fd = openSync(join(CAPTURE_DIR, `${kind}-${process.pid}.log`), 'a')));
  }
  writeSync(fd, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * In capture mode, makes `logger` also write every line from debug up to the capture directory
 * (its own destination still gets only what its level lets through); otherwise returns it as is.
 */
export function captureLogger<L extends PinoLogger>(logger: L): L {
  if (CAPTURE_DIR === undefined || captured.has(logger)) return logger;
  captured.add(logger);
  const slots = logger as unknown as Record<symbol, { write(line: string): unknown }>;
  const destination = slots[pino.symbols.streamSym];
  const threshold = logger.levelVal;
  slots[pino.symbols.streamSym] = {
    write(line: string) {
      capture('log', line);
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? Infinity);
      if (destination !== undefined && level >= threshold) destination.write(line);
    },
  };
  if (threshold > pino.levels.values.debug!) logger.level = 'debug';
  return logger;
}

/** In capture mode, records what the service was given (configuration, request bodies) for the audit's list of secrets. */
export function captureInput(what: string, value: unknown): void {
  if (CAPTURE_DIR !== undefined) capture('inputs', JSON.stringify({ what, value }));
}

/** In capture mode, keeps a copy of a closed SQLite store file (and its WAL) for the audit. */
export function captureStoreFile(path: string): void {
  if (CAPTURE_DIR === undefined || path === ':memory:') return;
  const dir = join(CAPTURE_DIR, 'stores');
  mkdirSync(dir, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  for (const file of [path, `${path}-wal`]) if (existsSync(file)) copyFileSync(file, join(dir, `${stamp}-${basename(file)}`));
}

export interface ServerOptions {
  readonly logger: PinoLogger;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: number;
  /** Told of every request's start and end (default: the process's), so bulk background work steps aside. */
  readonly foreground?: ForegroundActivity;
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

  if (CAPTURE_DIR !== undefined) {
    app.addHook('preHandler', async (request) => {
      if (request.body !== undefined) captureInput(`${request.method} ${request.url}`, request.body);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) capture('responses', `${request.method} ${request.url} ${reply.statusCode}\n${payload.toString()}`);
      return payload;
    });
  }

  const foreground = opts.foreground ?? processForeground;
  const ended = new WeakSet<FastifyRequest>();
  const endOnce = (request: FastifyRequest): void => {
    if (ended.has(request)) return;
    ended.add(request);
    foreground.end();
  };
  app.addHook('onRequest', (_request, _reply, done) => {
    foreground.begin();
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    endOnce(request);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    endOnce(request);
    opts.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  return app;
}

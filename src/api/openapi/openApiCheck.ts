import type { RegisteredRoute } from './openApi.js';

/** The parts of an OpenAPI 3 document the check reads. */
interface OpenApiDocument {
  openapi?: unknown;
  info?: { title?: unknown; version?: unknown };
  paths?: Record<string, Record<string, { summary?: unknown; description?: unknown; tags?: unknown; responses?: unknown } | undefined>>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Fastify's `/a/:b` as OpenAPI writes it: `/a/{b}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * What is wrong with an OpenAPI description measured against the routes the server really has:
 * the document's own shape (OpenAPI 3, info, paths, every operation with responses), every route
 * present, and every route with a summary, a description and a tag. The HEAD twin Fastify adds to
 * each GET is not described separately. Empty when all is well.
 */
export function openApiProblems(document: unknown, routes: readonly RegisteredRoute[]): string[] {
  const problems: string[] = [];
  const doc = (document ?? {}) as OpenApiDocument;
  if (typeof doc.openapi !== 'string' || !/^3\.\d+\.\d+$/.test(doc.openapi)) problems.push(`openapi is ${JSON.stringify(doc.openapi)}, not a 3.x.y version`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info.version !== 'string') problems.push('info needs a title and a version');
  if (typeof doc.paths !== 'object' || doc.paths === null) return [...problems, 'the document has no paths'];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      if (typeof op?.responses !== 'object' || op.responses === null || Object.keys(op.responses).length === 0) problems.push(`${method.toUpperCase()} ${path} has no responses`);
    }
  }
  const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
  for (const route of routes) {
    if (route.method === 'HEAD' && gets.has(route.url)) continue;
    const name = `${route.method} ${route.url}`;
    const op = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
    if (op === undefined) {
      problems.push(`${name} is not in the OpenAPI description`);
      continue;
    }
    if (typeof op.summary !== 'string' || op.summary.trim() === '') problems.push(`${name} has no summary`);
    if (typeof op.description !== 'string' || op.description.trim() === '') problems.push(`${name} has no description`);
    if (!Array.isArray(op.tags) || op.tags.length === 0) problems.push(`${name} has no tags`);
  }
  return problems;
}

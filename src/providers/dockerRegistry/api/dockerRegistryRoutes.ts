import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { assertReadable } from '../../../core/security/readFilters.js';
import type { DockerImageLookup } from '../read/DockerImageLookup.js';
import { arrayOf, documented, errorSchema, type RouteDoc } from '../../../api/openapi/routeDoc.js';

/** Where Clouddriver mounts `DockerRegistryImageLookupController` (both paths serve the same). */
export const IMAGE_ROUTE_PREFIXES = ['/dockerRegistry/images', '/titus/images'] as const;

const text = (max: number) => z.string({ invalid_type_error: 'must be given once, as text' }).max(max, `may be at most ${max} characters`);
/** Spring's boolean conversion: true/false, on/off, yes/no, 1/0 (any case); empty means absent. */
const springBoolean = z
  .string({ invalid_type_error: 'must be given once' })
  .transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (s === '') return undefined;
    if (['true', 'on', 'yes', '1'].includes(s)) return true;
    if (['false', 'off', 'no', '0'].includes(s)) return false;
    ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  });

const tagsQuery = z
  .object({
    account: text(253).min(1, 'is required'),
    repository: text(255).min(1, 'is required'),
  })
  .passthrough();

const findQuery = z
  .object({
    q: text(256).optional(),
    account: text(253).optional(),
    repository: text(255).optional(),
    tag: text(128).optional(),
    region: text(256).optional(),
    count: z
      .string({ invalid_type_error: 'must be given once' })
      .regex(/^\s*\d{1,9}\s*$/, 'must be a non-negative whole number')
      .transform((v) => Number(v))
      .optional(),
    includeDetails: springBoolean.optional(),
  })
  .passthrough();

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`);
  throw new InputError(`invalid query: ${problems.join('; ')}`);
}

/**
 * `GET {prefix}/tags?account=&repository=` (account READ, else 403) and
 * `GET {prefix}/find?q=&account=&repository=&tag=&count=&includeDetails=` (images of accounts the
 * caller may not READ are left out), for both prefixes. Malformed parameters are a 400 naming them.
 */
export function registerDockerRegistryRoutes(app: FastifyInstance, deps: { readonly lookup: DockerImageLookup }): void {
  for (const prefix of IMAGE_ROUTE_PREFIXES) {
    app.get(`${prefix}/tags`, documented(DOC.tags), async (req) => {
      const q = parse(tagsQuery, req.query);
      assertReadable(await req.permissions(), { account: q.account });
      return deps.lookup.tags(q.account, q.repository);
    });
    app.get(`${prefix}/find`, { config: { readFilter: 'items' }, ...documented(DOC.find) }, async (req) => {
      const q = parse(findQuery, req.query);
      return deps.lookup.find({
        ...(q.q === undefined ? {} : { q: q.q }),
        ...(q.account === undefined ? {} : { account: q.account }),
        ...(q.repository === undefined ? {} : { repository: q.repository }),
        ...(q.tag === undefined ? {} : { tag: q.tag }),
        ...(q.count === undefined ? {} : { count: q.count }),
        includeDetails: q.includeDetails === true,
      });
    });
  }
}

/** What the OpenAPI description says about each route (`DockerRegistryImageLookupController`). */
const DOC = {
  tags: {
    summary: "A repository's tags",
    description: "`DockerRegistryImageLookupController.getTags`: the cached tags of one repository of a Docker registry account (account READ, else 403). Also served under `/titus/images`.",
    tags: ['dockerRegistry'],
    query: { account: 'The registry account', repository: 'The repository, e.g. library/nginx' },
    requiredQuery: ['account', 'repository'],
    responses: { 200: { description: 'Tags', type: 'array', items: { type: 'string' } }, 400: errorSchema('Malformed parameters'), 403: errorSchema('No READ on the account') },
  },
  find: {
    summary: 'Find images',
    description:
      "`DockerRegistryImageLookupController.find`: cached images `{account, registry, repository, tag, digest}` matching `q` (or exactly account/repository/tag), at most `count`, with `includeDetails` the commit and build details from labels; images of accounts the caller may not READ are left out. Also served under `/titus/images`.",
    tags: ['dockerRegistry'],
    query: {
      q: 'Text in the image name',
      account: 'Only this account',
      repository: 'Only this repository',
      tag: 'Only this tag',
      region: 'Accepted, ignored',
      count: 'At most this many',
      includeDetails: 'true/false: add details read from image labels',
    },
    responses: { 200: arrayOf('Images'), 400: errorSchema('Malformed parameters') },
  },
} satisfies Record<string, RouteDoc>;

/**
 * The AWS provider's own routes (`AmazonNamedImageLookupController`):
 * `GET /aws/images/find?q=&account=&region=` (images of accounts the caller may not READ are
 * left out of `accounts`, and images seen only through them are dropped) and
 * `GET /aws/images/{account}/{region}/{imageId}` (account READ, else 403). Malformed parameters
 * are a 400 naming them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { assertReadable } from '../../../core/security/readFilters.js';
import type { AwsImageLookup } from '../read/AwsImageLookup.js';
import { arrayOf, documented, errorSchema, type RouteDoc } from '../../../api/openapi/routeDoc.js';

const text = (max: number) => z.string({ invalid_type_error: 'must be given once, as text' }).max(max, `may be at most ${max} characters`);
const findQuery = z.object({ q: text(256).optional(), account: text(253).optional(), region: text(64).optional() }).passthrough();

export function registerAwsImageRoutes(app: FastifyInstance, lookup: AwsImageLookup): void {
  app.get('/aws/images/find', documented(DOC.find), async (req) => {
    const parsed = findQuery.safeParse(req.query ?? {});
    if (!parsed.success) throw new InputError(`invalid query: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`).join('; ')}`);
    const q = parsed.data;
    const perms = await req.permissions();
    const images = await lookup.find({ q: q.q, account: q.account, region: q.region });
    if (perms.admin) return images;
    return images
      .map((image) => ({ ...image, accounts: image.accounts.filter((a) => perms.account(a, 'READ')) }))
      .filter((image) => image.accounts.length > 0);
  });
  app.get<{ Params: { account: string; region: string; imageId: string } }>('/aws/images/:account/:region/:imageId', documented(DOC.byId), async (req) => {
    assertReadable(await req.permissions(), { account: req.params.account });
    return lookup.byId(req.params.account, req.params.region, req.params.imageId);
  });
}

/** What the OpenAPI description says about each route (`AmazonNamedImageLookupController`). */
const DOC = {
  find: {
    summary: 'Find AMIs',
    description:
      '`AmazonNamedImageLookupController.list`: cached images whose name or id matches `q` (`*` wildcards), as `{imageName, attributes, tagsByImageId, accounts, amis: {region: [id]}, tags}`; accounts the caller may not READ are left out of `accounts`, and images seen only through them are dropped.',
    tags: ['aws'],
    query: { q: 'Image name or id (`*` wildcards)', account: 'Only this account', region: 'Only this region' },
    responses: { 200: arrayOf('Named images'), 400: errorSchema('Malformed parameters') },
  },
  byId: {
    summary: 'One AMI by id',
    description: '`AmazonNamedImageLookupController.getByAmiId`: the named images of one AMI id in an account and region (account READ, else 403).',
    tags: ['aws'],
    params: { account: 'The AWS account', region: 'The region', imageId: 'ami-...' },
    responses: { 200: arrayOf('Named images'), 403: errorSchema('No READ on the account'), 404: errorSchema('No such image') },
  },
} satisfies Record<string, RouteDoc>;

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

const text = (max: number) => z.string({ invalid_type_error: 'must be given once, as text' }).max(max, `may be at most ${max} characters`);
const findQuery = z.object({ q: text(256).optional(), account: text(253).optional(), region: text(64).optional() }).passthrough();

export function registerAwsImageRoutes(app: FastifyInstance, lookup: AwsImageLookup): void {
  app.get('/aws/images/find', async (req) => {
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
  app.get<{ Params: { account: string; region: string; imageId: string } }>('/aws/images/:account/:region/:imageId', async (req) => {
    assertReadable(await req.permissions(), { account: req.params.account });
    return lookup.byId(req.params.account, req.params.region, req.params.imageId);
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALLOW_ALL, type Authorizer, type Permissions } from '../core/security/Authorizer.js';
import { identityFromHeaders } from '../core/security/Identity.js';
import { assertReadable, filterReadable, type ReadFilter } from '../core/security/readFilters.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's permissions (everything when Fiat is off); fetched once per request. */
    permissions(): Promise<Permissions>;
  }
  interface FastifyContextConfig {
    /** How this route's answer is filtered for the caller (see `ReadFilter`). */
    readFilter?: ReadFilter;
  }
}

const memo = new WeakMap<FastifyRequest, Promise<Permissions>>();

/**
 * Read authorization for every route, in one place: a route with an `:account` path parameter
 * needs account READ, one with `:app` application READ (Clouddriver's `@PreAuthorize`), checked
 * before the handler runs (403); a route's `readFilter` is applied to its answer before it is
 * serialized (`@PostFilter`). Writes are authorized by the orchestration processor.
 */
export function installAuthorization(app: FastifyInstance, authorizer: Authorizer): void {
  app.decorateRequest('permissions', function (this: FastifyRequest): Promise<Permissions> {
    if (!authorizer.enabled) return Promise.resolve(ALLOW_ALL);
    let p = memo.get(this);
    if (p === undefined) memo.set(this, (p = authorizer.permissions(identityFromHeaders(this.headers))));
    return p;
  });
  if (!authorizer.enabled) return;
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const params = (req.params ?? {}) as { account?: unknown; app?: unknown };
    const account = typeof params.account === 'string' ? params.account : undefined;
    const application = typeof params.app === 'string' ? params.app : undefined;
    if (account === undefined && application === undefined) return;
    assertReadable(await req.permissions(), { account, application });
  });
  app.addHook('preSerialization', async (req, _reply, payload) => {
    const rule = req.routeOptions.config.readFilter;
    if (rule === undefined) return payload;
    const restricted = (req.query as { restricted?: unknown } | undefined)?.restricted;
    return filterReadable(rule, await req.permissions(), payload, { restricted: restricted !== 'false' });
  });
}

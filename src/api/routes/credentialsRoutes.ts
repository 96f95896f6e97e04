import type { FastifyInstance } from 'fastify';
import type { AccountCredentials } from '../../core/accounts/AccountCredentials.js';
import type { CredentialsRepository } from '../../core/accounts/CredentialsRepository.js';
import { NotFoundError } from '../../core/errors.js';

export interface CredentialsRouteDeps {
  readonly credentials: CredentialsRepository;
  readonly primaryAccountTypes: readonly string[];
  readonly challengeDestructiveActionsEnvironments: readonly string[];
}

/** `GET /credentials[?expand=true]` and `GET /credentials/{name}` (spec 5); never secrets. */
export function registerCredentialsRoutes(app: FastifyInstance, deps: CredentialsRouteDeps): void {
  const view = (c: AccountCredentials, expand: boolean): Record<string, unknown> => {
    const base: Record<string, unknown> = {
      name: c.name,
      environment: c.environment,
      accountType: c.accountType,
      cloudProvider: c.cloudProvider,
      requiredGroupMembership: c.requiredGroupMembership,
      permissions: c.permissions,
      type: c.cloudProvider,
      challengeDestructiveActions: deps.challengeDestructiveActionsEnvironments.includes(c.environment),
      primaryAccount: deps.primaryAccountTypes.includes(c.accountType),
    };
    const described = c.describe();
    if ('accountId' in described) base.accountId = described.accountId;
    return expand ? { ...described, ...base } : base;
  };

  app.get<{ Querystring: { expand?: string } }>('/credentials', async (req) =>
    deps.credentials
      .list()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => view(c, req.query.expand === 'true')),
  );
  app.get<{ Params: { name: string } }>('/credentials/:name', async (req) => {
    const c = deps.credentials.get(req.params.name);
    if (!c) throw new NotFoundError(`Account not found (name: ${req.params.name})`);
    return view(c, true);
  });
}

import type { FastifyInstance } from 'fastify';
import type { AccountCredentials } from '../../core/accounts/AccountCredentials.js';
import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';
import type { CredentialsRepository } from '../../core/accounts/CredentialsRepository.js';
import { InputError, NotFoundError } from '../../core/errors.js';

export interface CredentialsRouteDeps {
  readonly credentials: CredentialsRepository;
  readonly primaryAccountTypes: readonly string[];
  readonly challengeDestructiveActionsEnvironments: readonly string[];
  /** `account.storage.enabled`: the account storage API is served only when true. */
  readonly storageEnabled: boolean;
  /** Validates a definition (`type` names the provider) and builds its credentials; throws InputError. */
  readonly parseAccount: (definition: Record<string, unknown>) => Promise<AccountCredentials>;
  /** Where definitions added through the API are kept across restarts. */
  readonly definitions: AccountDefinitionStore;
}

/**
 * `GET /credentials[?expand=true]` and `GET /credentials/{name}` (spec 5); never secrets. With
 * `account.storage.enabled`, Clouddriver's account storage API: `POST /credentials` adds,
 * `PUT /credentials` replaces (same name), `DELETE /credentials/{name}` removes, all at once;
 * definitions are kept in the account definition store and come back after a restart.
 */
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

  if (!deps.storageEnabled) return;
  const definition = (body: unknown): Record<string, unknown> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('an account definition (JSON object with "type" and "name") is required');
    return body as Record<string, unknown>;
  };
  app.post('/credentials', async (req, reply) => {
    const body = definition(req.body);
    const account = await deps.parseAccount(body);
    try {
      await deps.credentials.add(account);
    } catch (e) {
      await account.close?.();
      throw e;
    }
    await deps.definitions.put(account.name, body);
    return reply.status(200).send(view(account, true));
  });
  app.put('/credentials', async (req) => {
    const body = definition(req.body);
    const account = await deps.parseAccount(body);
    if (!(await deps.credentials.remove(account.name))) {
      await account.close?.();
      throw new NotFoundError(`Account not found (name: ${account.name})`);
    }
    await deps.credentials.add(account);
    await deps.definitions.put(account.name, body);
    return view(account, true);
  });
  app.delete<{ Params: { name: string } }>('/credentials/:name', async (req, reply) => {
    if (!(await deps.credentials.remove(req.params.name))) throw new NotFoundError(`Account not found (name: ${req.params.name})`);
    await deps.definitions.remove(req.params.name);
    return reply.status(204).send();
  });
}

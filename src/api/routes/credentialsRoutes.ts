import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountCredentials } from '../../core/accounts/AccountCredentials.js';
import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';
import type { CredentialsRepository } from '../../core/accounts/CredentialsRepository.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../../core/errors.js';
import { anyObject, arrayOf, documented, errorSchema } from '../openapi/routeDoc.js';

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
  /** Tells the other instances that this one added or replaced (`definition`) or removed an account. */
  readonly changedHere?: (name: string, definition: Record<string, unknown> | undefined) => Promise<void>;
}

/**
 * `GET /credentials[?expand=true]` and `GET /credentials/{name}` (`CredentialsController`); never secrets. With
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

  app.get<{ Querystring: { expand?: string } }>(
    '/credentials',
    documented({
      summary: 'Every account',
      description:
        "Clouddriver's `CredentialsController.list`: every account sorted by name with `name, type, cloudProvider, environment, accountType, permissions, requiredGroupMembership, challengeDestructiveActions, primaryAccount` (and `accountId` where there is one); `expand=true` adds each provider's own public fields. Never secrets; not filtered by permissions (Gate does that).",
      tags: ['credentials'],
      query: { expand: '`true`: every public field of each account' },
      responses: { 200: arrayOf('Accounts', accountSchema) },
    }),
    async (req) =>
      deps.credentials
        .list()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => view(c, req.query.expand === 'true')),
  );
  app.get<{ Params: { name: string } }>(
    '/credentials/:name',
    documented({
      summary: 'One account',
      description: "Clouddriver's `CredentialsController.getAccount`: one account with every public field (as `expand=true`); 404 when unknown.",
      tags: ['credentials'],
      params: { name: 'The account name' },
      responses: { 200: accountSchema, 404: errorSchema('No such account') },
    }),
    async (req) => {
      const c = deps.credentials.get(req.params.name);
      if (!c) throw new NotFoundError(`Account not found (name: ${req.params.name})`);
      return view(c, true);
    },
  );

  if (!deps.storageEnabled) return;
  /** Clouddriver's `AccountDefinitionAuthorizer`: admins and Fiat account managers only. */
  const mayManage = async (req: FastifyRequest): Promise<void> => {
    if (!(await req.permissions()).accountManager) throw new NotAllowedError('Access denied: only admins and account managers may change accounts');
  };
  /** Only accounts added through this API can be replaced or removed through it; configured ones are the operator's. */
  const stored = async (name: string): Promise<void> => {
    if (deps.credentials.get(name) === undefined) throw new NotFoundError(`Account not found (name: ${name})`);
    if (!(await deps.definitions.list()).some((d) => d.name === name)) throw new ConflictError(`account ${name} comes from the configuration and cannot be changed through the API`);
  };
  app.post(
    '/credentials',
    documented({
      summary: 'Add an account (account storage API)',
      description:
        "Clouddriver's `AccountDefinitionController.createAccount` (with `account.storage.enabled`): a definition `{type, name, ...account fields}` is validated, added at once and kept in the account definition store (it comes back after a restart). 400 naming the field, or a setting the operator did not allow; 409 for a duplicate name; 403 unless admin or Fiat account manager.",
      tags: ['credentials'],
      body: definitionSchema,
      responses: { 200: accountSchema, 400: errorSchema('Invalid or refused definition'), 403: errorSchema('Not an account manager'), 409: errorSchema('An account of that name exists') },
    }),
    async (req, reply) => {
      await mayManage(req);
      const body = definition(req.body);
      const account = await deps.parseAccount(body);
      try {
        await deps.credentials.add(account);
      } catch (e) {
        await account.close?.();
        throw e;
      }
      try {
        await deps.definitions.put(account.name, body);
      } catch (e) {
        await deps.credentials.remove(account.name); // not kept, so not registered either
        throw e;
      }
      await deps.changedHere?.(account.name, body);
      return reply.status(200).send(view(account, true));
    },
  );
  app.put(
    '/credentials',
    documented({
      summary: 'Replace an account (account storage API)',
      description:
        "Clouddriver's `AccountDefinitionController.updateAccount`: replaces an account added through this API (same name) at once. Configured accounts cannot be replaced (409); 404 when unknown.",
      tags: ['credentials'],
      body: definitionSchema,
      responses: { 200: accountSchema, 400: errorSchema('Invalid or refused definition'), 403: errorSchema('Not an account manager'), 404: errorSchema('No such account'), 409: errorSchema('A configured account') },
    }),
    async (req) => {
      await mayManage(req);
      const body = definition(req.body);
      // The name is read before the definition is validated (configured accounts are refused first): a string or a 400.
      if (typeof body.name !== 'string') throw new InputError('an account definition needs a "name" string');
      await stored(body.name);
      const account = await deps.parseAccount(body);
      await deps.definitions.put(account.name, body);
      await deps.credentials.remove(account.name);
      await deps.credentials.add(account);
      await deps.changedHere?.(account.name, body);
      return view(account, true);
    },
  );
  app.delete<{ Params: { name: string } }>(
    '/credentials/:name',
    documented({
      summary: 'Remove an account (account storage API)',
      description:
        "Clouddriver's `AccountDefinitionController.deleteAccount`: removes an account added through this API; its caching agents stop and everything they cached is evicted. Configured accounts cannot be removed (409).",
      tags: ['credentials'],
      params: { name: 'The account name' },
      responses: { 204: 'Removed', 403: errorSchema('Not an account manager'), 404: errorSchema('No such account'), 409: errorSchema('A configured account') },
    }),
    async (req, reply) => {
      await mayManage(req);
      await stored(req.params.name);
      await deps.credentials.remove(req.params.name);
      await deps.definitions.remove(req.params.name);
      await deps.changedHere?.(req.params.name, undefined);
      return reply.status(204).send();
    },
  );
}

const accountSchema = anyObject('An account (public fields only)', {
  name: { type: 'string' },
  type: { type: 'string', description: 'The cloud provider' },
  cloudProvider: { type: 'string' },
  environment: { type: 'string' },
  accountType: { type: 'string' },
  permissions: { type: 'object', additionalProperties: true },
  requiredGroupMembership: { type: 'array', items: { type: 'string' } },
  challengeDestructiveActions: { type: 'boolean' },
  primaryAccount: { type: 'boolean' },
});

const definitionSchema = anyObject('An account definition: `type` names the provider, the rest are its account fields (at most 256 KiB, 16 levels deep)', {
  type: { type: 'string', description: 'kubernetes, aws, dockerRegistry, ...' },
  name: { type: 'string' },
});

const MAX_DEFINITION_BYTES = 256 * 1024;
const MAX_DEFINITION_DEPTH = 16;

/** A definition as JSON: an object, at most 256 KiB and 16 levels deep, checked before anything is parsed or kept. */
function definition(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('an account definition (JSON object with "type" and "name") is required');
  if (depthOf(body) > MAX_DEFINITION_DEPTH) throw new InputError(`an account definition may not nest deeper than ${MAX_DEFINITION_DEPTH} levels`);
  if (Buffer.byteLength(JSON.stringify(body)) > MAX_DEFINITION_BYTES) throw new InputError(`an account definition may not exceed ${MAX_DEFINITION_BYTES} bytes`);
  return body as Record<string, unknown>;
}

function depthOf(value: unknown, limit = MAX_DEFINITION_DEPTH + 1): number {
  if (typeof value !== 'object' || value === null || limit === 0) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, limit - 1));
  return deepest + 1;
}

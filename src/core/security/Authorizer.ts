import type { Identity } from './Identity.js';

export type Authorization = 'READ' | 'WRITE' | 'EXECUTE' | 'CREATE';

/**
 * What one caller may do, evaluated locally from one permission document (Fiat's
 * `FiatPermissionEvaluator`): names compare case-insensitively; an admin may do anything.
 */
export interface Permissions {
  readonly admin: boolean;
  /** May add, replace and remove accounts through the account storage API (Fiat's `accountManager`). */
  readonly accountManager: boolean;
  account(name: string, authorization: Authorization): boolean;
  application(name: string, authorization: Authorization): boolean;
}

/**
 * Turns an identity into permissions. Implementations: everything allowed (Fiat disabled) or
 * Fiat's `/authorize/{user}` document. Throws `ServiceUnavailableError` when permissions cannot be
 * known (Fiat unreachable without legacy fallback): callers fail closed.
 */
export interface Authorizer {
  /** False when authorization is off (Fiat disabled): every check passes. */
  readonly enabled: boolean;
  permissions(identity: Identity): Promise<Permissions>;
}

export const ALLOW_ALL: Permissions = { admin: true, accountManager: true, account: () => true, application: () => true };

/** Fiat disabled: Clouddriver then checks nothing but the allowed-accounts header (see `allowedAccountsProblem`). */
export const openAuthorizer: Authorizer = { enabled: false, permissions: async () => ALLOW_ALL };

/**
 * Clouddriver's `DefaultAllowedAccountsValidator`, which applies only with Fiat disabled: when the
 * account is restricted (has permissions), it must be among the identity's `X-SPINNAKER-ACCOUNTS`.
 */
export function allowedAccountsProblem(identity: Identity, account: string, restricted: boolean): string | undefined {
  if (!restricted) return undefined;
  const lower = account.toLowerCase();
  if (identity.accounts.some((a) => a.toLowerCase() === lower)) return undefined;
  return `credentials.unauthorized: ${identity.user ?? 'anonymous'} is not authorized to use account ${account}`;
}

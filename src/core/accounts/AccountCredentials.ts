/** Roles per authorization, as Fiat reads them from `/credentials`. */
export interface Permissions {
  readonly READ?: readonly string[];
  readonly WRITE?: readonly string[];
  readonly EXECUTE?: readonly string[];
}

/**
 * An account as the core sees it. Providers extend it with their clients; secrets live only in
 * provider-private fields and never in `describe()`.
 */
export interface AccountCredentials {
  readonly name: string;
  /** Provider id, e.g. `kubernetes`; also the `type` field of `/credentials`. */
  readonly cloudProvider: string;
  readonly environment: string;
  readonly accountType: string;
  readonly permissions: Permissions;
  readonly requiredGroupMembership: readonly string[];
  /** Provider fields for the expanded `/credentials` view (`CredentialsController`); never secrets. */
  describe(): Record<string, unknown>;
  /** Releases clients, watches, sockets. Idempotent. */
  close?(): Promise<void>;
}

/**
 * Clouddriver folds legacy `requiredGroupMembership` into READ and WRITE (lower-cased) when no
 * explicit permissions are given.
 */
export function effectivePermissions(permissions: Permissions | undefined, requiredGroupMembership: readonly string[]): Permissions {
  if (permissions && Object.keys(permissions).length > 0) return permissions;
  if (requiredGroupMembership.length === 0) return {};
  const roles = requiredGroupMembership.map((r) => r.toLowerCase());
  return { READ: roles, WRITE: roles };
}

import type { Clock } from '../Clock.js';
import { ServiceUnavailableError } from '../errors.js';
import type { Logger } from '../Logger.js';
import type { Authorization, Authorizer, Permissions } from './Authorizer.js';
import type { Identity } from './Identity.js';

export interface FiatSettings {
  readonly baseUrl: string;
  /** How long a user's permission document is reused (Fiat's client cache: 20 s). */
  readonly cacheSeconds: number;
  /** Users whose documents are kept at most (Fiat's client cache: 1,000). */
  readonly maxEntries: number;
  /** Per-request limit for Fiat calls. */
  readonly timeoutMs: number;
  /** With Fiat unreachable, grant READ and WRITE on the accounts of `X-SPINNAKER-ACCOUNTS` (Fiat's legacy fallback). */
  readonly legacyFallback: boolean;
}

/** Fiat's `UserPermission.View` as `GET /authorize/{user}` answers it (fields read here). */
export interface FiatPermissionDocument {
  readonly name?: string;
  readonly admin?: boolean;
  readonly accounts?: readonly { name: string; authorizations?: readonly string[] }[];
  readonly applications?: readonly { name: string; authorizations?: readonly string[] }[];
  readonly allowAccessToUnknownApplications?: boolean;
  readonly legacyFallback?: boolean;
  readonly accountManager?: boolean;
}

/**
 * Permissions from Fiat (`FiatPermissionEvaluator` + `FiatService.getUserPermission`): one
 * `GET {baseUrl}/authorize/{user}` per user per `cacheSeconds`, concurrent asks for the same user
 * share one call, the cache holds at most `maxEntries` users. Anonymous callers are Fiat's
 * `anonymous` user.
 */
export class FiatAuthorizer implements Authorizer {
  readonly enabled = true;
  private readonly cache = new Map<string, { expires: number; permissions: Promise<Permissions> }>();

  constructor(
    private readonly settings: FiatSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  permissions(identity: Identity): Promise<Permissions> {
    const user = identity.user ?? 'anonymous';
    const key = user.toLowerCase();
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.expires > now) return hit.permissions;
    const permissions = this.fetch(user).then(
      (doc) => permissionsOf(doc),
      (err: unknown) => {
        this.cache.delete(key); // never cache a failure
        const reason = err instanceof Error ? err.message : String(err);
        if (this.settings.legacyFallback) {
          this.logger.warn({ user, err: reason }, 'Fiat unreachable; legacy fallback to X-SPINNAKER-ACCOUNTS');
          return permissionsOf({ accounts: identity.accounts.map((name) => ({ name, authorizations: ['READ', 'WRITE'] })), allowAccessToUnknownApplications: true });
        }
        throw new ServiceUnavailableError(`authorization service (Fiat) unavailable: ${reason}`);
      },
    );
    this.cache.delete(key);
    this.cache.set(key, { expires: now + this.settings.cacheSeconds * 1000, permissions });
    while (this.cache.size > this.settings.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return permissions;
  }

  private async fetch(user: string): Promise<FiatPermissionDocument> {
    const url = `${this.settings.baseUrl.replace(/\/+$/, '')}/authorize/${encodeURIComponent(user)}`;
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    if (res.status === 404) return {}; // an unknown user has no permissions
    if (!res.ok) throw new Error(`GET /authorize/${user} answered ${res.status}`);
    return (await res.json()) as FiatPermissionDocument;
  }
}

/** Local evaluation of one document (names case-insensitive; admin allows all). */
export function permissionsOf(doc: FiatPermissionDocument): Permissions {
  const index = (list: FiatPermissionDocument['accounts']) => new Map((list ?? []).map((r) => [r.name.toLowerCase(), new Set(r.authorizations ?? [])]));
  const accounts = index(doc.accounts);
  const applications = index(doc.applications);
  const admin = doc.admin === true;
  return {
    admin,
    accountManager: admin || doc.accountManager === true,
    account: (name: string, auth: Authorization) => admin || (accounts.get(name.toLowerCase())?.has(auth) ?? false),
    application: (name: string, auth: Authorization) => {
      if (admin) return true;
      const known = applications.get(name.toLowerCase());
      return known === undefined ? doc.allowAccessToUnknownApplications === true : known.has(auth);
    },
  };
}

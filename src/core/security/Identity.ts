/**
 * Who is calling, from the `X-SPINNAKER-*` headers Gate and Orca send (Clouddriver's
 * `AuthenticatedRequestFilter`): `X-SPINNAKER-USER` is the principal (absent: anonymous),
 * `X-SPINNAKER-ACCOUNTS` the comma-separated accounts Gate says the user may use; every
 * `X-SPINNAKER-*` header (execution id, request id, ...) is kept for task logs.
 */
export interface Identity {
  /** undefined for an anonymous caller. */
  readonly user: string | undefined;
  readonly accounts: readonly string[];
  /** Every `x-spinnaker-*` header, lower-cased names. */
  readonly context: Readonly<Record<string, string>>;
}

export const ANONYMOUS: Identity = { user: undefined, accounts: [], context: {} };

const MAX_HEADER = 1024;

/** The identity of a request's headers (Node's lower-cased header map). */
export function identityFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Identity {
  const context: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith('x-spinnaker-') || raw === undefined) continue;
    const value = (Array.isArray(raw) ? raw.join(',') : raw).slice(0, MAX_HEADER);
    context[name] = value;
  }
  const user = context['x-spinnaker-user']?.trim();
  const accounts = (context['x-spinnaker-accounts'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { user: user === undefined || user === '' ? undefined : user, accounts, context };
}

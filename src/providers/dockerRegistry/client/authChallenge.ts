/**
 * `WWW-Authenticate` challenges (RFC 7235) as a Docker registry sends them:
 * `Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"`
 * or `Basic realm="..."`. Several challenges may share one header or come in several headers.
 */
export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** A Bearer challenge's token request parameters (`DockerBearerTokenService.parseBearerAuthenticateHeader`). */
export interface BearerChallenge {
  readonly realm: URL;
  readonly service?: string;
  readonly scope?: string;
}

/** Parses every challenge in the given header values; unparseable text ends that value's parse. */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    let rest = value.trim();
    let current: { scheme: string; params: Record<string, string> } | undefined;
    while (rest.length > 0) {
      const param = /^([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,\s*|$)/.exec(rest);
      if (param && current) {
        current.params[(param[1] ?? '').toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
        rest = rest.slice(param[0].length);
        continue;
      }
      const scheme = /^([A-Za-z][A-Za-z0-9_.-]*)(?:\s+|\s*,\s*|$)/.exec(rest);
      if (!scheme) break;
      current = { scheme: (scheme[1] ?? '').toLowerCase(), params: {} };
      out.push(current);
      rest = rest.slice(scheme[0].length);
    }
  }
  return out;
}

/** The first Bearer challenge with an http(s) realm, if any. */
export function bearerChallenge(challenges: readonly AuthChallenge[]): BearerChallenge | undefined {
  for (const c of challenges) {
    if (c.scheme !== 'bearer' || c.params.realm === undefined) continue;
    let realm: URL;
    try {
      realm = new URL(c.params.realm);
    } catch {
      continue;
    }
    if (realm.protocol !== 'http:' && realm.protocol !== 'https:') continue;
    return { realm, ...(c.params.service ? { service: c.params.service } : {}), ...(c.params.scope ? { scope: c.params.scope } : {}) };
  }
  return undefined;
}

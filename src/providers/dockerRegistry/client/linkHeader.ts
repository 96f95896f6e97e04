/**
 * The next page of a paginated registry listing, from RFC 8288 `Link` headers
 * (`</v2/_catalog?last=b&n=100>; rel="next"`). The target may be absolute or relative; as in
 * Clouddriver's `DockerRegistryClient.parseLink`, only its path and query are kept and resolved
 * against the registry's own address, so a registry cannot send the next request (and its
 * credentials) elsewhere. Undefined when no link has `rel="next"`.
 */
export function nextPageUrl(linkValues: readonly string[] | undefined, base: URL): URL | undefined {
  for (const value of linkValues ?? []) {
    for (const link of splitLinks(value)) {
      const m = /^\s*<([^>]*)>(.*)$/s.exec(link);
      if (!m) continue;
      const params = m[2] ?? '';
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
      const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
      if (!rels.includes('next')) continue;
      let target: URL;
      try {
        target = new URL(m[1] ?? '', base);
      } catch {
        continue;
      }
      return new URL(`${target.pathname}${target.search}`, base.origin);
    }
  }
  return undefined;
}

/** Splits one header value into links at commas outside `<...>` and quotes. */
function splitLinks(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && ch === '<') depth++;
    else if (!quoted && ch === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && ch === ',') {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

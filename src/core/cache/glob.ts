/**
 * Clouddriver's identifier globs: `*` any run, `?` one character, `[...]` a class; everything
 * else literal. Matching is anchored at both ends and case-sensitive.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`${out}$`, 's');
}

/**
 * The glob as a predicate. A glob whose only metacharacter is a final `*` (every account and
 * kind pattern of the providers) is a prefix test, with no regular expression built per call.
 */
export function globMatcher(glob: string): (id: string) => boolean {
  const prefix = globLiteralPrefix(glob);
  if (prefix.length === glob.length) return (id) => id === glob;
  if (prefix.length === glob.length - 1 && glob.endsWith('*')) return (id) => id.startsWith(prefix);
  const re = globToRegExp(glob);
  return (id) => re.test(id);
}

/** The literal text before the first glob metacharacter (lets stores narrow a scan by prefix). */
export function globLiteralPrefix(glob: string): string {
  const m = /[*?[]/.exec(glob);
  return m ? glob.slice(0, m.index) : glob;
}

/** `text` as a glob that matches only itself: each metacharacter (`*`, `?`, `[`) becomes a one-character class. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[]/g, (ch) => `[${ch}]`);
}

/**
 * Maven's version order (`org.apache.maven.artifact.versioning.ComparableVersion`, which Helm's
 * index parser uses for "latest", and close to Aether's `GenericVersion`, which Maven resolution
 * uses): numbers compare as numbers, `.` and `-` separate, a switch between digits and letters
 * separates too, and qualifiers order alpha < beta < milestone < rc = cr < snapshot < (release
 * = ga = final = "") < sp < anything else (alphabetically). Trailing zeros and release qualifiers
 * do not count: 1 = 1.0 = 1.0.0 = 1-ga.
 */

type Item = { readonly kind: 'int'; readonly value: bigint } | { readonly kind: 'string'; readonly value: string } | { readonly kind: 'list'; readonly items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORT: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
const RELEASE_KEY = qualifierKey('');

function qualifierKey(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

function stringItem(raw: string, followedByDigit: boolean): Item {
  const short = followedByDigit && raw.length === 1 ? SHORT[raw] : undefined;
  const value = short ?? raw;
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n;
  if (item.kind === 'string') return qualifierKey(item.value) === RELEASE_KEY;
  return item.items.length === 0;
}

function normalize(list: Item & { kind: 'list' }): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i];
    if (last === undefined) break;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

/** Parses a version string into Maven's item tree. */
function parse(version: string): Item & { kind: 'list' } {
  const text = version.toLowerCase();
  const root: Item & { kind: 'list' } = { kind: 'list', items: [] };
  let list = root;
  const stack = [root];
  const open = (): void => {
    const sub: Item & { kind: 'list' } = { kind: 'list', items: [] };
    list.items.push(sub);
    list = sub;
    stack.push(sub);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '.' || c === '-') {
      list.items.push(i === start ? { kind: 'int', value: 0n } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') open();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.items.push(stringItem(text.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, text.slice(start, i)));
        start = i;
        open();
      }
      isDigit = false;
    }
  }
  if (text.length > start) list.items.push(parseItem(isDigit, text.slice(start)));
  for (const l of stack.reverse()) normalize(l);
  return root;
}

function compareItems(l: Item | undefined, r: Item | undefined): number {
  if (l === undefined) return r === undefined ? 0 : -compareItems(r, undefined);
  switch (l.kind) {
    case 'int':
      if (r === undefined) return l.value === 0n ? 0 : 1;
      if (r.kind !== 'int') return 1;
      return l.value === r.value ? 0 : l.value < r.value ? -1 : 1;
    case 'string': {
      if (r !== undefined && r.kind !== 'string') return -1;
      const a = qualifierKey(l.value);
      const b = r === undefined ? RELEASE_KEY : qualifierKey(r.value);
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'list': {
      if (r === undefined) return l.items.length === 0 ? 0 : compareItems(l.items[0], undefined);
      if (r.kind === 'int') return -1;
      if (r.kind === 'string') return 1;
      const n = Math.max(l.items.length, r.items.length);
      for (let i = 0; i < n; i++) {
        const result = compareItems(l.items[i], r.items[i]);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

/** Negative, zero or positive as `a` orders before, with or after `b`. */
export function compareVersions(a: string, b: string): number {
  return compareItems(parse(a), parse(b));
}

/** The highest version, or undefined for none. */
export function latestVersion(versions: readonly string[]): string | undefined {
  return versions.reduce<string | undefined>((best, v) => (best === undefined || compareVersions(v, best) > 0 ? v : best), undefined);
}

interface Bound {
  readonly version: string;
  readonly inclusive: boolean;
}
interface Range {
  readonly lower?: Bound;
  readonly upper?: Bound;
}

/**
 * A Maven version constraint (Aether's `GenericVersionScheme.parseVersionConstraint`): a plain
 * version matches only itself; ranges are `[1.0,2.0)`, `(,1.0]`, `[1.5,)`, `[1.2]` (exactly), and
 * a comma-separated union of them. Throws on malformed ranges.
 */
export function versionConstraint(spec: string): (version: string) => boolean {
  const text = spec.trim();
  if (!text.startsWith('[') && !text.startsWith('(')) return (v) => compareVersions(v, text) === 0;
  const ranges: Range[] = [];
  let rest = text;
  while (rest.length > 0) {
    const close = rest.search(/[\])]/);
    if (close < 0 || !(rest.startsWith('[') || rest.startsWith('('))) throw new Error(`malformed version range '${spec}'`);
    const body = rest.slice(1, close);
    const lowerInclusive = rest.startsWith('[');
    const upperInclusive = rest.charAt(close) === ']';
    const comma = body.indexOf(',');
    if (comma < 0) {
      if (!lowerInclusive || !upperInclusive || body.trim() === '') throw new Error(`malformed version range '${spec}'`);
      ranges.push({ lower: { version: body.trim(), inclusive: true }, upper: { version: body.trim(), inclusive: true } });
    } else {
      const lower = body.slice(0, comma).trim();
      const upper = body.slice(comma + 1).trim();
      if (upper.includes(',')) throw new Error(`malformed version range '${spec}'`);
      ranges.push({
        ...(lower === '' ? {} : { lower: { version: lower, inclusive: lowerInclusive } }),
        ...(upper === '' ? {} : { upper: { version: upper, inclusive: upperInclusive } }),
      });
    }
    rest = rest.slice(close + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  const within = (r: Range, v: string): boolean => {
    if (r.lower !== undefined) {
      const c = compareVersions(v, r.lower.version);
      if (c < 0 || (c === 0 && !r.lower.inclusive)) return false;
    }
    if (r.upper !== undefined) {
      const c = compareVersions(v, r.upper.version);
      if (c > 0 || (c === 0 && !r.upper.inclusive)) return false;
    }
    return true;
  };
  return (v) => ranges.some((r) => within(r, v));
}

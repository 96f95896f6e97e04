/**
 * Label and field selectors for the simulated API server (`?labelSelector=`, `?fieldSelector=`,
 * and `metav1.LabelSelector` objects in workload specs).
 *
 * Label selector strings: comma-separated requirements `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k` (exists) and `!k` (does not exist), with whitespace tolerated around
 * tokens. Keys are qualified names with an optional DNS-subdomain prefix (`app.kubernetes.io/name`);
 * keys and values are validated as the API server does (name part and values at most 63 chars).
 * `!=` and `notin` also match objects that lack the label; `=`, `in` and exists do not. Set
 * values may be empty strings (`k in (a,)`), but the set itself must not be empty. An empty or
 * all-whitespace string selects everything; `matches(undefined)` means "no labels".
 *
 * `labelSelectorFromObject` evaluates `{ matchLabels, matchExpressions }` with operators In,
 * NotIn, Exists and DoesNotExist; an absent (undefined/null) or empty selector matches everything.
 *
 * Field selector strings: comma-separated `path=value`, `path==value`, `path!=value`, where
 * `path` is a dotted path into the object (`metadata.name`, `involvedObject.uid`, `status.phase`).
 * A missing or non-scalar field reads as '' (so `spec.nodeName=` selects unscheduled pods);
 * numbers and booleans read as their string form. Values may escape `\,`, `\=` and `\\`; empty
 * terms are skipped and whitespace around paths and values is trimmed. Any field path is accepted.
 *
 * Invalid input throws `SelectorError` (status 400) with a message in the API server's style.
 * Lookups use own properties only, so keys such as `constructor` never match by accident.
 */

export class SelectorError extends Error {
  override name = 'SelectorError';
  readonly status = 400;
}

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelector {
  matches(labels: Labels | undefined): boolean;
}

export interface FieldSelector {
  matches(obj: Readonly<Record<string, unknown>>): boolean;
}

type Op = 'in' | 'notin' | 'exists' | '!';
interface Requirement { readonly key: string; readonly op: Op; readonly values: readonly string[] }

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const OPERATORS = new Map<string, Op>([['In', 'in'], ['NotIn', 'notin'], ['Exists', 'exists'], ['DoesNotExist', '!']]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validKey(key: string): boolean {
  const parts = key.split('/');
  const name = parts.at(-1) ?? '';
  const prefix = parts.length === 2 ? (parts[0] ?? '') : '';
  if (parts.length > 2 || name.length > 63 || !NAME.test(name)) return false;
  return parts.length === 1 || (prefix.length <= 253 && PREFIX.test(prefix));
}

/** Validates and builds one requirement; `=`/`==` is `in [v]` and `!=` is `notin [v]`, as upstream. */
function requirement(key: string, op: Op, values: readonly string[]): Requirement {
  const fail = (why: string): never => {
    throw new SelectorError(`unable to parse requirement: ${why}`);
  };
  if (!validKey(key)) fail(`invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (optionally prefixed by a DNS subdomain and '/')`);
  if ((op === 'in' || op === 'notin') && values.length === 0) fail(`key "${key}": for 'in', 'notin' operators, values set can't be empty`);
  if ((op === 'exists' || op === '!') && values.length > 0) fail(`key "${key}": values set must be empty for exists and does not exist`);
  for (const v of values) {
    if (v !== '' && (v.length > 63 || !NAME.test(v))) fail(`invalid label value "${v}" for key "${key}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
  return { key, op, values };
}

function test(r: Requirement, labels: Labels): boolean {
  const present = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'exists': return present;
    case '!': return !present;
    case 'in': return present && r.values.includes(labels[r.key] ?? '');
    case 'notin': return !present || !r.values.includes(labels[r.key] ?? '');
  }
}

const allOf = (reqs: readonly Requirement[]): LabelSelector => ({ matches: (labels) => reqs.every((r) => test(r, labels ?? {})) });

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

function parseTerm(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set !== null) {
    const [, key = '', op = '', list = ''] = set;
    return requirement(key, op === 'in' ? 'in' : 'notin', list.trim() === '' ? [] : list.split(',').map((v) => v.trim()));
  }
  const cmp = /^([^\s!=]+)\s*(==|!=|=)\s*(.*)$/.exec(term);
  if (cmp !== null) return requirement(cmp[1] ?? '', cmp[2] === '!=' ? 'notin' : 'in', [cmp[3] ?? '']);
  const absent = /^!\s*(\S+)$/.exec(term);
  if (absent !== null) return requirement(absent[1] ?? '', '!', []);
  if (/^\S+$/.test(term)) return requirement(term, 'exists', []);
  const expected = term === '' ? "identifier after ','" : "!, identifier, or 'end of string'";
  throw new SelectorError(`unable to parse requirement: found '${term}', expected: ${expected}`);
}

export function parseLabelSelector(text: string): LabelSelector {
  return allOf(text.trim() === '' ? [] : splitTop(text).map(parseTerm));
}

function invalid(why: string): never {
  throw new SelectorError(`invalid label selector: ${why}`);
}

/** Evaluates a `metav1.LabelSelector` object. */
export function labelSelectorFromObject(sel: unknown): LabelSelector {
  if (sel === undefined || sel === null) return allOf([]);
  if (!isRecord(sel)) return invalid('expected an object');
  const reqs: Requirement[] = [];
  const { matchLabels, matchExpressions } = sel;
  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isRecord(matchLabels)) invalid('matchLabels must be an object');
    for (const [key, value] of Object.entries(matchLabels)) {
      reqs.push(requirement(key, 'in', [typeof value === 'string' ? value : invalid(`matchLabels["${key}"] must be a string`)]));
    }
  }
  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) invalid('matchExpressions must be an array');
    for (const expr of matchExpressions) {
      const { key, operator, values } = isRecord(expr) ? expr : {};
      const op = OPERATORS.get(String(operator));
      if (op === undefined) invalid(`"${String(operator)}" is not a valid label selector operator`);
      if (typeof key !== 'string') invalid('matchExpressions[].key must be a string');
      const vals = values === undefined || values === null ? [] : values;
      if (!Array.isArray(vals) || !vals.every((v) => typeof v === 'string')) return invalid('matchExpressions[].values must be an array of strings');
      reqs.push(requirement(key, op, vals));
    }
  }
  return allOf(reqs);
}

/** Splits on unescaped commas, keeping escapes for `unescape`. */
function splitEscaped(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let escaped = false;
  for (const ch of text) {
    if (!escaped && ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
    escaped = !escaped && ch === '\\';
  }
  parts.push(cur);
  return parts;
}

function unescape(value: string): string {
  let out = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === '=' || ch === ',') throw new SelectorError(`invalid field selector: unescaped character '${ch}'`);
    else out += ch;
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

function fieldValue(obj: unknown, path: string): string {
  let cur = obj;
  for (const part of path.split('.')) cur = isRecord(cur) && Object.hasOwn(cur, part) ? cur[part] : undefined;
  return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean' ? String(cur) : '';
}

export function parseFieldSelector(text: string): FieldSelector {
  const reqs = splitEscaped(text).filter((term) => term.trim() !== '').map((term) => {
    const m = /^([^!=]*)(!=|==|=)(.*)$/s.exec(term);
    const path = m?.[1]?.trim() ?? '';
    if (m === null || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(path)) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path, negate: m[2] === '!=', value: unescape((m[3] ?? '').trim()) };
  });
  return { matches: (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.negate) };
}

/**
 * Label and field selectors as the API server parses them. Label selectors: comma-separated
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (absent); `!=` and
 * `notin` also match when the label is absent. Field selectors: `path=v`, `path==v`, `path!=v`
 * over dotted paths (`metadata.name`, `involvedObject.kind`, ...); a missing field reads as ''.
 * An empty selector selects everything; bad syntax throws SelectorError (HTTP 400).
 */

export class SelectorError extends Error {
  override name = 'SelectorError';
  readonly status = 400;
}

export interface LabelSelector {
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
}

export interface FieldSelector {
  matches(obj: Readonly<Record<string, unknown>>): boolean;
}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function checked(key: string, values: string[], raw: string): void {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  for (const v of values) if (!VALUE.test(v)) throw new SelectorError(`unable to parse requirement: invalid label value: "${v}" in "${raw}"`);
}

function requirement(raw: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
  if (set !== null) {
    const [, key = '', op, list = ''] = set;
    const values = list.split(',').map((v) => v.trim());
    checked(key, values, raw);
    return op === 'in' ? (l) => l[key] !== undefined && values.includes(l[key] ?? '') : (l) => l[key] === undefined || !values.includes(l[key] ?? '');
  }
  const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(raw);
  if (cmp !== null) {
    const [, key = '', op, value = ''] = cmp;
    checked(key, [value], raw);
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  const absent = /^!\s*(\S+)$/.exec(raw);
  if (absent !== null) {
    const key = absent[1] ?? '';
    checked(key, [], raw);
    return (l) => l[key] === undefined;
  }
  if (raw !== '' && !/\s/.test(raw)) {
    checked(raw, [], raw);
    return (l) => l[raw] !== undefined;
  }
  throw new SelectorError(`unable to parse requirement: found '${raw}', expected: !, identifier, or 'end of string'`);
}

function allOf(requirements: Requirement[]): LabelSelector {
  return { matches: (labels) => requirements.every((r) => r(labels ?? {})) };
}

export function parseLabelSelector(text: string): LabelSelector {
  if (text.trim() === '') return allOf([]);
  return allOf(splitTop(text).map(requirement));
}

/** A `metav1.LabelSelector` object (`matchLabels`, `matchExpressions`). */
export function labelSelectorFromObject(sel: unknown): LabelSelector {
  const s = (typeof sel === 'object' && sel !== null ? sel : {}) as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const reqs: Requirement[] = Object.entries(s.matchLabels ?? {}).map(([k, v]) => (l) => l[k] === v);
  for (const e of s.matchExpressions ?? []) {
    const values = e.values ?? [];
    if (e.operator === 'In') reqs.push((l) => l[e.key] !== undefined && values.includes(l[e.key] ?? ''));
    else if (e.operator === 'NotIn') reqs.push((l) => l[e.key] === undefined || !values.includes(l[e.key] ?? ''));
    else if (e.operator === 'Exists') reqs.push((l) => l[e.key] !== undefined);
    else if (e.operator === 'DoesNotExist') reqs.push((l) => l[e.key] === undefined);
    else throw new SelectorError(`"${e.operator}" is not a valid label selector operator`);
  }
  return allOf(reqs);
}

function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : typeof cur === 'object' ? JSON.stringify(cur) : String(cur as string | number | boolean);
}

export function parseFieldSelector(text: string): FieldSelector {
  if (text.trim() === '') return { matches: () => true };
  const reqs = text.split(',').map((raw) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*([^,]*?)\s*$/.exec(raw);
    if (m === null) throw new SelectorError(`invalid selector: '${text}'; can't understand '${raw}'`);
    const [, path = '', op, value = ''] = m;
    return (o: unknown): boolean => (op === '!=' ? fieldValue(o, path) !== value : fieldValue(o, path) === value);
  });
  return { matches: (o) => reqs.every((r) => r(o)) };
}

import { z } from 'zod';
import { InputError } from '../../../core/errors.js';
import { arrayAt, isObject, stringAt, stringMapAt } from '../model/KubernetesManifest.js';

/**
 * Label selectors of operation descriptions (Clouddriver's `KubernetesSelectorList` of
 * `KubernetesSelector`s, as deleteManifest's and deployManifest's `labelSelectors` carry them:
 * `{selectors: [{kind, key, values}]}`) and their rendering as a Kubernetes label selector string,
 * exactly as `KubernetesSelector.toString()` writes it (`key = value`, `key != value`,
 * `key in (a, b)`, `key notin (a, b)`, `key`, `!key`, joined by `,`; `ANY` renders as nothing).
 *
 * Keys and values are checked against the API server's label syntax before they are rendered:
 * the string is handed to the API server as is, so a value such as `x,other` would otherwise
 * add a requirement of its own and select (and delete) more than was asked.
 */

export const SELECTOR_KINDS = ['ANY', 'EQUALS', 'NOT_EQUALS', 'CONTAINS', 'NOT_CONTAINS', 'EXISTS', 'NOT_EXISTS'] as const;
export type SelectorKind = (typeof SELECTOR_KINDS)[number];

export const labelSelectorSchema = z
  .object({
    kind: z.enum(SELECTOR_KINDS),
    key: z.string().nullish(),
    values: z.array(z.string()).nullish(),
  })
  .passthrough();
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** `KubernetesSelectorList`: `{selectors: [...]}`; absent or null selectors are an empty list. */
export const labelSelectorsSchema = z
  .object({ selectors: z.array(labelSelectorSchema).nullish().transform((s) => s ?? []) })
  .passthrough();
export type LabelSelectorList = z.infer<typeof labelSelectorsSchema>;

type Selectors = LabelSelectorList | readonly LabelSelector[] | null | undefined;

const selectorsOf = (s: Selectors): readonly LabelSelector[] => (s === null || s === undefined ? [] : Array.isArray(s) ? s : (s as LabelSelectorList).selectors);

// The API server's rules (apimachinery `validation.IsQualifiedName`, `IsValidLabelValue`).
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts.at(-1) ?? '';
  const prefix = parts.length === 2 ? (parts[0] ?? '') : undefined;
  const ok = parts.length <= 2 && name.length <= 63 && NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
  return ok ? undefined : `label key "${key}" must be a qualified name (alphanumerics, "-", "_" or ".", at most 63 characters, optionally prefixed by a DNS subdomain and "/")`;
}

/** Why `value` is not a label value, or undefined when it is (the empty string is a value). */
export function labelValueProblem(value: string): string | undefined {
  return value === '' || (value.length <= 63 && NAME.test(value)) ? undefined : `label value "${value}" must be empty or alphanumerics, "-", "_" or "." (at most 63 characters, starting and ending with an alphanumeric)`;
}

/** Problems of a selector list, one sentence each (empty when it can be rendered). */
export function labelSelectorProblems(selectors: Selectors): string[] {
  const problems: string[] = [];
  selectorsOf(selectors).forEach((s, i) => {
    const where = `selectors[${i}]`;
    if (s.kind === 'ANY') return;
    const key = s.key ?? '';
    if (key === '') {
      // KubernetesSelector's constructor: "Only an 'any' selector can have no key specified".
      problems.push(`${where}: only an 'any' selector can have no key specified`);
      return;
    }
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) problems.push(`${where}: ${keyProblem}`);
    const values = s.values ?? [];
    if ((s.kind === 'EQUALS' || s.kind === 'NOT_EQUALS') && values.length === 0) problems.push(`${where}: a '${s.kind.toLowerCase()}' selector needs a value`);
    if ((s.kind === 'CONTAINS' || s.kind === 'NOT_CONTAINS') && values.length === 0) problems.push(`${where}: at least one value must be supplied to a '${s.kind === 'CONTAINS' ? 'contains' : 'notcontains'}' selector`);
    if (s.kind !== 'EXISTS' && s.kind !== 'NOT_EXISTS') {
      const used = s.kind === 'EQUALS' || s.kind === 'NOT_EQUALS' ? values.slice(0, 1) : values;
      for (const v of used) {
        const valueProblem = labelValueProblem(v);
        if (valueProblem !== undefined) problems.push(`${where}: ${valueProblem}`);
      }
    }
  });
  return problems;
}

function render(s: LabelSelector): string {
  const key = s.key ?? '';
  const values = s.values ?? [];
  switch (s.kind) {
    case 'ANY':
      return '';
    case 'EQUALS':
      return `${key} = ${values[0] ?? ''}`;
    case 'NOT_EQUALS':
      return `${key} != ${values[0] ?? ''}`;
    case 'CONTAINS':
      return `${key} in (${values.join(', ')})`;
    case 'NOT_CONTAINS':
      return `${key} notin (${values.join(', ')})`;
    case 'EXISTS':
      return key;
    case 'NOT_EXISTS':
      return `!${key}`;
  }
}

/**
 * The Kubernetes label selector string of a selector list (`KubernetesSelectorList.toString()`),
 * e.g. `tier in (cache),load = balancer`. Accepts the list object or its `selectors` array.
 * Throws `InputError` for a list `labelSelectorProblems` rejects, so nothing unchecked reaches a URL.
 */
export function labelSelectorString(selectors: Selectors): string {
  const problems = labelSelectorProblems(selectors);
  if (problems.length > 0) throw new InputError(`invalid label selectors: ${problems.join('; ')}`);
  return selectorsOf(selectors).map(render).join(',');
}

const OPERATOR_KIND: Readonly<Record<string, SelectorKind>> = { In: 'CONTAINS', NotIn: 'NOT_CONTAINS', Exists: 'EXISTS', DoesNotExist: 'NOT_EXISTS' };

/**
 * A workload's `metav1.LabelSelector` (`{matchLabels, matchExpressions}`) as selectors, in the order
 * `KubernetesManifestSelector.toSelectorList()` gives them (labels, then expressions). Unknown
 * operators are skipped.
 */
export function selectorsOfLabelSelector(selector: unknown): LabelSelector[] {
  if (!isObject(selector)) return [];
  const out: LabelSelector[] = Object.entries(stringMapAt(selector, 'matchLabels')).map(([key, value]) => ({ kind: 'EQUALS', key, values: [value] }));
  for (const e of arrayAt(selector, 'matchExpressions')) {
    const kind = OPERATOR_KIND[stringAt(e, 'operator') ?? ''];
    const key = stringAt(e, 'key');
    if (kind === undefined || key === undefined) continue;
    out.push({ kind, key, values: arrayAt(e, 'values').filter((v): v is string => typeof v === 'string') });
  }
  return out;
}

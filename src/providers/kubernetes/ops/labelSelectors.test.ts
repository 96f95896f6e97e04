import { describe, expect, it } from 'vitest';
import { labelSelectorProblems, labelSelectorString, labelSelectorsSchema, selectorsOfLabelSelector, type LabelSelector } from './labelSelectors.js';

describe('labelSelectorString', () => {
  // KubernetesSelectorSpec / KubernetesSelectorListSpec renderings.
  it.each<[LabelSelector[], string]>([
    [[{ kind: 'EQUALS', key: 'load', values: ['balancer'] }], 'load = balancer'],
    [[{ kind: 'NOT_EQUALS', key: 'load', values: ['balancer'] }], 'load != balancer'],
    [[{ kind: 'CONTAINS', key: 'tier', values: ['cache'] }], 'tier in (cache)'],
    [[{ kind: 'NOT_CONTAINS', key: 'stack', values: ['canary', 'backend'] }], 'stack notin (canary, backend)'],
    [[{ kind: 'EXISTS', key: 'production' }], 'production'],
    [[{ kind: 'NOT_EXISTS', key: 'production', values: null }], '!production'],
    [[{ kind: 'ANY' }], ''],
    [
      [
        { kind: 'NOT_CONTAINS', key: 'stack', values: ['canary', 'backend'] },
        { kind: 'EXISTS', key: 'production' },
        { kind: 'EQUALS', key: 'load', values: ['balancer'] },
        { kind: 'EQUALS', key: 'balance', values: ['loader'] },
      ],
      'stack notin (canary, backend),production,load = balancer,balance = loader',
    ],
    [[{ kind: 'EQUALS', key: 'app.kubernetes.io/name', values: [''] }], 'app.kubernetes.io/name = '],
  ])('%j -> %s', (selectors, expected) => {
    expect(labelSelectorString(selectors)).toBe(expected);
    expect(labelSelectorString({ selectors })).toBe(expected);
  });

  it('is empty for no selectors', () => {
    expect(labelSelectorString(undefined)).toBe('');
    expect(labelSelectorString(labelSelectorsSchema.parse({}))).toBe('');
    expect(labelSelectorString(labelSelectorsSchema.parse({ selectors: null }))).toBe('');
  });

  it.each<[LabelSelector, string]>([
    [{ kind: 'EQUALS', key: 'app', values: [] }, 'needs a value'],
    [{ kind: 'CONTAINS', key: 'app', values: [] }, "at least one value must be supplied to a 'contains' selector"],
    [{ kind: 'NOT_CONTAINS', key: 'app' }, "'notcontains' selector"],
    [{ kind: 'EXISTS', key: '' }, "only an 'any' selector can have no key"],
    [{ kind: 'EQUALS', key: 'app', values: ['web,other'] }, 'label value "web,other"'],
    [{ kind: 'CONTAINS', key: 'app', values: ['a', 'b) ,x in (c'] }, 'label value'],
    [{ kind: 'EXISTS', key: 'bad key' }, 'label key "bad key"'],
    [{ kind: 'EXISTS', key: 'Example.com/x' }, 'label key'],
  ])('refuses %j (%s), so nothing unchecked reaches the API server', (selector, problem) => {
    expect(labelSelectorProblems([selector]).join('\n')).toContain(problem);
    expect(() => labelSelectorString([selector])).toThrow(problem);
  });

  it('renders a workload selector (matchLabels, then matchExpressions)', () => {
    const selectors = selectorsOfLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['cache'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'x', operator: 'Weird' },
      ],
    });
    expect(labelSelectorString(selectors)).toBe('app = web,tier in (cache),!canary');
    expect(selectorsOfLabelSelector(undefined)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { SelectorError, labelSelectorFromObject, parseFieldSelector, parseLabelSelector } from './selectors.js';

describe('label selectors', () => {
  const labels = { app: 'web', 'app.kubernetes.io/name': 'shop', tier: 'front' };
  const matches = (s: string): boolean => parseLabelSelector(s).matches(labels);

  it('supports every operator, prefixed keys and whitespace', () => {
    expect(matches('')).toBe(true);
    expect(matches('app=web')).toBe(true);
    expect(matches('app==web, tier = front')).toBe(true);
    expect(matches('app!=web')).toBe(false);
    expect(matches('app.kubernetes.io/name in (shop, cart)')).toBe(true);
    expect(matches('tier notin (front)')).toBe(false);
    expect(matches('tier')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('app in (web),!missing')).toBe(true);
  });

  it('lets != and notin match absent labels, but not in', () => {
    expect(matches('env!=prod')).toBe(true);
    expect(matches('env notin (prod)')).toBe(true);
    expect(matches('env in (prod)')).toBe(false);
    expect(parseLabelSelector('app=web').matches(undefined)).toBe(false);
  });

  it('rejects bad syntax with a 400 SelectorError', () => {
    for (const bad of ['==x', 'a b c', 'app=we b', 'app in (a']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(SelectorError);
    }
  });

  it('evaluates matchLabels and matchExpressions objects', () => {
    const sel = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'env', operator: 'DoesNotExist' }] });
    expect(sel.matches(labels)).toBe(true);
    expect(sel.matches({ ...labels, env: 'x' })).toBe(false);
    expect(labelSelectorFromObject(undefined).matches({})).toBe(true);
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Near' }] })).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const event = { metadata: { name: 'e1', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'web-1' }, type: 'Warning' };
  it('matches dotted paths with =, == and !=, missing fields as empty', () => {
    expect(parseFieldSelector('metadata.name=e1,metadata.namespace==shop').matches(event)).toBe(true);
    expect(parseFieldSelector('involvedObject.name=web-1,involvedObject.kind=Pod').matches(event)).toBe(true);
    expect(parseFieldSelector('type!=Warning').matches(event)).toBe(false);
    expect(parseFieldSelector('spec.nodeName=').matches(event)).toBe(true);
    expect(parseFieldSelector('').matches(event)).toBe(true);
    expect(() => parseFieldSelector('metadata.name')).toThrow(SelectorError);
  });
});

import { describe, expect, it } from 'vitest';
import { SelectorError, labelSelectorFromObject, parseFieldSelector, parseLabelSelector } from './selectors.js';

const labels = { app: 'web', 'app.kubernetes.io/name': 'shop', tier: 'front', empty: '' };
const matches = (s: string, l: Record<string, string> | undefined = labels): boolean => parseLabelSelector(s).matches(l);

describe('label selector strings', () => {
  it.each([
    ['app=web', true],
    ['app=db', false],
    ['app==web', true],
    ['app==db', false],
    ['app!=web', false],
    ['app!=db', true],
    ['tier in (front,back)', true],
    ['tier in (back)', false],
    ['tier notin (front)', false],
    ['tier notin (back,middle)', true],
    ['tier', true],
    ['missing', false],
    ['!tier', false],
    ['!missing', true],
    ['empty=', true],
    ['empty in (a,)', true],
    ['app=web,tier=front,!missing', true],
    ['app=web,tier=back', false],
  ])('%s → %s', (selector, expected) => {
    expect(matches(selector)).toBe(expected);
  });

  it('accepts DNS-prefixed keys with every operator', () => {
    expect(matches('app.kubernetes.io/name=shop')).toBe(true);
    expect(matches('app.kubernetes.io/name!=shop')).toBe(false);
    expect(matches('app.kubernetes.io/name in (cart, shop)')).toBe(true);
    expect(matches('app.kubernetes.io/name notin (shop)')).toBe(false);
    expect(matches('app.kubernetes.io/name')).toBe(true);
    expect(matches('!app.kubernetes.io/name')).toBe(false);
    expect(matches('example.com/team')).toBe(false);
  });

  it('lets != and notin (but not =, in or exists) match an absent label', () => {
    expect(matches('env!=prod')).toBe(true);
    expect(matches('env notin (prod)')).toBe(true);
    expect(matches('env=prod')).toBe(false);
    expect(matches('env in (prod)')).toBe(false);
    expect(matches('env=')).toBe(false);
    expect(parseLabelSelector('app=web').matches(undefined)).toBe(false);
    expect(parseLabelSelector('env!=prod,!env').matches(undefined)).toBe(true);
  });

  it('tolerates whitespace around tokens, and an empty selector selects everything', () => {
    expect(matches('  app = web ,  tier==front , tier  in  ( front , back ) , ! missing  ')).toBe(true);
    expect(matches('tier notin(front)')).toBe(false);
    expect(matches('')).toBe(true);
    expect(parseLabelSelector('   ').matches(undefined)).toBe(true);
  });

  it('only looks at own properties', () => {
    expect(matches('constructor', {})).toBe(false);
    expect(matches('!toString', {})).toBe(true);
  });

  it.each([
    '==x', 'a b c', 'app=we b', 'app in (a', 'app in ()', 'app in (a b)', 'app=web,', ',app', 'app=a=b',
    '!app=web', 'a/b/c', 'Example.com/x', '-app', 'app=-x', `k=${'v'.repeat(64)}`, `${'k'.repeat(64)}`, 'app in (a))',
  ])('rejects %j with a 400 SelectorError', (bad) => {
    let err: unknown;
    try {
      parseLabelSelector(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SelectorError);
    expect((err as SelectorError).status).toBe(400);
    expect((err as SelectorError).message).toMatch(/^unable to parse requirement: /);
  });
});

describe('metav1.LabelSelector objects', () => {
  it('combines matchLabels and matchExpressions with every operator', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'app.kubernetes.io/name', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(sel.matches(labels)).toBe(true);
    expect(sel.matches({ ...labels, env: 'dev' })).toBe(true);
    expect(sel.matches({ ...labels, env: 'prod' })).toBe(false);
    expect(sel.matches({ ...labels, canary: 'yes' })).toBe(false);
    expect(sel.matches({ ...labels, app: 'db' })).toBe(false);
    expect(sel.matches({ app: 'web', 'app.kubernetes.io/name': 'shop' })).toBe(false);
    expect(sel.matches(undefined)).toBe(false);
  });

  it('matches everything when absent or empty', () => {
    for (const empty of [undefined, null, {}, { matchLabels: {} }, { matchLabels: null, matchExpressions: [] }]) {
      expect(labelSelectorFromObject(empty).matches(undefined)).toBe(true);
      expect(labelSelectorFromObject(empty).matches(labels)).toBe(true);
    }
  });

  it.each([
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Near' }] }],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
    ['missing key', { matchExpressions: [{ operator: 'Exists' }] }],
    ['non-string values', { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] }],
    ['invalid key', { matchLabels: { 'bad key': 'x' } }],
    ['invalid value', { matchLabels: { app: 'a b' } }],
    ['non-string label', { matchLabels: { app: 3 } }],
    ['non-object selector', 'app=web'],
    ['non-array expressions', { matchExpressions: {} }],
  ])('rejects %s', (_why, sel) => {
    expect(() => labelSelectorFromObject(sel)).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const event = {
    metadata: { name: 'e1', namespace: 'shop' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'u-1' },
    type: 'Warning',
    reason: 'BackOff',
    count: 3,
  };
  const fmatch = (s: string, obj: Record<string, unknown> = event): boolean => parseFieldSelector(s).matches(obj);

  it('compares dotted paths, including nested involvedObject fields, with =, == and !=', () => {
    expect(fmatch('metadata.name=e1,metadata.namespace==shop')).toBe(true);
    expect(fmatch('involvedObject.name=web-1,involvedObject.kind=Pod,involvedObject.uid=u-1')).toBe(true);
    expect(fmatch('involvedObject.name=web-2')).toBe(false);
    expect(fmatch('involvedObject.name!=web-2')).toBe(true);
    expect(fmatch('involvedObject.name!=web-1')).toBe(false);
    expect(fmatch('type!=Warning')).toBe(false);
    expect(fmatch('type!=Normal,reason=BackOff')).toBe(true);
    expect(fmatch('type=Warning,reason=Failed')).toBe(false);
    expect(fmatch('count=3')).toBe(true);
  });

  it('reads missing and non-scalar fields as the empty string', () => {
    expect(fmatch('spec.nodeName=')).toBe(true);
    expect(fmatch('spec.nodeName!=')).toBe(false);
    expect(fmatch('status.phase!=Running')).toBe(true);
    expect(fmatch('metadata.name.deeper=')).toBe(true);
    expect(fmatch('involvedObject=')).toBe(true);
    expect(fmatch('metadata.constructor=')).toBe(true);
    const pod = { metadata: { name: 'p' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };
    expect(fmatch('spec.nodeName=node-1,status.phase=Running', pod)).toBe(true);
    expect(fmatch('spec.nodeName=', pod)).toBe(false);
  });

  it('matches everything when empty, skips empty terms, trims whitespace and unescapes values', () => {
    expect(fmatch('')).toBe(true);
    expect(fmatch('metadata.name=e1,')).toBe(true);
    expect(fmatch(' metadata.name = e1 , type != Normal ')).toBe(true);
    expect(fmatch('metadata.name=a\\,b\\=c\\\\', { metadata: { name: 'a,b=c\\' } })).toBe(true);
  });

  it.each(['metadata.name', '=x', 'metadata..name=x', 'a b=x', 'metadata.name=a=b', 'metadata.name=a\\x', 'metadata.name=a\\'])(
    'rejects %j with a 400 SelectorError',
    (bad) => {
      expect(() => parseFieldSelector(bad)).toThrow(SelectorError);
    },
  );
});

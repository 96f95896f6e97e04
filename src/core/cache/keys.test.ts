import { describe, expect, it } from 'vitest';
import { globLiteral, globMatcher, globToRegExp } from './glob.js';
import { decodeKey, encodeKey, keyCodec } from './keys.js';

describe('key codec', () => {
  it('joins parts with ":" and writes ":" inside a part as ";"', () => {
    expect(encodeKey(['kubernetes.v2', 'infrastructure', 'pod', 'acct', 'ns', 'a:b'])).toBe('kubernetes.v2:infrastructure:pod:acct:ns:a;b');
    expect(decodeKey('x:a;b:c')).toEqual(['x', 'a:b', 'c']);
  });

  it('parses only keys with its own prefix', () => {
    const k = keyCodec('kubernetes.v2');
    expect(k.parse(k.build('logical', 'applications', 'app'))).toEqual(['logical', 'applications', 'app']);
    expect(k.parse('aws:applications:app')).toBeUndefined();
  });
});

describe('globToRegExp', () => {
  it('supports *, ? and classes and treats the rest literally', () => {
    expect(globToRegExp('a*c').test('abbc')).toBe(true);
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('a?c').test('abbc')).toBe(false);
    expect(globToRegExp('[ab]x').test('bx')).toBe(true);
    expect(globToRegExp('a.b(c)+').test('a.b(c)+')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('globMatcher', () => {
  it('answers as the regular expression does, prefix globs and literal ones included', () => {
    const globs = ['pods:acct:*', 'pods:acct:ns:p1', 'a*c', 'a?c*', '[ab]x*', 'x*y*', '*', '', `${globLiteral('a*')}:*`];
    const ids = ['pods:acct:ns:p1', 'pods:acct:', 'pods:acct', 'pods:acct2:x', 'abbc', 'abcd', 'bx9', 'x1y2', '', 'a*:z', 'ab:z'];
    for (const glob of globs) for (const id of ids) expect(globMatcher(glob)(id), `${glob} ${id}`).toBe(globToRegExp(glob).test(id));
  });
});

describe('globLiteral', () => {
  it('matches only the text itself, whatever metacharacters it holds', () => {
    for (const text of ['plain', 'a*b', 'q?', '[z-a]', 'x[', 'br]ack', '*?[']) {
      const re = globToRegExp(`${globLiteral(text)}:*`);
      expect(re.test(`${text}:rest`), text).toBe(true);
      expect(re.test(`${text}x:rest`), text).toBe(false);
    }
    expect(globToRegExp(`${globLiteral('a*')}:*`).test('abc:rest')).toBe(false);
  });
});

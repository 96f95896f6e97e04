import { describe, expect, it } from 'vitest';
import { compareVersions, latestVersion, versionConstraint } from './versionOrder.js';

describe('Maven version order', () => {
  it('orders as Maven ComparableVersion does', () => {
    const ordered = ['1.0-alpha1', '1.0-alpha2', '1.0-beta1', '1.0-milestone1', '1.0-rc1', '1.0-SNAPSHOT', '1.0', '1.0-sp1', '1.0-xyz', '1.0.1', '1.1', '1.9', '1.10', '2.0.0-alpha1', '2.0.0'];
    for (let i = 1; i < ordered.length; i++) expect(compareVersions(ordered[i - 1] ?? '', ordered[i] ?? ''), `${ordered[i - 1]} < ${ordered[i]}`).toBeLessThan(0);
  });

  it('treats trailing zeros, release qualifiers and aliases as equal', () => {
    for (const [a, b] of [['1', '1.0.0'], ['1.0', '1-ga'], ['1.0', '1.0-final'], ['1.0-cr1', '1.0-rc1'], ['1.0a1', '1.0-alpha-1'], ['1.0.0', '1.0.0.RELEASE']]) expect(compareVersions(a ?? '', b ?? ''), `${a} = ${b}`).toBe(0);
  });

  it('picks the latest by that order, not by text', () => {
    expect(latestVersion(['1.9.0', '1.10.0', '1.2.0'])).toBe('1.10.0');
    expect(latestVersion([])).toBeUndefined();
  });
});

describe('Maven version constraints', () => {
  it('matches ranges, exact ranges, unions and plain versions', () => {
    const within = (spec: string, v: string) => versionConstraint(spec)(v);
    expect(within('[1.0,2.0)', '1.5')).toBe(true);
    expect(within('[1.0,2.0)', '2.0')).toBe(false);
    expect(within('(1.0,2.0]', '1.0')).toBe(false);
    expect(within('(1.0,2.0]', '2.0.0')).toBe(true);
    expect(within('[1.5,)', '99')).toBe(true);
    expect(within('(,1.0]', '0.9')).toBe(true);
    expect(within('[1.2]', '1.2.0')).toBe(true);
    expect(within('[1.2]', '1.2.1')).toBe(false);
    expect(within('(,1.0],[1.2,)', '1.1')).toBe(false);
    expect(within('(,1.0],[1.2,)', '1.3')).toBe(true);
    expect(within('1.1', '1.1.0')).toBe(true);
    expect(within('1.1', '1.2')).toBe(false);
  });

  it('throws on malformed ranges', () => {
    for (const bad of ['[1.0', '(1.0)', '[1,2,3]', '[]']) expect(() => versionConstraint(bad), bad).toThrow();
  });
});

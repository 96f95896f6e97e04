import { describe, expect, it } from 'vitest';
import { bearerChallenge, parseChallenges } from './authChallenge.js';
import { nextPageUrl } from './linkHeader.js';

describe('WWW-Authenticate parsing', () => {
  it('reads a Bearer challenge with quoted and bare parameters', () => {
    const c = parseChallenges(['Bearer realm="https://auth.example.com/token",service=registry.example.com,scope="repository:a/b:pull,push"']);
    expect(c).toEqual([{ scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' } }]);
    expect(bearerChallenge(c)).toEqual({ realm: new URL('https://auth.example.com/token'), service: 'registry.example.com', scope: 'repository:a/b:pull,push' });
  });

  it('finds the Bearer challenge among several, in one header or many', () => {
    const one = parseChallenges(['Basic realm="basic", Bearer realm="https://a.example.com/t",error="invalid_token"']);
    expect(one.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(bearerChallenge(one)?.realm.href).toBe('https://a.example.com/t');
    expect(bearerChallenge(parseChallenges(['Basic realm="x"', 'bearer REALM="http://b.example.com/t"']))?.realm.href).toBe('http://b.example.com/t');
  });

  it('ignores a Bearer challenge whose realm is not an http(s) URL', () => {
    expect(bearerChallenge(parseChallenges(['Bearer realm="file:///etc/passwd"']))).toBeUndefined();
    expect(bearerChallenge(parseChallenges(['Bearer service="x"']))).toBeUndefined();
  });
});

describe('Link header paging', () => {
  const base = new URL('https://r.example.com/v2/_catalog?n=2');
  it('finds rel="next" among links and keeps only path and query', () => {
    expect(nextPageUrl(['<https://cdn.example.net/v2/_catalog?last=b&n=2>; rel="next"'], base)?.href).toBe('https://r.example.com/v2/_catalog?last=b&n=2');
    expect(nextPageUrl(['</v2/_catalog?last=a,b&n=2>; rel=prev, </v2/_catalog?last=c&n=2>; rel="next"'], base)?.href).toBe('https://r.example.com/v2/_catalog?last=c&n=2');
    expect(nextPageUrl(['</x>; rel="prev"', '</v2/_catalog?last=d>; title="a;b"; rel="next last"'], base)?.href).toBe('https://r.example.com/v2/_catalog?last=d');
  });
  it('has no next page without a next link', () => {
    expect(nextPageUrl(undefined, base)).toBeUndefined();
    expect(nextPageUrl(['</v2/_catalog?last=b>; rel="prev"'], base)).toBeUndefined();
  });
});

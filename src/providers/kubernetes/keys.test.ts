import { describe, expect, it } from 'vitest';
import { accountOfInfrastructureKey, applicationKey, cacheTypeOfKey, clusterKey, infrastructureKey, manifestKey, parseKey } from './keys.js';
import { deployment } from '../../../test/fixtures/kubernetesDocsNamespace.js';

describe('kubernetes.v2 keys', () => {
  it('writes infrastructure keys as Clouddriver does', () => {
    expect(infrastructureKey('replicaSet', 'ac', 'namespace', 'v1-v000')).toBe('kubernetes.v2:infrastructure:replicaSet:ac:namespace:v1-v000');
  });

  it('writes cluster-scoped objects with an empty namespace and escapes ":" as ";"', () => {
    expect(infrastructureKey('clusterRole', 'k8s', '', 'system:controller:x')).toBe('kubernetes.v2:infrastructure:clusterRole:k8s::system;controller;x');
  });

  it('writes logical keys', () => {
    expect(applicationKey('spinnaker')).toBe('kubernetes.v2:logical:applications:spinnaker');
    expect(clusterKey('k8s', 'docs', 'deployment docs-site')).toBe('kubernetes.v2:logical:clusters:k8s:docs:deployment docs-site');
  });

  it('keys a live object by its kind name, namespace and name', () => {
    expect(manifestKey('k8s', deployment())).toBe('kubernetes.v2:infrastructure:deployment:k8s:docs:docs-site');
  });

  it('parses keys back into typed objects, unescaping ";"', () => {
    expect(parseKey('kubernetes.v2:infrastructure:clusterRole:k8s::system;controller;x')).toEqual({
      type: 'infrastructure', group: 'clusterRole', kind: 'clusterRole', account: 'k8s', namespace: '', name: 'system:controller:x',
    });
    expect(parseKey(applicationKey('docs'))).toEqual({ type: 'applications', group: 'applications', name: 'docs' });
    expect(parseKey(clusterKey('k8s', 'docs', 'deployment docs-site'))).toEqual({
      type: 'clusters', group: 'clusters', account: 'k8s', application: 'docs', name: 'deployment docs-site',
    });
  });

  it('reads the account of an infrastructure key as parseKey does', () => {
    for (const account of ['prod', 'arn:aws:eks:us-east-1:1:cluster/x', 'a;b']) {
      const key = infrastructureKey('pod', account, 'ns', 'p-1');
      expect(accountOfInfrastructureKey(key)).toBe((parseKey(key) as { account: string }).account);
    }
    expect(accountOfInfrastructureKey(applicationKey('app'))).toBeUndefined();
    expect(accountOfInfrastructureKey('kubernetes.v2:infrastructure:pod')).toBeUndefined();
  });

  it('normalises the kind of a parsed key', () => {
    expect(parseKey('kubernetes.v2:infrastructure:ReplicaSet:k8s:docs:x')?.group).toBe('replicaSet');
  });

  it('rejects other providers, deprecated artifact keys and malformed keys', () => {
    expect(parseKey('aws:applications:docs')).toBeUndefined();
    expect(parseKey('kubernetes.v2:artifact:kubernetes/deployment:x:y:z')).toBeUndefined();
    expect(parseKey('kubernetes.v2:infrastructure:pod:k8s:docs')).toBeUndefined();
    expect(parseKey('kubernetes.v2:infrastructure:pod:k8s:docs:a:b')).toBeUndefined();
    expect(parseKey('kubernetes.v2:logical:applications:a:b')).toBeUndefined();
    expect(parseKey('kubernetes.v2:logical:things:a')).toBeUndefined();
  });

  it('gives the cache type of a key', () => {
    expect(cacheTypeOfKey(infrastructureKey('pod', 'a', 'b', 'c'))).toBe('pod');
    expect(cacheTypeOfKey(clusterKey('a', 'b', 'c'))).toBe('clusters');
    expect(cacheTypeOfKey('nope')).toBeUndefined();
  });
});

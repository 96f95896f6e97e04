import { describe, expect, it } from 'vitest';
import type { KubernetesManifest } from './model/KubernetesManifest.js';
import { currentReplicaSet, deployment, secret } from '../../../test/fixtures/kubernetesDocsNamespace.js';
import {
  cachingProperties,
  deriveMoniker,
  friggaClusterName,
  friggaServerGroupName,
  parseFriggaName,
  parseResourceName,
  trafficLoadBalancers,
} from './moniker.js';

const obj = (kind: string, name: string, annotations?: Record<string, string>, apiVersion = 'apps/v1'): KubernetesManifest => ({
  apiVersion, kind, metadata: annotations === undefined ? { name } : { name, annotations },
});

describe('Frigga names', () => {
  it('parses app, stack, detail and sequence', () => {
    expect(parseFriggaName('docs-prod-eu-west-v012')).toEqual({
      group: 'docs-prod-eu-west-v012', cluster: 'docs-prod-eu-west', app: 'docs', stack: 'prod', detail: 'eu-west', push: 'v012', sequence: 12,
    });
    expect(parseFriggaName('docs')).toEqual({ group: 'docs', cluster: 'docs', app: 'docs' });
    expect(parseFriggaName('docs--canary')).toEqual({ group: 'docs--canary', cluster: 'docs--canary', app: 'docs', detail: 'canary' });
  });

  it('needs exactly three digits for a sequence', () => {
    expect(parseFriggaName('docs-v12')).toMatchObject({ app: 'docs', stack: 'v12' });
    expect(parseFriggaName('docs-v12').sequence).toBeUndefined();
  });

  it('returns nothing for names outside the Frigga alphabet', () => {
    expect(parseFriggaName('replicaSet docs-v001')).toEqual({});
    expect(parseFriggaName('')).toEqual({});
    expect(parseFriggaName(undefined)).toEqual({});
  });

  it('gives system:* names app "system"', () => {
    expect(parseResourceName('system:coredns')).toEqual({ app: 'system', cluster: 'system:coredns' });
    expect(parseResourceName('system:coredns-v003')).toEqual({ app: 'system', cluster: 'system:coredns', sequence: 3 });
  });

  it('builds cluster and server group names', () => {
    expect(friggaClusterName('app')).toBe('app');
    expect(friggaClusterName('app', 'prod')).toBe('app-prod');
    expect(friggaClusterName('app', 'prod', 'canary')).toBe('app-prod-canary');
    expect(friggaClusterName('app', undefined, 'canary')).toBe('app--canary');
    expect(friggaServerGroupName('app-prod', 7)).toBe('app-prod-v007');
    expect(friggaServerGroupName('app-prod', 1000)).toBe('app-prod-v000');
  });
});

describe('moniker of a live object', () => {
  it('takes every moniker annotation first', () => {
    const m = obj('Deployment', 'whatever-v001', {
      'moniker.spinnaker.io/application': 'docs',
      'moniker.spinnaker.io/cluster': 'deployment docs-site',
      'moniker.spinnaker.io/stack': 'prod',
      'moniker.spinnaker.io/detail': 'eu',
      'moniker.spinnaker.io/sequence': '4',
    });
    expect(deriveMoniker(m)).toEqual({ app: 'docs', cluster: 'deployment docs-site', stack: 'prod', detail: 'eu', sequence: 4 });
  });

  it('parses the name when there are no annotations, leaving stack and detail unset', () => {
    expect(deriveMoniker(obj('Deployment', 'docs-prod-eu-v003'))).toEqual({ app: 'docs', cluster: 'docs-prod-eu', sequence: 3 });
  });

  it('falls back to the deployment revision for ReplicaSets only', () => {
    const rs = currentReplicaSet();
    expect(deriveMoniker(rs)).toEqual({ app: 'docs', cluster: 'deployment docs-site', sequence: 2 });
    expect(deriveMoniker(deployment()).sequence).toBeUndefined();
    const annotated = obj('ReplicaSet', 'docs-v001', { 'deployment.kubernetes.io/revision': '9', 'moniker.spinnaker.io/sequence': '1' });
    expect(deriveMoniker(annotated).sequence).toBe(1);
    expect(deriveMoniker(obj('ReplicaSet', 'docs-v005')).sequence).toBe(5);
  });

  it('decodes annotation values written as JSON strings by old versions', () => {
    expect(deriveMoniker(obj('Service', 'x', { 'moniker.spinnaker.io/application': '"docs"' }, 'v1')).app).toBe('docs');
  });

  it('drops an unparsable sequence annotation instead of falling back', () => {
    expect(deriveMoniker(obj('Deployment', 'docs-v002', { 'moniker.spinnaker.io/sequence': 'two' })).sequence).toBeUndefined();
  });

  it('gives system:* objects app "system"', () => {
    expect(deriveMoniker(obj('ClusterRole', 'system:controller:job-controller', undefined, 'rbac.authorization.k8s.io/v1')).app).toBe('system');
  });
});

describe('caching and traffic annotations', () => {
  it('ignores objects only for a true ignore annotation', () => {
    expect(cachingProperties(obj('ConfigMap', 'a', { 'caching.spinnaker.io/ignore': 'true' }, 'v1')).ignore).toBe(true);
    expect(cachingProperties(obj('ConfigMap', 'a', { 'caching.spinnaker.io/ignore': 'false' }, 'v1')).ignore).toBe(false);
    expect(cachingProperties(obj('ConfigMap', 'a', undefined, 'v1')).ignore).toBe(false);
  });

  it('reports the application annotation or ""', () => {
    expect(cachingProperties(secret()).application).toBe('docs');
    expect(cachingProperties(obj('Pod', 'docs-1', undefined, 'v1')).application).toBe('');
  });

  it('reads the traffic load balancers list', () => {
    expect(trafficLoadBalancers(obj('ReplicaSet', 'a', { 'traffic.spinnaker.io/load-balancers': '["service docs-site"]' }))).toEqual(['service docs-site']);
    expect(trafficLoadBalancers(obj('ReplicaSet', 'a', { 'traffic.spinnaker.io/load-balancers': 'not json' }))).toEqual([]);
  });
});

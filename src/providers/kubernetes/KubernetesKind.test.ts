import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_KINDS,
  UI_DEFAULT_KINDS,
  createKindRegistry,
  kindOfManifest,
  kubernetesKindName,
  parseKindString,
  parseSpinnakerKind,
  sameKind,
} from './KubernetesKind.js';

describe('kind names', () => {
  it('maps API kinds in native groups to Clouddriver names', () => {
    expect(kubernetesKindName('ReplicaSet', 'apps')).toBe('replicaSet');
    expect(kubernetesKindName('Deployment', 'extensions')).toBe('deployment');
    expect(kubernetesKindName('HorizontalPodAutoscaler', 'autoscaling')).toBe('horizontalpodautoscaler');
    expect(kubernetesKindName('Service', '')).toBe('service');
    expect(kubernetesKindName('PersistentVolumeClaim')).toBe('persistentVolumeClaim');
  });

  it('adds the group for kinds in non-native groups, even when the kind name is a built-in', () => {
    expect(kubernetesKindName('NetworkPolicy', 'crd.projectcalico.org')).toBe('NetworkPolicy.crd.projectcalico.org');
    expect(kubernetesKindName('Rollout', 'argoproj.io')).toBe('Rollout.argoproj.io');
  });

  it('keeps unknown kinds of native groups unqualified', () => {
    expect(kubernetesKindName('PriorityClass', 'scheduling.k8s.io')).toBe('PriorityClass');
  });

  it('names a missing kind "none"', () => {
    expect(kubernetesKindName(undefined)).toBe('none');
  });

  it('accepts aliases and kind[.group] strings from configuration', () => {
    expect(parseKindString('rs')).toBe('replicaSet');
    expect(parseKindString('svc')).toBe('service');
    expect(parseKindString('cm')).toBe('configMap');
    expect(parseKindString('deploy')).toBe('deployment');
    expect(parseKindString('hpa')).toBe('horizontalpodautoscaler');
    expect(parseKindString('netpol')).toBe('networkPolicy');
    expect(parseKindString('deployment.apps')).toBe('deployment');
    expect(parseKindString('ReplicaSet')).toBe('replicaSet');
    expect(parseKindString('Rollout.argoproj.io')).toBe('Rollout.argoproj.io');
  });

  it('reads the kind of a live object from kind and apiVersion', () => {
    expect(kindOfManifest({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' } })).toBe('statefulSet');
    expect(kindOfManifest({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toBe('pod');
    expect(kindOfManifest({ apiVersion: 'example.com/v1alpha1', kind: 'Widget', metadata: { name: 'x' } })).toBe('Widget.example.com');
  });

  it('compares kind names case-insensitively', () => {
    expect(sameKind('replicaSet', 'ReplicaSet')).toBe(true);
    expect(sameKind('replicaSet', 'statefulSet')).toBe(false);
  });
});

describe('built-in kind properties', () => {
  const get = (name: string) => {
    const k = BUILT_IN_KINDS.find((x) => x.name === name);
    if (k === undefined) throw new Error(`no ${name}`);
    return k;
  };

  it('classifies kinds into Spinnaker kinds as the handlers do', () => {
    expect(get('deployment').spinnakerKind).toBe('serverGroupManagers');
    for (const k of ['replicaSet', 'statefulSet', 'daemonSet', 'job', 'cronJob']) expect(get(k).spinnakerKind).toBe('serverGroups');
    expect(get('pod').spinnakerKind).toBe('instances');
    expect(get('service').spinnakerKind).toBe('loadBalancers');
    expect(get('ingress').spinnakerKind).toBe('loadBalancers');
    expect(get('networkPolicy').spinnakerKind).toBe('securityGroups');
    for (const k of ['configMap', 'secret', 'persistentVolumeClaim', 'persistentVolume']) expect(get(k).spinnakerKind).toBe('configs');
    expect(get('horizontalpodautoscaler').spinnakerKind).toBe('unclassified');
  });

  it('marks replicaSet, pod, configMap and secret as versioned and nothing else', () => {
    expect(BUILT_IN_KINDS.filter((k) => k.versioned).map((k) => k.name).sort()).toEqual(['configMap', 'pod', 'replicaSet', 'secret']);
  });

  it('carries deploy priorities, API coordinates and scope', () => {
    expect(get('namespace')).toMatchObject({ deployPriority: 0, namespaced: false, group: '', version: 'v1', resource: 'namespaces' });
    expect(get('horizontalpodautoscaler').deployPriority).toBe(110);
    expect(get('service').deployPriority).toBe(70);
    expect(get('configMap').deployPriority).toBe(50);
    expect(get('persistentVolume').deployPriority).toBe(40);
    expect(get('customResourceDefinition').deployPriority).toBe(30);
    expect(get('ingress')).toMatchObject({ group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true });
    expect(get('cronJob')).toMatchObject({ group: 'batch', version: 'v1', resource: 'cronjobs' });
    expect(get('clusterRoleBinding').namespaced).toBe(false);
    expect(get('storageClass').namespaced).toBe(false);
  });

  it('caches only the UI kinds by default (no configs, no custom resources)', () => {
    expect(UI_DEFAULT_KINDS).toContain('networkPolicy');
    expect(UI_DEFAULT_KINDS).not.toContain('configMap');
    expect(UI_DEFAULT_KINDS).not.toContain('secret');
    expect(UI_DEFAULT_KINDS).toHaveLength(10);
  });
});

describe('kind registry', () => {
  it('registers custom resources from account config', () => {
    const registry = createKindRegistry([{ kubernetesKind: 'Rollout.argoproj.io', spinnakerKind: 'serverGroups', deployPriority: '120', versioned: true }]);
    expect(registry.get('rollout.argoproj.io')).toMatchObject({ name: 'Rollout.argoproj.io', group: 'argoproj.io', spinnakerKind: 'serverGroups', deployPriority: 120, versioned: true, namespaced: true, builtIn: false });
    expect(registry.isRegistered('Rollout.argoproj.io')).toBe(true);
  });

  it('answers unknown kinds with Clouddriver defaults', () => {
    const k = createKindRegistry().get('Widget.example.com');
    expect(k).toMatchObject({ spinnakerKind: 'unclassified', deployPriority: 1000, namespaced: true, versioned: false, builtIn: false });
    expect(createKindRegistry().isRegistered('Widget.example.com')).toBe(false);
    expect(createKindRegistry().get('rs').name).toBe('replicaSet');
  });

  it('parses Spinnaker kinds in either spelling', () => {
    expect(parseSpinnakerKind('SERVER_GROUP_MANAGERS')).toBe('serverGroupManagers');
    expect(parseSpinnakerKind('loadBalancers')).toBe('loadBalancers');
    expect(parseSpinnakerKind('bogus')).toBe('unclassified');
  });
});

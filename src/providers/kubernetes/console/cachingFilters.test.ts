import { describe, expect, it } from 'vitest';
import { kubernetesAccountSchema } from '../account/KubernetesAccountConfig.js';
import { createKindRegistry } from '../KubernetesKind.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import { cachingFilterVerdicts } from './cachingFilters.js';

const account = (extra: Record<string, unknown> = {}) => kubernetesAccountSchema.parse({ name: 'a', ...extra });
const deployment = (annotations: Record<string, string> = {}, namespace = 'shop'): KubernetesManifest =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace, annotations } }) as unknown as KubernetesManifest;
const excluding = (extra: Record<string, unknown>, m: KubernetesManifest) => cachingFilterVerdicts(account(extra), createKindRegistry([]), m).filter((v) => v.excludes).map((v) => v.filter);

describe('cachingFilterVerdicts', () => {
  it('passes an ordinary managed Deployment through every filter', () => {
    const verdicts = cachingFilterVerdicts(account(), createKindRegistry([]), deployment({ 'moniker.spinnaker.io/application': 'shop' }));
    expect(verdicts.map((v) => v.filter)).toEqual(['kinds', 'omitKinds', 'namespaces', 'omitNamespaces', 'ignoreAnnotation', 'onlySpinnakerManaged']);
    expect(verdicts.every((v) => !v.excludes)).toBe(true);
  });

  it('names each filter that keeps an object out', () => {
    expect(excluding({ omitKinds: ['deployment'] }, deployment())).toEqual(['omitKinds']);
    expect(excluding({ kinds: ['service'] }, deployment())).toEqual(['kinds']);
    expect(excluding({ namespaces: ['other'] }, deployment())).toEqual(['namespaces']);
    expect(excluding({ omitNamespaces: ['shop'] }, deployment())).toEqual(['omitNamespaces']);
    expect(excluding({}, deployment({ 'caching.spinnaker.io/ignore': 'true' }))).toEqual(['ignoreAnnotation']);
    expect(excluding({ onlySpinnakerManaged: true }, deployment())).toEqual(['onlySpinnakerManaged']);
    expect(excluding({ onlySpinnakerManaged: true, omitNamespaces: ['shop'] }, deployment({ 'caching.spinnaker.io/ignore': 'true' }))).toEqual(['omitNamespaces', 'ignoreAnnotation', 'onlySpinnakerManaged']);
  });

  it('explains kinds outside the default set, and ignores namespace filters for cluster-scoped kinds', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' } } as unknown as KubernetesManifest;
    const verdicts = cachingFilterVerdicts(account(), createKindRegistry([]), cm);
    expect(verdicts.find((v) => v.filter === 'kinds')).toMatchObject({ excludes: true, detail: expect.stringContaining('not configMap') });
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as unknown as KubernetesManifest;
    expect(excluding({ namespaces: ['other'], kinds: ['namespace'] }, ns)).toEqual([]);
  });
});

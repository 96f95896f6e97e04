import { describe, expect, it } from 'vitest';
import { resourceItem } from './cacheModel.js';
import { manifestKey } from './keys.js';
import { ACCOUNT, databasePod, pendingPod, runningPod } from '../../../test/fixtures/kubernetesDocsNamespace.js';
import type { KubernetesManifest } from './model/KubernetesManifest.js';
import { dockerImages, instanceModel, instanceSummary, podInstanceSummary } from './readModels.js';

describe('podInstanceSummary', () => {
  const withoutUid = (): KubernetesManifest => {
    const m = runningPod();
    delete m.metadata?.uid;
    return m;
  };
  const withoutStatus = (): KubernetesManifest => {
    const m = pendingPod();
    delete m.status;
    return m;
  };
  const failed = (): KubernetesManifest => ({ ...runningPod(), status: { phase: 'Failed', reason: 'Evicted', containerStatuses: [] } });

  it.each([
    ['running', runningPod],
    ['pending, one container not ready', pendingPod],
    ['of a StatefulSet', databasePod],
    ['without a uid', withoutUid],
    ['without a status', withoutStatus],
    ['failed', failed],
  ])('equals the summary of the full instance view (%s)', (_, make) => {
    const pod = make();
    const full = instanceModel({ id: manifestKey(ACCOUNT, pod), attributes: resourceItem(ACCOUNT, pod).attributes });
    expect(full).toBeDefined();
    expect(podInstanceSummary(pod)).toEqual(instanceSummary(full!));
  });
});

describe('dockerImages', () => {
  const podTemplate = (image: string, init?: string) => ({ template: { spec: { containers: [{ name: 'c', image }], ...(init === undefined ? {} : { initContainers: [{ name: 'i', image: init }] }) } } });

  it('reads every pod template under spec, containers before init containers, once each (a CronJob’s job template too)', () => {
    expect(dockerImages({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: podTemplate('web:1', 'migrate:1') })).toEqual(['web:1', 'migrate:1']);
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '* * * * *', jobTemplate: { spec: podTemplate('batch:2', 'batch:2') } } };
    expect(dockerImages(cronJob)).toEqual(['batch:2']);
  });

  it('does not search metadata or status', () => {
    const m = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', managedFields: [{ manager: 'x', fieldsV1: { spec: podTemplate('not-an-image:0') } }] },
      spec: podTemplate('web:1'),
      status: { observed: { spec: podTemplate('stale:0') } },
    };
    expect(dockerImages(m)).toEqual(['web:1']);
  });
});

import { describe, expect, it } from 'vitest';
import { resourceItem } from './cacheModel.js';
import { manifestKey } from './keys.js';
import { ACCOUNT, databasePod, pendingPod, runningPod } from './model/fixtures.js';
import type { KubernetesManifest } from './model/KubernetesManifest.js';
import { instanceModel, instanceSummary, podInstanceSummary } from './readModels.js';

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

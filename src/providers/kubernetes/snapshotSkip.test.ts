import { describe, expect, it } from 'vitest';
import { FULL_SNAPSHOT_MAX_AGE_MS, snapshotMaySkip } from './KubernetesProvider.js';

describe('snapshotMaySkip', () => {
  const upToDate = { snapshotUpToDate: () => true };
  const changed = { snapshotUpToDate: () => false };

  it('writes the first snapshot, and any after the model changed', () => {
    expect(snapshotMaySkip(undefined, 1_000, upToDate)).toBe(false);
    expect(snapshotMaySkip(0, 1_000, changed)).toBe(false);
  });

  it('skips an unchanged snapshot only while the last written one is younger than the bound', () => {
    expect(snapshotMaySkip(0, FULL_SNAPSHOT_MAX_AGE_MS - 1, upToDate)).toBe(true);
    // A store that lost data is repaired at the latest by the run after the bound.
    expect(snapshotMaySkip(0, FULL_SNAPSHOT_MAX_AGE_MS, upToDate)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { FULL_SNAPSHOT_MAX_AGE_MS, SNAPSHOT_SKIP_MAX_AGE_MS, snapshotIsFull, snapshotMaySkip } from './KubernetesProvider.js';
import { LOGICAL_TTL_SECONDS } from './keys.js';

describe('snapshotMaySkip', () => {
  const upToDate = { snapshotUpToDate: () => true };
  const changed = { snapshotUpToDate: () => false };

  it('writes the first snapshot, and any after the model changed', () => {
    expect(snapshotMaySkip(undefined, 1_000, upToDate)).toBe(false);
    expect(snapshotMaySkip(0, 1_000, changed)).toBe(false);
  });

  it('skips an unchanged snapshot only while the last written one is younger than half the logical items’ TTL', () => {
    expect(SNAPSHOT_SKIP_MAX_AGE_MS).toBeLessThan(LOGICAL_TTL_SECONDS * 1000);
    expect(snapshotMaySkip(0, SNAPSHOT_SKIP_MAX_AGE_MS - 1, upToDate)).toBe(true);
    // Applications and clusters in the store are rewritten before they expire.
    expect(snapshotMaySkip(0, SNAPSHOT_SKIP_MAX_AGE_MS, upToDate)).toBe(false);
  });
});

describe('snapshotIsFull', () => {
  it('writes only unconfirmed items until a full cycle has passed since the first or the last full snapshot', () => {
    expect(snapshotIsFull(undefined, 5_000_000)).toBe(false);
    expect(snapshotIsFull(0, FULL_SNAPSHOT_MAX_AGE_MS - 1)).toBe(false);
    // A store that lost data is repaired at the latest by the run after the bound.
    expect(snapshotIsFull(0, FULL_SNAPSHOT_MAX_AGE_MS)).toBe(true);
    // kubernetes.fullSnapshotMinutes sets the bound.
    expect(snapshotIsFull(0, 59_999, 60_000)).toBe(false);
    expect(snapshotIsFull(0, 60_000, 60_000)).toBe(true);
  });
});

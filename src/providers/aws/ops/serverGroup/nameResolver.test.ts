import { describe, expect, it } from 'vitest';
import { clusterName, latestOf, nextSequence, serverGroupName, takenSlots } from './nameResolver.js';

const group = (name: string, createdMs: number) => ({ AutoScalingGroupName: name, CreatedTime: new Date(createdMs) });

describe('Frigga names for new AWS server groups', () => {
  it('joins app, stack and detail as AutoScalingGroupNameBuilder does', () => {
    expect(clusterName('app')).toBe('app');
    expect(clusterName('app', 'prod')).toBe('app-prod');
    expect(clusterName('app', 'prod', 'canary-1')).toBe('app-prod-canary-1');
    expect(clusterName('app', null, 'canary')).toBe('app--canary');
    expect(serverGroupName('app', 'prod', null, 7)).toBe('app-prod-v007');
    expect(serverGroupName('app', 'prod', null, 7, true)).toBe('app-prod');
  });

  it('refuses characters Frigga does not allow and sequences outside 0..999', () => {
    expect(() => serverGroupName('my app', null, null, 0)).toThrow('Invalid appName my app');
    expect(() => serverGroupName('app', 'pr-od', null, 0)).toThrow('Invalid stack pr-od');
    expect(() => serverGroupName('app', 'prod', 'a/b', 0)).toThrow('Invalid detail a/b');
    expect(() => serverGroupName('app', 'prod', null, 1000)).toThrow("Sequence '1000' is invalid");
  });

  it('takes the cluster’s groups only, and the newest by creation time as the ancestor', () => {
    const slots = takenSlots([group('app-prod-v003', 3), group('app-prod-v010', 1), group('app-prod-canary-v020', 9), group('app-prodx-v001', 9), group('app-prod', 2)], 'app-prod');
    expect(slots.map((s) => s.serverGroupName)).toEqual(['app-prod-v003', 'app-prod-v010', 'app-prod']);
    expect(latestOf(slots)?.serverGroupName).toBe('app-prod-v003');
    expect(nextSequence(slots, 'app-prod', 'us-east-1')).toBe(4);
    // Ties on creation time go to the higher sequence.
    expect(latestOf(takenSlots([group('app-v001', 5), group('app-v002', 5)], 'app'))?.serverGroupName).toBe('app-v002');
  });

  it('starts at 0, wraps at 1000 and skips numbers in use; all taken is an error', () => {
    expect(nextSequence([], 'app', 'us-east-1')).toBe(0);
    const wrap = takenSlots([group('app-v999', 9), group('app-v000', 1), group('app-v001', 2)], 'app');
    expect(nextSequence(wrap, 'app', 'us-east-1')).toBe(2);
    const all = takenSlots(Array.from({ length: 1000 }, (_, i) => group(`app-v${String(i).padStart(3, '0')}`, i)), 'app');
    expect(() => nextSequence(all, 'app', 'us-east-1')).toThrow('All server group names for cluster app in us-east-1 are taken.');
  });
});

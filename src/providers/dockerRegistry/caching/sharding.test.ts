import { describe, expect, it } from 'vitest';
import { javaStringHash, shardOf } from './DockerRegistryImageCachingAgent.js';

describe('repository sharding', () => {
  it('hashes as Java’s String.hashCode', () => {
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });
  it('shards as (hashCode % threads).abs(), so every repository has exactly one shard', () => {
    expect(shardOf('polygenelubricants', 3)).toBe(2);
    const repos = Array.from({ length: 200 }, (_, i) => `team-${i}/service`);
    const counts = [0, 0, 0, 0];
    for (const r of repos) counts[shardOf(r, 4)]! += 1;
    expect(counts.reduce((a, b) => a + b)).toBe(200);
    expect(Math.min(...counts)).toBeGreaterThan(20);
  });
});

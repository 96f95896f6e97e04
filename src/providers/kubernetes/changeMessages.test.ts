import { describe, expect, it } from 'vitest';
import { changeMessages } from './KubernetesProvider.js';

describe('changeMessages', () => {
  const keys = Array.from({ length: 500 }, (_, i) => `kubernetes.v2:infrastructure:pod:acct:ns${i % 7}:pod-"${i}"-ü`);

  it('splits keys into messages as full as the byte limit allows, in order, none over it', () => {
    for (const max of [2500, 4000, 8000]) {
      const messages = changeMessages('acct', keys, max);
      const decoded = messages.map((m) => JSON.parse(m) as { a: string; k: string[] });
      expect(decoded.flatMap((d) => d.k)).toEqual(keys);
      for (const m of messages) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(max);
      // Full: the next key would not have fitted.
      for (let i = 0; i + 1 < decoded.length; i++) {
        const next = decoded[i + 1]?.k[0] ?? '';
        expect(Buffer.byteLength(JSON.stringify({ a: 'acct', k: [...(decoded[i]?.k ?? []), next] }))).toBeGreaterThan(max);
      }
    }
  });

  it('sends every key when they fit in the allowed number of messages, and says reload when they do not', () => {
    expect(changeMessages('acct', keys, 8000).flatMap((m) => (JSON.parse(m) as { k: string[] }).k)).toEqual(keys);
    expect(changeMessages('acct', keys, 200)).toEqual([JSON.stringify({ a: 'acct', reload: true })]);
  });

  it('puts a key larger than the limit in a message of its own', () => {
    const messages = changeMessages('acct', ['x'.repeat(300), 'y'], 100);
    expect(messages.map((m) => (JSON.parse(m) as { k: string[] }).k)).toEqual([['x'.repeat(300)], ['y']]);
  });
});

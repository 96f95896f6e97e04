import { describe, expect, it } from 'vitest';
import { ReadLayer } from './ReadLayer.js';

describe('ReadLayer.serialized', () => {
  it('builds an answer once per generation, however many requests ask at once', async () => {
    let generation = 1;
    const layer = new ReadLayer(() => [{ cloudProvider: 'x', generation: () => generation }]);
    let builds = 0;
    let release: () => void = () => undefined;
    const build = async () => {
      builds++;
      await new Promise<void>((r) => (release = r));
      return { builds };
    };
    const answers = Promise.all(Array.from({ length: 16 }, () => layer.serialized('k', build)));
    release();
    expect(new Set(await answers)).toEqual(new Set(['{"builds":1}']));
    expect(await layer.serialized('k', build)).toBe('{"builds":1}');
    generation = 2;
    const next = layer.serialized('k', build);
    release();
    expect(await next).toBe('{"builds":2}');
  });

  it('does not memoise when a contributor cannot tell its generation', async () => {
    const layer = new ReadLayer(() => [{ cloudProvider: 'x' }]);
    let builds = 0;
    await layer.serialized('k', async () => ++builds);
    await layer.serialized('k', async () => ++builds);
    expect(builds).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { describeChangeFeedContract, Received } from '../../testing/contracts/changeFeedContract.js';
import { InMemoryChangeFeed, InMemoryChangeFeedHub } from './InMemoryChangeFeed.js';

describeChangeFeedContract('memory (two feeds on one hub)', async () => {
  const hub = new InMemoryChangeFeedHub();
  return { a: new InMemoryChangeFeed({ hub }), b: new InMemoryChangeFeed({ hub }), cleanup: async () => {} };
});

describe('InMemoryChangeFeed', () => {
  it('keeps feeds on different hubs apart', async () => {
    const a = new InMemoryChangeFeed();
    const b = new InMemoryChangeFeed();
    const onA = new Received();
    const onB = new Received();
    await a.subscribe('t', onA.handlers);
    await b.subscribe('t', onB.handlers);
    await b.publish('t', 'from b');
    await a.publish('t', 'from a');
    await onA.count(1);
    await onB.count(1);
    expect(onA.messages).toEqual(['from a']);
    expect(onB.messages).toEqual(['from b']);
  });

  it('keeps delivering to the others when a handler throws', async () => {
    const hub = new InMemoryChangeFeedHub();
    const feed = new InMemoryChangeFeed({ hub });
    const got = new Received();
    await feed.subscribe('t', {
      onMessage: () => {
        throw new Error('subscriber bug');
      },
    });
    await feed.subscribe('t', got.handlers);
    await new InMemoryChangeFeed({ hub }).publish('t', 'm');
    await got.count(1);
    expect(got.messages).toEqual(['m']);
  });
});

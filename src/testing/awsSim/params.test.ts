import { describe, expect, it } from 'vitest';
import { bool, int, objects, parseQueryParams, strings } from './params.js';

describe('Query protocol parameters', () => {
  it('folds EC2 lists, awsQuery member lists and entry maps into one nested shape, ordered by index', () => {
    const p = parseQueryParams(
      new URLSearchParams('Action=X&Version=1&Filter.1.Name=tag:app&Filter.1.Value.1=a&Filter.1.Value.2=b&Tags.member.10.Key=ten&Tags.member.2.Key=two&Tags.member.1.Key=one&Attributes.entry.1.key=k&Attributes.entry.1.value=v&SecurityGroups=&LaunchTemplate.Version=%24Latest'),
    );
    expect(p).toEqual({
      Filter: [{ Name: 'tag:app', Value: ['a', 'b'] }],
      Tags: [{ Key: 'one' }, { Key: 'two' }, { Key: 'ten' }],
      Attributes: { k: 'v' },
      SecurityGroups: '',
      LaunchTemplate: { Version: '$Latest' },
    });
    expect(strings(p, 'SecurityGroups')).toEqual([]);
    expect(objects(p, 'Tags').map((t) => t.Key)).toEqual(['one', 'two', 'ten']);
  });

  it('reads typed JSON values and Query strings alike', () => {
    expect(int({ A: '5' }, 'A')).toBe(5);
    expect(int({ A: 5 }, 'A')).toBe(5);
    expect(() => int({ A: 'x' }, 'A')).toThrow(/not a valid integer/);
    expect(bool({ A: 'true' }, 'A')).toBe(true);
    expect(bool({ A: false }, 'A')).toBe(false);
    expect(strings({ A: ['x', 1] }, 'A')).toEqual(['x', '1']);
  });
});

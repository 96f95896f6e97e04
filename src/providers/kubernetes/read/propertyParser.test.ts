import { describe, expect, it } from 'vitest';
import { PropertyParseError, extractPropertiesFromLog } from './propertyParser.js';

describe('extractPropertiesFromLog (PropertyParser)', () => {
  it('reads SPINNAKER_PROPERTY_ lines: key without the prefix, lower-cased; value trimmed', () => {
    const log = ['starting', 'SPINNAKER_PROPERTY_FOO=bar', '  SPINNAKER_PROPERTY_Build_Number = 42  ', 'echo SPINNAKER_PROPERTY_X=y', 'done'].join('\n');
    expect(extractPropertiesFromLog(log)).toEqual({ foo: 'bar', build_number: '42', 'echo x': 'y' });
  });

  it.each([
    ['three parts', 'SPINNAKER_PROPERTY_A=b=c'],
    ['an empty value', 'SPINNAKER_PROPERTY_A='],
    ['a blank value', 'SPINNAKER_PROPERTY_A=   '],
    ['no equals sign', 'SPINNAKER_PROPERTY_A'],
  ])('skips a property line with %s', (_what, line) => {
    expect(extractPropertiesFromLog(`${line}\nSPINNAKER_PROPERTY_OK=1`)).toEqual({ ok: '1' });
  });

  it('drops blank parts before counting them (a==b has two parts)', () => {
    expect(extractPropertiesFromLog('SPINNAKER_PROPERTY_A==b')).toEqual({ a: 'b' });
  });

  it('merges SPINNAKER_CONFIG_JSON objects in line order, later keys winning, values keeping their JSON types', () => {
    const log = ['SPINNAKER_PROPERTY_FOO=bar', '  SPINNAKER_CONFIG_JSON={"foo": {"n": 1}, "list": [1, "two"], "ok": true}', 'SPINNAKER_CONFIG_JSON={"ok": false}\r'].join('\n');
    expect(extractPropertiesFromLog(log)).toEqual({ foo: { n: 1 }, list: [1, 'two'], ok: false });
  });

  it('ignores text after the JSON object, as Jackson does', () => {
    expect(extractPropertiesFromLog('SPINNAKER_CONFIG_JSON={"a": "}{"} trailing words')).toEqual({ a: '}{' });
  });

  it('keeps "__proto__" as a plain key', () => {
    const parsed = extractPropertiesFromLog('SPINNAKER_CONFIG_JSON={"__proto__": {"polluted": true}}\nSPINNAKER_PROPERTY___PROTO__=x');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('only counts SPINNAKER_CONFIG_JSON= at the start of a line', () => {
    expect(extractPropertiesFromLog('echo SPINNAKER_CONFIG_JSON={"a":1}')).toEqual({});
  });

  it.each([
    ['invalid JSON', 'SPINNAKER_CONFIG_JSON={"a": }'],
    ['an unterminated object', 'SPINNAKER_CONFIG_JSON={"a": 1'],
    ['a JSON array', 'SPINNAKER_CONFIG_JSON=[1,2]'],
    ['JSON null', 'SPINNAKER_CONFIG_JSON=null'],
    ['nothing', 'SPINNAKER_CONFIG_JSON='],
  ])('throws on %s (callers answer {})', (_what, line) => {
    expect(() => extractPropertiesFromLog(`SPINNAKER_PROPERTY_FOO=bar\n${line}`)).toThrow(PropertyParseError);
  });

  it('answers {} for a log without properties', () => {
    expect(extractPropertiesFromLog('')).toEqual({});
    expect(extractPropertiesFromLog('hello\nworld\n')).toEqual({});
  });
});

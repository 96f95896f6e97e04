import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor } from './cbor.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

// Examples from RFC 8949 appendix A.
describe('CBOR', () => {
  it('decodes the RFC 8949 examples', () => {
    expect(decodeCbor(hex('00'))).toBe(0);
    expect(decodeCbor(hex('1903e8'))).toBe(1000);
    expect(decodeCbor(hex('3903e7'))).toBe(-1000);
    expect(decodeCbor(hex('f93e00'))).toBe(1.5);
    expect(decodeCbor(hex('fb3ff199999999999a'))).toBe(1.1);
    expect(decodeCbor(hex('6449455446'))).toBe('IETF');
    expect(decodeCbor(hex('83010203'))).toEqual([1, 2, 3]);
    expect(decodeCbor(hex('a26161016162820203'))).toEqual({ a: 1, b: [2, 3] });
    expect(decodeCbor(hex('9f018202039f0405ffff'))).toEqual([1, [2, 3], [4, 5]]);
    expect(decodeCbor(hex('bf61610161629f0203ffff'))).toEqual({ a: 1, b: [2, 3] });
    expect(decodeCbor(hex('c11a514b67b0'))).toEqual(new Date(1363896240 * 1000));
    expect([decodeCbor(hex('f4')), decodeCbor(hex('f5')), decodeCbor(hex('f6'))]).toEqual([false, true, null]);
  });

  it('encodes as the RFC examples and round-trips responses with timestamps as tag 1', () => {
    expect(encodeCbor(1000).toString('hex')).toBe('1903e8');
    expect(encodeCbor(-1000).toString('hex')).toBe('3903e7');
    expect(encodeCbor(1.1).toString('hex')).toBe('fb3ff199999999999a');
    expect(encodeCbor({ a: 1, b: [2, 3] }).toString('hex')).toBe('a26161016162820203');
    const value = { MetricAlarms: [{ AlarmName: 'x', Threshold: 80.5, StateUpdatedTimestamp: new Date(1_700_000_000_500), ActionsEnabled: true }], NextToken: undefined };
    expect(decodeCbor(encodeCbor(value))).toEqual({ MetricAlarms: [{ AlarmName: 'x', Threshold: 80.5, StateUpdatedTimestamp: new Date(1_700_000_000_500), ActionsEnabled: true }] });
  });
});

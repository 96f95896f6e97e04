import { describe, expect, it } from 'vitest';
import { containerMetrics, parseQuantity } from './podMetrics.js';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['123456789n', 0.123456789],
    ['5u', 5e-6],
    ['2k', 2000],
    ['129M', 129e6],
    ['12Ki', 12 * 1024],
    ['100Mi', 100 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('%s is %d', (q, value) => expect(parseQuantity(q)).toBeCloseTo(value, 12));

  it.each(['', 'abc', '1Xi', '1.2.3', 'Mi'])('refuses %j', (q) => expect(parseQuantity(q)).toBeUndefined());
});

describe('containerMetrics', () => {
  it('formats usage as kubectl top --containers does (millicores up, whole mebibytes down)', () => {
    const pod = {
      kind: 'PodMetrics',
      containers: [
        { name: 'web', usage: { cpu: '2500001n', memory: '15360Ki' } },
        { name: 'sidecar', usage: { cpu: '0', memory: '1048575' } },
      ],
    };
    expect(containerMetrics(pod)).toEqual([
      { containerName: 'web', metrics: { 'CPU(cores)': '3m', 'MEMORY(bytes)': '15Mi' } },
      { containerName: 'sidecar', metrics: { 'CPU(cores)': '0m', 'MEMORY(bytes)': '0Mi' } },
    ]);
  });

  it('skips unnamed containers and malformed usage; anything else gives []', () => {
    expect(containerMetrics({ containers: [{ usage: { cpu: '1' } }, { name: 'x', usage: { cpu: 'bad', memory: 7 } }] })).toEqual([{ containerName: 'x', metrics: {} }]);
    expect(containerMetrics(undefined)).toEqual([]);
    expect(containerMetrics({ kind: 'Status', code: 404 })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Json } from './patch.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';

const pod = (): Json => ({
  metadata: { name: 'p', finalizers: ['a', 'b', 'c'] },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'sidecar', image: 'envoy:1' },
    ],
    tolerations: [{ key: 'x' }],
  },
});

describe('JSON merge patch', () => {
  it('merges nested maps, deletes on null, replaces lists, leaves the input alone', () => {
    const target = pod();
    const out = applyMergePatch(target, { metadata: { name: null, labels: { a: 'b' } }, spec: { tolerations: [] } });
    expect(out).toEqual({ metadata: { finalizers: ['a', 'b', 'c'], labels: { a: 'b' } }, spec: { containers: (pod() as { spec: { containers: Json } }).spec.containers, tolerations: [] } });
    expect(target).toEqual(pod());
  });
});

describe('JSON patch', () => {
  it('applies add, remove, replace, move, copy and test with escaped pointers', () => {
    const out = applyJsonPatch({ a: { 'x/y': 1, 't~': 2 }, list: [1, 2] }, [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'remove', path: '/a/t~0' },
      { op: 'replace', path: '/a/x~1y', value: 5 },
      { op: 'copy', from: '/a/x~1y', path: '/b' },
      { op: 'move', from: '/b', path: '/c' },
      { op: 'test', path: '/c', value: 5 },
    ]);
    expect(out).toEqual({ a: { 'x/y': 5 }, list: [0, 1, 2, 3], c: 5 });
  });

  it('fails a failed test or a missing path with a PatchError', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(PatchError);
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }])).toThrow(PatchError);
    expect(() => applyJsonPatch({ a: 1 }, { op: 'add' })).toThrow(/array/);
  });
});

describe('strategic merge patch', () => {
  const containers = (v: Json): Record<string, Json>[] => (v as { spec: { containers: Record<string, Json>[] } }).spec.containers;

  it('merges containers by name, env by name and container ports by containerPort', () => {
    const out = applyStrategicMergePatch(pod(), {
      spec: { containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }, { name: 'new', image: 'x' }] },
    });
    const [web, sidecar, added] = containers(out);
    expect(web).toMatchObject({ name: 'web', image: 'nginx:2', ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }] });
    expect(web?.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'envoy:1' });
    expect(added).toEqual({ name: 'new', image: 'x' });
    expect(pod()).toEqual(pod());
  });

  it('merges service ports by port and replaces lists without a merge key', () => {
    const svc: Json = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }], tolerations: [{ key: 'x' }] } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }], tolerations: [{ key: 'y' }] } }) as { spec: { ports: Json[]; tolerations: Json[] } };
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
    expect(out.spec.tolerations).toEqual([{ key: 'y' }]);
  });

  it('honours $patch delete and replace, $setElementOrder, $retainKeys and $deleteFromPrimitiveList', () => {
    expect(containers(applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } })).map((c) => c.name)).toEqual(['web']);
    expect(containers(applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'only', image: 'z' }, { $patch: 'replace' }] } }))).toEqual([{ name: 'only', image: 'z' }]);
    const reordered = applyStrategicMergePatch(pod(), { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:3' }] } });
    expect(containers(reordered).map((c) => c.name)).toEqual(['sidecar', 'web']);
    expect(JSON.stringify(reordered)).not.toContain('$setElementOrder');
    const strategy = applyStrategicMergePatch({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }, { strategy: { $retainKeys: ['type'], type: 'Recreate' } });
    expect(strategy).toEqual({ strategy: { type: 'Recreate' } });
    const meta = applyStrategicMergePatch(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }) as { metadata: { finalizers: string[] } };
    expect(meta.metadata.finalizers).toEqual(['a', 'c']);
    expect(applyStrategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { $patch: 'replace', c: '3' } } })).toEqual({ metadata: { labels: { c: '3' } } });
  });
});

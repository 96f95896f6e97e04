import { describe, expect, it } from 'vitest';
import type { Json } from './patch.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch, mergeKeyFor } from './patch.js';

type Obj = Record<string, Json>;

const pod = (): Obj => ({
  metadata: { name: 'p', finalizers: ['a', 'b', 'c'], labels: { app: 'web' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1',
        ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }],
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        args: ['--a', '--b'],
      },
      { name: 'sidecar', image: 'envoy:1' },
    ],
    tolerations: [{ key: 'x' }],
  },
});

const containers = (v: Json): Obj[] => (v as { spec: { containers: Obj[] } }).spec.containers;
const metadata = (v: Json): Obj => (v as { metadata: Obj }).metadata;

function thrown(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

describe('JSON merge patch', () => {
  it('merges nested maps and deletes keys set to null', () => {
    const out = applyMergePatch(pod(), { metadata: { name: null, labels: { app: null, tier: 'fe' }, annotations: { a: 'b', gone: null } } });
    expect(metadata(out)).toEqual({ finalizers: ['a', 'b', 'c'], labels: { tier: 'fe' }, annotations: { a: 'b' } });
    expect(containers(out)).toEqual(containers(pod()));
  });

  it('replaces lists and scalars, and a non-object patch replaces the whole target', () => {
    const out = applyMergePatch(pod(), { spec: { tolerations: [], containers: [{ name: 'only' }] }, kind: 'Pod' }) as Obj;
    expect(out.spec).toEqual({ tolerations: [], containers: [{ name: 'only' }] });
    expect(out.kind).toBe('Pod');
    expect(applyMergePatch({ a: 1 }, [1, 2])).toEqual([1, 2]);
    expect(applyMergePatch('x', { a: { b: null, c: 1 } })).toEqual({ a: { c: 1 } });
  });

  it('does not mutate or alias its inputs', () => {
    const target = pod();
    const patch: Json = { metadata: { labels: { new: 'x' } }, spec: { tolerations: [{ key: 'y' }] } };
    const out = applyMergePatch(target, patch) as { metadata: { finalizers: string[] }; spec: { tolerations: Obj[] } };
    expect(target).toEqual(pod());
    expect(patch).toEqual({ metadata: { labels: { new: 'x' } }, spec: { tolerations: [{ key: 'y' }] } });
    out.metadata.finalizers.push('z');
    out.spec.tolerations[0]!.key = 'changed';
    expect(target).toEqual(pod());
    expect(patch).toEqual({ metadata: { labels: { new: 'x' } }, spec: { tolerations: [{ key: 'y' }] } });
  });
});

describe('JSON patch', () => {
  it('adds to maps, inserts into arrays and appends with -', () => {
    expect(applyJsonPatch({ list: [1, 2] }, [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'add', path: '/list/4', value: 4 },
      { op: 'add', path: '/m', value: { k: null } },
      { op: 'add', path: '/m/k', value: 'v' },
    ])).toEqual({ list: [0, 1, 2, 3, 4], m: { k: 'v' } });
  });

  it('removes and replaces members and array elements', () => {
    expect(applyJsonPatch({ a: 1, b: 2, list: ['x', 'y', 'z'] }, [
      { op: 'remove', path: '/a' },
      { op: 'remove', path: '/list/1' },
      { op: 'replace', path: '/b', value: { deep: true } },
      { op: 'replace', path: '/list/0', value: 'X' },
    ])).toEqual({ b: { deep: true }, list: ['X', 'z'] });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
  });

  it('moves and copies values', () => {
    expect(applyJsonPatch({ a: { x: 1 }, list: [1, 2, 3] }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'move', from: '/a/x', path: '/c' },
      { op: 'move', from: '/list/0', path: '/list/-' },
      { op: 'copy', from: '/list/0', path: '/list/0' },
    ])).toEqual({ a: {}, b: { x: 1 }, c: 1, list: [2, 2, 3, 1] });
  });

  it('copies are independent of their source', () => {
    const out = applyJsonPatch({ a: { x: 1 } }, [{ op: 'copy', from: '/a', path: '/b' }, { op: 'replace', path: '/b/x', value: 2 }]);
    expect(out).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });

  it('tests values with deep, key-order-insensitive equality', () => {
    const doc: Json = { a: { x: 1, y: [1, { z: null }] } };
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }])).toEqual(doc);
    expect(thrown(() => applyJsonPatch(doc, [{ op: 'test', path: '/a/x', value: '1' }])).status).toBe(422);
    expect(thrown(() => applyJsonPatch(doc, [{ op: 'test', path: '/a/y', value: [1] }])).status).toBe(422);
  });

  it('unescapes ~1 and ~0 in pointers', () => {
    const out = applyJsonPatch({ metadata: { labels: { 'app.kubernetes.io/name': 'a', 't~x': 'b' } } }, [
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'z' },
      { op: 'remove', path: '/metadata/labels/t~0x' },
      { op: 'add', path: '/metadata/labels/~01', value: 'tilde-one' },
    ]);
    expect(out).toEqual({ metadata: { labels: { 'app.kubernetes.io/name': 'z', '~1': 'tilde-one' } } });
  });

  it('fails unappliable operations with 422 and leaves the input unchanged', () => {
    const target: Json = { a: 1, list: [1] };
    for (const ops of [
      [{ op: 'test', path: '/a', value: 2 }],
      [{ op: 'remove', path: '/b' }],
      [{ op: 'replace', path: '/b', value: 1 }],
      [{ op: 'add', path: '/missing/child', value: 1 }],
      [{ op: 'add', path: '/list/5', value: 1 }],
      [{ op: 'add', path: '/list/01', value: 1 }],
      [{ op: 'remove', path: '/list/-' }],
      [{ op: 'move', from: '/nope', path: '/a' }],
      [{ op: 'add', path: '/a/x', value: 1 }],
      [{ op: 'add', path: '/c', value: 1 }, { op: 'test', path: '/c', value: 2 }],
    ]) {
      const err = thrown(() => applyJsonPatch(target, ops));
      expect(err.status, JSON.stringify(ops)).toBe(422);
    }
    expect(target).toEqual({ a: 1, list: [1] });
  });

  it('rejects malformed operations with 400', () => {
    for (const ops of [{ op: 'add' }, [null], [{ path: '/a' }], [{ op: 'frobnicate', path: '/a' }], [{ op: 'add', path: 'a', value: 1 }], [{ op: 'add', path: '/a' }]]) {
      const err = thrown(() => applyJsonPatch({ a: 1 }, ops));
      expect(err.status, JSON.stringify(ops)).toBe(400);
      expect(err.name).toBe('PatchError');
    }
  });

  it('treats __proto__ as an ordinary key', () => {
    const out = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Obj;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Obj).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('mergeKeyFor', () => {
  it('knows the merge keys of built-in lists', () => {
    expect(mergeKeyFor(['spec', 'template', 'spec', 'containers'])).toBe('name');
    expect(mergeKeyFor(['spec', 'initContainers', 'env'])).toBe('name');
    expect(mergeKeyFor(['spec', 'containers', 'volumeMounts'])).toBe('mountPath');
    expect(mergeKeyFor(['spec', 'template', 'spec', 'containers', 'ports'])).toBe('containerPort');
    expect(mergeKeyFor(['spec', 'ports'])).toBe('port');
    expect(mergeKeyFor(['status', 'conditions'])).toBe('type');
    expect(mergeKeyFor(['metadata', 'ownerReferences'])).toBe('uid');
    expect(mergeKeyFor(['spec', 'hostAliases'])).toBe('ip');
    expect(mergeKeyFor(['spec', 'tolerations'])).toBeUndefined();
    expect(mergeKeyFor(['spec', 'containers', 'args'])).toBeUndefined();
    expect(mergeKeyFor(['metadata', 'finalizers'])).toBeUndefined();
    expect(mergeKeyFor(['constructor'])).toBeUndefined();
    expect(mergeKeyFor([])).toBeUndefined();
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name: an image change keeps other containers and fields', () => {
    const out = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } });
    const expected = pod();
    containers(expected)[0]!.image = 'nginx:2';
    expect(out).toEqual(expected);
  });

  it('orders merged lists as strategicpatch does: patched elements in patch order, interleaved with untouched ones by live position', () => {
    const out = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'new', image: 'x' }, { name: 'sidecar', image: 'envoy:2' }] } });
    expect(containers(out).map((c) => [c.name, c.image])).toEqual([['new', 'x'], ['web', 'nginx:1'], ['sidecar', 'envoy:2']]);
    const added = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'extra', image: 'y' }] } });
    expect(containers(added).map((c) => c.name)).toEqual(['extra', 'web', 'sidecar']);
  });

  it('merges env by name and container ports by containerPort, replaces args and tolerations', () => {
    const out = applyStrategicMergePatch(pod(), {
      spec: {
        containers: [{ name: 'web', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 8080 }], args: ['--c'] }],
        tolerations: [{ key: 'y' }],
      },
    }) as { spec: { tolerations: Json } };
    const web = containers(out)[0]!;
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(web.ports).toEqual([{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 8080 }, { containerPort: 443, name: 'https' }]);
    expect(web.args).toEqual(['--c']);
    expect(out.spec.tolerations).toEqual([{ key: 'y' }]);
  });

  it('merges Service ports by port', () => {
    const svc: Json = { spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443, name: 'https' }] } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 9000, name: 'metrics' }] } }) as { spec: { ports: Json[] } };
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090, name: 'http' }, { port: 9000, name: 'metrics' }, { port: 443, name: 'https' }]);
  });

  it('uses the path argument as the position of the target', () => {
    const container: Json = { name: 'web', ports: [{ containerPort: 80, name: 'http' }] };
    const out = applyStrategicMergePatch(container, { ports: [{ containerPort: 80, protocol: 'UDP' }] }, ['spec', 'containers']);
    expect(out).toEqual({ name: 'web', ports: [{ containerPort: 80, name: 'http', protocol: 'UDP' }] });
  });

  it('deletes keys set to null, including inside merged elements and new ones', () => {
    const out = applyStrategicMergePatch(pod(), { metadata: { labels: null }, spec: { containers: [{ name: 'web', args: null }, { name: 'new', image: null, tty: true }] } });
    expect(metadata(out).labels).toBeUndefined();
    expect(containers(out)[0]).not.toHaveProperty('args');
    expect(containers(out)[1]).toEqual({ name: 'new', tty: true });
  });

  it('$patch: delete removes a list element by merge key, or a whole map', () => {
    const out = applyStrategicMergePatch(pod(), {
      metadata: { labels: { $patch: 'delete' } },
      spec: { containers: [{ name: 'sidecar', $patch: 'delete' }, { name: 'web', env: [{ name: 'A', $patch: 'delete' }, { name: 'missing', $patch: 'delete' }] }] },
    });
    expect(containers(out).map((c) => c.name)).toEqual(['web']);
    expect(containers(out)[0]!.env).toEqual([{ name: 'B', value: '2' }]);
    expect(metadata(out)).not.toHaveProperty('labels');
  });

  it('$patch: replace replaces a list or a map', () => {
    expect(containers(applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'only', image: 'z' }, { $patch: 'replace' }] } }))).toEqual([{ name: 'only', image: 'z' }]);
    const labels = applyStrategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { $patch: 'replace', c: '3' } } });
    expect(labels).toEqual({ metadata: { labels: { c: '3' } } });
  });

  it('$setElementOrder/containers reorders the merged list and is dropped', () => {
    const three = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'third', image: 't' }] } });
    const out = applyStrategicMergePatch(three, { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:3' }] } });
    expect(containers(out).map((c) => c.name)).toEqual(['sidecar', 'web', 'third']);
    expect(containers(out)[1]!.image).toBe('nginx:3');
    expect(JSON.stringify(out)).not.toContain('$setElementOrder');
    const finalizers = applyStrategicMergePatch(pod(), { metadata: { '$setElementOrder/finalizers': ['c', 'a'] } });
    expect(metadata(finalizers).finalizers).toEqual(['c', 'a', 'b']);
  });

  it('$retainKeys drops keys that are not listed', () => {
    const out = applyStrategicMergePatch(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, replicas: 2 } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    );
    expect(out).toEqual({ spec: { strategy: { type: 'Recreate' }, replicas: 2 } });
  });

  it('$deleteFromPrimitiveList/finalizers removes values; primitive lists otherwise replace', () => {
    const out = applyStrategicMergePatch(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'nope'] } });
    expect(metadata(out).finalizers).toEqual(['a', 'c']);
    expect(JSON.stringify(out)).not.toContain('$deleteFromPrimitiveList');
    expect(metadata(applyStrategicMergePatch(pod(), { metadata: { finalizers: ['z'] } })).finalizers).toEqual(['z']);
  });

  it('merges conditions by type and ownerReferences by uid', () => {
    const out = applyStrategicMergePatch(
      { metadata: { ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet' }] }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Synced', status: 'True' }] } },
      { metadata: { ownerReferences: [{ uid: 'u2', kind: 'Job' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    );
    expect(out).toEqual({
      metadata: { ownerReferences: [{ uid: 'u2', kind: 'Job' }, { uid: 'u1', kind: 'ReplicaSet' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'True' }] },
    });
  });

  it('does not mutate or alias its inputs', () => {
    const target = pod();
    const patch: Json = {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'n', env: [{ name: 'A', $patch: 'delete' }] }, { name: 'sidecar', $patch: 'delete' }] },
    };
    const patchBefore = structuredClone(patch);
    const out = applyStrategicMergePatch(target, patch);
    expect(target).toEqual(pod());
    expect(patch).toEqual(patchBefore);
    containers(out)[0]!.image = 'mutated';
    (metadata(out).labels as Obj).app = 'mutated';
    expect(target).toEqual(pod());
  });
});

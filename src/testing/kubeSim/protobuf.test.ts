import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, hasProtobufMagic } from './protobuf.js';
import { kindMessage, messageDef, packageOf } from './builtinMessages.js';

// A minimal protobuf writer for building fixtures (field numbers from k8s.io/api generated.proto).
function varint(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const key = (n: number, wire: number): Buffer => varint(BigInt((n << 3) | wire));
const str = (n: number, s: string | Buffer): Buffer => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([key(n, 2), varint(BigInt(b.length)), b]);
};
const msg = (n: number, ...parts: Buffer[]): Buffer => str(n, Buffer.concat(parts));
const int = (n: number, v: number): Buffer => Buffer.concat([key(n, 0), varint(BigInt(v))]);
const entry = (n: number, k: string, v: string | Buffer): Buffer => msg(n, str(1, k), str(2, v));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, str(1, apiVersion), str(2, kind)), str(2, raw)]);
}

// gogo-protobuf writes every non-pointer field, zero or not, as kubectl's requests show.
const emptyMeta = (name: string): Buffer => msg(1, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8));

describe('protobuf request bodies', () => {
  it('decodes a Deployment: pointers keep zero values, empty non-pointer fields are dropped, IntOrString and negative int32 survive', () => {
    const container = Buffer.concat([str(1, 'web'), str(2, 'nginx:1.25'), str(3, 'sh'), str(3, '-c'), msg(6, str(1, ''), int(2, 0), int(3, 8080), str(4, 'TCP')), msg(8)]);
    const template = Buffer.concat([msg(1, str(1, ''), entry(11, 'app', 'web')), msg(2, msg(2, container), str(3, 'Always'), int(4, -1))]);
    const spec = Buffer.concat([
      int(1, 0), // replicas: 0 (a pointer, kept)
      msg(2, entry(1, 'app', 'web')),
      msg(3, template),
      msg(4, str(1, 'RollingUpdate'), msg(2, msg(1, int(1, 1), str(3, '25%')), msg(2, int(1, 0), int(2, 2)))),
      int(5, 0), // minReadySeconds: 0 (not a pointer, dropped)
      int(7, 0), // paused: false
    ]);
    const raw = Buffer.concat([emptyMeta('web'), msg(2, spec), msg(3)]);
    const decoded = decodeProtobufObject(envelope('apps/v1', 'Deployment', raw));
    expect(decoded?.object).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.25', command: ['sh', '-c'], ports: [{ containerPort: 8080, protocol: 'TCP' }] }], restartPolicy: 'Always', terminationGracePeriodSeconds: -1 },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 2 } },
      },
    });
  });

  it('decodes maps of bytes as base64, inlined structs into their parent, and pointer messages that are empty', () => {
    const secret = Buffer.concat([emptyMeta('creds'), entry(2, 'pass', Buffer.from([0xff, 0x00, 0x41])), str(3, 'Opaque')]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', secret))?.object).toEqual({ kind: 'Secret', apiVersion: 'v1', metadata: { name: 'creds' }, data: { pass: '/wBB' }, type: 'Opaque' });

    const volume = Buffer.concat([str(1, 'scratch'), msg(2, msg(2))]); // emptyDir: {}
    const envFrom = msg(19, msg(2, msg(1, str(1, 'settings')))); // configMapRef.localObjectReference inlined
    const pod = Buffer.concat([emptyMeta('p'), msg(2, msg(1, volume), msg(2, str(1, 'c'), envFrom))]);
    expect(decodeProtobufObject(envelope('v1', 'Pod', pod))?.object.spec).toEqual({ volumes: [{ name: 'scratch', emptyDir: {} }], containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'settings' } }] }] });
  });

  it('decodes Time, DeleteOptions, and the HorizontalPodAutoscaler of each autoscaling version', () => {
    const meta = msg(1, str(1, 'x'), msg(8, int(1, 1_700_000_000)), entry(12, 'a', 'b'));
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', meta))?.object.metadata).toEqual({ name: 'x', creationTimestamp: '2023-11-14T22:13:20Z', annotations: { a: 'b' } });
    expect(decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', str(4, 'Foreground')))?.object).toMatchObject({ propagationPolicy: 'Foreground' });
    const v1 = Buffer.concat([emptyMeta('h'), msg(2, msg(1, str(1, 'Deployment'), str(2, 'web'), str(3, 'apps/v1')), int(3, 5), int(4, 70))]);
    expect(decodeProtobufObject(envelope('autoscaling/v1', 'HorizontalPodAutoscaler', v1))?.object.spec).toEqual({ scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, maxReplicas: 5, targetCPUUtilizationPercentage: 70 });
    expect(kindMessage('autoscaling/v2', 'HorizontalPodAutoscaler')?.pkg).toBe('autoscaling/v2');
    expect(messageDef('HorizontalPodAutoscalerSpec', 'autoscaling/v2')?.byNumber.get(4)?.name).toBe('metrics');
    expect(messageDef('HorizontalPodAutoscalerSpec', 'autoscaling/v1')?.byNumber.get(4)?.name).toBe('targetCPUUtilizationPercentage');
    expect(packageOf('rbac.authorization.k8s.io/v1')).toBe('rbac/v1');
    expect(packageOf('v1')).toBe('core/v1');
  });

  it('skips unknown fields, returns undefined for kinds without a protobuf shape, and rejects malformed bodies', () => {
    const withUnknown = Buffer.concat([emptyMeta('n'), str(99, 'future field'), int(98, 7)]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', withUnknown))?.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'n' } });
    expect(decodeProtobufObject(envelope('example.com/v1', 'Widget', emptyMeta('w')))).toBeUndefined();
    expect(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}'))).toThrow(/magic/);
    expect(() => decodeProtobufObject(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x10, 0x01])))).toThrow(/truncated/);
    expect(hasProtobufMagic(envelope('v1', 'ConfigMap', Buffer.alloc(0)))).toBe(true);
  });
});

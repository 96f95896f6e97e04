/**
 * A seeded fuzz run against the whole service (in-process, memory stores, the Kubernetes API
 * simulator): more than 10,000 malformed or hostile requests at every write endpoint and a sample
 * of reads. Every answer must be a non-5xx (503 only for a dependency that is down, and none is
 * here) with a JSON error body on 4xx; no request answered 4xx may create a task; no answer may
 * carry a Secret's value (plain or base64); nothing may pollute `Object.prototype`; the service
 * must still answer `/health` at the end, with its heap about where it started.
 *
 * Reproduce a run with `FUZZ_SEED=<seed printed by the run> npx vitest run test/fuzz.hostileInput.test.ts`.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { prng } from '../src/testing/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const TARGET_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 4;

const rand = prng(SEED);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
const chance = (p: number): boolean => rand() < p;

/** JSON text inserted verbatim (raw `__proto__` keys, `1e400`, lone surrogates, deep nesting). */
class Raw {
  constructor(readonly text: string) {}
}
type Json = null | boolean | number | string | Raw | Json[] | { [k: string]: Json };
const REMOVE = Symbol('remove');

function toJson(v: Json): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

const nested = (depth: number, open: string, close: string, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);
const randomUnicode = (n: number): string => Array.from({ length: n }, () => String.fromCodePoint(pick([int(0x20), 0x7f + int(0x80), 0x2028, 0x202e, 0xfeff, 0x1f600 + int(80), 0x4e00 + int(1000), 0xe000 + int(100)]))).join('');
const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');

/** A value of the wrong type, shape or size for whatever field it replaces. */
function hostileValue(): Json {
  switch (int(31)) {
    case 0: return null;
    case 1: return pick([true, false]);
    case 2: return pick([0, -1, 1.5, -0.0001]);
    case 3: return new Raw(pick(['1e400', '-1e400', '9007199254740993', '-9007199254740993', '1e-400', '123456789012345678901234567890']));
    case 4: return '';
    case 5: return pick([' ', '\t', '\n']);
    case 6: return pick(['\u0000', 'a\u0000b', 'deployment web\u0000', CONTROL]);
    case 7: return new Raw(pick(['"\\ud800"', '"\\udfff x"', '"a\\u0000"']));
    case 8: return randomUnicode(1 + int(40));
    case 9: return 'x'.repeat(pick([300, 5_000, 70_000]));
    case 10: return pick(['..', '.', '../..', '../../etc/passwd', 'a/b', 'a\\b', '%2F', '%2E%2E', '%00', '%5C']);
    case 11: return pick(['secret db', 'deployment ', ' web', 'Deployment web', 'deployment web extra', 'pod', 'namespace kube-system']);
    case 12: return [];
    case 13: return [null];
    case 14: return [1, 'a', {}, [], null, true];
    case 15: return {};
    case 16: return new Raw('{"__proto__":{"polluted":"yes"}}');
    case 17: return new Raw('{"constructor":{"prototype":{"polluted":"yes"}}}');
    case 18: return new Raw(nested(200 + int(800), '[', ']'));
    case 19: return new Raw(nested(200 + int(800), '{"a":', '}'));
    case 20: return { toString: 'x', valueOf: 1, hasOwnProperty: null };
    case 21: return pick(['true', 'false', 'null', '0', '-1', 'NaN', 'Infinity', '1e400']);
    case 22: return pick(['${jndi:ldap://x}', '{{7*7}}', '<script>alert(1)</script>', "' OR 1=1 --", '$(id)', '`id`']);
    case 23: return Array.from({ length: 1 + int(2000) }, () => int(10));
    case 24: return pick(['k8s', 'kubernetes', 'default', 'kube-system', 'fuzz']);
    case 25: return new Raw(pick(['-0', '0e0', '1E+2', '0.0000000000000000000001']));
    case 26: return { '': '', ' ': null };
    case 27: return pick(['*', '**', '?', '[a-z]', '.*', 'a*b']);
    case 28: return pick(['replicaSet fuzz-rs', 'configMap fuzz-cm', 'deployment fuzz-web']);
    case 29: {
      // `kind: List` manifests nested deep, the innermost item with a wrong apiVersion.
      const depth = pick([2, 20, 5_000]);
      return new Raw(nested(depth, '{"apiVersion":"v1","kind":"List","items":[', ']}', '{"apiVersion":7,"kind":"ConfigMap","metadata":{"name":"x"}}'));
    }
    default: return 'x'.repeat(int(64));
  }
}

// ---- Orca-shaped valid descriptions, one per operation (namespace `fuzz`, never a Secret) ----

const configMap = (name: string): Json => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'fuzz' }, data: { a: '1' } });
const job: Json = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'fuzz-job', namespace: 'fuzz' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }] } } },
};
const coords = { account: 'k8s', cloudProvider: 'kubernetes', location: 'fuzz' };
const VALID: Record<string, Record<string, Json>> = {
  deployManifest: { ...coords, moniker: { app: 'fuzzapp', cluster: 'configMap fuzz-cm' }, source: 'text', manifests: [configMap('fuzz-cm')], requiredArtifacts: [], optionalArtifacts: [], enableTraffic: false, skipExpressionEvaluation: true },
  scaleManifest: { ...coords, manifestName: 'deployment fuzz-web', replicas: 1 },
  resizeServerGroup: { account: 'k8s', cloudProvider: 'kubernetes', serverGroupName: 'deployment fuzz-web', region: 'fuzz', capacity: { min: 0, max: 2, desired: 1 } },
  deleteManifest: { ...coords, manifestName: 'configMap fuzz-gone', options: { cascading: true, gracePeriodSeconds: 0 } },
  patchManifest: { ...coords, manifestName: 'configMap fuzz-cm', source: 'text', patchBody: { data: { b: '2' } }, options: { mergeStrategy: 'merge', record: false }, requiredArtifacts: [], allArtifacts: [] },
  undoRolloutManifest: { ...coords, manifestName: 'deployment fuzz-web', revision: 1 },
  pauseRolloutManifest: { ...coords, manifestName: 'deployment fuzz-web' },
  resumeRolloutManifest: { ...coords, manifestName: 'deployment fuzz-web' },
  rollingRestartManifest: { ...coords, manifestName: 'deployment fuzz-web' },
  enableManifest: { ...coords, manifestName: 'replicaSet fuzz-rs', loadBalancers: ['service fuzz-svc'] },
  disableManifest: { ...coords, manifestName: 'replicaSet fuzz-rs', loadBalancers: ['service fuzz-svc'], targetPercentage: 100 },
  cleanupArtifacts: { account: 'k8s', cloudProvider: 'kubernetes', manifests: [configMap('fuzz-old')] },
  runJob: { account: 'k8s', cloudProvider: 'kubernetes', application: 'fuzzapp', namespace: 'fuzz', manifest: job, requiredArtifacts: [], optionalArtifacts: [] },
};

/** Every path into a value (objects and arrays), the root excluded. */
function pathsOf(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (v instanceof Raw || v === null || typeof v !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...pathsOf(x, [...prefix, k])]);
}

/** A copy of `v` with the value at `path` replaced (or removed). */
function mutate(v: Json, path: readonly (string | number)[], value: Json | typeof REMOVE): Json {
  const [head, ...rest] = path;
  if (head === undefined) return value === REMOVE ? null : value;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (rest.length === 0 && value === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = mutate(copy[head as number] ?? null, rest, value);
    return copy;
  }
  const obj = { ...(v as Record<string, Json>) };
  if (rest.length === 0 && value === REMOVE) delete obj[head as string];
  else obj[head as string] = mutate(obj[head as string] ?? null, rest, value);
  return obj;
}

// ---- the request stream ----

interface FuzzRequest {
  readonly kind: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly payload?: string;
  readonly contentType?: string;
  /** The clientRequestIds the request carries (ops requests): none may own a task after a 4xx. */
  readonly requestIds?: readonly string[];
}

let requestCounter = 0;
const nextRequestId = (): string => `fuzz-${SEED}-${++requestCounter}`;

/** An ops submission of `ops` through one of the four endpoint forms, with a unique clientRequestId. */
function opsRequest(kind: string, ops: readonly { name: string; description: Json }[]): FuzzRequest {
  const id = nextRequestId();
  const form = int(4);
  const qs = `?clientRequestId=${encodeURIComponent(id)}`;
  const first = ops[0];
  if (ops.length === 1 && first !== undefined && form >= 2) {
    const url = form === 2 ? `/kubernetes/ops/${encodeURIComponent(first.name)}${qs}` : `/ops/${encodeURIComponent(first.name)}${qs}`;
    return { kind, method: 'POST', url, payload: toJson(first.description), requestIds: [id] };
  }
  const list = toJson(ops.map((op) => ({ [op.name]: op.description })));
  return { kind, method: 'POST', url: `${form === 1 ? '/ops' : '/kubernetes/ops'}${qs}`, payload: list, requestIds: [id] };
}

const OP_NAMES = Object.keys(VALID);

/** Bodies of the wrong JSON type, broken JSON, deep nesting, huge strings and poisoned keys. */
function hostileBody(): { payload: string; contentType?: string } {
  switch (int(16)) {
    case 0: return { payload: pick(['null', 'true', '0', '-1', '"ops"', '1e400', '[]', '{}', '[[]]', '[null]', '[1,2]', '[{}]', '[{"deployManifest":null}]', '[{"deployManifest":[]}]']) };
    case 1: return { payload: nested(10_000, '[', ']') };
    case 2: return { payload: nested(10_000, '{"a":', '}') };
    case 3: return { payload: `[{"deployManifest":${nested(10_000, '{"a":', '}')}}]` };
    case 4: return { payload: JSON.stringify('x'.repeat(pick([100_000, 1_000_000]))) };
    case 5: return { payload: pick(['{', '[', '{"a":1,}', "{'a':1}", '{"a":undefined}', '{"a":NaN}', '[1,]', '\u0000', '', ' ', '{"a":"\u0000"}', '{"a":"\\u0000"}', '\ufeff{}', '{"a":1}{"b":2}']) };
    case 6: return { payload: '{"__proto__":{"polluted":"yes"},"account":"k8s"}' };
    case 7: return { payload: '[{"__proto__":{"deployManifest":{"account":"k8s"}}}]' };
    case 8: return { payload: '[{"constructor":{"prototype":{"polluted":"yes"}}}]' };
    case 9: return { payload: `[{"deployManifest":{"account":"k8s","moniker":{"app":"a"},"manifests":[{"constructor":{"prototype":{"polluted":"yes"}}}]}}]` };
    case 10: return { payload: pick(['{}', '[]', 'a=b']), contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json\u0000', 'application/jsonx']) };
    case 11: return { payload: JSON.stringify({ [randomUnicode(10)]: randomUnicode(100), [CONTROL]: CONTROL }) };
    case 12: return { payload: `[${Array.from({ length: 2_000 }, () => '{}').join(',')}]` };
    case 13: return { payload: `[{${Array.from({ length: 3_000 }, (_, i) => `"op${i}":{}`).join(',')}}]` };
    case 14: return { payload: 'x'.repeat(11 * 1024 * 1024) };
    default: return { payload: toJson(hostileValue()) };
  }
}

const HOSTILE_SEGMENTS = [
  '..', '.', '%2E%2E', '%2e', '%2E', '%2F', 'a%2Fb', '%2F..%2F..', '..%2F..', '%00', 'a%00b', '%5C', '..%5C..', '%252F', '%252E%252E',
  '%', '%zz', '%FF', '%C0%AF', '%E2%80%AE', '%EF%BB%BF', ';', '%3B', '%3F', '%23', '%20', '%20..', 'secret%20..', 'secret%20%2E%2E',
  'deployment%20..%2F..', '*', '%2A', '~', '%7E', 'a'.repeat(300), 'b'.repeat(5_000), 'c'.repeat(70_000), '%0D%0AX-Injected:%201',
  'constructor', '__proto__', 'prototype', 'hasOwnProperty', 'toString', '%5F%5Fproto%5F%5F',
];
const REAL: Record<string, readonly string[]> = {
  account: ['k8s', 'limited', 'nope', 'K8S'],
  ns: ['vault', 'team-a', 'fuzz', 'default', 'kube-system', '_', 'Vault'],
  name: ['secret%20db', 'secret%20api', 'deployment%20fuzz-web', 'configMap%20fuzz-cm', 'job%20fuzz-job', 'pod%20fuzz-pod', 'secret', 'secret%20'],
  kind: ['secret', 'deployment', 'configMap', 'pod', 'Secret', 'customKind.example.com'],
  app: ['fuzzapp', 'web', 'nope'],
  cluster: ['configMap%20fuzz-cm', 'deployment%20fuzz-web', 'secret%20db'],
  criteria: ['newest', 'oldest', 'largest', 'smallest', 'second_newest', 'fail'],
  plain: ['main', 'fuzz-pod', 'fuzz-web', 'db'],
};
const segment = (role: string): string => (chance(0.45) ? pick(HOSTILE_SEGMENTS) : pick(REAL[role] ?? ['x']));

const QUERY_KEYS = ['clusters', 'applications', 'ids', 'region', 'q', 'type', 'pageSize', 'page', 'platform', 'includeEvents', 'expand', 'provider', 'cloudProvider', 'id', 'onlyEnabled', 'restricted', '__proto__', 'constructor', 'hasOwnProperty'];
const queryValue = (): string => pick(['', 'k8s', 'secret', 'fuzzapp', 'a,b,,c', '-1', '0', '1e400', 'NaN', '99999999999999999999', 'true', 'kubernetes', 'secret%20db', '%00', '%2F', '%FF', 'x'.repeat(int(3) === 0 ? 20_000 : 10), 'serverGroups', 'k8s:secret:vault:db', '*']);
/** A query string with some keys repeated (`a=1&a=2`), some empty, some hostile. */
function query(keys: readonly string[], required: Record<string, string> = {}): string {
  const parts = Object.entries(required).map(([k, v]) => `${k}=${v}`);
  const n = int(5);
  for (let i = 0; i < n; i++) {
    const key = chance(0.8) ? pick(keys) : pick(QUERY_KEYS);
    const times = chance(0.4) ? 2 + int(3) : 1;
    for (let j = 0; j < times; j++) parts.push(chance(0.05) ? `${key}[]=${queryValue()}` : `${key}=${queryValue()}`);
  }
  if (chance(0.05)) parts.push('&&&=&=');
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Reads: the Kubernetes read API, live manifests, jobs, console output, search, tasks, credentials. */
function readRequest(): FuzzRequest {
  const s = segment;
  const templates: (() => string)[] = [
    () => `/manifests/${s('account')}/${s('ns')}/${s('name')}${query(['includeEvents'])}`,
    () => `/manifests/${s('account')}/${s('name')}${query(['includeEvents'])}`,
    () => `/manifests/${s('account')}/${s('ns')}/${s('kind')}/cluster/${s('app')}/${s('cluster')}`,
    () => `/manifests/${s('account')}/${s('ns')}/${s('kind')}/cluster/${s('app')}/${s('cluster')}/dynamic/${s('criteria')}`,
    () => `/applications/${s('app')}${query(['expand'])}`,
    () => `/applications/${s('app')}/clusters`,
    () => `/applications/${s('app')}/clusters/${s('account')}/${s('cluster')}/kubernetes/serverGroups${query(['region'])}`,
    () => `/applications/${s('app')}/clusters/${s('account')}/${s('cluster')}/kubernetes/${s('ns')}/serverGroups/target/${pick(['current', 'previous', 'oldest', 'largest', 'fail', '..'])}${query(['onlyEnabled'])}`,
    () => `/applications/${s('app')}/serverGroups${query(['clusters', 'cloudProvider', 'expand'])}`,
    () => `/applications/${s('app')}/serverGroupManagers`,
    () => `/applications/${s('app')}/loadBalancers`,
    () => `/applications/${s('app')}/rawResources`,
    () => `/serverGroups${query(['applications', 'ids', 'cloudProvider'])}`,
    () => `/serverGroups/${s('account')}/${s('ns')}/${s('name')}`,
    () => `/applications/${s('app')}/serverGroups/${s('account')}/${s('ns')}/${s('name')}`,
    () => `/search${query(['q', 'type', 'pageSize', 'page', 'platform'], chance(0.7) ? { type: pick(['secrets', 'serverGroups', 'instances', 'securityGroups', 'loadBalancers', 'clusters', 'applications', 'configMaps']) } : {})}`,
    () => `/instances/${s('account')}/${s('ns')}/${s('name')}`,
    () => `/instances/${s('account')}/${s('ns')}/${s('name')}/console${query(['provider', 'cloudProvider'])}`,
    () => `/applications/${s('app')}/jobs/${s('account')}/${s('ns')}/${s('name')}`,
    () => `/applications/${s('app')}/jobs/${s('account')}/${s('ns')}/${s('name')}/${s('plain')}`,
    () => `/applications/${s('app')}/kubernetes/pods/${s('account')}/${s('ns')}/${s('plain')}/${s('plain')}`,
    () => `/securityGroups/${s('account')}/kubernetes/${s('ns')}/${s('plain')}`,
    () => `/kubernetes/loadBalancers/${s('account')}/${s('ns')}/${s('name')}`,
    () => `/cache/kubernetes/${s('kind')}${query(['id'])}`,
    () => `/task/${s('plain')}`,
    () => `/credentials/${s('account')}${query(['expand'])}`,
    () => `/credentials${query(['expand'])}`,
  ];
  return { kind: 'read', method: 'GET', url: pick(templates)() };
}

/** Writes with hostile paths: operation names, task ids, cache types, account names, providers. */
function hostilePathWrite(): FuzzRequest {
  const body = chance(0.5) ? toJson(VALID[pick(OP_NAMES)] ?? {}) : hostileBody().payload;
  switch (int(6)) {
    case 0: {
      const id = nextRequestId();
      return { kind: 'ops-path', method: 'POST', url: `/kubernetes/ops/${pick([...HOSTILE_SEGMENTS, ...OP_NAMES.map((n) => n.toUpperCase()), 'deployManifest%00', 'deployManifest%2F..'])}?clientRequestId=${id}`, payload: body, requestIds: [id] };
    }
    case 1: {
      const id = nextRequestId();
      return { kind: 'ops-path', method: 'POST', url: `/${pick([...HOSTILE_SEGMENTS, 'aws', 'Kubernetes', 'kubernetes%00'])}/ops?clientRequestId=${id}`, payload: `[{"deployManifest":${body}}]`, requestIds: [id] };
    }
    case 2: return { kind: 'resume', method: 'POST', url: `/task/${pick([...HOSTILE_SEGMENTS, '1', 'x'])}:resume`, payload: pick(['', '{}', body]) };
    case 3: return { kind: 'on-demand-path', method: 'POST', url: `/cache/kubernetes/${pick([...HOSTILE_SEGMENTS, 'manifest', 'secret', 'serverGroup'])}`, payload: toJson({ account: 'k8s', location: pick(['vault', 'fuzz']), name: pick(['secret db', 'configMap fuzz-cm']) }) };
    case 4: return { kind: 'credentials-delete', method: 'DELETE', url: `/credentials/${pick([...HOSTILE_SEGMENTS, 'nope', 'fuzz-missing'])}` };
    default: {
      // Repeated clientRequestId parameters: an array is no request id.
      const a = nextRequestId();
      const b = nextRequestId();
      return { kind: 'ops-query', method: 'POST', url: `/kubernetes/ops?clientRequestId=${a}&clientRequestId=${b}`, payload: toJson([{ deployManifest: VALID.deployManifest ?? {} }]), requestIds: [a, b] };
    }
  }
}

/** On-demand refresh bodies: every field of `{account, location, name}` wrong in turn. */
function onDemandRequest(): FuzzRequest {
  const base: Json = { account: 'k8s', location: 'fuzz', name: 'configMap fuzz-cm' };
  if (chance(0.2)) return { kind: 'on-demand', method: 'POST', url: `/cache/kubernetes/${pick(['manifest', 'secret', 'configMap'])}`, ...hostileBody() };
  const path = pick(pathsOf(base));
  return { kind: 'on-demand', method: 'POST', url: `/cache/kubernetes/${pick(['manifest', 'secret', 'configMap'])}`, payload: toJson(mutate(base, path, chance(0.1) ? REMOVE : hostileValue())) };
}

/** Account storage: definitions with every field wrong in turn, and hostile bodies. */
function credentialsRequest(kubeconfig: string): FuzzRequest {
  const method = pick(['POST', 'PUT'] as const);
  if (chance(0.3)) return { kind: 'credentials', method, url: '/credentials', ...hostileBody() };
  const base: Json = { type: 'kubernetes', name: `fuzz-acct-${int(1_000_000)}`, kubeconfigContents: kubeconfig, namespaces: ['fuzz'], omitNamespaces: [], kinds: [], cacheIntervalSeconds: 300, permissions: { READ: ['a'], WRITE: ['a'] } };
  const path = pick(pathsOf(base));
  return { kind: 'credentials', method, url: '/credentials', payload: toJson(mutate(base, path, chance(0.1) ? REMOVE : hostileValue())) };
}

/** An operation description with one field wrong (or removed), from the valid one of its operation. */
function mutatedOperation(): FuzzRequest {
  const name = pick(OP_NAMES);
  const valid = VALID[name] ?? {};
  const r = int(10);
  if (r === 0) return opsRequest('ops-shape', [{ name, description: hostileValue() }]);
  if (r === 1) {
    // Several operations in one request, one of them wrong: no task for any.
    const others = Array.from({ length: 1 + int(3) }, () => pick(OP_NAMES)).map((n) => ({ name: n, description: VALID[n] ?? {} }));
    const path = pick(pathsOf(valid));
    return opsRequest('ops-multi', [...others, { name, description: mutate(valid, path, hostileValue()) }]);
  }
  if (r === 2) {
    const id = nextRequestId();
    return { kind: 'ops-body', method: 'POST', url: `${pick(['/kubernetes/ops', '/ops', `/kubernetes/ops/${name}`, `/ops/${name}`])}?clientRequestId=${id}`, ...hostileBody(), requestIds: [id] };
  }
  const path = pick(pathsOf(valid));
  return opsRequest('ops-field', [{ name, description: mutate(valid, path, chance(0.15) ? REMOVE : hostileValue()) }]);
}

function* requests(kubeconfig: string): Generator<FuzzRequest> {
  // The valid descriptions first: the moderate number of requests that create tasks on purpose.
  for (const name of OP_NAMES) yield opsRequest('ops-valid', [{ name, description: VALID[name] ?? {} }]);
  for (let i = 0; i < TARGET_REQUESTS; i++) {
    const r = rand();
    if (r < 0.4) yield mutatedOperation();
    else if (r < 0.7) yield readRequest();
    else if (r < 0.8) yield hostilePathWrite();
    else if (r < 0.9) yield onDemandRequest();
    else yield credentialsRequest(kubeconfig);
  }
}

// ---- the run ----

/** A GC function whether or not node runs with --expose-gc. */
function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe(`hostile input fuzz (seed ${SEED})`, () => {
  let h: KubernetesAppHarness;
  const secrets: string[] = [];

  beforeAll(async () => {
    h = await startKubernetesApp({
      accounts: { limited: { namespaces: ['team-a', 'fuzz'] } },
      config: { storage: { cache: 'memory', tasks: 'memory', accounts: 'memory' }, account: { storage: { enabled: true, allow: { servers: ['*'] } } } },
    });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    const nsType = cluster.typeOfKind('v1', 'Namespace');
    const secretType = cluster.typeOfKind('v1', 'Secret');
    for (const name of ['vault', 'team-a', 'fuzz']) cluster.create(nsType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const namespace of ['vault', 'team-a', 'fuzz', 'default']) {
      for (const name of ['db', 'api']) {
        const value = `fuzz-secret-${randomBytes(12).toString('hex')}`;
        const b64 = Buffer.from(value).toString('base64');
        secrets.push(value, b64);
        cluster.create(secretType, namespace, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: { app: 'fuzzapp' }, annotations: { 'moniker.spinnaker.io/application': 'fuzzapp' } }, type: 'Opaque', data: { password: b64 } });
      }
    }
    cluster.create(cluster.typeOfKind('v1', 'ConfigMap'), 'fuzz', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fuzz-cm', namespace: 'fuzz' }, data: { a: '1' } });
    const labels = { app: 'fuzz-web' };
    cluster.create(cluster.typeOfKind('apps/v1', 'Deployment'), 'fuzz', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'fuzz-web', namespace: 'fuzz', annotations: { 'moniker.spinnaker.io/application': 'fuzzapp' } },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } },
    });
  });
  afterAll(async () => h.stop());

  // What earlier runs found (each was a 500 or a hang), replayed on every run whatever the seed.
  const desc = (name: string, patch: Record<string, string>): string => {
    const base = JSON.parse(toJson(VALID[name] ?? {})) as Record<string, unknown>;
    const fields = Object.entries(patch).map(([k, raw]) => `${JSON.stringify(k)}:${raw}`);
    const rest = Object.entries(base).filter(([k]) => !(k in patch)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    return `{${[...rest, ...fields].join(',')}}`;
  };
  const manifestWith = (raw: string): string => `{"account":"k8s","moniker":{"app":"fuzzapp"},"manifests":[${raw}]}`;
  it.each([
    ['scaleManifest', desc('scaleManifest', { replicas: '{"toString":"x","valueOf":1}' })],
    ['scaleManifest', desc('scaleManifest', { replicas: '123456789012345678901234567890' })],
    ['resizeServerGroup', desc('resizeServerGroup', { capacity: '{"min":0,"max":2,"desired":9007199254740993}' })],
    ['undoRolloutManifest', desc('undoRolloutManifest', { revision: '{"toString":"x","valueOf":1,"hasOwnProperty":null}' })],
    ['disableManifest', desc('disableManifest', { targetPercentage: '{"toString":"x"}' })],
    ['deployManifest', manifestWith('{"apiVersion":-0.0001,"kind":"ConfigMap","metadata":{"name":"x"}}')],
    ['deployManifest', manifestWith('{"apiVersion":null,"kind":"ConfigMap","metadata":{"name":"x"}}')],
    ['deployManifest', manifestWith(nested(20, '{"apiVersion":"v1","kind":"List","items":[', ']}', '{"apiVersion":7,"kind":"ConfigMap","metadata":{"name":"x"}}'))],
    ['deployManifest', manifestWith(nested(5_000, '{"apiVersion":"v1","kind":"List","items":[', ']}', '{}'))],
    ['runJob', desc('runJob', { manifest: `{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":${nested(1_000, '{"a":', '}')}}` })],
  ])('refuses %s (found case %#) before any task exists (400)', async (name, description) => {
    const id = nextRequestId();
    const res = await h.app.server.inject({ method: 'POST', url: `/kubernetes/ops/${name}?clientRequestId=${id}`, payload: description.slice(0, 1_000_000), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(400);
    expect(await h.app.tasks.getByRequestId(id)).toBeUndefined();
  });
  it('reads repeated clusters= parameters as one list, and refuses a PUT of a definition whose name is not a string', async () => {
    expect((await h.request('GET', '/applications/fuzzapp/serverGroups?clusters=a,b&clusters=deployment%20fuzz-web')).status).toBe(200);
    const res = await h.request('PUT', '/credentials', { type: 'kubernetes', name: { toString: 'x' } });
    expect(res.status).toBe(400);
  });

  it(`answers ${TARGET_REQUESTS}+ hostile requests without a 5xx, a task on a 4xx, a leaked Secret or a crash`, { timeout: 180_000 }, async () => {
    const gc = gcFunction();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const statuses = new Map<number, number>();
    const byKind = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    const fail = (req: FuzzRequest, why: string, body: string): void => {
      if (failures.length < 40) failures.push(`${why}: ${req.method} ${req.url.slice(0, 200)} body=${(req.payload ?? '').slice(0, 200)} -> ${body.slice(0, 300)}`);
    };
    let accepted = 0;
    let total = 0;
    const stream = requests(h.sim.kubeconfig);

    const settle = async (taskId: string): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const task = await h.app.tasks.get(taskId);
        const last = task?.history.at(-1);
        if (last !== undefined && last.state !== 'STARTED') return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const worker = async (): Promise<void> => {
      for (let next = stream.next(); next.done !== true; next = stream.next()) {
        const req = next.value;
        total++;
        if (process.env.FUZZ_TRACE !== undefined) process.stderr.write(`${total} ${req.method} ${req.url.slice(0, 120)} ${(req.payload ?? '').slice(0, 160)}\n`);
        const res = await h.app.server.inject({
          method: req.method,
          url: req.url,
          ...(req.payload === undefined ? {} : { payload: req.payload, headers: { 'content-type': req.contentType ?? 'application/json' } }),
        });
        const status = res.statusCode;
        const body = res.body;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const kindCounts = byKind.get(req.kind) ?? new Map<number, number>();
        kindCounts.set(status, (kindCounts.get(status) ?? 0) + 1);
        byKind.set(req.kind, kindCounts);
        if (status >= 500) fail(req, `status ${status}`, body);
        if (status >= 400) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = undefined;
          }
          if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { message?: unknown }).message !== 'string') fail(req, 'no JSON error body', body);
          for (const id of req.requestIds ?? []) if ((await h.app.tasks.getByRequestId(id)) !== undefined) fail(req, `task created for ${id} on a ${status}`, body);
        }
        for (const secret of secrets) if (body.includes(secret)) fail(req, 'Secret value in the answer', body);
        if (status === 200 && req.requestIds !== undefined) {
          const id = (JSON.parse(body) as { id?: unknown }).id;
          if (typeof id === 'string') {
            accepted++;
            await settle(id); // one accepted operation at a time per worker: the cluster is not hammered
          }
        }
        if (status === 200 && req.kind === 'credentials') {
          const name = (JSON.parse(body) as { name?: unknown }).name;
          if (typeof name === 'string') {
            // A name with a lone surrogate has no URL form (encodeURIComponent throws): remove it directly.
            let url: string | undefined;
            try {
              url = `/credentials/${encodeURIComponent(name)}`;
            } catch {
              url = undefined;
            }
            if (url === undefined) await h.app.credentials.remove(name);
            else await h.app.server.inject({ method: 'DELETE', url });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const seconds = (Date.now() - started) / 1000;
    const health = await h.request('GET', '/health');
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const kinds = [...byKind].map(([k, m]) => `  ${k}: ${[...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}=${n}`).join(' ')}`).join('\n');
    console.log(
      `fuzz seed ${SEED}: ${total} requests in ${seconds.toFixed(1)} s, ${accepted} tasks created; by status: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}=${n}`).join(' ')}\n${kinds}\n` +
        `heapUsed ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB`,
    );

    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(total).toBeGreaterThan(TARGET_REQUESTS);
    expect(health.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype was polluted').toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !['constructor', '__defineGetter__', '__defineSetter__', 'hasOwnProperty', '__lookupGetter__', '__lookupSetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', '__proto__', 'toLocaleString'].includes(k))).toEqual([]);
    expect(heapAfter - heapBefore, 'heap growth after GC').toBeLessThan(50 * 1024 * 1024);
    // The Secrets were there all along (nothing deleted them), so the grep had something to find.
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    expect(cluster.tryGet(cluster.typeOfKind('v1', 'Secret'), 'vault', 'db')).toBeDefined();
  });
});

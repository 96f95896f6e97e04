import { kindOfManifest } from './KubernetesKind.js';
import { manifestName, stringMapView, type KubernetesManifest } from './model/KubernetesManifest.js';

/** The annotations, read-only and not copied (every cached object's moniker and caching properties are read from them). */
const annotationsView = (m: KubernetesManifest): Readonly<Record<string, string>> => stringMapView(m, 'metadata', 'annotations');

/**
 * Monikers and Frigga names.
 *
 * A live object's moniker (`KubernetesManifestAnnotater.getMoniker`): each `moniker.spinnaker.io/*`
 * annotation wins; otherwise app and cluster come from Frigga-parsing the object name (the cluster
 * is the name without `-vNNN`; names starting `system:` give app `system`), stack and detail stay
 * unset, and the sequence is the name's `-vNNN`, or for ReplicaSets the
 * `deployment.kubernetes.io/revision` annotation first. Clouddriver does *not* default the cluster
 * of an unannotated object to `"{kind} {name}"`: that default is applied at deploy time, when
 * the moniker is written into the annotations.
 */
export interface Moniker {
  readonly app?: string;
  readonly cluster?: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly sequence?: number;
}

export const ANNOTATION = {
  application: 'moniker.spinnaker.io/application',
  cluster: 'moniker.spinnaker.io/cluster',
  stack: 'moniker.spinnaker.io/stack',
  detail: 'moniker.spinnaker.io/detail',
  sequence: 'moniker.spinnaker.io/sequence',
  ignoreCaching: 'caching.spinnaker.io/ignore',
  loadBalancers: 'traffic.spinnaker.io/load-balancers',
  deploymentRevision: 'deployment.kubernetes.io/revision',
  lastAppliedConfiguration: 'kubectl.kubernetes.io/last-applied-configuration',
} as const;

const MISSING = Symbol('missing');
type Read<T> = T | undefined | typeof MISSING;

/**
 * Reads a string annotation as Clouddriver does: raw, unless it looks like a JSON string
 * (`"..."`, written by old versions), then JSON-decoded. Unparsable -> undefined.
 */
function readString(annotations: Readonly<Record<string, string>>, key: string): Read<string> {
  const v = annotations[key];
  if (v === undefined) return MISSING;
  if (v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) return v;
  const parsed = parseJson(v);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Reads an integer annotation (JSON number or quoted number); present but invalid -> undefined. */
function readInteger(annotations: Readonly<Record<string, string>>, key: string): Read<number> {
  const v = annotations[key];
  if (v === undefined) return MISSING;
  let parsed = parseJson(v.trim());
  if (typeof parsed === 'string' && /^-?\d+$/.test(parsed)) parsed = Number(parsed);
  return typeof parsed === 'number' && Number.isInteger(parsed) ? parsed : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const orDefault = <T>(value: Read<T>, fallback: T | undefined): T | undefined => (value === MISSING ? fallback : value);

export interface FriggaName {
  /** The whole name, when it parses. */
  readonly group?: string;
  /** Name without `-vNNN`. */
  readonly cluster?: string;
  readonly app?: string;
  readonly stack?: string;
  readonly detail?: string;
  /** `vNNN` */
  readonly push?: string;
  readonly sequence?: number;
}

const PUSH = /^([-a-zA-Z0-9._]*)-(v([0-9]{3}))$/;
const NAME = /^([a-zA-Z0-9._]+)(?:-([a-zA-Z0-9._]*)(?:-([-a-zA-Z0-9._]*?))?)?$/;
const SYSTEM_PUSH = /^(system:.*)-(v([0-9]{3}))$/;

/**
 * Netflix Frigga `Names.parseName`: `app[-stack[-detail]][-vNNN]` where app and stack use
 * `[a-zA-Z0-9._]` and detail may contain `-`. A name that does not fit gives an empty result.
 */
export function parseFriggaName(name: string | undefined): FriggaName {
  if (name === undefined || name.trim() === '') return {};
  const push = PUSH.exec(name);
  const cluster = push?.[1] ?? name;
  const parts = NAME.exec(cluster);
  if (parts === null) return {};
  return stripUndefined({
    group: name,
    cluster,
    app: parts[1],
    stack: nonEmpty(parts[2]),
    detail: nonEmpty(parts[3]),
    push: push?.[2],
    sequence: push?.[3] === undefined ? undefined : Number(push[3]),
  });
}

/** Frigga parsing plus Clouddriver's rule for `system:*` names (app `system`). */
export function parseResourceName(name: string | undefined): Pick<FriggaName, 'app' | 'cluster' | 'sequence'> {
  if (name?.startsWith('system:') === true) {
    const push = SYSTEM_PUSH.exec(name);
    return stripUndefined({
      app: 'system',
      cluster: push?.[1] ?? name,
      sequence: push?.[3] === undefined ? undefined : Number(push[3]),
    });
  }
  const { app, cluster, sequence } = parseFriggaName(name);
  return stripUndefined({ app, cluster, sequence });
}

/** Frigga cluster name: `app`, `app-stack`, `app-stack-detail`, or `app--detail` with no stack. */
export function friggaClusterName(app: string, stack?: string, detail?: string): string {
  const s = stack ?? '';
  const d = detail ?? '';
  if (d !== '') return `${app}-${s}-${d}`;
  if (s !== '') return `${app}-${s}`;
  return app;
}

/** Frigga server group name: `{cluster}-vNNN` (sequence taken mod 1000, zero-padded). */
export function friggaServerGroupName(cluster: string, sequence: number): string {
  return `${cluster}-v${String(((sequence % 1000) + 1000) % 1000).padStart(3, '0')}`;
}

export function deriveMoniker(m: KubernetesManifest): Moniker {
  const annotations = annotationsView(m);
  const parsed = parseResourceName(manifestName(m));
  let sequenceDefault = parsed.sequence;
  if (kindOfManifest(m) === 'replicaSet') sequenceDefault = orDefault(readInteger(annotations, ANNOTATION.deploymentRevision), parsed.sequence);
  return stripUndefined({
    app: orDefault(readString(annotations, ANNOTATION.application), parsed.app),
    cluster: orDefault(readString(annotations, ANNOTATION.cluster), parsed.cluster),
    stack: orDefault(readString(annotations, ANNOTATION.stack), undefined),
    detail: orDefault(readString(annotations, ANNOTATION.detail), undefined),
    sequence: orDefault(readInteger(annotations, ANNOTATION.sequence), sequenceDefault),
  });
}

/**
 * Caching annotations: `caching.spinnaker.io/ignore` is true only for a JSON `true`
 * (`"true"` as the annotation value); `application` is the raw app annotation or `""`.
 */
export function cachingProperties(m: KubernetesManifest): { readonly ignore: boolean; readonly application: string } {
  const annotations = annotationsView(m);
  const ignore = annotations[ANNOTATION.ignoreCaching];
  return {
    ignore: ignore !== undefined && parseJson(ignore.trim()) === true,
    application: orDefault(readString(annotations, ANNOTATION.application), '') ?? '',
  };
}

/** The `traffic.spinnaker.io/load-balancers` list (`["service my-svc"]`); malformed -> empty. */
export function trafficLoadBalancers(m: KubernetesManifest): string[] {
  const raw = annotationsView(m)[ANNOTATION.loadBalancers];
  if (raw === undefined) return [];
  const parsed = parseJson(raw);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/**
 * A copy without the undefined fields. Built by adding the defined ones rather than deleting the
 * others: `delete` turns an object into a slow dictionary (~400 bytes more per cached item).
 */
function stripUndefined<T extends object>(o: T): T {
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

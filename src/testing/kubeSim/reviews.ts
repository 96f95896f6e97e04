/**
 * Create-only API objects that the API server answers without storing: SelfSubjectAccessReview
 * and SelfSubjectRulesReview (`kubectl auth can-i [--list]`), SelfSubjectReview (`kubectl auth
 * whoami`), and the TokenRequest of `serviceaccounts/{name}/token` (`kubectl create token`). The
 * simulated user may do everything, except what a `forbidden` fault denies.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Faults } from './faults.js';
import { isForbidden } from './faults.js';
import type { KubeObj } from './objectStore.js';
import type { ResourceType } from './resources.js';
import { badRequest } from './status.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

export interface Reviewer {
  readonly username: string;
  readonly groups: readonly string[];
}

/** The status of a self-review, or undefined for a type that is not a review. */
export function answerReview(type: ResourceType, body: unknown, faults: Faults, who: Reviewer): Obj {
  const o = obj(body);
  const spec = obj(o.spec);
  const base = { kind: type.kind, apiVersion: `${type.group}/${type.version}`, metadata: { creationTimestamp: null } };
  if (type.resource === 'selfsubjectaccessreviews') {
    const attrs = obj(spec.resourceAttributes);
    const nonResource = obj(spec.nonResourceAttributes);
    if (Object.keys(attrs).length === 0 && Object.keys(nonResource).length === 0) throw badRequest('SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
    const resource = typeof attrs.resource === 'string' ? attrs.resource : '';
    const namespace = typeof attrs.namespace === 'string' && attrs.namespace !== '' ? attrs.namespace : undefined;
    const denied = resource !== '' && isForbidden(faults, resource, namespace);
    return { ...base, spec, status: denied ? { allowed: false, denied: true } : { allowed: true, reason: 'the simulated user may do everything' } };
  }
  if (type.resource === 'selfsubjectrulesreviews') {
    return {
      ...base,
      spec,
      status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
    };
  }
  if (type.resource === 'selfsubjectreviews') {
    return { ...base, status: { userInfo: { username: who.username, groups: [...who.groups] } } };
  }
  throw badRequest(`${type.resource} cannot be created`);
}

/** `serviceaccounts/{name}/token`: a signed-looking JWT bound to the account. */
export function issueToken(sa: KubeObj, body: unknown, clusterName: string): Obj {
  const spec = obj(obj(body).spec);
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : ['https://kubernetes.default.svc.cluster.local'];
  const now = Math.floor(Date.now() / 1000);
  const ns = sa.metadata.namespace ?? '';
  const name = sa.metadata.name ?? '';
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const header = b64({ alg: 'RS256', kid: 'sim' });
  const claims = b64({
    aud: audiences,
    exp: now + expirationSeconds,
    iat: now,
    iss: `https://${clusterName}.sim.local`,
    jti: randomUUID(),
    'kubernetes.io': { namespace: ns, serviceaccount: { name, uid: sa.metadata.uid } },
    nbf: now,
    sub: `system:serviceaccount:${ns}:${name}`,
  });
  const signature = createHmac('sha256', clusterName).update(`${header}.${claims}`).digest('base64url');
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token: `${header}.${claims}.${signature}`, expirationTimestamp: new Date((now + expirationSeconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
  };
}

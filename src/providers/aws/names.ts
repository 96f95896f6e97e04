/**
 * Frigga naming (`com.netflix.frigga.Names`), as Clouddriver's AWS provider parses server group,
 * cluster and load balancer names: `app[-stack[-detail]][-vNNN]`.
 */
export interface FriggaName {
  readonly app: string;
  readonly cluster: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly sequence?: number;
}

const PUSH = /^(.*)-v(\d{3,})$/;

export function parseName(name: string): FriggaName {
  const push = PUSH.exec(name);
  const cluster = push?.[1] ?? name;
  const sequence = push?.[2] === undefined ? undefined : Number(push[2]);
  const parts = cluster.split('-');
  const app = parts[0] ?? cluster;
  const stack = parts.length > 1 && parts[1] !== '' ? parts[1] : undefined;
  const detail = parts.length > 2 ? parts.slice(2).join('-') || undefined : undefined;
  return { app, cluster, ...(stack === undefined ? {} : { stack }), ...(detail === undefined ? {} : { detail }), ...(sequence === undefined ? {} : { sequence }) };
}

/** Clouddriver `Moniker` of a name (`app`, `cluster`, `stack`, `detail`, `sequence`). */
export function monikerOf(name: string): Record<string, unknown> {
  const n = parseName(name);
  return { app: n.app, cluster: n.cluster, ...(n.stack === undefined ? {} : { stack: n.stack }), ...(n.detail === undefined ? {} : { detail: n.detail }), ...(n.sequence === undefined ? {} : { sequence: n.sequence }) };
}

/**
 * Clouddriver's `AmazonSecurityGroup` as JSON (`AmazonSecurityGroupProvider`): inbound rules from
 * the EC2 permissions, one per protocol and peer with its port ranges — `SecurityGroupRule`s
 * naming the peer group (resolved across the cached groups of every account: name, account,
 * region, VPC) and `AddressableRange` rules for CIDRs (`{ip, cidr: "/nn"}`).
 */
import type { CacheData } from '../../../core/cache/CacheData.js';
import { parseName } from '../names.js';

type Json = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

export interface PeerGroup {
  readonly id: string;
  readonly name: string;
  readonly account?: string;
  readonly region: string;
  readonly vpcId: string | null;
}

function portRange(p: Json): Json {
  const start = typeof p.fromPort === 'number' ? p.fromPort : null;
  const end = typeof p.toPort === 'number' ? p.toPort : null;
  return { startPort: start === -1 ? null : start, endPort: end === -1 ? null : end };
}

export function inboundRules(permissions: readonly unknown[], peers: ReadonlyMap<string, PeerGroup>, accountIds: ReadonlyMap<string, string>): Json[] {
  const rules = new Map<string, Json>();
  const add = (key: string, rule: Json, range: Json): void => {
    const existing = rules.get(key);
    if (existing) (existing.portRanges as Json[]).push(range);
    else rules.set(key, { ...rule, portRanges: [range] });
  };
  for (const perm of permissions.map(obj)) {
    const protocol = perm.ipProtocol === '-1' ? '-1' : String(perm.ipProtocol);
    const range = portRange(perm);
    for (const pair of arr(perm.userIdGroupPairs).map(obj)) {
      const id = String(pair.groupId);
      const peer = peers.get(id);
      const accountId = typeof pair.userId === 'string' ? pair.userId : undefined;
      add(`sg:${protocol}:${id}`, {
        protocol,
        securityGroup: {
          type: 'aws',
          id,
          name: peer?.name ?? pair.groupName ?? id,
          accountId: accountId ?? null,
          accountName: peer?.account ?? (accountId === undefined ? null : accountIds.get(accountId) ?? null),
          region: peer?.region ?? null,
          vpcId: peer?.vpcId ?? pair.vpcId ?? null,
        },
      }, range);
    }
    for (const r of arr(perm.ipRanges).map(obj)) {
      const cidr = String(r.cidrIp);
      const [ip, bits] = cidr.split('/');
      add(`ip:${protocol}:${cidr}`, { protocol, range: { ip, cidr: `/${bits ?? '32'}` }, ...(r.description ? { description: r.description } : {}) }, range);
    }
    for (const r of arr(perm.ipv6Ranges).map(obj)) {
      const cidr = String(r.cidrIpv6);
      const [ip, bits] = cidr.split('/');
      add(`ip6:${protocol}:${cidr}`, { protocol, range: { ip, cidr: `/${bits ?? '128'}` } }, range);
    }
  }
  return [...rules.values()];
}

export function securityGroupView(item: CacheData, peers: ReadonlyMap<string, PeerGroup>, accountIds: ReadonlyMap<string, string>): Json {
  const a = item.attributes;
  const name = String(a.groupName);
  const id = String(a.groupId);
  const vpcId = typeof a.vpcId === 'string' ? a.vpcId : null;
  return {
    type: 'aws',
    cloudProvider: 'aws',
    id,
    name,
    vpcId,
    description: a.description ?? null,
    application: parseName(name).app,
    accountName: a.account,
    accountId: a.ownerId ?? null,
    region: a.region,
    moniker: { app: parseName(name).app, cluster: name },
    tags: a.tags ?? [],
    inboundRules: inboundRules(arr(a.ipPermissions), peers, accountIds),
    outboundRules: arr(a.ipPermissionsEgress),
    summary: { name, id, vpcId },
  };
}

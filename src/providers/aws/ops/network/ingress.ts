/**
 * Security group rules as Clouddriver's `SecurityGroupIngressConverter` handles them: every rule
 * flattened to one permission per peer (a CIDR, an IPv6 CIDR or a group), and the delta between
 * the rules a description asks for and the rules a group has — what to add, what to remove, and
 * which matching rules to re-describe (a desired rule that carries a description).
 * Pure functions over the EC2 `IpPermission` shape; no AWS calls.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';

/** One rule with exactly one peer. */
export type FlatPermission = IpPermission;

/** `SecurityGroupIngressConverter.flattenPermissions`: one permission per peer, duplicates dropped. */
export function flattenPermissions(permissions: readonly IpPermission[]): FlatPermission[] {
  const out: FlatPermission[] = [];
  const seen = new Set<string>();
  const push = (p: FlatPermission): void => {
    const key = permissionKey(p);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const p of permissions) {
    const base = { IpProtocol: p.IpProtocol, ...(p.FromPort === undefined ? {} : { FromPort: p.FromPort }), ...(p.ToPort === undefined ? {} : { ToPort: p.ToPort }) };
    for (const g of p.UserIdGroupPairs ?? []) push({ ...base, UserIdGroupPairs: [{ GroupId: g.GroupId, ...(g.UserId === undefined ? {} : { UserId: g.UserId }), ...(g.Description === undefined ? {} : { Description: g.Description }) }] });
    for (const r of p.IpRanges ?? []) push({ ...base, IpRanges: [{ CidrIp: r.CidrIp, ...(r.Description === undefined ? {} : { Description: r.Description }) }] });
    for (const r of p.Ipv6Ranges ?? []) push({ ...base, Ipv6Ranges: [{ CidrIpv6: r.CidrIpv6, ...(r.Description === undefined ? {} : { Description: r.Description }) }] });
  }
  return out;
}

function permissionKey(p: IpPermission): string {
  return JSON.stringify([p.IpProtocol, p.FromPort, p.ToPort, (p.UserIdGroupPairs ?? []).map((g) => [g.GroupId, g.UserId]), (p.IpRanges ?? []).map((r) => r.CidrIp), (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)]);
}

export interface RuleDelta {
  readonly toAdd: FlatPermission[];
  readonly toRemove: FlatPermission[];
  readonly toUpdate: FlatPermission[];
}

const hasGroups = (p: IpPermission): boolean => (p.UserIdGroupPairs ?? []).length > 0;
/** `-1` (all traffic) has no ports on AWS whatever a description sends. */
const samePorts = (a: IpPermission, b: IpPermission): boolean =>
  normalizeProtocol(a.IpProtocol) === normalizeProtocol(b.IpProtocol) && (normalizeProtocol(a.IpProtocol) === '-1' || (a.FromPort === b.FromPort && a.ToPort === b.ToPort));

/** AWS answers lower-case names and `-1`; descriptions may send `TCP` or `all`. */
export function normalizeProtocol(p: string | undefined): string {
  const v = (p ?? '').toLowerCase();
  return v === 'all' ? '-1' : v;
}

const sorted = (values: readonly (string | undefined)[]): string => JSON.stringify([...values].map((v) => v ?? '').sort());

/** `findIpPermission`: same CIDRs (v4 or v6), ports and protocol. */
function matchesIp(existing: IpPermission, wanted: IpPermission): boolean {
  if (!samePorts(existing, wanted)) return false;
  const v4 = (wanted.IpRanges ?? []).length > 0 && sorted((existing.IpRanges ?? []).map((r) => r.CidrIp)) === sorted((wanted.IpRanges ?? []).map((r) => r.CidrIp));
  const v6 = (wanted.Ipv6Ranges ?? []).length > 0 && sorted((existing.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)) === sorted((wanted.Ipv6Ranges ?? []).map((r) => r.CidrIpv6));
  return v4 || v6;
}

/**
 * `findUserIdGroupPermission`: same group ids and owners, ports and protocol. A wanted pair
 * without an owner (an account without a configured `accountId`) matches any owner.
 */
function matchesGroup(existing: IpPermission, wanted: IpPermission): boolean {
  if (!samePorts(existing, wanted)) return false;
  const e = existing.UserIdGroupPairs ?? [];
  const w = wanted.UserIdGroupPairs ?? [];
  if (sorted(e.map((g) => g.GroupId)) !== sorted(w.map((g) => g.GroupId))) return false;
  return w.every((g) => g.UserId === undefined) || sorted(e.map((g) => g.UserId)) === sorted(w.map((g) => g.UserId));
}

function delta(wanted: readonly FlatPermission[], existing: readonly FlatPermission[], matches: (e: IpPermission, w: IpPermission) => boolean, described: (p: IpPermission) => boolean): RuleDelta {
  const remaining = [...existing];
  const toAdd: FlatPermission[] = [];
  const toUpdate: FlatPermission[] = [];
  for (const w of wanted) {
    const i = remaining.findIndex((e) => matches(e, w));
    if (i < 0) {
      toAdd.push(w);
      continue;
    }
    if (described(w)) toUpdate.push(w);
    remaining.splice(i, 1);
  }
  return { toAdd, toRemove: remaining, toUpdate };
}

/** `computeIpRuleDelta` + `computeUserIdGroupPairsDelta`: CIDR rules and group rules, each diffed on its own. */
export function computeDelta(wanted: readonly FlatPermission[], existing: readonly FlatPermission[]): RuleDelta {
  const ip = delta(
    wanted.filter((p) => !hasGroups(p)),
    existing.filter((p) => !hasGroups(p)),
    matchesIp,
    (p) => [...(p.IpRanges ?? []), ...(p.Ipv6Ranges ?? [])].some((r) => r.Description !== undefined && r.Description !== ''),
  );
  const groups = delta(
    wanted.filter(hasGroups),
    existing.filter(hasGroups),
    matchesGroup,
    (p) => (p.UserIdGroupPairs ?? []).some((g) => g.Description !== undefined && g.Description !== ''),
  );
  return { toAdd: [...ip.toAdd, ...groups.toAdd], toRemove: [...ip.toRemove, ...groups.toRemove], toUpdate: [...ip.toUpdate, ...groups.toUpdate] };
}

/** A rule as the AWS SDK v1 prints an `IpPermission` (what upstream's status lines show). */
export function describePermission(p: IpPermission): string {
  const parts = [`IpProtocol: ${p.IpProtocol ?? ''}`];
  if (p.FromPort !== undefined) parts.push(`FromPort: ${p.FromPort}`);
  if (p.ToPort !== undefined) parts.push(`ToPort: ${p.ToPort}`);
  const groups = (p.UserIdGroupPairs ?? []).map((g) => `{${[g.UserId === undefined ? '' : `UserId: ${g.UserId}`, `GroupId: ${g.GroupId ?? ''}`, g.Description === undefined ? '' : `Description: ${g.Description}`].filter((s) => s !== '').join(',')}}`);
  const v4 = (p.IpRanges ?? []).map((r) => `{CidrIp: ${r.CidrIp ?? ''}${r.Description === undefined ? '' : `,Description: ${r.Description}`}}`);
  const v6 = (p.Ipv6Ranges ?? []).map((r) => `{CidrIpv6: ${r.CidrIpv6 ?? ''}${r.Description === undefined ? '' : `,Description: ${r.Description}`}}`);
  if (groups.length > 0) parts.push(`UserIdGroupPairs: [${groups.join(', ')}]`);
  if (v4.length > 0) parts.push(`IpRanges: [${v4.join(', ')}]`);
  if (v6.length > 0) parts.push(`Ipv6Ranges: [${v6.join(', ')}]`);
  return `{${parts.join(',')}}`;
}

export function describePermissions(list: readonly IpPermission[]): string {
  return `[${list.map(describePermission).join(', ')}]`;
}

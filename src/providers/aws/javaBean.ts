/**
 * AWS responses in the shape Clouddriver serves them: it caches the AWS SDK for Java v1 model
 * objects and Jackson writes them as Java bean properties (`autoScalingGroupName`,
 * `vpczoneIdentifier`, `launchTemplateId`) with dates as epoch milliseconds. SDK v3 gives the
 * wire member names (`AutoScalingGroupName`, `VPCZoneIdentifier`) and `Date`s.
 */

/** Jackson's bean name: the leading run of capitals lower-cased (`VPCZoneIdentifier` → `vpczoneIdentifier`). */
export function beanName(member: string): string {
  let i = 0;
  while (i < member.length && member[i] !== member[i]?.toLowerCase()) i++;
  return i === 0 ? member : member.slice(0, i).toLowerCase() + member.slice(i);
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deep conversion of an SDK v3 value to Clouddriver's JSON (undefined members dropped). */
export function toBean(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(toBean);
  if (typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || k === '$metadata') continue;
      out[beanName(k)] = toBean(v);
    }
    return out;
  }
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

/** `[{Key, Value}]` tags as a map. */
export function tagMap(tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

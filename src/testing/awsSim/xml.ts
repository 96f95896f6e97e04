/**
 * A small XML serializer for the Query protocols' responses. Values map to elements:
 * objects to child elements per key (undefined skipped), arrays to repeated children named
 * after the protocol's list member (`item` for EC2, `member` for awsQuery) unless wrapped in
 * {@link xmlList} with the member name the service model gives, `Date` to ISO 8601, booleans to
 * `true`/`false`. Keys are written as given: handlers use the wire names
 * (EC2's `instancesSet`, awsQuery's `AutoScalingGroups`).
 */

export class XmlList {
  constructor(
    readonly memberName: string,
    readonly items: readonly unknown[],
  ) {}
}

/** A list whose members carry a name other than the protocol default (EC2 `groupSet` of `groupId`). */
export const xmlList = (memberName: string, items: readonly unknown[]): XmlList => new XmlList(memberName, items);

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

export function xmlElement(name: string, value: unknown, listMember: string): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlList) return `<${name}>${value.items.map((v) => xmlElement(value.memberName, v, listMember)).join('')}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => xmlElement(listMember, v, listMember)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${xmlChildren(value as Record<string, unknown>, listMember)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlChildren(obj: Record<string, unknown>, listMember: string): string {
  let out = '';
  for (const [k, v] of Object.entries(obj)) out += xmlElement(k, v, listMember);
  return out;
}

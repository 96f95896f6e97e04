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

const NEEDS_ESCAPE = /[&<>"']/;

export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Appends one element to `out` (one array of parts, joined once: large describes stay cheap). */
function writeElement(out: string[], name: string, value: unknown, listMember: string): void {
  if (value === undefined || value === null) return;
  if (value instanceof XmlList) {
    out.push(`<${name}>`);
    for (const v of value.items) writeElement(out, value.memberName, v, listMember);
    out.push(`</${name}>`);
  } else if (Array.isArray(value)) {
    out.push(`<${name}>`);
    for (const v of value) writeElement(out, listMember, v, listMember);
    out.push(`</${name}>`);
  } else if (value instanceof Date) out.push(`<${name}>${value.toISOString()}</${name}>`);
  else if (typeof value === 'object') {
    out.push(`<${name}>`);
    writeChildren(out, value as Record<string, unknown>, listMember);
    out.push(`</${name}>`);
  } else out.push(`<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`);
}

function writeChildren(out: string[], obj: Record<string, unknown>, listMember: string): void {
  for (const k in obj) writeElement(out, k, obj[k], listMember);
}

export function xmlElement(name: string, value: unknown, listMember: string): string {
  const out: string[] = [];
  writeElement(out, name, value, listMember);
  return out.join('');
}

export function xmlChildren(obj: Record<string, unknown>, listMember: string): string {
  const out: string[] = [];
  writeChildren(out, obj, listMember);
  return out.join('');
}

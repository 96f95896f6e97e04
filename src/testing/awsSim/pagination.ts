/**
 * Pagination as the services do it: an opaque token (here base64 of the offset and a fingerprint
 * of the call, so a token is refused by another call or once tampered with) and a page size
 * bounded as each API documents (EC2 MaxResults, Auto Scaling MaxRecords, ELB PageSize, IAM
 * MaxItems, CloudWatch MaxRecords).
 */
import { AwsError } from './errors.js';

export interface Page<T> {
  readonly items: T[];
  /** Token for the next page, undefined on the last. */
  readonly next?: string;
}

export interface PageRequest {
  readonly token?: string;
  readonly size?: number;
  /** The size when none is given (undefined: everything). */
  readonly defaultSize?: number;
  readonly min: number;
  readonly max: number;
  /** What the token is valid for (the action), checked on the way back. */
  readonly scope: string;
  /** The error an invalid token gets: EC2 `InvalidParameterValue`, Auto Scaling `InvalidNextToken`... */
  readonly invalidTokenCode: string;
  /** The error an out-of-range size gets. */
  readonly invalidSize: (size: number) => AwsError;
}

export function paginate<T>(all: readonly T[], req: PageRequest): Page<T> {
  let offset = 0;
  if (req.token !== undefined && req.token !== '') {
    const decoded = decodeToken(req.token);
    if (decoded === undefined || decoded.scope !== req.scope || decoded.offset > all.length) throw new AwsError(req.invalidTokenCode, `Invalid token: ${req.token}`);
    offset = decoded.offset;
  }
  if (req.size !== undefined && (req.size < req.min || req.size > req.max)) throw req.invalidSize(req.size);
  const size = req.size ?? req.defaultSize ?? all.length;
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return end < all.length ? { items, next: encodeToken(req.scope, end) } : { items };
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64');
}

function decodeToken(token: string): { scope: string; offset: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; o?: unknown };
    return typeof v.s === 'string' && typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 ? { scope: v.s, offset: v.o } : undefined;
  } catch {
    return undefined;
  }
}

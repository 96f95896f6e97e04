/**
 * Request parameters as one nested shape for every protocol. The Query protocols send flat keys
 * (`Filter.1.Value.2`, `Tags.member.3.Key`, awsQuery maps as `Attributes.entry.1.key`);
 * {@link parseQueryParams} folds them into objects and 1-based-index arrays, dropping the
 * `member` segment, so handlers read `Filter[0].Value[1]` whether the request came as Query,
 * JSON or CBOR. The accessors below are tolerant of both string (Query) and typed (JSON) values.
 */
import { AwsError, validationError } from './errors.js';

export type Params = Record<string, unknown>;

export function parseQueryParams(search: URLSearchParams): Params {
  const root: Params = {};
  for (const [key, value] of search) {
    if (key === 'Action' || key === 'Version') continue;
    const segs = key.split('.').filter((s, i, all) => !(s === 'member' && /^\d+$/.test(all[i + 1] ?? '')));
    let node: Record<string, unknown> = root;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i] as string;
      const last = i === segs.length - 1;
      if (last) {
        node[seg] = value;
        break;
      }
      let child = node[seg];
      if (child === undefined || typeof child !== 'object') {
        child = {};
        node[seg] = child;
      }
      node = child as Record<string, unknown>;
    }
  }
  return arrayify(root) as Params;
}

/** Objects whose keys are all positive integers become arrays ordered by index. */
function arrayify(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => arrayify(obj[String(k)]));
  }
  for (const k of keys) obj[k] = arrayify(obj[k]);
  // awsQuery maps: Attributes.entry.N.key/value (already arrays under `entry`).
  if (keys.length === 1 && keys[0] === 'entry' && Array.isArray(obj.entry)) {
    const out: Record<string, unknown> = {};
    for (const e of obj.entry as Record<string, unknown>[]) out[String(e.key)] = e.value;
    return out;
  }
  return obj;
}

export function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw validationError(`${name} must be a string`);
}

export function required(p: Params, name: string, code = 'ValidationError'): string {
  const v = str(p, name);
  if (v === undefined || v === '') {
    throw code === 'MissingParameter' ? new AwsError('MissingParameter', `The request must contain the parameter ${name}`) : validationError(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}

export function int(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw validationError(`Value '${String(v)}' for ${name} is not a valid integer`);
  return n;
}

export function num(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw validationError(`Value '${String(v)}' for ${name} is not a valid number`);
  return n;
}

export function bool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  return String(v).toLowerCase() === 'true';
}

/** A list of strings (`InstanceId.N`, `AlarmNames.member.N`, JSON arrays); an empty value is an empty list. */
export function strings(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (typeof v === 'string') return [v];
  throw validationError(`${name} must be a list`);
}

/** A list of structures (`Filter.N.Name`, `Tags.member.N.Key`). */
export function objects(p: Params, name: string): Params[] {
  const v = p[name];
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) return v.filter((x): x is Params => typeof x === 'object' && x !== null);
  if (typeof v === 'object') return [v as Params];
  throw validationError(`${name} must be a list`);
}

export function obj(p: Params, name: string): Params | undefined {
  const v = p[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Params) : undefined;
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies, as the API server's protobuf
 * serializer (k8s.io/apimachinery runtime/serializer/protobuf) accepts them: the 4-byte magic
 * `k8s\0`, then a `runtime.Unknown` envelope {typeMeta{apiVersion, kind}, raw, contentEncoding,
 * contentType} whose `raw` is the object's own message. Objects become the JSON the API server
 * would have decoded from an equivalent JSON body, driven by the field table in
 * builtinMessages.ts. Only decoding: responses stay JSON, which every client's Accept header
 * (`application/vnd.kubernetes.protobuf,application/json`) allows.
 *
 * Why decode rather than steer clients to JSON: client-go's generated clientsets (which kubectl's
 * typed generators use) force protobuf for built-in kinds whatever discovery or OpenAPI say, and
 * do not fall back to JSON on 415 (k8s.io/client-go rest/client.go); a real API server accepts
 * protobuf for every built-in kind.
 */
import type { FieldDef, MessageDef } from './builtinMessages.js';
import { isScalar, kindMessage, messageDef } from './builtinMessages.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One field occurrence on the wire. */
interface WireField {
  readonly number: number;
  readonly wireType: number;
  /** Varints and fixed-width values. */
  readonly int?: bigint;
  /** Length-delimited payloads. */
  readonly bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && shift < 70n; i++) {
    const b = buf[i] ?? 0;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
    shift += 7n;
  }
  throw new ProtobufError('truncated varint');
}

function* wireFields(buf: Buffer): Generator<WireField> {
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (wireType === 0) {
      const [v, after] = readVarint(buf, pos);
      pos = after;
      yield { number, wireType, int: v };
    } else if (wireType === 2) {
      const [len, after] = readVarint(buf, pos);
      const end = after + Number(len);
      if (end > buf.length) throw new ProtobufError('truncated length-delimited field');
      yield { number, wireType, bytes: buf.subarray(after, end) };
      pos = end;
    } else if (wireType === 1) {
      if (pos + 8 > buf.length) throw new ProtobufError('truncated fixed64 field');
      yield { number, wireType, int: buf.readBigUInt64LE(pos), bytes: buf.subarray(pos, pos + 8) };
      pos += 8;
    } else if (wireType === 5) {
      if (pos + 4 > buf.length) throw new ProtobufError('truncated fixed32 field');
      yield { number, wireType, int: BigInt(buf.readUInt32LE(pos)) };
      pos += 4;
    } else throw new ProtobufError(`unsupported wire type ${wireType}`);
  }
}

const int64 = (v: bigint | undefined): number => Number(BigInt.asIntN(64, v ?? 0n));
const int32 = (v: bigint | undefined): number => Number(BigInt.asIntN(32, v ?? 0n));

function stringOf(f: WireField): string {
  return (f.bytes ?? Buffer.alloc(0)).toString('utf8');
}

/** Fields of a small message by number (last occurrence wins, as in proto2). */
function fieldsByNumber(buf: Buffer): Map<number, WireField> {
  const out = new Map<number, WireField>();
  for (const f of wireFields(buf)) out.set(f.number, f);
  return out;
}

/** metav1.Time: {seconds, nanos} as RFC 3339 with second precision; the zero time is null. */
function timeOf(buf: Buffer): Json {
  const f = fieldsByNumber(buf);
  const seconds = int64(f.get(1)?.int);
  if (seconds === 0 && int32(f.get(2)?.int) === 0) return null;
  return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** intstr.IntOrString: {type (0 int, 1 string), intVal, strVal}. */
function intOrStringOf(buf: Buffer): Json {
  const f = fieldsByNumber(buf);
  return int64(f.get(1)?.int) === 1 ? (f.get(3) === undefined ? '' : stringOf(f.get(3) as WireField)) : int32(f.get(2)?.int);
}

function scalarOf(def: FieldDef, f: WireField): Json {
  switch (def.type) {
    case 's':
      return stringOf(f);
    case 'bytes':
      return (f.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'i32':
      return int32(f.int);
    case 'i64':
      return int64(f.int);
    case 'b':
      return (f.int ?? 0n) !== 0n;
    case 'f64':
      return f.wireType === 1 && f.bytes !== undefined ? f.bytes.readDoubleLE(0) : 0;
    case 'qty': {
      // resource.Quantity: {string}
      const text = fieldsByNumber(f.bytes ?? Buffer.alloc(0)).get(1);
      return text === undefined ? '0' : stringOf(text);
    }
    case 'ios':
      return intOrStringOf(f.bytes ?? Buffer.alloc(0));
    case 'time':
      return timeOf(f.bytes ?? Buffer.alloc(0));
    case 'raw': {
      // runtime.RawExtension / metav1.FieldsV1: {raw bytes} holding JSON.
      const inner = fieldsByNumber(f.bytes ?? Buffer.alloc(0)).get(1)?.bytes;
      if (inner === undefined || inner.length === 0) return {};
      try {
        return JSON.parse(inner.toString('utf8')) as Json;
      } catch {
        throw new ProtobufError('embedded object is not JSON');
      }
    }
    default:
      throw new ProtobufError(`unknown scalar ${def.type}`);
  }
}

/** Packed repeated scalars (proto3-style packing some encoders use for numbers). */
function packedNumbers(def: FieldDef, f: WireField): Json[] {
  const out: Json[] = [];
  let pos = 0;
  const buf = f.bytes ?? Buffer.alloc(0);
  while (pos < buf.length) {
    const [v, next] = readVarint(buf, pos);
    pos = next;
    out.push(def.type === 'i32' ? int32(v) : def.type === 'b' ? v !== 0n : int64(v));
  }
  return out;
}

function valueOf(def: FieldDef, f: WireField, pkg: string): Json {
  if (isScalar(def.type)) {
    if (def.type !== 's' && def.type !== 'bytes' && def.type !== 'qty' && def.type !== 'ios' && def.type !== 'time' && def.type !== 'raw' && f.wireType !== 0 && f.wireType !== 1) {
      throw new ProtobufError(`field ${def.name}: wire type ${f.wireType} for a number`);
    }
    return scalarOf(def, f);
  }
  const msg = messageDef(def.type, pkg);
  if (msg === undefined) throw new ProtobufError(`no message definition for ${def.type}`);
  if (f.bytes === undefined) throw new ProtobufError(`field ${def.name}: expected a message`);
  return decodeMessage(msg, f.bytes);
}

/** Go's `omitempty`: zero numbers, false, "", empty lists, maps and objects are left out. */
function isZero(v: Json): boolean {
  if (v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/** Decodes one message into its JSON object form. Unknown field numbers are skipped. */
export function decodeMessage(msg: MessageDef, buf: Buffer): Record<string, Json> {
  const values = new Map<FieldDef, Json>();
  const lists = new Map<FieldDef, Json[]>();
  const maps = new Map<FieldDef, Record<string, Json>>();
  for (const f of wireFields(buf)) {
    const def = msg.byNumber.get(f.number);
    if (def === undefined) continue;
    if (def.map) {
      const entry = fieldsByNumber(f.bytes ?? Buffer.alloc(0));
      const key = entry.get(1) === undefined ? '' : stringOf(entry.get(1) as WireField);
      const valueField = entry.get(2);
      const valueDef: FieldDef = { ...def, map: false, repeated: false };
      const value = valueField === undefined ? (def.type === 's' || def.type === 'bytes' ? '' : def.type === 'qty' ? '0' : null) : valueOf(valueDef, valueField, msg.pkg);
      const m = maps.get(def) ?? {};
      m[key] = value;
      maps.set(def, m);
    } else if (def.repeated) {
      const list = lists.get(def) ?? [];
      if (f.wireType === 2 && (def.type === 'i32' || def.type === 'i64' || def.type === 'b')) list.push(...packedNumbers(def, f));
      else list.push(valueOf({ ...def, repeated: false }, f, msg.pkg));
      lists.set(def, list);
    } else values.set(def, valueOf(def, f, msg.pkg));
  }
  const out: Record<string, Json> = {};
  for (const def of msg.fields) {
    const v = def.map ? maps.get(def) : def.repeated ? lists.get(def) : values.get(def);
    if (v === undefined) continue;
    if (def.inline) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) Object.assign(out, v);
      continue;
    }
    if (isZero(v) && !def.pointer && !def.always) continue;
    out[def.name] = v;
  }
  return out;
}

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly object: Record<string, Json>;
}

/** Whether a body starts with the protobuf serializer's magic prefix. */
export function hasProtobufMagic(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(MAGIC);
}

/**
 * Decodes a protobuf-encoded object. Returns undefined when the kind is not one the simulator
 * knows the protobuf shape of (the API server answers 415 for those, as it does for custom
 * resources, which have no protobuf form).
 */
export function decodeProtobufObject(body: Buffer): DecodedObject | undefined {
  if (!hasProtobufMagic(body)) throw new ProtobufError('provided object is not a protobuf message: missing the k8s magic prefix');
  const envelope = fieldsByNumber(body.subarray(4));
  const typeMeta = fieldsByNumber(envelope.get(1)?.bytes ?? Buffer.alloc(0));
  const apiVersion = typeMeta.get(1) === undefined ? '' : stringOf(typeMeta.get(1) as WireField);
  const kind = typeMeta.get(2) === undefined ? '' : stringOf(typeMeta.get(2) as WireField);
  const encoding = envelope.get(3) === undefined ? '' : stringOf(envelope.get(3) as WireField);
  if (encoding !== '') throw new ProtobufError(`unsupported content encoding ${encoding}`);
  const msg = kindMessage(apiVersion, kind);
  if (msg === undefined) return undefined;
  const object = decodeMessage(msg, envelope.get(2)?.bytes ?? Buffer.alloc(0));
  return { apiVersion, kind, object: { kind, apiVersion, ...object } };
}

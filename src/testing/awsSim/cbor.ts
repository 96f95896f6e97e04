/**
 * Minimal CBOR (RFC 8949) for the Smithy RPC v2 CBOR protocol, which the AWS CLI uses for
 * CloudWatch: decodes requests (maps, arrays, strings, numbers, booleans, null, tag 1 epoch
 * times) and encodes responses (`Date` as tag 1 with float seconds, as Smithy requires).
 */

export function decodeCbor(buf: Uint8Array): unknown {
  if (buf.length === 0) return {};
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const readLength = (info: number): number => {
    if (info < 24) return info;
    if (info === 24) return view.getUint8(pos++);
    if (info === 25) {
      const v = view.getUint16(pos);
      pos += 2;
      return v;
    }
    if (info === 26) {
      const v = view.getUint32(pos);
      pos += 4;
      return v;
    }
    if (info === 27) {
      const v = Number(view.getBigUint64(pos));
      pos += 8;
      return v;
    }
    if (info === 31) return -1;
    throw new Error(`unsupported CBOR length ${info}`);
  };
  const item = (): unknown => {
    const initial = view.getUint8(pos++);
    const major = initial >> 5;
    const info = initial & 31;
    switch (major) {
      case 0:
        return readLength(info);
      case 1:
        return -1 - readLength(info);
      case 2:
      case 3: {
        const len = readLength(info);
        if (len < 0) {
          const parts: Uint8Array[] = [];
          while (view.getUint8(pos) !== 0xff) parts.push(item() as Uint8Array);
          pos++;
          return major === 3 ? parts.join('') : Buffer.concat(parts);
        }
        const bytes = buf.subarray(pos, pos + len);
        pos += len;
        return major === 3 ? Buffer.from(bytes).toString('utf8') : bytes;
      }
      case 4: {
        const len = readLength(info);
        const out: unknown[] = [];
        if (len < 0) {
          while (view.getUint8(pos) !== 0xff) out.push(item());
          pos++;
        } else for (let i = 0; i < len; i++) out.push(item());
        return out;
      }
      case 5: {
        const len = readLength(info);
        const out: Record<string, unknown> = {};
        if (len < 0) {
          while (view.getUint8(pos) !== 0xff) out[String(item())] = item();
          pos++;
        } else for (let i = 0; i < len; i++) out[String(item())] = item();
        return out;
      }
      case 6: {
        const tag = readLength(info);
        const v = item();
        return tag === 1 && typeof v === 'number' ? new Date(v * 1000) : v;
      }
      default: {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info === 25) {
          const h = view.getUint16(pos);
          pos += 2;
          const exp = (h >> 10) & 0x1f;
          const mant = h & 0x3ff;
          const v = exp === 0 ? mant * 2 ** -24 : exp === 31 ? (mant ? NaN : Infinity) : (mant + 1024) * 2 ** (exp - 25);
          return h & 0x8000 ? -v : v;
        }
        if (info === 26) {
          const v = view.getFloat32(pos);
          pos += 4;
          return v;
        }
        if (info === 27) {
          const v = view.getFloat64(pos);
          pos += 8;
          return v;
        }
        throw new Error(`unsupported CBOR simple value ${info}`);
      }
    }
  };
  return item();
}

export function encodeCbor(value: unknown): Buffer {
  const chunks: Buffer[] = [];
  const head = (major: number, n: number): void => {
    if (n < 24) chunks.push(Buffer.from([(major << 5) | n]));
    else if (n < 0x100) chunks.push(Buffer.from([(major << 5) | 24, n]));
    else if (n < 0x10000) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(n, 1);
      chunks.push(b);
    } else if (n < 0x100000000) {
      const b = Buffer.alloc(5);
      b[0] = (major << 5) | 26;
      b.writeUInt32BE(n, 1);
      chunks.push(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = (major << 5) | 27;
      b.writeBigUInt64BE(BigInt(n), 1);
      chunks.push(b);
    }
  };
  const float = (n: number): void => {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(n, 1);
    chunks.push(b);
  };
  const write = (v: unknown): void => {
    if (v === null || v === undefined) chunks.push(Buffer.from([0xf6]));
    else if (v === true) chunks.push(Buffer.from([0xf5]));
    else if (v === false) chunks.push(Buffer.from([0xf4]));
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) {
        if (v >= 0) head(0, v);
        else head(1, -1 - v);
      } else float(v);
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      head(3, b.length);
      chunks.push(b);
    } else if (v instanceof Date) {
      chunks.push(Buffer.from([0xc1]));
      float(v.getTime() / 1000);
    } else if (v instanceof Uint8Array) {
      head(2, v.length);
      chunks.push(Buffer.from(v));
    } else if (Array.isArray(v)) {
      head(4, v.length);
      for (const x of v) write(x);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      head(5, entries.length);
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
    } else throw new Error(`cannot encode ${typeof v} as CBOR`);
  };
  write(value);
  return Buffer.concat(chunks);
}

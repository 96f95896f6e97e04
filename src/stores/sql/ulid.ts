import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom = new Uint8Array(10);

/**
 * A monotonic ULID (26 Crockford base-32 characters: 48-bit ms time, 80 random bits), as the
 * Java repositories use for row ids: ids made later in this process always sort after earlier ones.
 */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  let time = '';
  let t = lastTime;
  for (let i = 0; i < 10; i++) {
    time = (ALPHABET[t % 32] as string) + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const b of lastRandom) bits = (bits << 8n) | BigInt(b);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = (ALPHABET[Number(bits & 31n)] as string) + rand;
    bits >>= 5n;
  }
  return time + rand;
}

function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const v = (bytes[i] as number) + 1;
    bytes[i] = v & 0xff;
    if (v <= 0xff) return;
  }
}

/** The millisecond time a ULID was made at (its first ten characters). */
export function ulidTime(id: string): number {
  let t = 0;
  for (const c of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(c);
  return t;
}

/**
 * Provider cache keys: parts joined with `:`; a `:` inside a part is written as `;`
 * (Clouddriver's Kubernetes `Keys` rule, used here for every provider).
 */
export function encodeKey(parts: readonly string[]): string {
  // join() makes one flat string; `+=` would leave a chain of concatenation nodes (~30 bytes
  // each) behind every key a cache holds. Parts are copied only when one holds a `:`.
  for (const p of parts) if (p.includes(':')) return parts.map((q) => q.replaceAll(':', ';')).join(':');
  return parts.join(':');
}

/** Splits a key into its parts, turning `;` back into `:`. */
export function decodeKey(key: string): string[] {
  return key.split(':').map((p) => p.replaceAll(';', ':'));
}

/** A codec bound to a provider prefix, e.g. `keyCodec('kubernetes.v2')`. */
export interface KeyCodec {
  readonly prefix: string;
  build(...parts: string[]): string;
  /** Parts after the prefix, or undefined when the key has another prefix. */
  parse(key: string): string[] | undefined;
}

export function keyCodec(prefix: string): KeyCodec {
  const head = `${encodeKey([prefix])}:`;
  return {
    prefix,
    build: (...parts) => {
      parts.unshift(prefix); // the rest array is this call's own
      return encodeKey(parts);
    },
    parse: (key) => (key.startsWith(head) ? decodeKey(key.slice(head.length)) : undefined),
  };
}

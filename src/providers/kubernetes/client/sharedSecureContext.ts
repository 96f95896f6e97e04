import { createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { SecureContext, SecureContextOptions } from 'node:tls';

/** The TLS material a kubeconfig gives a connection (what `KubeConfig.applyToHTTPSOptions` sets). */
export type TlsMaterial = Pick<SecureContextOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase'>;

const FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase'] as const;

/** Contexts by the digest of their material, held weakly: a context lives as long as a connection or client uses it. */
const contexts = new Map<string, WeakRef<SecureContext>>();
const forget = new FinalizationRegistry<string>((digest) => {
  if (contexts.get(digest)?.deref() === undefined) contexts.delete(digest);
});

/**
 * One TLS secure context per distinct TLS material, shared by every connection that presents it.
 * Node makes a context per `tls.connect` from the `ca`/`cert`/`key` options (parsing the PEM
 * and building a certificate store each time): ~0.5 ms of CPU and ~20 KB of native memory each
 * here, so 5,000 accounts trusting one CA (accounts per namespace of a shared cluster, or this
 * project's simulator) paid 2.5 s and 100 MB for 5,000 identical contexts, and every reconnect
 * made another. Material that is not strings or Buffers (keys in object form, `{ pem, passphrase }`) gets a context of its own.
 * The digest covers the passphrase too and is kept only as a map key (never logged).
 */
export function sharedSecureContext(material: TlsMaterial): SecureContext {
  const digest = digestOf(material);
  if (digest === undefined) return createSecureContext(material);
  const existing = contexts.get(digest)?.deref();
  if (existing !== undefined) return existing;
  const context = createSecureContext(material);
  contexts.set(digest, new WeakRef(context));
  forget.register(context, digest);
  return context;
}

function digestOf(material: TlsMaterial): string | undefined {
  const hash = createHash('sha256');
  for (const field of FIELDS) {
    const value: unknown = material[field];
    if (value === undefined) continue;
    const parts: unknown[] = Array.isArray(value) ? value : [value];
    hash.update(`${field}:${parts.length};`);
    for (const part of parts) {
      // Each part length-prefixed, so that no two different materials concatenate alike.
      if (typeof part === 'string') hash.update(`s${Buffer.byteLength(part)}:`).update(part);
      else if (Buffer.isBuffer(part)) hash.update(`b${part.length}:`).update(part);
      else return undefined;
    }
  }
  return hash.digest('hex');
}

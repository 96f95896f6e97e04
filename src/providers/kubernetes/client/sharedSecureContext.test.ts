import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPki } from '../../../testing/kubeSim/tls.js';
import { sharedSecureContext } from './sharedSecureContext.js';

describe('sharedSecureContext', () => {
  const one = createPki();
  const other = createPki();

  it('gives connections with the same material one context, whether it arrives as equal strings or equal Buffers', () => {
    const a = sharedSecureContext({ ca: Buffer.from(one.caCert) });
    expect(sharedSecureContext({ ca: Buffer.from(one.caCert) })).toBe(a);
    expect(sharedSecureContext({ ca: `${one.caCert}` })).toBe(sharedSecureContext({ ca: one.caCert.slice(0) }));
    const withClientCert = sharedSecureContext({ ca: one.caCert, cert: one.clientCert, key: one.clientKey });
    expect(sharedSecureContext({ ca: one.caCert, cert: one.clientCert, key: one.clientKey })).toBe(withClientCert);
  });

  it('gives different material different contexts: another CA, a client certificate added, a passphrase', () => {
    const base = sharedSecureContext({ ca: one.caCert });
    expect(sharedSecureContext({ ca: other.caCert })).not.toBe(base);
    expect(sharedSecureContext({ ca: one.caCert, cert: one.clientCert, key: one.clientKey })).not.toBe(base);
    // The same bytes split differently between fields are different material.
    expect(sharedSecureContext({ ca: [one.caCert, other.caCert] })).not.toBe(sharedSecureContext({ ca: [other.caCert, one.caCert] }));
  });

  it('does not share a context made from keys in object form (`{ pem, passphrase }`, no digest of them is taken)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const material = { ca: one.caCert, key: [{ pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }] };
    expect(sharedSecureContext(material as never)).not.toBe(sharedSecureContext(material as never));
  });
});

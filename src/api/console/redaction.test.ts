import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redaction.js';

describe('redactSecrets', () => {
  it('replaces credential fields at any depth and keeps everything else', () => {
    const out = redactSecrets({ name: 'a', nested: [{ password: 'p', token: 't', clientSecret: 'c', secretName: 'kept', credentials: 'account-name' }], enabled: true, token: null });
    expect(out).toEqual({ name: 'a', nested: [{ password: REDACTED, token: REDACTED, clientSecret: REDACTED, secretName: 'kept', credentials: 'account-name' }], enabled: true, token: null });
  });

  it('removes a Secret’s data, stringData and last-applied configuration', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"k":"dg=="}}', other: 'kept' } }, data: { k: 'dg==' }, stringData: { k: 'v' } };
    const out = redactSecrets([{ manifests: [secret] }]) as { manifests: Record<string, unknown>[] }[];
    const m = out[0]?.manifests[0];
    expect(m).toMatchObject({ data: REDACTED, stringData: REDACTED, metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': REDACTED, other: 'kept' } } });
    expect(JSON.stringify(out)).not.toContain('dg==');
    expect(secret.data.k).toBe('dg=='); // the input is not changed
  });
});

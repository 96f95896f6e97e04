/**
 * What the console never shows, whatever a provider stored: values of fields named like
 * credentials, and the `data`/`stringData` of anything shaped like a Kubernetes Secret (task
 * result objects, items written by older versions). Providers redact their own items first
 * (`ProviderConsole.redact`); this is the provider-neutral second line.
 */
export const REDACTED = '[redacted]';

const SECRET_FIELD = /^(password|passwd|passphrase|token|accesstoken|refreshtoken|idtoken|bearertoken|clientsecret|secretkey|secretaccesskey|sessiontoken|privatekey|apikey|kubeconfigcontents|authorization)$/i;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A deep copy of `value` with secret fields replaced by `[redacted]` and Secret data removed. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const obj = value as Record<string, unknown>;
  const secretShaped = typeof obj.kind === 'string' && obj.kind.toLowerCase() === 'secret' && ('data' in obj || 'stringData' in obj);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (secretShaped && (k === 'data' || k === 'stringData')) out[k] = REDACTED;
    else if (SECRET_FIELD.test(k) && v !== null && v !== undefined && typeof v !== 'boolean') out[k] = REDACTED;
    else out[k] = redactSecrets(v, depth + 1);
  }
  // kubectl's last-applied-configuration repeats a Secret's data in clear.
  const meta = out.metadata as { annotations?: Record<string, unknown> } | undefined;
  if (secretShaped && typeof meta?.annotations === 'object' && meta.annotations !== null && LAST_APPLIED in meta.annotations) {
    out.metadata = { ...meta, annotations: { ...meta.annotations, [LAST_APPLIED]: REDACTED } };
  }
  return out;
}

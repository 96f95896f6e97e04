/** Per-cluster fault injection, settable at start and at runtime through the admin endpoint. */
import { z } from 'zod';

export const faultsSchema = z
  .object({
    /** Added to every request before it is handled. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Accept connections and requests, never answer. */
    blackHole: z.boolean().optional(),
    /** Fraction (0..1) of requests answered with `errorStatus` (default 500). */
    errorRate: z.number().min(0).max(1).optional(),
    errorStatus: z.number().int().min(500).max(599).optional(),
    /** Fraction (0..1) of requests answered 429 Too Many Requests with Retry-After. */
    throttleRate: z.number().min(0).max(1).optional(),
    /** End every watch stream this long after it starts (a dropped connection). */
    dropWatchAfterMs: z.number().int().min(0).optional(),
    /** Every watch from a resourceVersion, and every `continue`, gets 410 Gone. */
    forceGone: z.boolean().optional(),
    /** Every request is rejected 401 (credentials no longer valid). */
    unauthorized: z.boolean().optional(),
    /** Requests for these resources and/or namespaces are refused 403 Forbidden. */
    forbidden: z.object({ resources: z.array(z.string()).optional(), namespaces: z.array(z.string()).optional() }).strict().optional(),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

/** Whether `forbidden` covers a request (both lists given: both must match). */
export function isForbidden(faults: Faults, resource: string, namespace: string | undefined): boolean {
  const f = faults.forbidden;
  if (f === undefined) return false;
  const byResource = f.resources === undefined || f.resources.includes(resource);
  const byNamespace = f.namespaces === undefined || (namespace !== undefined && f.namespaces.includes(namespace));
  return (f.resources !== undefined || f.namespaces !== undefined) && byResource && byNamespace;
}

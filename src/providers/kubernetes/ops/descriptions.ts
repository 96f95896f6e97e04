import { z } from 'zod';

/**
 * Wire shapes shared by the Kubernetes operation descriptions (Clouddriver's
 * `KubernetesAtomicOperationDescription` and its subclasses). Objects are passthrough: Orca sends
 * more fields than any one operation reads (`cloudProvider`, `user`, `stageId`, ...).
 */

/** kork's `Artifact` as Orca sends it; only `type` is required for binding. */
export const artifactSchema = z
  .object({
    type: z.string().min(1),
    name: z.string().optional(),
    version: z.string().nullish(),
    location: z.string().nullish(),
    reference: z.string().nullish(),
    artifactAccount: z.string().nullish(),
    metadata: z.record(z.unknown()).nullish(),
    provenance: z.string().nullish(),
    uuid: z.string().nullish(),
    customKind: z.boolean().nullish(),
  })
  .passthrough();
export type Artifact = z.infer<typeof artifactSchema>;

/** `Moniker` (`app` is the one field Clouddriver requires on deploy). */
export const monikerSchema = z
  .object({
    app: z.string().min(1),
    cluster: z.string().nullish(),
    stack: z.string().nullish(),
    detail: z.string().nullish(),
    sequence: z.number().int().nullish(),
  })
  .passthrough();
export type MonikerDescription = z.infer<typeof monikerSchema>;

/** How deep `kind: List` manifests may nest (kubectl never nests them; the bound keeps expansion off the stack limit). */
const MAX_LIST_DEPTH = 16;

/**
 * A manifest as sent: any JSON object (checked by the operation, which reports every problem at
 * once), except that `apiVersion` and `kind`, when present, are strings, in the manifest and in the
 * items of a `kind: List` at any depth: the API server refuses other types when it decodes the
 * object, and the operation reads both as strings to find the kind.
 */
export const manifestSchema = z.record(z.unknown()).superRefine((manifest, ctx) => {
  const pending: { m: Record<string, unknown>; path: (string | number)[] }[] = [{ m: manifest, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { m, path } = next;
    for (const field of ['apiVersion', 'kind'] as const) {
      if (m[field] !== undefined && typeof m[field] !== 'string') ctx.addIssue({ code: 'custom', path: [...path, field], message: `${field} must be a string` });
    }
    if (m.kind !== 'List' || !Array.isArray(m.items)) continue;
    if (path.filter((p) => p === 'items').length >= MAX_LIST_DEPTH) {
      ctx.addIssue({ code: 'custom', path: [...path, 'items'], message: `Lists may nest at most ${MAX_LIST_DEPTH} deep` });
      continue;
    }
    m.items.forEach((item: unknown, i) => {
      if (typeof item === 'object' && item !== null && !Array.isArray(item)) pending.push({ m: item as Record<string, unknown>, path: [...path, 'items', i] });
    });
  }
});

/**
 * The largest replica count: `spec.replicas` is an int32 in the Kubernetes API, and Clouddriver's
 * descriptions read counts into Java `Integer`s, so Jackson refuses anything larger with a 400.
 */
export const MAX_REPLICAS = 2_147_483_647;

/** Every Kubernetes description names its account. */
export const accountField = z.string().min(1, 'account is required');

/** `KubernetesCoordinates` as Orca sends them: `manifestName` is `"{kind} {name}"`, `location` the namespace. */
export const coordinatesSchema = z
  .object({
    account: accountField,
    manifestName: z.string().min(1),
    location: z.string().default(''),
  })
  .passthrough();
export type CoordinatesDescription = z.infer<typeof coordinatesSchema>;

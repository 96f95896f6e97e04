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

/** A manifest as sent: any JSON object (checked by the operation, which reports every problem at once). */
export const manifestSchema = z.record(z.unknown());

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

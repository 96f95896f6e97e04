import type { Readable } from 'node:stream';

/**
 * kork's `Artifact` as clients send it to `PUT /artifacts/fetch` and inside operation
 * descriptions. Only `type` and `artifactAccount` matter to choose the account; what the other
 * fields mean depends on the type (a URL, `s3://bucket/key`, Maven coordinates, ...).
 */
export interface ArtifactRequest {
  readonly type: string;
  readonly artifactAccount?: string | null;
  readonly reference?: string | null;
  readonly name?: string | null;
  readonly version?: string | null;
  readonly location?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
}

/** One artifact account as `GET /artifacts/credentials` lists it (`ArtifactCredentials`). */
export interface ArtifactAccountSummary {
  readonly name: string;
  /** Artifact types the account handles; Deck's artifact editors offer the account for these. */
  readonly types: readonly string[];
  /** Credentials type (`ArtifactCredentials.getType()`), e.g. `artifacts-github`. */
  readonly type: string;
}

/**
 * Downloads artifacts through the configured artifact accounts (Clouddriver's
 * `ArtifactDownloader` + `ArtifactCredentialsRepository`).
 *
 * Errors (from `core/errors.ts`), whatever the type:
 * - `InputError`: no `artifactAccount` ("An artifact account must be supplied..."), a malformed
 *   reference, a type whose content is never downloaded (docker/image, kubernetes/*, custom/object),
 *   or an artifact larger than the configured limit.
 * - `NotFoundError`: no account of that name handles the type ("Credentials 'x' supporting
 *   artifact type 'y' cannot be found"), or the remote has no such object.
 * - `DependencyError`: the remote refused the account's credentials (its status), failed (5xx),
 *   or did not answer within the time limit (status 0).
 * Messages name the account, the host and the status; never a credential.
 */
export interface ArtifactDownloader {
  /** Every account, in a stable order. */
  accounts(): readonly ArtifactAccountSummary[];
  /**
   * The artifact's bytes. The stream fails (with one of the errors above) if the remote stalls
   * past the time limit or sends more than the size limit; the caller must consume or destroy it.
   * `signal` aborts the download (the caller went away).
   */
  download(artifact: ArtifactRequest, signal?: AbortSignal): Promise<Readable>;
  /** Artifact names the account offers for `type` (helm charts); `InputError` when it offers none. */
  names(accountName: string, type: string, signal?: AbortSignal): Promise<string[]>;
  /** Versions of one artifact (helm chart versions); `InputError` when the account offers none. */
  versions(accountName: string, type: string, artifactName: string, signal?: AbortSignal): Promise<string[]>;
}

/** Reads a whole artifact into memory (manifests and other small artifacts). */
export async function readArtifact(downloader: ArtifactDownloader, artifact: ArtifactRequest, signal?: AbortSignal): Promise<Buffer> {
  const stream = await downloader.download(artifact, signal);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

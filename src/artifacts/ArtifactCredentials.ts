import type { Readable } from 'node:stream';
import type { ArtifactAccountSummary, ArtifactRequest } from '../core/artifacts/ArtifactDownloader.js';
import type { Logger } from '../core/Logger.js';

/** What one download may use: the time limit (as an abort signal), the size limit, a logger. */
export interface DownloadContext {
  /** Aborted when the time limit passes or the caller goes away. */
  readonly signal: AbortSignal;
  /** Bytes allowed; a credentials type that knows the size up front refuses early. */
  readonly maxBytes: number;
  readonly logger: Logger;
}

/** An artifact's bytes as a credentials type hands them over. */
export interface Download {
  readonly stream: Readable;
  /** The size when the remote announced it (Content-Length, S3 ContentLength, a file's size). */
  readonly size?: number;
  /** Runs once the stream is finished or destroyed (temporary directories). */
  readonly cleanup?: () => Promise<void>;
}

/**
 * One artifact account (Clouddriver's `ArtifactCredentials`): its name, the artifact types it
 * handles and its credentials type, and how it downloads. Implementations throw the errors of
 * `core/errors.ts` with messages that name the account and never a credential.
 */
export interface ArtifactCredentials extends ArtifactAccountSummary {
  handlesType(type: string): boolean;
  download(artifact: ArtifactRequest, ctx: DownloadContext): Promise<Download>;
  /** `getArtifactNames` (helm); absent when the account offers none. */
  names?(ctx: DownloadContext): Promise<string[]>;
  /** `getArtifactVersions` (helm); absent when the account offers none. */
  versions?(artifactName: string, ctx: DownloadContext): Promise<string[]>;
}

import { Transform, type Readable } from 'node:stream';
import type { ArtifactAccountSummary, ArtifactDownloader, ArtifactRequest } from '../core/artifacts/ArtifactDownloader.js';
import { DependencyError, InputError, NotFoundError, ServiceError } from '../core/errors.js';
import type { Logger } from '../core/Logger.js';
import type { ArtifactCredentials, DownloadContext } from './ArtifactCredentials.js';
import { tooLarge } from './httpGet.js';

/** A time limit that can be cancelled; tests inject one they fire by hand. */
export interface Deadline {
  readonly signal: AbortSignal;
  cancel(): void;
}

export interface ArtifactRegistryOptions {
  readonly accounts: readonly ArtifactCredentials[];
  /** Largest artifact (bytes). */
  readonly maxBytes: number;
  /** Time limit of one download, from the request to the last byte read. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Starts a time limit; defaults to a timer. */
  readonly deadline?: (ms: number) => Deadline;
}

/** A failure while reading the remote's body (a reset connection, ...): a 502 naming the account, not a 500. */
function readFailure(account: string, err: Error): Error {
  if (err instanceof ServiceError) return err;
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return new DependencyError(502, `Download from artifact account '${account}' failed while reading: ${typeof code === 'string' ? code : err.name}`);
}

const timerDeadline = (ms: number): Deadline => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  timer.unref();
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
};

/**
 * The artifact accounts (Clouddriver's `ArtifactCredentialsRepository` + `ArtifactDownloader`):
 * finds the account by name *and* type, runs its download under the time limit, and holds the
 * stream to the size limit. Logs name the account and type, never a reference's query or a
 * credential.
 */
export class ArtifactRegistry implements ArtifactDownloader {
  private readonly deadline: (ms: number) => Deadline;

  constructor(private readonly opts: ArtifactRegistryOptions) {
    this.deadline = opts.deadline ?? timerDeadline;
  }

  accounts(): ArtifactAccountSummary[] {
    return this.opts.accounts.map((a) => ({ name: a.name, types: [...a.types], type: a.type }));
  }

  /** `ArtifactCredentialsRepository.getCredentialsForType`. */
  credentialsFor(accountName: string | null | undefined, type: string | null | undefined): ArtifactCredentials {
    if (!accountName) throw new InputError(`An artifact account must be supplied to download this artifact: ${String(accountName ?? null)}`);
    if (!type) throw new InputError('An artifact type must be supplied to download this artifact');
    const found = this.opts.accounts.find((a) => a.name === accountName && a.handlesType(type));
    if (found === undefined) throw new NotFoundError(`Credentials '${accountName}' supporting artifact type '${type}' cannot be found`);
    return found;
  }

  async download(artifact: ArtifactRequest, signal?: AbortSignal): Promise<Readable> {
    const account = this.credentialsFor(artifact.artifactAccount, artifact.type);
    const { ctx, deadline, timedOut } = this.context(account, signal);
    const log = this.opts.logger.child({ artifactAccount: account.name, artifactType: artifact.type });
    log.debug('downloading artifact');
    let download;
    try {
      download = await account.download(artifact, ctx);
    } catch (err) {
      deadline.cancel();
      const failure = timedOut() ?? err;
      log.info({ reason: failure instanceof Error ? failure.message : String(failure) }, 'artifact download failed');
      throw failure;
    }
    const done = (): void => {
      deadline.cancel();
      void download.cleanup?.().catch(() => undefined);
    };
    const late = timedOut();
    if (late !== undefined) {
      download.stream.destroy();
      done();
      throw late;
    }
    if (download.size !== undefined && download.size > this.opts.maxBytes) {
      download.stream.destroy();
      done();
      throw tooLarge(account.name, artifact.type, download.size, this.opts.maxBytes);
    }
    let seen = 0;
    const max = this.opts.maxBytes;
    const limited = new Transform({
      transform(chunk: Buffer, _enc, callback) {
        seen += chunk.length;
        if (seen > max) callback(tooLarge(account.name, artifact.type, seen, max));
        else callback(null, chunk);
      },
    });
    const onAbort = (): void => {
      limited.destroy(timedOut() ?? new DependencyError(0, `Download from artifact account '${account.name}' was cancelled`));
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    download.stream.on('error', (err) => limited.destroy(timedOut() ?? readFailure(account.name, err)));
    limited.on('close', () => {
      ctx.signal.removeEventListener('abort', onAbort);
      download.stream.destroy();
      done();
    });
    download.stream.pipe(limited);
    return limited;
  }

  async names(accountName: string, type: string, signal?: AbortSignal): Promise<string[]> {
    const account = this.credentialsFor(accountName, type);
    if (account.names === undefined) throw new InputError(`Artifact names are not supported for artifact types that '${account.name}' account handles`);
    return this.listing(account, signal, (ctx) => account.names?.(ctx) ?? Promise.resolve([]));
  }

  async versions(accountName: string, type: string, artifactName: string, signal?: AbortSignal): Promise<string[]> {
    const account = this.credentialsFor(accountName, type);
    if (account.versions === undefined) throw new InputError(`Artifact versions are not supported for artifact types that '${account.name}' account handles`);
    return this.listing(account, signal, (ctx) => account.versions?.(artifactName, ctx) ?? Promise.resolve([]));
  }

  private async listing(account: ArtifactCredentials, signal: AbortSignal | undefined, run: (ctx: DownloadContext) => Promise<string[]>): Promise<string[]> {
    const { ctx, deadline, timedOut } = this.context(account, signal);
    try {
      return await run(ctx);
    } catch (err) {
      throw timedOut() ?? err;
    } finally {
      deadline.cancel();
    }
  }

  private context(account: ArtifactCredentials, signal: AbortSignal | undefined): { ctx: DownloadContext; deadline: Deadline; timedOut: () => Error | undefined } {
    const deadline = this.deadline(this.opts.timeoutMs);
    const combined = signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, signal]);
    const ctx: DownloadContext = { signal: combined, maxBytes: this.opts.maxBytes, logger: this.opts.logger.child({ artifactAccount: account.name }) };
    const timedOut = (): Error | undefined =>
      deadline.signal.aborted ? new DependencyError(0, `Download from artifact account '${account.name}' timed out after ${this.opts.timeoutMs / 1000} s (artifacts.timeoutSeconds)`) : undefined;
    return { ctx, deadline, timedOut };
  }
}

import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ArtifactDownloader, ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import { InputError } from '../../core/errors.js';

export interface ArtifactRouteDeps {
  readonly artifacts: ArtifactDownloader;
  /**
   * Bytes read before the answer starts: an artifact that ends (or fails, e.g. over the size
   * limit) within them gets an exact status; a failure after them can only cut the stream.
   */
  readonly primeBytes?: number;
}

const text = z.string().nullish();
/** kork's `Artifact` as `PUT /artifacts/fetch` takes it (other fields are ignored). */
const artifactBody = z
  .object({
    type: text,
    artifactAccount: text,
    reference: text,
    name: text,
    version: text,
    location: text,
    metadata: z.record(z.unknown()).nullish(),
  })
  .passthrough();

const namesQuery = z.object({ type: z.string().min(1, 'the type query parameter is required') });
const versionsQuery = namesQuery.extend({ artifactName: z.string().min(1, 'the artifactName query parameter is required') });

/**
 * Clouddriver's `ArtifactController`:
 * - `GET /artifacts/credentials`: `[{name, types[], type}]`, every artifact account.
 * - `PUT /artifacts/fetch` with an Artifact body: the artifact's bytes
 *   (`application/octet-stream`). The account must match both `artifactAccount` and `type`:
 *   400 without an account, 404 "Credentials 'x' supporting artifact type 'y' cannot be found".
 * - `GET /artifacts/account/{accountName}/names?type=` and
 *   `.../versions?type=&artifactName=`: lists of strings (helm accounts).
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: ArtifactRouteDeps): void {
  const primeBytes = deps.primeBytes ?? 1024 * 1024;

  app.get('/artifacts/credentials', async () => deps.artifacts.accounts());

  app.put('/artifacts/fetch', async (request, reply) => {
    const parsed = artifactBody.safeParse(request.body);
    if (!parsed.success) throw new InputError(`The body must be an artifact: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
    const { type, ...rest } = parsed.data;
    if (!rest.artifactAccount) throw new InputError(`An artifact account must be supplied to download this artifact: ${String(rest.artifactAccount ?? null)}`);
    if (!type) throw new InputError('An artifact type must be supplied to download this artifact');
    const artifact: ArtifactRequest = { ...rest, type };

    const cancel = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) cancel.abort();
    });
    const stream = await deps.artifacts.download(artifact, cancel.signal);
    const head = await prime(stream, primeBytes);
    reply.header('content-type', 'application/octet-stream');
    if (head.ended) return reply.send(Buffer.concat(head.chunks));
    const out = new PassThrough();
    for (const chunk of head.chunks) out.write(chunk);
    stream.on('error', (err) => out.destroy(err));
    out.on('close', () => stream.destroy());
    stream.pipe(out);
    return reply.send(out);
  });

  app.get<{ Params: { accountName: string } }>('/artifacts/account/:accountName/names', async (request) => {
    const query = parseQuery(namesQuery, request.query);
    return deps.artifacts.names(request.params.accountName, query.type);
  });

  app.get<{ Params: { accountName: string } }>('/artifacts/account/:accountName/versions', async (request) => {
    const query = parseQuery(versionsQuery, request.query);
    return deps.artifacts.versions(request.params.accountName, query.type, query.artifactName);
  });
}

function parseQuery<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** Reads up to `limit` bytes (or to the end); the stream is left paused after them. */
function prime(stream: Readable, limit: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        stream.pause();
        cleanup();
        resolve({ chunks, ended: false });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ chunks, ended: true });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ArtifactDownloader, ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import { InputError } from '../../core/errors.js';
import { anyObject, arrayOf, documented, errorSchema } from '../openapi/routeDoc.js';

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

  app.get(
    '/artifacts/credentials',
    documented({
      summary: 'Artifact accounts',
      description: "Clouddriver's `ArtifactController.list`: every artifact account as `{name, types[], type}`.",
      tags: ['artifacts'],
      responses: { 200: arrayOf('Artifact accounts', { type: 'object', properties: { name: { type: 'string' }, types: { type: 'array', items: { type: 'string' } }, type: { type: 'string' } } }) },
    }),
    async () => deps.artifacts.accounts(),
  );

  app.put(
    '/artifacts/fetch',
    documented({
      summary: 'Download an artifact',
      description:
        "Clouddriver's `ArtifactController.fetch`: the artifact's bytes from the account named by `artifactAccount` that supports its `type` (http, github, gitlab, bitbucket, git/repo, s3, helm, jenkins, maven, embedded). 400 without an account or type; 404 \"Credentials 'x' supporting artifact type 'y' cannot be found\"; a failure after the first MiB cuts the stream.",
      tags: ['artifacts'],
      body: anyObject("kork's Artifact (other fields are ignored)", {
        type: { type: 'string', description: 'e.g. http/file, s3/object, helm/chart' },
        artifactAccount: { type: 'string' },
        reference: { type: 'string' },
        name: { type: 'string' },
        version: { type: 'string' },
        location: { type: 'string' },
        metadata: { type: 'object', additionalProperties: true },
      }),
      responses: {
        200: { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        400: errorSchema('No account or type, or a malformed reference'),
        404: errorSchema('No such account for that type, or no such artifact'),
      },
    }),
    async (request, reply) => {
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
    },
  );

  app.get<{ Params: { accountName: string } }>(
    '/artifacts/account/:accountName/names',
    documented({
      summary: "Artifact names of an account",
      description: "Clouddriver's `ArtifactController.getNames`: the names an account offers for a type (helm accounts: chart names).",
      tags: ['artifacts'],
      params: { accountName: 'The artifact account' },
      query: { type: 'The artifact type, e.g. helm/chart' },
      requiredQuery: ['type'],
      responses: { 200: { description: 'Names', type: 'array', items: { type: 'string' } }, 400: errorSchema('No type') },
    }),
    async (request) => {
      const query = parseQuery(namesQuery, request.query);
      return deps.artifacts.names(request.params.accountName, query.type);
    },
  );

  app.get<{ Params: { accountName: string } }>(
    '/artifacts/account/:accountName/versions',
    documented({
      summary: 'Versions of an artifact',
      description: "Clouddriver's `ArtifactController.getVersions`: the versions of one named artifact (helm accounts: chart versions).",
      tags: ['artifacts'],
      params: { accountName: 'The artifact account' },
      query: { type: 'The artifact type', artifactName: 'The artifact name' },
      requiredQuery: ['type', 'artifactName'],
      responses: { 200: { description: 'Versions', type: 'array', items: { type: 'string' } }, 400: errorSchema('No type or artifactName') },
    }),
    async (request) => {
      const query = parseQuery(versionsQuery, request.query);
      return deps.artifacts.versions(request.params.accountName, query.type, query.artifactName);
    },
  );
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

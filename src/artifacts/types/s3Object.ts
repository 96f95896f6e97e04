import { Readable } from 'node:stream';
import type * as S3SdkModule from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { DependencyError, InputError, NotFoundError } from '../../core/errors.js';
import type { ArtifactCredentials, Download } from '../ArtifactCredentials.js';
import type { S3AccountConfig } from '../config.js';

type S3Sdk = typeof S3SdkModule;
let sdk: Promise<S3Sdk> | undefined;

/** The S3 client library, imported at the first S3 download rather than when the service starts (it is a fifth of a second of start-up). */
function s3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  return sdk;
}

/**
 * `S3ArtifactCredentials`: `s3/object` references are `s3://bucket/key` (`s3://` optional).
 * `apiEndpoint` points the client at any S3-compatible service (region `apiRegion`), with
 * path-style addressing unless `pathStyleAccess: false`; otherwise `region` picks the AWS region.
 * Static keys when both are configured, else the SDK's default credential chain.
 */
export function s3ObjectCredentials(account: S3AccountConfig): ArtifactCredentials {
  let client: S3Client | undefined;
  const clientOf = ({ S3Client }: S3Sdk): S3Client =>
    (client ??= new S3Client({
      region: account.apiEndpoint !== undefined ? (account.apiRegion ?? account.region ?? 'us-east-1') : (account.region ?? account.apiRegion ?? 'us-east-1'),
      ...(account.apiEndpoint !== undefined ? { endpoint: account.apiEndpoint, forcePathStyle: account.pathStyleAccess ?? true } : { forcePathStyle: account.pathStyleAccess ?? false }),
      ...(account.awsAccessKeyId !== undefined && account.awsSecretAccessKey !== undefined
        ? { credentials: { accessKeyId: account.awsAccessKeyId, secretAccessKey: account.awsSecretAccessKey } }
        : {}),
    }));

  return {
    name: account.name,
    type: 'artifacts-s3',
    types: ['s3/object'],
    handlesType: (t) => t === 's3/object',
    async download(artifact, ctx): Promise<Download> {
      const reference = (artifact.reference ?? '').replace(/^s3:\/\//, '');
      const slash = reference.indexOf('/');
      if (slash <= 0 || slash === reference.length - 1) throw new InputError(`S3 references must be of the format s3://<bucket>/<file-path>, got: '${artifact.reference ?? ''}'`);
      const bucket = reference.slice(0, slash);
      const key = reference.slice(slash + 1);
      const where = `s3://${bucket}/${key}`;
      const s3 = await s3Sdk();
      try {
        const out = await clientOf(s3).send(new s3.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: ctx.signal });
        const body = out.Body;
        const stream = body instanceof Readable ? body : Readable.from([]);
        return { stream, ...(typeof out.ContentLength === 'number' ? { size: out.ContentLength } : {}) };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw s3Error(s3, account.name, where, err);
      }
    },
  };
}

/** S3's error code and status, never the request's signature or keys. */
function s3Error({ S3ServiceException }: S3Sdk, account: string, where: string, err: unknown): Error {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode ?? 0;
    if (err.name === 'NoSuchKey' || err.name === 'NoSuchBucket' || status === 404) return new NotFoundError(`${where} not found (${err.name}; account '${account}')`);
    if (status === 401 || status === 403) return new DependencyError(status, `S3 refused artifact account '${account}' reading ${where}: ${err.name} (HTTP ${status}); check the account's credentials`);
    return new DependencyError(status === 0 ? 502 : status, `S3 failed reading ${where} for artifact account '${account}': ${err.name} (HTTP ${status})`);
  }
  const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : err instanceof Error ? err.name : 'error';
  return new DependencyError(502, `Artifact account '${account}' could not read ${where}: ${code}`);
}

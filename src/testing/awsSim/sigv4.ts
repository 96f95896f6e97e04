/**
 * AWS Signature Version 4 verification (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * the request's canonical form is rebuilt, the signature recomputed from the secret of the
 * access key named in the credential scope, and compared. The scope also tells the service
 * (`ec2`, `autoscaling`, `elasticloadbalancing`, `monitoring`, `iam`, `sts`) and the region.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  readonly method: string;
  /** Path as received (percent-encoded), without the query string. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/ec2/aws4_request, SignedHeaders=..., Signature=...`. */
export function parseAuthorization(header: string | undefined): CredentialScope | undefined {
  if (header === undefined || !header.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const parts = new Map<string, string>();
  for (const piece of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
  }
  const cred = parts.get('Credential')?.split('/');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (cred?.length !== 5 || signedHeaders === undefined || signature === undefined) return undefined;
  const [accessKeyId, date, region, service] = cred as [string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? kv : kv.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : decodeURIComponent(kv.slice(eq + 1).replace(/\+/g, ' '));
    return [rfc3986(k), rfc3986(v)] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Non-S3 services: each path segment normalized and URI-encoded (the path arrives encoded once). */
function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((seg) => rfc3986(rfc3986(decodeURIComponent(seg))))
    .join('/');
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The signature the request should carry if signed with `secret`. */
export function expectedSignature(req: SignedRequest, scope: CredentialScope, secret: string): string {
  const header = (name: string): string => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const canonicalHeaders = scope.signedHeaders.map((h) => `${h}:${header(h)}\n`).join('');
  const payloadHash = header('x-amz-content-sha256') || sha256(req.body);
  const canonicalRequest = [req.method, canonicalPath(req.path), canonicalQuery(req.query), canonicalHeaders, scope.signedHeaders.join(';'), payloadHash].join('\n');
  const amzDate = header('x-amz-date');
  const scopeString = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scopeString, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, scope.date);
  key = hmac(key, scope.region);
  key = hmac(key, scope.service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export function signatureMatches(req: SignedRequest, scope: CredentialScope, secret: string): boolean {
  const want = Buffer.from(expectedSignature(req, scope, secret));
  const got = Buffer.from(scope.signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

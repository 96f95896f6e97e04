/**
 * AWS Identity and Access Management server certificates (awsQuery, 2010-05-08, global):
 * UploadServerCertificate (the PEM body is parsed for its expiry and checked against the private
 * key), ListServerCertificates (PathPrefix, Marker/MaxItems with IsTruncated), GetServerCertificate,
 * UpdateServerCertificate (rename/move), DeleteServerCertificate (refused while a load balancer
 * listener uses it). docs.aws.amazon.com/IAM/latest/APIReference/API_UploadServerCertificate.html
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { AwsError, validationError } from '../errors.js';
import { paginate } from '../pagination.js';
import { int, objects, str } from '../params.js';
import type { ActionHandler, RequestContext, ServiceDefinition } from '../service.js';
import type { ServerCertificate } from '../state.js';

function metadata(c: ServerCertificate): Record<string, unknown> {
  return { Path: c.Path, ServerCertificateName: c.ServerCertificateName, ServerCertificateId: c.ServerCertificateId, Arn: c.Arn, UploadDate: c.UploadDate, Expiration: c.Expiration };
}

function find(ctx: RequestContext, name: string | undefined): ServerCertificate {
  const c = ctx.account.iam.serverCertificates.get(name ?? '');
  if (c === undefined) throw new AwsError('NoSuchEntity', `The Server Certificate with name ${name ?? ''} cannot be found.`, 404);
  return c;
}

function inUse(ctx: RequestContext, arn: string): boolean {
  for (const region of ctx.account.regions()) {
    for (const lb of region.elb.loadBalancers.values()) if (lb.listeners.some((l) => l.SSLCertificateId === arn)) return true;
    for (const l of region.elbv2.listeners.values()) if (l.certificates.some((c) => c.CertificateArn === arn) || l.extraCertificates.includes(arn)) return true;
  }
  return false;
}

const actions: Record<string, ActionHandler> = {
  UploadServerCertificate: (ctx, p) => {
    const name = str(p, 'ServerCertificateName') ?? '';
    if (!/^[\w+=,.@-]{1,128}$/.test(name)) throw validationError(`The specified value for serverCertificateName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-`);
    const body = str(p, 'CertificateBody') ?? '';
    const key = str(p, 'PrivateKey') ?? '';
    const path = str(p, 'Path') ?? '/';
    if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw validationError('The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.');
    if (ctx.account.iam.serverCertificates.has(name)) throw new AwsError('EntityAlreadyExists', `The Server Certificate with name ${name} already exists.`, 409);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(body);
    } catch {
      throw new AwsError('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
    }
    try {
      if (!cert.checkPrivateKey(createPrivateKey(key))) throw new Error('mismatch');
    } catch {
      throw new AwsError('KeyPairMismatch', 'The public key certificate and the private key do not match.');
    }
    const c: ServerCertificate = {
      Path: path,
      ServerCertificateName: name,
      ServerCertificateId: `ASCA${ctx.world.upper(17)}`,
      Arn: `arn:aws:iam::${ctx.account.id}:server-certificate${path}${name}`,
      UploadDate: ctx.world.now(),
      Expiration: new Date(cert.validTo),
      CertificateBody: body,
      ...(str(p, 'CertificateChain') === undefined ? {} : { CertificateChain: str(p, 'CertificateChain') }),
      tags: objects(p, 'Tags').map((t) => ({ Key: str(t, 'Key') ?? '', Value: str(t, 'Value') ?? '' })),
    };
    ctx.account.iam.serverCertificates.set(name, c);
    return { ServerCertificateMetadata: metadata(c), Tags: c.tags };
  },

  ListServerCertificates: (ctx, p) => {
    const prefix = str(p, 'PathPrefix') ?? '/';
    const certs = [...ctx.account.iam.serverCertificates.values()].filter((c) => c.Path.startsWith(prefix)).sort((a, b) => (a.ServerCertificateName < b.ServerCertificateName ? -1 : 1));
    const page = paginate(certs, {
      token: str(p, 'Marker'),
      size: int(p, 'MaxItems'),
      defaultSize: 100,
      min: 1,
      max: 1000,
      scope: `${ctx.account.id}/ListServerCertificates`,
      invalidTokenCode: 'ValidationError',
      invalidSize: (n) => validationError(`1 validation error detected: Value '${n}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000`),
    });
    return { ServerCertificateMetadataList: page.items.map(metadata), IsTruncated: page.next !== undefined, Marker: page.next };
  },

  GetServerCertificate: (ctx, p) => {
    const c = find(ctx, str(p, 'ServerCertificateName'));
    return { ServerCertificate: { ServerCertificateMetadata: metadata(c), CertificateBody: c.CertificateBody, CertificateChain: c.CertificateChain, Tags: c.tags } };
  },

  UpdateServerCertificate: (ctx, p) => {
    const c = find(ctx, str(p, 'ServerCertificateName'));
    const newName = str(p, 'NewServerCertificateName') ?? c.ServerCertificateName;
    const newPath = str(p, 'NewPath') ?? c.Path;
    if (newName !== c.ServerCertificateName && ctx.account.iam.serverCertificates.has(newName)) throw new AwsError('EntityAlreadyExists', `The Server Certificate with name ${newName} already exists.`, 409);
    ctx.account.iam.serverCertificates.delete(c.ServerCertificateName);
    ctx.account.iam.serverCertificates.set(newName, { ...c, ServerCertificateName: newName, Path: newPath, Arn: `arn:aws:iam::${ctx.account.id}:server-certificate${newPath}${newName}` });
    return undefined;
  },

  DeleteServerCertificate: (ctx, p) => {
    const c = find(ctx, str(p, 'ServerCertificateName'));
    if (inUse(ctx, c.Arn)) throw new AwsError('DeleteConflict', `Certificate: ${c.ServerCertificateId} is currently in use by a load balancer listener.`, 409);
    ctx.account.iam.serverCertificates.delete(c.ServerCertificateName);
    return undefined;
  },
};

export const iam: ServiceDefinition = {
  signingName: 'iam',
  version: '2010-05-08',
  protocol: 'query',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  throttleCode: 'Throttling',
  actions,
};

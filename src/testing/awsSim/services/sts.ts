/**
 * AWS Security Token Service (awsQuery, 2011-06-15): GetCallerIdentity and AssumeRole into any
 * simulated account. Any role name is assumable (IAM roles and trust policies are not simulated);
 * the temporary credentials sign requests into the role's account until they expire.
 * docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { AwsError, validationError } from '../errors.js';
import { int, required } from '../params.js';
import type { ServiceDefinition } from '../service.js';

export const sts: ServiceDefinition = {
  signingName: 'sts',
  version: '2011-06-15',
  protocol: 'query',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  throttleCode: 'Throttling',
  actions: {
    GetCallerIdentity: (ctx) => ({ UserId: ctx.credentials.userId, Account: ctx.credentials.accountId, Arn: ctx.credentials.arn }),

    AssumeRole: (ctx, p) => {
      const roleArn = required(p, 'RoleArn');
      const sessionName = required(p, 'RoleSessionName');
      if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
        throw validationError(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
      }
      const duration = int(p, 'DurationSeconds') ?? 3600;
      if (duration < 900 || duration > 43200) throw validationError(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
      const m = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
      if (m === null) throw validationError(`${roleArn} is invalid`);
      const [, accountId = '', roleName = ''] = m;
      if (ctx.world.account(accountId) === undefined) {
        throw new AwsError('AccessDenied', `User: ${ctx.credentials.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      }
      const roleId = `AROA${ctx.world.upper(17)}`;
      const expiresAt = ctx.world.clock.now() + duration * 1000;
      const credentials = {
        accessKeyId: `ASIA${ctx.world.upper(16)}`,
        secretAccessKey: ctx.world.secret(40),
        sessionToken: `IQoJb3JpZ2luX2VjE${ctx.world.secret(120)}`,
        accountId,
        arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
        userId: `${roleId}:${sessionName}`,
        expiresAt,
      };
      ctx.world.credentials.set(credentials.accessKeyId, credentials);
      return {
        Credentials: { AccessKeyId: credentials.accessKeyId, SecretAccessKey: credentials.secretAccessKey, SessionToken: credentials.sessionToken, Expiration: new Date(expiresAt) },
        AssumedRoleUser: { AssumedRoleId: credentials.userId, Arn: credentials.arn },
      };
    },
  },
};

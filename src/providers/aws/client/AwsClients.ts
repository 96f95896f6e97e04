/**
 * The AWS SDK v3 clients of one account (Clouddriver's `AmazonClientProvider`): one per service
 * and region, created on first use, all sharing the account's credentials and a rate limiter per
 * service. Every call goes through the SDK's standard retry strategy (exponential back-off with
 * jitter; throttling errors wait longer) and, per attempt, the account's token bucket.
 *
 * Credentials: the SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, profiles, container or instance roles); with `assumeRole`, temporary
 * credentials from STS `AssumeRole` into `arn:aws:iam::{accountId}:{assumeRole}`
 * (`AssumeRoleAmazonCredentials`), renewed five minutes before they expire. No credential is
 * ever logged or kept outside the SDK's own providers.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { RateLimiter } from './RateLimiter.js';

export interface AwsClientOptions {
  readonly endpoint?: string;
  readonly accountId?: string;
  readonly assumeRole?: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  readonly rateLimit: number;
  readonly maxAttempts: number;
}

/** The SDK's credential identity (`@aws-sdk/types` `AwsCredentialIdentity`). */
interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

type Service = 'ec2' | 'autoscaling' | 'elb' | 'elbv2' | 'cloudwatch' | 'iam';
interface ClientTypes {
  ec2: EC2Client;
  autoscaling: AutoScalingClient;
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
  iam: IAMClient;
}

interface MiddlewareClient {
  middlewareStack: { add(mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, opts: { step: 'finalizeRequest'; priority: 'low'; name: string }): void };
  destroy(): void;
}

/** Seconds before expiry at which assumed-role credentials are renewed. */
const RENEW_BEFORE_MS = 5 * 60_000;

export class AwsClients {
  private readonly clients = new Map<string, MiddlewareClient>();
  private readonly limiters = new Map<Service, RateLimiter>();
  private readonly credentials: AwsCredentialIdentityProvider | undefined;

  constructor(private readonly opts: AwsClientOptions) {
    this.credentials = opts.assumeRole === undefined ? undefined : this.assumedRole(opts.assumeRole);
  }

  ec2(region: string): EC2Client {
    return this.client('ec2', region, (c) => new EC2Client(c));
  }
  autoScaling(region: string): AutoScalingClient {
    return this.client('autoscaling', region, (c) => new AutoScalingClient(c));
  }
  elb(region: string): ElasticLoadBalancingClient {
    return this.client('elb', region, (c) => new ElasticLoadBalancingClient(c));
  }
  elbv2(region: string): ElasticLoadBalancingV2Client {
    return this.client('elbv2', region, (c) => new ElasticLoadBalancingV2Client(c));
  }
  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (c) => new CloudWatchClient(c));
  }

  /** IAM is global; upstream still asks for it per region (`getAmazonIdentityManagement(account, region)`). */
  iam(region: string): IAMClient {
    return this.client('iam', region, (c) => new IAMClient(c));
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }

  private baseConfig(region: string): Record<string, unknown> {
    return {
      region,
      maxAttempts: this.opts.maxAttempts,
      retryMode: 'standard',
      ...(this.opts.endpoint === undefined ? {} : { endpoint: this.opts.endpoint }),
      ...(this.credentials === undefined ? {} : { credentials: this.credentials }),
    };
  }

  private client<S extends Service>(service: S, region: string, make: (config: Record<string, unknown>) => ClientTypes[S]): ClientTypes[S] {
    const key = `${service}:${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing as unknown as ClientTypes[S];
    const client = make(this.baseConfig(region));
    const limiter = this.limiter(service);
    // Per attempt (inside the retry middleware), so retries are limited too.
    (client as unknown as MiddlewareClient).middlewareStack.add(
      (next) => async (args) => {
        await limiter.acquire((args as { request?: { signal?: AbortSignal } }).request?.signal);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'clouddriverRateLimit' },
    );
    this.clients.set(key, client as unknown as MiddlewareClient);
    return client;
  }

  private limiter(service: Service): RateLimiter {
    let limiter = this.limiters.get(service);
    if (!limiter) this.limiters.set(service, (limiter = new RateLimiter(this.opts.rateLimit)));
    return limiter;
  }

  private assumedRole(role: string): AwsCredentialIdentityProvider {
    const arn = role.startsWith('arn:') ? role : `arn:aws:iam::${this.opts.accountId ?? ''}:${role}`;
    const sts = new STSClient({ region: 'us-east-1', maxAttempts: this.opts.maxAttempts, ...(this.opts.endpoint === undefined ? {} : { endpoint: this.opts.endpoint }) });
    let current: AwsCredentialIdentity | undefined;
    let pending: Promise<AwsCredentialIdentity> | undefined;
    const fetchCredentials = async (): Promise<AwsCredentialIdentity> => {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: this.opts.sessionName ?? 'Spinnaker', ...(this.opts.externalId === undefined ? {} : { ExternalId: this.opts.externalId }) }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole into ${arn} returned no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
    };
    return async () => {
      if (current && (current.expiration === undefined || current.expiration.getTime() - Date.now() > RENEW_BEFORE_MS)) return current;
      pending ??= fetchCredentials().finally(() => { pending = undefined; });
      current = await pending;
      return current;
    };
  }
}

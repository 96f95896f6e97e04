/**
 * Fault injection, settable at start, in-process (`sim.faults.set(...)`) and at runtime over
 * HTTP (`PUT /_sim/faults`, JSON, replaces the set). Every fault can be narrowed to some
 * services (`ec2`, `autoscaling`, `elasticloadbalancing`, `monitoring`, `iam`, `sts`), actions
 * and account ids; a fault with no scope applies to every request.
 */
import { z } from 'zod';

const scope = {
  services: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
  accounts: z.array(z.string()).optional(),
};

export const faultsSchema = z
  .object({
    /** Added to every matching request before it is answered. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Accept the request, never answer. */
    blackHole: z.boolean().optional(),
    /**
     * Fraction (0..1) of matching requests refused as throttled: EC2 answers 503
     * `RequestLimitExceeded`, the Query services 400 `Throttling` (docs: EC2 API throttling;
     * Auto Scaling/ELB/IAM common errors).
     */
    throttleRate: z.number().min(0).max(1).optional(),
    /**
     * Token-bucket rate limit per account and service (requests per second, burst), as AWS
     * meters API calls; requests over it are throttled like `throttleRate`.
     */
    rateLimit: z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().positive() }).strict().optional(),
    /** Fraction (0..1) of matching requests answered with a server error (`InternalError` 500 unless `errorCode`/`errorStatus`). */
    errorRate: z.number().min(0).max(1).optional(),
    errorCode: z.string().optional(),
    errorStatus: z.number().int().min(400).max(599).optional(),
    /**
     * EC2 eventual consistency (docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html):
     * instances and security groups created are not visible to Describe calls, and unknown to
     * calls naming them (`InvalidInstanceID.NotFound`, `InvalidGroup.NotFound`), until the next tick.
     */
    eventualConsistency: z.boolean().optional(),
    ...scope,
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

export interface FaultTarget {
  readonly service: string;
  readonly action: string;
  readonly accountId: string;
}

export function faultApplies(f: Faults, t: FaultTarget): boolean {
  return (f.services === undefined || f.services.includes(t.service)) && (f.actions === undefined || f.actions.includes(t.action)) && (f.accounts === undefined || f.accounts.includes(t.accountId));
}

/** Token buckets keyed by account and service. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Whether a request may pass now; takes a token when it does. */
  take(key: string, limit: { requestsPerSecond: number; burst: number }, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.requestsPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}

/** The in-process handle tests use. */
export interface FaultControl {
  get(): Faults;
  /** Replaces the fault set (validated). */
  set(faults: Faults): void;
  clear(): void;
}

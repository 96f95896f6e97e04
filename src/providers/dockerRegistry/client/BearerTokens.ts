import type { Clock } from '../../../core/Clock.js';
import type { BearerChallenge } from './authChallenge.js';

/** Token lifetime when the token server names none (the Docker token spec's default). */
const DEFAULT_EXPIRES_IN_SECONDS = 60;
/** A token is given up this long before it expires (at most a tenth of its life). */
const EXPIRY_MARGIN_MS = 10_000;
/** Cached tokens kept per account before expired ones are swept. */
const SWEEP_AT = 10_000;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * Bearer tokens of one account, cached per token request (realm, service and scope) until they
 * expire by the injected clock, and the last challenge seen per request target (a repository or
 * the catalog), so later requests present a token at once instead of collecting a 401 first.
 * Clouddriver's `DockerBearerTokenService` caches one token per repository with no expiry and
 * drops it only when the registry refuses it; expiry is honoured here too.
 */
export class BearerTokens {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly challenges = new Map<string, BearerChallenge>();

  constructor(private readonly clock: Clock) {}

  /** A live token for a target whose challenge is known, if any. */
  tokenFor(target: string): string | undefined {
    const challenge = this.challenges.get(target);
    if (challenge === undefined) return undefined;
    const cached = this.tokens.get(cacheKey(challenge));
    if (cached === undefined) return undefined;
    if (cached.expiresAt <= this.clock.now()) {
      this.tokens.delete(cacheKey(challenge));
      return undefined;
    }
    return cached.token;
  }

  /** A cached live token for exactly this challenge, if any. */
  cached(challenge: BearerChallenge): string | undefined {
    const cached = this.tokens.get(cacheKey(challenge));
    return cached !== undefined && cached.expiresAt > this.clock.now() ? cached.token : undefined;
  }

  /** Keeps a token issued for a challenge for its lifetime (`expires_in`, default 60 s). */
  remember(challenge: BearerChallenge, token: string, expiresInSeconds: number | undefined): void {
    const now = this.clock.now();
    if (this.tokens.size >= SWEEP_AT) for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
    const lifeMs = (expiresInSeconds !== undefined && expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_EXPIRES_IN_SECONDS) * 1000;
    this.tokens.set(cacheKey(challenge), { token, expiresAt: now + lifeMs - Math.min(EXPIRY_MARGIN_MS, lifeMs / 10) });
  }

  /** Records the challenge a target answered with, so its next requests carry the matching token. */
  bind(target: string, challenge: BearerChallenge): void {
    if (this.challenges.size >= SWEEP_AT) this.challenges.clear();
    this.challenges.set(target, challenge);
  }

  /** The registry refused the target's token: forget it (a fresh one is asked for on the next 401). */
  forget(target: string): void {
    const challenge = this.challenges.get(target);
    if (challenge !== undefined) this.tokens.delete(cacheKey(challenge));
  }

  /** Tokens currently held (for scrubbing messages). */
  secrets(): string[] {
    return [...this.tokens.values()].map((t) => t.token);
  }
}

function cacheKey(c: BearerChallenge): string {
  return `${c.realm.href} ${c.service ?? ''} ${c.scope ?? ''}`;
}

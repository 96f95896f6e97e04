/**
 * What every AWS caching agent shares: the `{account}/{region}/{Name}` agent type of
 * Clouddriver's agents, the `aws` cache namespace, Clouddriver's 60 s polling interval for AWS
 * agents (`AwsProvider` default `pollIntervalMillis`), and paging until the last token.
 */
import type { AgentContext, AgentSchedule, CachingAgent } from '../../../core/agents/CachingAgent.js';
import type { CacheResult, DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { AWS } from '../keys.js';

export const DEFAULT_INTERVAL_MS = 60_000;

export abstract class AwsAgentBase implements CachingAgent {
  readonly providerName = AWS;
  readonly accountName: string;
  readonly agentType: string;
  readonly schedule: AgentSchedule;
  abstract readonly providedDataTypes: readonly DataTypeAuthority[];

  constructor(
    protected readonly credentials: AwsCredentials,
    /** The region, or undefined for an account-wide agent. */
    protected readonly region: string,
    simpleName: string,
    intervalMs: number = DEFAULT_INTERVAL_MS,
  ) {
    this.accountName = credentials.name;
    this.agentType = `${credentials.name}/${region}/${simpleName}`;
    this.schedule = { intervalMs, timeoutMs: Math.max(intervalMs, 5 * 60_000) };
  }

  protected get account(): string {
    return this.credentials.name;
  }

  private outcome: AgentOutcome | undefined;

  /** Runs `load`, remembering how the last run ended (for the provider's health). */
  async loadData(ctx: AgentContext): Promise<CacheResult> {
    try {
      const result = await this.load(ctx);
      this.outcome = { ok: true, at: ctx.clock.now() };
      return result;
    } catch (err) {
      this.outcome = { ok: false, at: ctx.clock.now(), error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      throw err;
    }
  }

  /** How the last run ended; undefined before the first. */
  lastOutcome(): AgentOutcome | undefined {
    return this.outcome;
  }

  protected abstract load(ctx: AgentContext): Promise<CacheResult>;
}

export interface AgentOutcome {
  readonly ok: boolean;
  readonly at: number;
  /** The error's name and message (AWS error messages name no credential). */
  readonly error?: string;
}

/**
 * Every item of a paged AWS describe call: `fetch` gets the previous page's token (undefined for
 * the first page) and returns the page's items and the next token.
 */
export async function allPages<T>(fetch: (token: string | undefined) => Promise<{ items: readonly T[] | undefined; next: string | undefined }>, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    signal?.throwIfAborted();
    const page = await fetch(token);
    out.push(...(page.items ?? []));
    token = page.next === '' ? undefined : page.next;
    if (token !== undefined) {
      // A service handing back a token it gave before would loop forever.
      if (seen.has(token)) throw new Error('AWS returned a pagination token twice');
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
}

/** Splits a list into chunks of `size` (AWS calls taking at most N names or ARNs). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

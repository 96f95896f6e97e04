/**
 * The service in-process with the AWS provider against a simulator: accounts from config,
 * credentials from the standard AWS environment variables (the SDK's default chain), and the
 * provider's agents run directly (each `loadData` result written through the provider cache, as
 * the scheduler does), so tests decide when the cache refreshes instead of sleeping.
 */
import { authoritativeTypes, type CachingAgent } from '../../src/core/agents/CachingAgent.js';
import type { App } from '../../src/app.js';
import { silentLogger } from '../../src/core/Logger.js';
import type { AwsSim } from '../../src/testing/awsSim/index.js';

/** Points the SDK's default credential chain at one simulator account (and nothing else). */
export function useSimCredentials(sim: AwsSim, account = 0): void {
  const creds = sim.accounts[account];
  if (creds === undefined) throw new Error('no such simulator account');
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

/** The AWS agents the app scheduled. */
export function awsAgents(app: App, account?: string): CachingAgent[] {
  return app.scheduler.agents().filter((a) => a.providerName === 'aws' && (account === undefined || a.accountName === account));
}

/** Runs agents (concurrently) and writes their results as the scheduler would; rejects with the first failure. */
export async function runAgents(app: App, agents: readonly CachingAgent[]): Promise<void> {
  const cache = app.cache('aws');
  await Promise.all(
    agents.map(async (agent) => {
      const result = await agent.loadData({ cache, signal: new AbortController().signal, logger: silentLogger, clock: { now: () => Date.now() } });
      await cache.putCacheResult(agent.agentType, authoritativeTypes(agent), result);
    }),
  );
}

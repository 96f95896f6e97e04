import type { AgentIntrospection, AgentRunRecord } from '../../core/agents/AgentScheduler.js';
import { agentState, type AccountState } from './accountsView.js';
import { redactSecrets } from './redaction.js';

/** One caching agent as the console shows it. */
export interface AgentRow {
  readonly id: string;
  readonly provider: string;
  readonly account: string | null;
  readonly state: AccountState;
  readonly running: boolean;
  readonly runs: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly intervalMs: number | null;
  readonly lastRun: AgentRunRecord['lastRun'] | null;
  readonly lastSuccessMs: number | null;
  readonly lastError: string | null;
  readonly totalAdditions: number;
  readonly totalEvictions: number;
  /** The instance holding the agent's lease (running it, or holding it until its next run). */
  readonly leaseHolder: string | null;
  readonly leaseHeldHere: boolean;
  /** The agent's live details (redacted; Kubernetes' per-collection states left out). */
  readonly details: unknown;
}

/** The row of one agent from its introspection, its run record and its lease holder. */
export function agentRow(i: AgentIntrospection, r: AgentRunRecord | undefined, account: string | undefined, holder: string | undefined, instanceId: string): AgentRow {
  const { collections: _collections, ...details } = i.details;
  return {
    id: i.id,
    provider: i.provider,
    account: account ?? null,
    state: agentState({ introspection: i, record: r }),
    running: i.running,
    runs: i.runs,
    failures: i.failures,
    consecutiveFailures: r?.consecutiveFailures ?? 0,
    intervalMs: r?.intervalMs ?? null,
    lastRun: r?.lastRun ?? null,
    lastSuccessMs: r?.lastSuccessMs ?? null,
    lastError: i.lastError,
    totalAdditions: i.totalAdditions,
    totalEvictions: i.totalEvictions,
    leaseHolder: holder ?? null,
    leaseHeldHere: holder !== undefined && holder === instanceId,
    details: redactSecrets(details),
  };
}

import type { ZodType, ZodTypeDef } from 'zod';
import type { Logger } from '../Logger.js';
import type { TaskHandle } from '../tasks/TaskHandle.js';

/** What an operation may use while it runs. */
export interface OperationContext {
  /** Status lines and outputs go here ("Processing ...", etc.). */
  readonly task: TaskHandle;
  /** Results of the earlier operations of the same request, in order. */
  readonly priorResults: readonly unknown[];
  /** Aborted when the service shuts down past its drain limit. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/** What validation may look at, besides the description. */
export interface ValidationContext {
  /** True when an account of this name exists for the operation's provider. */
  accountExists(name: string): boolean;
}

/**
 * An atomic operation (Clouddriver's converter + validator + AtomicOperation in one object).
 * The schema parses the wire description; `validate` returns problems as data (never throws for
 * bad input); `operate` does the work and returns a result object (or undefined for none).
 */
export interface OperationDefinition<D = unknown> {
  /** Wire name, e.g. `deployManifest`. */
  readonly name: string;
  /** Name shown in task history ("Processing op: {displayName}"); defaults to `{Name}AtomicOperation`. */
  readonly displayName?: string;
  readonly schema: ZodType<D, ZodTypeDef, unknown>;
  /** The account the description acts on; it must exist (and, with security, be writable). */
  account?(description: D): string | undefined;
  /** Applications the description acts on (each needs APPLICATION WRITE with Fiat on). */
  applications?(description: D): readonly string[] | Promise<readonly string[]>;
  validate?(description: D, ctx: ValidationContext): readonly string[] | Promise<readonly string[]>;
  operate(description: D, ctx: OperationContext): Promise<unknown>;
  /** A failure may be retried by re-submitting (the operation is idempotent). Default false. */
  readonly retryable?: boolean;
}

export function displayNameOf(def: Pick<OperationDefinition, 'name' | 'displayName'>): string {
  return def.displayName ?? `${def.name.charAt(0).toUpperCase()}${def.name.slice(1)}AtomicOperation`;
}

/**
 * Types a definition against its schema and erases the description type for the registry.
 * Sound because the registry only ever passes `operate` what `schema` produced.
 */
export function defineOperation<D>(definition: OperationDefinition<D>): OperationDefinition {
  return definition as unknown as OperationDefinition;
}

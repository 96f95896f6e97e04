import type { ChangeFeed } from '../cache/ChangeFeed.js';
import type { Logger } from '../Logger.js';
import type { AccountCredentials } from './AccountCredentials.js';
import type { AccountDefinitionStore } from './AccountDefinitionStore.js';
import type { CredentialsRepository } from './CredentialsRepository.js';

/** Change feed topic on which an instance announces an account it added, replaced or removed. */
const TOPIC = 'accounts';

interface AccountChange {
  /** The announcing instance (it skips its own messages). */
  readonly from: string;
  readonly name: string;
}

export interface StoredAccountSyncOptions {
  readonly store: AccountDefinitionStore;
  readonly credentials: CredentialsRepository;
  /** Validates a stored definition and builds its credentials. */
  readonly parse: (definition: Record<string, unknown>) => Promise<AccountCredentials>;
  readonly feed: ChangeFeed;
  readonly replicaId: string;
  readonly logger: Logger;
}

/**
 * Keeps every instance's accounts in step with the account definition store: at start every
 * stored definition is registered (a configured account of the same name wins); an instance that
 * adds, replaces or removes an account through the account storage API announces its name on the
 * change feed, and every other instance re-reads that definition and registers, replaces or
 * drops the account (all of them when the feed reports a gap). Clouddriver gets the same effect
 * by polling its account definition repository.
 */
export class StoredAccountSync {
  /** What each stored account was last registered from (its definition as JSON). */
  private readonly applied = new Map<string, string>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: StoredAccountSyncOptions) {}

  /** Registers every stored definition, then follows other instances' changes. */
  async start(): Promise<void> {
    await this.syncAll();
    this.unsubscribe = await this.opts.feed.subscribe(TOPIC, {
      onMessage: (raw) => {
        const change = parse(raw);
        if (change !== undefined && change.from !== this.opts.replicaId) this.enqueue(() => this.syncOne(change.name));
      },
      onGap: () => this.enqueue(() => this.syncAll()),
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    await this.queue;
  }

  /** This instance changed `name` through the API (`definition` undefined: removed); tells the others. */
  async changedHere(name: string, definition: Record<string, unknown> | undefined): Promise<void> {
    if (definition === undefined) this.applied.delete(name);
    else this.applied.set(name, JSON.stringify(definition));
    const message: AccountChange = { from: this.opts.replicaId, name };
    await this.opts.feed.publish(TOPIC, JSON.stringify(message)).catch((e: unknown) => {
      this.opts.logger.warn({ account: name, err: (e as Error).message }, 'could not announce an account change to the other instances');
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((e: unknown) => this.opts.logger.warn({ err: (e as Error).message }, 'account sync failed'));
  }

  private async syncAll(): Promise<void> {
    const definitions = await this.opts.store.list();
    const stored = new Set<string>();
    for (const definition of definitions) {
      const name = String(definition.name);
      stored.add(name);
      await this.apply(name, definition);
    }
    for (const name of [...this.applied.keys()]) if (!stored.has(name)) await this.apply(name, undefined);
  }

  private async syncOne(name: string): Promise<void> {
    const definition = (await this.opts.store.list()).find((d) => d.name === name);
    await this.apply(name, definition);
  }

  /** Registers, replaces or drops one stored account so that it matches `definition`. */
  private async apply(name: string, definition: Record<string, unknown> | undefined): Promise<void> {
    const { credentials, logger } = this.opts;
    const previous = this.applied.get(name);
    if (definition === undefined) {
      if (previous === undefined) return;
      this.applied.delete(name);
      await credentials.remove(name);
      return;
    }
    const json = JSON.stringify(definition);
    if (previous === json) return;
    if (previous === undefined && credentials.get(name) !== undefined) {
      logger.warn({ account: name }, 'stored account definition ignored: a configured account has the same name');
      return;
    }
    let account: AccountCredentials;
    try {
      account = await this.opts.parse(definition);
    } catch (err) {
      logger.warn({ account: name, err: err instanceof Error ? err.message : String(err) }, 'stored account definition skipped');
      return;
    }
    if (previous !== undefined) await credentials.remove(name);
    await credentials.add(account);
    this.applied.set(name, json);
  }
}

function parse(raw: string): AccountChange | undefined {
  try {
    const m = JSON.parse(raw) as Partial<AccountChange>;
    return typeof m.from === 'string' && typeof m.name === 'string' ? { from: m.from, name: m.name } : undefined;
  } catch {
    return undefined;
  }
}

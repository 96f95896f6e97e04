import { ConflictError } from '../errors.js';
import type { AccountCredentials } from './AccountCredentials.js';

export type CredentialsListener = (event: 'added' | 'removed', credentials: AccountCredentials) => void | Promise<void>;

/**
 * All accounts of all providers, by name (names are unique across providers, as in Clouddriver).
 * Listeners learn of additions and removals so agents can be scheduled and unscheduled at runtime.
 */
export class CredentialsRepository {
  private readonly accounts = new Map<string, AccountCredentials>();
  private readonly listeners: CredentialsListener[] = [];

  onChange(listener: CredentialsListener): void {
    this.listeners.push(listener);
  }

  async add(credentials: AccountCredentials): Promise<void> {
    if (this.accounts.has(credentials.name)) throw new ConflictError(`account '${credentials.name}' already exists`);
    this.accounts.set(credentials.name, credentials);
    for (const l of this.listeners) await l('added', credentials);
  }

  /** Removes an account; resolves false when it did not exist. */
  async remove(name: string): Promise<boolean> {
    const credentials = this.accounts.get(name);
    if (!credentials) return false;
    this.accounts.delete(name);
    for (const l of this.listeners) await l('removed', credentials);
    await credentials.close?.();
    return true;
  }

  get(name: string): AccountCredentials | undefined {
    return this.accounts.get(name);
  }

  /** Account of a given provider, or undefined. */
  find(cloudProvider: string, name: string): AccountCredentials | undefined {
    const c = this.accounts.get(name);
    return c?.cloudProvider === cloudProvider ? c : undefined;
  }

  list(): AccountCredentials[] {
    return [...this.accounts.values()];
  }
}

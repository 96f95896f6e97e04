import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AccountDefinitionStore } from '../core/accounts/AccountDefinitionStore.js';

const PREFIX = 'aes-256-gcm:v1:';

/**
 * Keeps account definitions (which hold kubeconfig tokens and keys) encrypted at rest in any
 * account definition store: each is stored as `{name, type, encrypted}`, the whole definition
 * sealed with AES-256-GCM under the operator's key (a fresh IV per write; the name is the
 * additional authenticated data, so a sealed definition cannot be moved to another name).
 * Definitions stored before a key was configured are read as they are, and sealed when next written.
 */
export class EncryptedAccountDefinitionStore implements AccountDefinitionStore {
  constructor(
    private readonly inner: AccountDefinitionStore,
    private readonly key: Buffer,
  ) {
    if (key.length !== 32) throw new Error('the account storage key must be 32 bytes (base64 of 32 random bytes)');
  }

  async list(): Promise<Record<string, unknown>[]> {
    return (await this.inner.list()).map((stored) => {
      if (typeof stored.encrypted !== 'string') return stored;
      try {
        return this.open(String(stored.name), stored.encrypted);
      } catch {
        return stored; // another key: fails validation at start and is skipped with a warning
      }
    });
  }

  put(name: string, definition: Record<string, unknown>): Promise<void> {
    return this.inner.put(name, { name, type: definition.type, encrypted: this.seal(name, definition) });
  }

  remove(name: string): Promise<boolean> {
    return this.inner.remove(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private seal(name: string, definition: Record<string, unknown>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(JSON.stringify(definition), 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  private open(name: string, sealed: string): Record<string, unknown> {
    if (!sealed.startsWith(PREFIX)) throw new Error(`account definition ${name}: unknown encryption format`);
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(Buffer.from(name));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, unknown>;
  }
}

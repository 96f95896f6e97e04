/**
 * Account definitions added through the account storage API (`POST|PUT /credentials`), kept so
 * they come back after a restart (Clouddriver's account storage). A definition is the JSON the
 * client sent, including its `type`; it may hold secrets and is never returned by the API.
 */
export interface AccountDefinitionStore {
  list(): Promise<Record<string, unknown>[]>;
  /** Creates or replaces the definition named `name`. */
  put(name: string, definition: Record<string, unknown>): Promise<void>;
  /** Resolves false when there was none. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}

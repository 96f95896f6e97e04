import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';

/**
 * Credentials from config, resolved at each download (so a rotated file is picked up), as
 * Clouddriver's `BasicAuth`, `TokenAuth` and `CredentialReader` do: a file's newlines are removed.
 * Errors name the account and the setting, never the value or the file's content.
 */

export interface BasicAuthConfig {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly usernamePasswordFile?: string | undefined;
}

export interface TokenAuthConfig {
  readonly token?: string | undefined;
  readonly tokenFile?: string | undefined;
}

async function credentialsFromFile(account: string, setting: string, file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replaceAll('\n', '');
  } catch {
    throw new InputError(`artifact account '${account}' cannot read its ${setting}`);
  }
}

/** `username:password` (the file wins over the pair), or undefined without credentials. */
export async function basicCredentials(account: string, auth: BasicAuthConfig): Promise<string | undefined> {
  if (auth.usernamePasswordFile !== undefined) return credentialsFromFile(account, 'usernamePasswordFile', auth.usernamePasswordFile);
  if (auth.username !== undefined && auth.password !== undefined) return `${auth.username}:${auth.password}`;
  return undefined;
}

/** `BasicAuth.getBasicAuthHeader`. */
export async function basicAuthHeader(account: string, auth: BasicAuthConfig): Promise<string | undefined> {
  const pair = await basicCredentials(account, auth);
  return pair === undefined ? undefined : `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** `TokenAuth.getTokenAsString`: the file wins over the inline token. */
export async function tokenOf(account: string, auth: TokenAuthConfig): Promise<string | undefined> {
  if (auth.tokenFile !== undefined) return credentialsFromFile(account, 'tokenFile', auth.tokenFile);
  return auth.token;
}

/** `BaseHttpArtifactCredentials.getAuthHeader`: `token <t>` first, else basic auth. */
export async function tokenOrBasicAuthHeader(account: string, auth: TokenAuthConfig & BasicAuthConfig): Promise<string | undefined> {
  const token = await tokenOf(account, auth);
  if (token !== undefined && token !== '') return `token ${token}`;
  return basicAuthHeader(account, auth);
}

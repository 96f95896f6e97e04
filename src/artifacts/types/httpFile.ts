import type { HttpAccountConfig } from '../config.js';
import { basicAuthHeader } from '../authHeaders.js';
import { parseHttpUrl } from '../httpGet.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';
import { simpleHttpCredentials } from './simpleHttp.js';

/** `HttpArtifactCredentials`: `http/file` is a GET of `reference`, with basic auth when configured. */
export function httpFileCredentials(account: HttpAccountConfig): ArtifactCredentials {
  return simpleHttpCredentials({
    name: account.name,
    type: 'artifacts-http',
    types: ['http/file'],
    downloadUrl: (artifact) => parseHttpUrl(account.name, artifact.reference),
    headers: async (): Promise<Record<string, string>> => {
      const auth = await basicAuthHeader(account.name, account);
      return auth === undefined ? {} : { Authorization: auth };
    },
  });
}

/** `HttpArtifactAccount.usesAuth`. */
export function httpAccountUsesAuth(account: HttpAccountConfig): boolean {
  return account.username !== undefined || account.password !== undefined || account.usernamePasswordFile !== undefined;
}

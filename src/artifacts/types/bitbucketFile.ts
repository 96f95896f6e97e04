import type { BitbucketAccountConfig } from '../config.js';
import { basicAuthHeader, tokenOf } from '../authHeaders.js';
import { parseHttpUrl } from '../httpGet.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';
import { simpleHttpCredentials } from './simpleHttp.js';

/**
 * `BitbucketArtifactCredentials`: `bitbucket/file` is a GET of the raw file URL in `reference`;
 * a token goes as `Authorization: Bearer` (with `Accept: application/json`), otherwise basic auth.
 */
export function bitbucketFileCredentials(account: BitbucketAccountConfig): ArtifactCredentials {
  return simpleHttpCredentials({
    name: account.name,
    type: 'artifacts-bitbucket',
    types: ['bitbucket/file'],
    downloadUrl: (artifact) => parseHttpUrl(account.name, artifact.reference),
    headers: async (): Promise<Record<string, string>> => {
      const token = await tokenOf(account.name, account);
      if (token !== undefined && token !== '') return { Authorization: `Bearer ${token}`, Accept: 'application/json' };
      const basic = await basicAuthHeader(account.name, account);
      return basic === undefined ? {} : { Authorization: basic };
    },
  });
}

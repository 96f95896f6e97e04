import type { GitlabAccountConfig } from '../config.js';
import { tokenOf } from '../authHeaders.js';
import { parseHttpUrl } from '../httpGet.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';
import { simpleHttpCredentials, withRef } from './simpleHttp.js';

/**
 * `GitlabArtifactCredentials`: `gitlab/file` is a GET of the repository files API URL in
 * `reference` (`.../api/v4/projects/{id}/repository/files/{path}/raw`) with `?ref=` from the
 * version (`master` when blank) and the token in `Private-Token`.
 */
export function gitlabFileCredentials(account: GitlabAccountConfig): ArtifactCredentials {
  return simpleHttpCredentials({
    name: account.name,
    type: 'artifacts-gitlab',
    types: ['gitlab/file'],
    downloadUrl: (artifact) => withRef(parseHttpUrl(account.name, artifact.reference), artifact.version),
    headers: async (): Promise<Record<string, string>> => {
      const token = await tokenOf(account.name, account);
      return token === undefined ? {} : { 'Private-Token': token };
    },
  });
}

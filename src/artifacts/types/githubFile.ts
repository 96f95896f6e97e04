import type { GithubAccountConfig } from '../config.js';
import { tokenOrBasicAuthHeader } from '../authHeaders.js';
import { describe, httpGetText, parseHttpUrl } from '../httpGet.js';
import { DependencyError } from '../../core/errors.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';
import { simpleHttpCredentials, withRef } from './simpleHttp.js';

/**
 * `GitHubArtifactCredentials`: `reference` is a contents API URL
 * (`https://api.github.com/repos/{owner}/{repo}/contents/{path}`, or a GitHub Enterprise host's
 * `https://ghe.example.com/api/v3/repos/...`), `?ref=` comes from the version (`master` when
 * blank). By default the contents JSON is read and its `download_url` fetched; with
 * `useContentAPI` one call asks for `Accept: application/vnd.github.{githubAPIVersion}.raw`.
 * Auth: `token <t>` when a token is configured, else basic auth.
 */
export function githubFileCredentials(account: GithubAccountConfig): ArtifactCredentials {
  const headers = async (): Promise<Record<string, string>> => {
    const auth = await tokenOrBasicAuthHeader(account.name, account);
    return {
      ...(auth === undefined ? {} : { Authorization: auth }),
      ...(account.useContentAPI ? { Accept: `application/vnd.github.${account.githubAPIVersion}.raw` } : {}),
    };
  };
  return simpleHttpCredentials({
    name: account.name,
    type: 'artifacts-github',
    types: ['github/file'],
    headers,
    downloadUrl: async (artifact, ctx) => {
      const metadataUrl = withRef(parseHttpUrl(account.name, artifact.reference), artifact.version);
      if (account.useContentAPI) return metadataUrl;
      const text = await httpGetText(account.name, metadataUrl, await headers(), ctx);
      let downloadUrl: unknown;
      try {
        downloadUrl = (JSON.parse(text) as { download_url?: unknown }).download_url;
      } catch {
        downloadUrl = undefined;
      }
      if (typeof downloadUrl !== 'string' || downloadUrl === '') {
        throw new DependencyError(502, `Failed to retrieve the download URL of github artifact ${describe(metadataUrl)} (account '${account.name}'): the contents API answered without download_url (a directory, or incorrect auth setup)`);
      }
      return parseHttpUrl(account.name, downloadUrl, 'download_url');
    },
  });
}

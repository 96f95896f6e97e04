import type { JenkinsMasterConfig } from '../config.js';
import { basicAuthHeader } from '../authHeaders.js';
import { parseHttpUrl } from '../httpGet.js';
import { InputError } from '../../core/errors.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';
import { simpleHttpCredentials } from './simpleHttp.js';

/**
 * `JenkinsArtifactCredentials`: `jenkins/file` is `{address}/job/{name}/{version}/artifact/{reference}`
 * (the job in `name`, the build number in `version`, the archived path in `reference`), with the
 * master's basic auth. `JenkinsArtifactAccount` has no credentials file.
 */
export function jenkinsFileCredentials(master: JenkinsMasterConfig): ArtifactCredentials {
  return simpleHttpCredentials({
    name: master.name,
    type: 'artifacts-jenkins',
    types: ['jenkins/file'],
    downloadUrl: (artifact) => {
      if (!artifact.name || !artifact.version || !artifact.reference) throw new InputError(`A jenkins/file artifact needs name (the job), version (the build number) and reference (the archived path)`);
      const address = master.address.endsWith('/') ? master.address : `${master.address}/`;
      const reference = artifact.reference.startsWith('/') ? artifact.reference : `/${artifact.reference}`;
      return parseHttpUrl(master.name, `${address}job/${artifact.name}/${artifact.version}/artifact${reference}`);
    },
    headers: async (): Promise<Record<string, string>> => {
      const auth = await basicAuthHeader(master.name, { username: master.username, password: master.password });
      return auth === undefined ? {} : { Authorization: auth };
    },
  });
}

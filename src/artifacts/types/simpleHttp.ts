import type { ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import type { ArtifactCredentials, Download, DownloadContext } from '../ArtifactCredentials.js';
import { httpGet } from '../httpGet.js';

/**
 * An account that downloads with one GET (Clouddriver's `SimpleHttpArtifactCredentials`): where
 * to get the artifact and which headers to send differ per type.
 */
export interface SimpleHttpSpec {
  readonly name: string;
  readonly type: string;
  readonly types: readonly string[];
  downloadUrl(artifact: ArtifactRequest, ctx: DownloadContext): Promise<URL> | URL;
  headers(): Promise<Record<string, string>>;
}

export function simpleHttpCredentials(spec: SimpleHttpSpec): ArtifactCredentials {
  return {
    name: spec.name,
    type: spec.type,
    types: spec.types,
    handlesType: (t) => spec.types.includes(t),
    async download(artifact, ctx): Promise<Download> {
      const url = await spec.downloadUrl(artifact, ctx);
      return httpGet(spec.name, url, await spec.headers(), ctx);
    },
  };
}

/** `?ref=` from the artifact's version, `master` when blank (GitHub and GitLab contents APIs). */
export function withRef(url: URL, version: string | null | undefined): URL {
  const copy = new URL(url);
  copy.searchParams.append('ref', version === undefined || version === null || version === '' ? 'master' : version);
  return copy;
}

import { Readable } from 'node:stream';
import { InputError } from '../../core/errors.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';

/** Strict base64 (standard alphabet, padding optional), as `java.util.Base64.getDecoder()` accepts. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `EmbeddedArtifactCredentials` (always registered as `embedded-artifact`): `embedded/base64` and
 * `remote/base64` carry their content base64-encoded in `reference`. It handles any
 * `embedded/...` or `remote/...` type for lookup, but decodes only those two.
 */
export function embeddedCredentials(): ArtifactCredentials {
  return {
    name: 'embedded-artifact',
    type: 'artifacts-embedded',
    types: ['embedded/base64', 'remote/base64'],
    handlesType: (t) => t.startsWith('embedded/') || t.startsWith('remote/'),
    async download(artifact) {
      if (artifact.type !== 'embedded/base64' && artifact.type !== 'remote/base64') throw new InputError(`Embedded type '${artifact.type}' is not handled.`);
      const reference = (artifact.reference ?? '').replace(/\s+/g, '');
      if (!BASE64.test(reference) || reference.length % 4 === 1) throw new InputError(`The reference of a ${artifact.type} artifact must be base64`);
      const bytes = Buffer.from(reference, 'base64');
      return { stream: Readable.from([bytes]), size: bytes.length };
    },
  };
}

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRETS as ARTIFACT_SECRETS } from './artifactServers.js';

/**
 * Secret values tests keep as constants, looked for in every audited run whatever the services
 * were told (some reach a service only through a route's own server, outside `createApp`).
 */
export const KNOWN_TEST_SECRETS: readonly { readonly value: string; readonly what: string }[] = Object.entries(ARTIFACT_SECRETS)
  .filter(([name]) => name !== 'user')
  .map(([name, value]) => ({ value, what: `the artifact servers' ${name}` }));

/**
 * Registers a secret value a test gives the service by a way the audit cannot see in its inputs
 * (a password file, a command's output, a server's credentials), so the whole-suite secret audit
 * (test/secretAudit.globalSetup.ts) looks for it in every response, log line and store file.
 * Returns the value. Outside capture mode it only returns it.
 */
export function registerTestSecret(value: string, what: string): string {
  const dir = process.env.CLOUDDRIVER_CAPTURE_DIR;
  if (dir) appendFileSync(join(dir, `secrets-${process.pid}.log`), `${JSON.stringify({ value, what })}\n`);
  return value;
}

/**
 * The whole-suite secret audit (issue 11): switches the service's capture mode on for the whole
 * test run (every worker and every `npm start` child inherits `CLOUDDRIVER_CAPTURE_DIR`), and at
 * the end searches every response body, log line and SQLite store file the run produced for the
 * secret values it was given (test/helpers/secretAudit.ts). A leak fails the run (exit code 1)
 * with a report naming the secret's origin, the file and the context, never the value; the
 * capture directory is then kept for inspection. `CLOUDDRIVER_SECRET_AUDIT=off` skips it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturedCounts, collectSecrets, findLeaks } from './helpers/secretAudit.js';

export function setup(): (() => void) | undefined {
  if (process.env.CLOUDDRIVER_SECRET_AUDIT === 'off') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'cdts-secret-audit-'));
  process.env.CLOUDDRIVER_CAPTURE_DIR = dir;
  return () => {
    const secrets = collectSecrets(dir);
    const leaks = findLeaks(dir, secrets);
    const { responses, logLines, storeFiles } = capturedCounts(dir);
    const scanned = `${responses} responses, ${logLines} log lines and ${storeFiles} store files searched for ${secrets.length} secret values`;
    if (leaks.length === 0) {
      console.log(`secret audit: ${scanned}: no leak`);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    console.error(`secret audit: ${leaks.length} leak(s) in ${scanned} (captures kept in ${dir}):`);
    for (const leak of leaks.slice(0, 50)) console.error(`  - ${leak.secret} in ${leak.file}: …${leak.excerpt}…`);
    process.exitCode = 1;
  };
}

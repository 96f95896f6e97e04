/**
 * Builds dist/ once for the whole run (scripts/build.mjs: incremental, a no-op when fresh), so
 * the black-box suites spawn `node dist/main.js` without paying a compile per service start.
 * Workers inherit CLOUDDRIVER_DIST_READY and skip their own freshness check.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.env.CLOUDDRIVER_DIST_READY = '1';
}

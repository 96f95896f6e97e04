/**
 * Debian's chromium for the browser tests, driven by playwright-core (which downloads no browser).
 * When the machine has none, `ensureChromium` installs the `chromium` package (apt-get, as root).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const run = promisify(execFile);

/**
 * Installs chromium when missing. Call it before starting anything the test needs: on a fresh
 * machine the install takes a minute or more and upgrades system packages (systemd, udev), and a
 * service started before it was found no longer listening afterwards. It does not block the
 * event loop meanwhile (an in-process simulator keeps answering).
 */
export async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  const opts = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', ['install', '-y', '-qq', 'chromium'], opts);
  } catch {
    // A stale package index: refresh it once and try again.
    await run('apt-get', ['update', '-qq'], opts);
    await run('apt-get', ['install', '-y', '-qq', 'chromium'], opts);
  }
}

/** Headless chromium (no sandbox: the tests run as root). */
export async function launchChromium(): Promise<Browser> {
  await ensureChromium();
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

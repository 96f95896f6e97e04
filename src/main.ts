import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/loadConfig.js';
import { reportStartupProgress } from './startupProgress.js';

/** Entry point: config -> app -> listen; SIGTERM/SIGINT -> ordered shutdown. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } }, allowPositionals: false });
  const file = values.config ?? process.env.CLOUDDRIVER_CONFIG;
  const config = loadConfig(file ? { file } : {});
  const app = await createApp({ config });
  let signals = 0;
  const startup: { progress?: { stop(): void } } = {};
  const shutdown = (signal: string): void => {
    if (++signals > 1) process.exit(1);
    startup.progress?.stop();
    app.server.log.info({ signal }, 'signal received');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // The accounts' first sync (begun as they were added) is logged as it goes, also while the
  // server is still coming up; `/health` answers as soon as it listens.
  startup.progress = reportStartupProgress({ source: app.scheduler, logger: app.server.log });
  await app.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

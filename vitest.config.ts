import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // dist/ built once for the service processes the black-box suites spawn; the whole-suite
    // secret audit: capture mode on for every worker, the scan at the end.
    globalSetup: ['test/buildDist.globalSetup.ts', 'test/secretAudit.globalSetup.ts'],
  },
});

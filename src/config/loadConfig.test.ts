import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './loadConfig.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadConfig', () => {
  it('defaults to port 7002 and the embedded SQLite store with no files', () => {
    const cfg = loadConfig({ configDir: dirWith({}), env: {} });
    expect(cfg.server.port).toBe(7002);
    expect(cfg.storage).toEqual({ cache: 'sqlite', tasks: 'sqlite', leases: 'memory', sqlite: { path: 'data/clouddriver.db' }, taskEncryption: {} });
    expect(cfg.caching.poll).toEqual({ intervalSeconds: 30, errorIntervalSeconds: 30, timeoutSeconds: 300 });
    expect(Object.isFrozen(cfg.server)).toBe(true);
  });

  it('reads clouddriver.yml then clouddriver-local.yml, then the environment', () => {
    const dir = dirWith({
      'clouddriver.yml': 'server:\n  port: 8000\ncaching:\n  write-enabled: false\n',
      'clouddriver-local.yml': 'server:\n  port: 8001\n',
    });
    expect(loadConfig({ configDir: dir, env: {} }).server.port).toBe(8001);
    expect(loadConfig({ configDir: dir, env: {} }).caching.writeEnabled).toBe(false);
    const cfg = loadConfig({ configDir: dir, env: { PORT: '9000', CLOUDDRIVER_CACHING__MAX_CONCURRENT_AGENTS: '7' } });
    expect(cfg.server.port).toBe(9000);
    expect(cfg.caching.maxConcurrentAgents).toBe(7);
  });

  it("accepts Clouddriver's redis.poll / sql.agent property names", () => {
    const cfg = parseConfig({ redis: { poll: { intervalSeconds: 5 }, agent: { 'max-concurrent-agents': 3 } } });
    expect(cfg.caching.poll.intervalSeconds).toBe(5);
    expect(cfg.caching.maxConcurrentAgents).toBe(3);
    expect((cfg as Record<string, unknown>).redis).toBeDefined();
  });

  it('names the offending path and rule', () => {
    expect(() => parseConfig({ server: { port: 'x' }, storage: { cache: 'floppy' } })).toThrow(
      /server\.port: Expected number, received string[\s\S]*storage\.cache: Invalid enum value/,
    );
    expect(() => parseConfig({ server: { prot: 1 } })).toThrow(/server: Unrecognized key\(s\) in object: 'prot'/);
  });

  it('fails clearly when an explicit file is missing or not a mapping', () => {
    expect(() => loadConfig({ file: '/nonexistent/x.yml', env: {} })).toThrow(ConfigError);
    const dir = dirWith({ 'list.yml': '- a\n- b\n' });
    expect(() => loadConfig({ file: join(dir, 'list.yml'), env: {} })).toThrow(/YAML mapping/);
  });

  it('loads the shipped example configuration unchanged', () => {
    const example = fileURLToPath(new URL('../../config/clouddriver.example.yml', import.meta.url));
    const config = loadConfig({ file: example, env: {} });
    expect(config.server.port).toBe(7002);
    expect(config.account.storage.enabled).toBe(false);
    expect((config as Record<string, unknown>).kubernetes).toMatchObject({ probeIntervalSeconds: 10, accounts: [] });
  });
});

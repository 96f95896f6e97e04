import { describe, expect, it } from 'vitest';
import { dockerRegistryAccountSchema, normalizeAddress, registryOf } from './DockerRegistryAccountConfig.js';
import { dockerRegistryDefinitionProblems } from './submittedDefinition.js';

const parse = (extra: Record<string, unknown>) => dockerRegistryAccountSchema.safeParse({ name: 'd', address: 'https://r.example.com', ...extra });
const allow = { execPlugins: false, filePaths: false, defaultCredentials: false, servers: ['https://*.example.com'] };

describe('dockerRegistry account config', () => {
  it('applies Clouddriver’s defaults, also where a config spells out 0', () => {
    for (const extra of [{}, { cacheThreads: 0, cacheIntervalSeconds: 0, clientTimeoutMillis: 0, paginateSize: 0 }]) {
      const parsed = parse(extra);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toMatchObject({ cacheThreads: 1, cacheIntervalSeconds: 30, clientTimeoutMillis: 60_000, paginateSize: 100, trackDigests: false, inspectDigests: false, sortTagsByDate: false, insecureRegistry: false, repositories: [], skip: [] });
    }
  });

  it('normalizes the address as DockerRegistryNamedAccountCredentials does', () => {
    expect(normalizeAddress('https://r.example.com/v2/')).toBe('https://r.example.com');
    expect(normalizeAddress('http://127.0.0.1:5000/')).toBe('http://127.0.0.1:5000');
    expect(normalizeAddress('index.docker.io')).toBe('https://index.docker.io');
    expect(registryOf('https://r.example.com/v2')).toBe('r.example.com');
    expect(registryOf('http://127.0.0.1:5000/')).toBe('127.0.0.1:5000');
    expect(registryOf('index.docker.io')).toBe('index.docker.io');
  });

  it.each([
    [{ password: 'a', passwordFile: '/f' }, 'password'],
    [{ passwordCommand: 'x', dockerconfigFile: '/f' }, 'password'],
    [{ repositories: ['a'], catalogFile: '/c.json' }, 'catalogFile'],
    [{ repositoriesRegex: 'a.*', repositories: ['a'] }, 'repositoriesRegex'],
    [{ repositoriesRegex: '(' }, 'repositoriesRegex'],
    [{ repositories: ['Upper/Case'] }, 'repositories.0'],
    [{ address: 'https://user:pw@r.example.com' }, 'address'],
    [{ name: 'a:b' }, 'name'],
    [{ cacheThreads: -1 }, 'cacheThreads'],
    [{ unknownField: true }, ''],
  ])('refuses %j, naming %s', (extra, path) => {
    const parsed = parse(extra);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('refuses submitted definitions that run programs, read files or reach unlisted registries', () => {
    const def = (extra: Record<string, unknown>) => dockerRegistryAccountSchema.parse({ name: 'd', address: 'https://r.example.com', ...extra });
    expect(dockerRegistryDefinitionProblems(def({ password: 'p' }), allow)).toEqual([]);
    expect(dockerRegistryDefinitionProblems(def({ passwordCommand: 'cat /etc/shadow' }), allow).join()).toContain('account.storage.allow.execPlugins');
    for (const field of ['passwordFile', 'dockerconfigFile', 'catalogFile']) {
      expect(dockerRegistryDefinitionProblems(def({ [field]: '/etc/passwd' }), allow).join()).toContain('account.storage.allow.filePaths');
    }
    expect(dockerRegistryDefinitionProblems(def({ passwordFile: '/run/pw' }), { ...allow, filePaths: true })).toEqual([]);
    const ssrf = dockerRegistryDefinitionProblems(def({ address: 'http://169.254.169.254/v2/' }), allow);
    expect(ssrf).toEqual(['address "http://169.254.169.254" is not among the servers accounts added through the API may reach (account.storage.allow.servers)']);
    expect(dockerRegistryDefinitionProblems(def({ address: 'r.example.com' }), allow)).toEqual([]);
  });
});

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { artifactAccountsFrom } from '../../src/artifacts/createArtifactRegistry.js';
import { parseArtifactSettings } from '../../src/artifacts/config.js';
import { parseConfig } from '../../src/config/loadConfig.js';

describe('artifacts config', () => {
  it("reads Clouddriver's kebab-case property names through the config loader", () => {
    const config = parseConfig({
      artifacts: {
        'git-repo': { enabled: true, 'git-executable': '/usr/bin/git', accounts: [{ name: 'repo', 'ssh-trust-unknown-hosts': true }] },
        github: { enabled: true, accounts: [{ name: 'gh', 'use-content-api': true, 'github-api-version': 'v4', token: '' }] },
        s3: { enabled: true, accounts: [{ name: 'minio', 'api-endpoint': 'http://minio:9000', 'path-style-access': false }] },
        gcs: { enabled: true, accounts: [{ name: 'ignored' }] },
      },
    });
    const settings = parseArtifactSettings(config as Record<string, unknown>);
    expect(settings.artifacts.gitRepo).toMatchObject({ enabled: true, gitExecutable: '/usr/bin/git', accounts: [{ name: 'repo', sshTrustUnknownHosts: true }] });
    // An empty token is no token (`Strings.emptyToNull`); the API version defaults to v3 only when absent.
    expect(settings.artifacts.github.accounts[0]).toMatchObject({ name: 'gh', useContentAPI: true, githubAPIVersion: 'v4', token: undefined });
    expect(settings.artifacts.s3.accounts[0]).toMatchObject({ apiEndpoint: 'http://minio:9000', pathStyleAccess: false });
    expect(settings.artifacts).toMatchObject({ maxBytes: 100 * 1024 * 1024, timeoutSeconds: 120 });
  });

  it('registers only enabled sections, Jenkins masters from jenkins.masters, and no-auth-http-account when no http account uses auth', () => {
    const names = (tree: Record<string, unknown>) => artifactAccountsFrom(parseArtifactSettings(tree), false).map((a) => a.name);
    expect(names({})).toEqual(['embedded-artifact', 'custom-artifact']);
    expect(names({ artifacts: { http: { enabled: true } } })).toEqual(['embedded-artifact', 'custom-artifact', 'no-auth-http-account']);
    expect(names({ artifacts: { http: { enabled: true, accounts: [{ name: 'open' }] } } })).toEqual(['embedded-artifact', 'custom-artifact', 'open', 'no-auth-http-account']);
    expect(names({ artifacts: { http: { enabled: true, accounts: [{ name: 'auth', username: 'u', password: 'p' }] } } })).toEqual(['embedded-artifact', 'custom-artifact', 'auth']);
    expect(names({ artifacts: { helm: { enabled: false, accounts: [{ name: 'h', repository: 'https://charts.example' }] } } })).toEqual(['embedded-artifact', 'custom-artifact']);
    expect(names({ jenkins: { enabled: true, masters: [{ name: 'ci', address: 'https://ci.example' }] } })).toEqual(['embedded-artifact', 'custom-artifact', 'ci']);
  });

  it('names the offending path, and the service refuses to start with it', async () => {
    const bad = { artifacts: { helm: { enabled: true, accounts: [{ name: 'h', repository: 'not a url' }] }, maxBytes: -1 } };
    expect(() => parseArtifactSettings(bad)).toThrow('artifacts.helm.accounts.0.repository: repository must be a URL');
    expect(() => parseArtifactSettings(bad)).toThrow('artifacts.maxBytes: Number must be greater than 0');
    const config = parseConfig({ storage: { cache: 'memory', tasks: 'memory' }, kubernetes: { enabled: false }, ...bad });
    await expect(createApp({ config, logger: pino({ level: 'silent' }) })).rejects.toThrow('artifacts.helm.accounts.0.repository');
  });
});

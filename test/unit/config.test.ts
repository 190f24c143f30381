import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, requireSettings, SETTINGS } from '../../src/config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  test('defaults describe the embedded stack', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'nft-actions', publicBaseUrl: 'http://127.0.0.1:3000' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('every wrong value is named with what is expected', () => {
    const problems = problemsOf({
      PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'localhost', SIGNER_PRIVATE_KEY: '0x12',
      CHAINS: '[{"name":"Main Net","chainId":-1,"rpcUrl":"ftp://x"}]',
    });
    expect(problems.join('\n')).toMatch(/^PORT: /m);
    expect(problems.join('\n')).toMatch(/^DATABASE_URL: /m);
    expect(problems.join('\n')).toMatch(/^TEMPORAL_ADDRESS: host:port/m);
    expect(problems.join('\n')).toMatch(/^SIGNER_PRIVATE_KEY: 0x followed by 64 hex digits/m);
    expect(problems.join('\n')).toMatch(/^CHAINS\.0\.name: lowercase letters/m);
    expect(problems.join('\n')).toMatch(/^CHAINS\.0\.chainId: /m);
    expect(problems.join('\n')).toMatch(/^CHAINS\.0\.rpcUrl: /m);
  });

  test('CHAINS that is not JSON is refused plainly', () => {
    expect(problemsOf({ CHAINS: 'anvil=http://x' })).toEqual(['CHAINS: must be a JSON array of chains']);
  });

  test('chains get default confirmations and poll interval', () => {
    const config = loadConfig({ CHAINS: '[{"name":"anvil","chainId":31337,"rpcUrl":"http://127.0.0.1:8545"}]' });
    expect(config.CHAINS).toEqual([{ name: 'anvil', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', confirmations: 2, pollIntervalMs: 1000 }]);
  });

  test('a standalone process names every setting it is missing', () => {
    expect(() => requireSettings(loadConfig({}), ['DATABASE_URL', 'TEMPORAL_ADDRESS'], 'a worker')).toThrow(
      /DATABASE_URL: required for a worker\n {2}- TEMPORAL_ADDRESS: required for a worker/,
    );
  });

  test('the README documents every setting', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((m) => m[1].split(', ').map((k) => k.slice(1, -1))));
    expect(SETTINGS.filter((key) => !documented.has(key))).toEqual([]);
  });
});

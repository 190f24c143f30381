import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { withDevelopmentSettings } from '../../src/stack/development-settings';
import { webhookSettings } from '../../src/webhooks/settings';

describe('development settings of the embedded stack', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-dev-settings-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  test('npm start allows loopback receivers and enables the admin API with a token kept in DATA_DIR', () => {
    const config = withDevelopmentSettings(loadConfig({ DATA_DIR: dataDir }));
    expect(webhookSettings(config).allowPrivateUrls).toBe(true);
    expect(config.ADMIN_TOKEN.length).toBeGreaterThanOrEqual(24);
    const file = path.join(dataDir, 'admin-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(config.ADMIN_TOKEN);
    expect(statSync(file).mode & 0o077).toBe(0);
    // A restart keeps the token, and the token passes the config's own rule.
    expect(withDevelopmentSettings(loadConfig({ DATA_DIR: dataDir })).ADMIN_TOKEN).toBe(config.ADMIN_TOKEN);
    expect(loadConfig({ ADMIN_TOKEN: config.ADMIN_TOKEN }).ADMIN_TOKEN).toBe(config.ADMIN_TOKEN);
  });

  test('what the environment sets wins', () => {
    const adminToken = 'operator-token-'.padEnd(32, 'x');
    const config = withDevelopmentSettings(loadConfig({ DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE_URLS: 'false', ADMIN_TOKEN: adminToken }));
    expect(webhookSettings(config).allowPrivateUrls).toBe(false);
    expect(config.ADMIN_TOKEN).toBe(adminToken);
  });

  test('the api and worker entry points keep both off unless configured', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(webhookSettings(config).allowPrivateUrls).toBe(false);
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(webhookSettings(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })).allowPrivateUrls).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/connection';

describe('Temporal connection options', () => {
  test('a local server is reached in plain text', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233', apiKey: undefined });
  });

  test('an API key (Temporal Cloud) turns TLS on with the system roots', () => {
    const options = temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123' }));
    expect(options).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'key-123' });
  });

  test('mTLS reads the client certificate, key and CA from files', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    for (const name of ['client.pem', 'client.key', 'ca.pem']) writeFileSync(path.join(dir, name), `contents of ${name}`);
    const options = temporalConnectionOptions(loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS_CERT_PATH: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY_PATH: path.join(dir, 'client.key'), TEMPORAL_TLS_CA_PATH: path.join(dir, 'ca.pem'), TEMPORAL_TLS_SERVER_NAME: 'temporal',
    }));
    expect(options.tls?.serverNameOverride).toBe('temporal');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe('contents of client.pem');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe('contents of client.key');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe('contents of ca.pem');
    rmSync(dir, { recursive: true });
  });

  test('a certificate without its key is refused at start', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/tls/client.pem' })).toThrow(ConfigError);
  });

  test('TEMPORAL_TLS=false keeps plain text even with an API key (a local proxy)', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'proxy:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).tls).toBeUndefined();
  });
});

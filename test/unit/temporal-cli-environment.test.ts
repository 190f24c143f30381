import { loadConfig } from '../../src/config';
import { temporalCliEnvironment } from '../../src/stack/temporal-cli';

describe('npm run temporal: the CLI pointed at the engine', () => {
  test("without TEMPORAL_ADDRESS it talks to the embedded dev server's port and namespace", () => {
    const env = temporalCliEnvironment(loadConfig({ TEMPORAL_PORT: '7917', TEMPORAL_NAMESPACE: 'nft' }), { PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', TEMPORAL_ADDRESS: '127.0.0.1:7917', TEMPORAL_NAMESPACE: 'nft' });
  });

  test('with TEMPORAL_ADDRESS it talks to that Temporal, and passes the rest of the environment on', () => {
    const given = { TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_API_KEY: 'k', HOME: '/home/me' };
    expect(temporalCliEnvironment(loadConfig(given), given)).toEqual({ ...given, TEMPORAL_NAMESPACE: 'default' });
  });

  test("the engine's TLS files go under the CLI's own names (TEMPORAL_TLS_SERVER_NAME and TEMPORAL_TLS are the same for both)", () => {
    const given = {
      TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: 'true', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_TLS_CERT_PATH: '/certs/client.pem', TEMPORAL_TLS_KEY_PATH: '/certs/client.key', TEMPORAL_TLS_CA_PATH: '/certs/ca.pem',
    };
    expect(temporalCliEnvironment(loadConfig(given), given)).toEqual({
      ...given, TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/client.key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/certs/ca.pem',
    });
  });
});

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
});

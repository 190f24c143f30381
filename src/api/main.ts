import { openEngineParts, PROCESS_SETTINGS } from '../cli/engine-parts';
import { runMain } from '../cli/run-main';
import { loadConfig, requireSettings } from '../config';
import { createLogger } from '../log';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { startApiServer } from './server';

/** The HTTP API as its own process; run as many as you like behind a load balancer. */
runMain('api', async () => {
  const config = requireSettings(loadConfig(), [...PROCESS_SETTINGS], 'the api');
  const log = createLogger('api');
  const parts = await openEngineParts(config, { component: 'api' });
  await ensureSearchAttributes(parts.connection, config.TEMPORAL_NAMESPACE).catch((err) =>
    log('could not register search attributes; register them on the namespace yourself', { error: (err as Error).message }));
  const api = await startApiServer(config, { ...parts, log });
  log('api listening', { url: `http://${config.HOST}:${(api.server.address() as { port: number }).port}`, taskQueue: config.TEMPORAL_TASK_QUEUE });
  return async () => {
    await api.close();
    await parts.close();
  };
});

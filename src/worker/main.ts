import { NativeConnection } from '@temporalio/worker';
import { apiUrls } from '../actions/urls';
import { ChainRegistry } from '../chain/chains';
import { runMain } from '../cli/run-main';
import { loadConfig, requireSettings } from '../config';
import { connectPostgres } from '../db/database';
import { migrate } from '../db/migrate';
import { createWorker } from './worker';

/** A worker process on its own (the embedded stack runs one inside `npm start`). */
runMain('worker', async () => {
  const config = requireSettings(loadConfig(), ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'CHAINS'], 'a standalone worker');
  const db = connectPostgres(config.DATABASE_URL);
  await migrate(db);
  const chains = new ChainRegistry(config.CHAINS);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: { db, chains, urls: apiUrls(config.publicBaseUrl), signerTimeoutMs: 10_000 },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  });
  const running = worker.run();
  console.log(JSON.stringify({ msg: 'worker running', taskQueue: config.TEMPORAL_TASK_QUEUE }));
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
    chains.destroy();
    await db.close();
  };
});

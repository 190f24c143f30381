import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { apiUrls } from '../actions/urls';
import { ChainRegistry } from '../chain/chains';
import { runMain } from '../cli/run-main';
import { loadConfig, requireSettings } from '../config';
import { connectPostgres } from '../db/database';
import { migrate } from '../db/migrate';
import { webhookTaskQueue } from '../temporal/task-queues';
import { SecretBox } from '../secrets/secret-box';
import { webhookSettings } from '../webhooks/settings';
import { createWorkers } from './worker';

/** A worker process on its own (the embedded stack runs one inside `npm start`). */
runMain('worker', async () => {
  const config = requireSettings(loadConfig(), ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'CHAINS', 'SECRETS_KEY'], 'a standalone worker');
  const db = connectPostgres(config.DATABASE_URL);
  await migrate(db);
  const chains = new ChainRegistry(config.CHAINS);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await createWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      db, chains, urls: apiUrls(config.publicBaseUrl), signerTimeoutMs: 10_000,
      temporal: { client, taskQueue: webhookTaskQueue(config.TEMPORAL_TASK_QUEUE) }, secrets: new SecretBox(config.SECRETS_KEY), webhooks: webhookSettings(config),
    },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  });
  const running = worker.run();
  console.log(JSON.stringify({ msg: 'worker running', taskQueue: config.TEMPORAL_TASK_QUEUE }));
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
    await clientConnection.close();
    chains.destroy();
    await db.close();
  };
});

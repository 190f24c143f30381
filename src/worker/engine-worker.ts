import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { apiUrls } from '../actions/urls';
import type { ChainRegistry } from '../chain/chains';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import { webhookTaskQueue } from '../temporal/task-queues';
import { webhookSettings } from '../webhooks/settings';
import { createWorkers, type Workers } from './worker';

export interface EngineWorkerParts {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  client: Client;
  connection: NativeConnection;
  metrics: Metrics;
  workflowBundlePath?: string;
}

/** The workers of one process, configured from the environment (queues, concurrency, shutdown grace). */
export async function startEngineWorker(config: Config, parts: EngineWorkerParts): Promise<Workers & { running: Promise<void> }> {
  const workers = await createWorkers({
    connection: parts.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    queues: config.WORKER_TASK_QUEUES,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceTimeMs: config.WORKER_SHUTDOWN_GRACE,
    workflowBundlePath: parts.workflowBundlePath,
    deps: {
      db: parts.db, chains: parts.chains, urls: apiUrls(config.publicBaseUrl), signerTimeoutMs: config.SIGNER_TIMEOUT_MS,
      temporal: { client: parts.client, taskQueue: webhookTaskQueue(config.TEMPORAL_TASK_QUEUE) },
      secrets: parts.secrets, webhooks: webhookSettings(config), metrics: parts.metrics,
    },
  });
  return { ...workers, running: workers.run() };
}

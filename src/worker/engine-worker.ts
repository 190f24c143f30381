import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { apiUrls } from '../api/urls';
import type { ChainRegistry } from '../chain/chains';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import { ChainEventFollower } from '../subscriptions/event-follower';
import { createDeliveryStarter } from '../temporal/start-delivery';
import { webhookTaskQueue } from '../temporal/task-queues';
import { WebhookDispatcher } from '../webhooks/dispatcher';
import { webhookSettings } from '../webhooks/settings';
import { startHealthChecks } from '../health/checks';
import { createWorkers, type Workers } from './worker';

/** The largest token metadata document a metadata-update event reads. */
const METADATA_MAX_BYTES = 256 * 1024;

export interface EngineWorkerParts {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  client: Client;
  connection: NativeConnection;
  metrics: Metrics;
  log: LogFn;
  /** Connections of the webhook dispatcher's own, so its statements do not queue behind the actions' steps. */
  dispatchDb?: Database;
  workflowBundlePath?: string;
}

export type EngineWorker = Workers & { running: Promise<void>; wakeDispatcher(): void };

/**
 * The workers of one process, configured from the environment (queues, concurrency, shutdown grace); a
 * process that polls the webhook queue also runs the webhook dispatcher, which makes first attempts.
 */
export async function startEngineWorker(config: Config, parts: EngineWorkerParts): Promise<EngineWorker> {
  const settings = webhookSettings(config);
  const dispatcher = config.WORKER_TASK_QUEUES.includes('webhooks')
    ? new WebhookDispatcher({
      db: parts.dispatchDb ?? parts.db, secrets: parts.secrets, settings, metrics: parts.metrics, log: parts.log,
      handOff: createDeliveryStarter(parts.client, webhookTaskQueue(config.TEMPORAL_TASK_QUEUE), settings.retryScheduleMs),
    })
    : undefined;
  const wakeDispatcher = () => dispatcher?.wake();
  const workers = await createWorkers({
    connection: parts.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    queues: config.WORKER_TASK_QUEUES,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentLocalActivityExecutions: config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
    shutdownGraceTimeMs: config.WORKER_SHUTDOWN_GRACE,
    deadlockDetectionMs: config.WORKER_DEADLOCK_DETECTION_MS,
    workflowBundlePath: parts.workflowBundlePath,
    deps: {
      db: parts.db, chains: parts.chains, urls: apiUrls(config.publicBaseUrl), signerTimeoutMs: config.SIGNER_TIMEOUT_MS,
      // Half the slots at most, so the steps that send transactions always find some.
      confirmationWaitSlots: Math.max(1, Math.floor(Math.min(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES) / 2)),
      secrets: parts.secrets, webhooks: settings, metrics: parts.metrics, wakeDispatcher, dispatcher,
    },
  });
  dispatcher?.start();
  const eventFollowers = config.CHAIN_EVENTS === 'on' && config.WORKER_TASK_QUEUES.includes('actions')
    ? parts.chains.chains.map((chain) => new ChainEventFollower({
      db: parts.db, chain, provider: parts.chains.uncachedProvider(chain.chainId), reader: parts.chains.reader(chain.chainId), holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      metadata: { timeoutMs: config.CHAIN_EVENTS_METADATA_TIMEOUT_MS, maxBytes: METADATA_MAX_BYTES, allowPrivateUrls: settings.allowPrivateUrls },
      metrics: parts.metrics, log: parts.log, wake: wakeDispatcher,
    }))
    : [];
  for (const follower of eventFollowers) follower.start();
  // Beside the action workflows: the checks send transactions and sign gap fillers, as the actions' steps do.
  const healthChecks = config.WORKER_TASK_QUEUES.includes('actions')
    ? startHealthChecks(
      { reorgIntervalMs: config.REORG_CHECK_INTERVAL, reorgDepth: config.REORG_CHECK_DEPTH, nonceIntervalMs: config.NONCE_HEALTH_INTERVAL },
      { db: parts.db, chains: parts.chains, secrets: parts.secrets, signerTimeoutMs: config.SIGNER_TIMEOUT_MS, metrics: parts.metrics, log: parts.log,
        urls: apiUrls(config.publicBaseUrl), wakeDispatcher },
    )
    : undefined;
  let backgroundStopped: Promise<void> | undefined;
  const stopBackground = () => (backgroundStopped ??= Promise.all([dispatcher?.stop(), healthChecks?.stop(), ...eventFollowers.map((f) => f.stop())]).then(() => undefined));
  return {
    ...workers,
    shutdown: () => {
      workers.shutdown();
      // Handled now: the drain that awaits it may last the whole shutdown grace.
      stopBackground().catch((err) => parts.log('stopping the background work failed', { error: (err as Error).message }));
    },
    running: workers.run().finally(stopBackground),
    wakeDispatcher,
  };
}

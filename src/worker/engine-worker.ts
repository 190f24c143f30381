import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { recordOutcome, recordOutcomeAndSend, type ActionOutcome } from '../activities/record-outcome';
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
import { DispatcherThread } from './dispatcher-thread';
import { createWorkers, type Workers } from './worker';

/**
 * The dispatcher thread's connections, for its own statements and the outcomes it records; a worker process
 * opens WORKER_MAIN_CONNECTIONS beside them for its steps: 12 in all, as before the thread (10, and 2 for the
 * dispatcher), the outcomes' transactions having moved from the one pool to the other.
 */
const DISPATCH_CONNECTIONS = 4;
export const WORKER_MAIN_CONNECTIONS = 8;

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
  /**
   * The webhook dispatcher on a thread of its own, with connections of its own to this PostgreSQL database, so
   * neither its sends nor its statements wait behind the actions' steps; otherwise it shares `db` and the thread.
   */
  dispatcherThread?: { databaseUrl: string; secretsKey: string };
  workflowBundlePath?: string;
}

export type EngineWorker = Workers & { running: Promise<void>; wakeDispatcher(): void };

/**
 * The workers of one process, configured from the environment (queues, concurrency, shutdown grace); a
 * process that polls the webhook queue also runs the webhook dispatcher, which makes first attempts.
 */
export async function startEngineWorker(config: Config, parts: EngineWorkerParts): Promise<EngineWorker> {
  const settings = webhookSettings(config);
  const handOff = createDeliveryStarter(parts.client, webhookTaskQueue(config.TEMPORAL_TASK_QUEUE), settings.retryScheduleMs);
  const dispatcher = !config.WORKER_TASK_QUEUES.includes('webhooks')
    ? undefined
    : parts.dispatcherThread
      ? new DispatcherThread(
        { ...parts.dispatcherThread, publicBaseUrl: config.publicBaseUrl, poolSize: DISPATCH_CONNECTIONS, settings },
        { handOff, metrics: parts.metrics, log: parts.log },
      )
      : new WebhookDispatcher({ db: parts.db, secrets: parts.secrets, settings, metrics: parts.metrics, log: parts.log, handOff });
  const wakeDispatcher = () => dispatcher?.wake();
  const urls = apiUrls(config.publicBaseUrl);
  // A stopped thread records no more; an outcome recorded without it leaves its event to the outbox's next dispatch.
  const recordAndSend = dispatcher instanceof DispatcherThread
    ? (actionId: string, outcome: ActionOutcome) => (dispatcher.stopped
      ? recordOutcome(parts.db, urls, actionId, outcome).then((recorded) => recorded?.action)
      : dispatcher.recordAndSend(actionId, outcome))
    : dispatcher && ((actionId: string, outcome: ActionOutcome) => recordOutcomeAndSend(parts.db, urls, dispatcher, actionId, outcome));
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
      db: parts.db, chains: parts.chains, urls, signerTimeoutMs: config.SIGNER_TIMEOUT_MS,
      // Half the slots at most, so the steps that send transactions always find some.
      confirmationWaitSlots: Math.max(1, Math.floor(Math.min(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES) / 2)),
      secrets: parts.secrets, webhooks: settings, metrics: parts.metrics, wakeDispatcher, recordAndSend,
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
        urls, wakeDispatcher },
    )
    : undefined;
  let backgroundStopped: Promise<void> | undefined;
  const stopBackground = () => (backgroundStopped ??= Promise.all([dispatcher?.stop(), healthChecks?.stop(), ...eventFollowers.map((f) => f.stop())]).then(() => undefined));
  return {
    ...workers,
    shutdown: () => {
      workers.shutdown();
      void stopBackground();
    },
    running: Promise.race([workers.run(), ...(dispatcher instanceof DispatcherThread ? [dispatcher.failed] : [])]).finally(stopBackground),
    wakeDispatcher,
  };
}

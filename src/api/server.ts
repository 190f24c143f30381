import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Client, Connection } from '@temporalio/client';
import { listen } from '../cli/listen';
import type { ChainRegistry } from '../chain/chains';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import { databaseReady, temporalReady } from '../observability/readiness';
import type { SecretBox } from '../secrets/secret-box';
import { createActionCanceller } from '../temporal/cancel-action';
import { resumeQueuedActions } from '../temporal/resume-queued';
import { createActionStarter } from '../temporal/start-action';
import { createDeliveryStarter } from '../temporal/start-delivery';
import { webhookTaskQueue } from '../temporal/task-queues';
import { webhookSettings } from '../webhooks/settings';
import { createApp } from './app';
import { backgroundStarts } from './background-starts';
import { apiUrls } from './urls';

/** An action still queued this long after it was stored lost its workflow start: start it. */
const RESUME_AFTER_MS = 60_000;

export interface ApiServerParts {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  client: Client;
  connection: Connection;
  metrics: Metrics;
  log: LogFn;
  /** The webhook dispatcher of a worker in the same process (the embedded stack), to send test events at once. */
  wakeDispatcher?: () => void;
}

export interface ApiServerOptions {
  /**
   * Off where other engines' actions share the database (the test harness): the resumer starts every stalled
   * action it finds on this API's task queue, whoever stored it.
   */
  resumeQueued?: boolean;
}

export interface ApiServer {
  app: Express;
  server: Server;
  /** Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT), then resolves. */
  close(): Promise<void>;
}

/** The HTTP API on HOST:PORT, with the resumer that starts actions an earlier process stored but never started. */
export async function startApiServer(config: Config, parts: ApiServerParts, options: ApiServerOptions = {}): Promise<ApiServer> {
  const { db, chains, client, log } = parts;
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const start = createActionStarter(client, taskQueue, chains);
  const starts = backgroundStarts(start, log);
  const startAction = starts.start;
  let stopping = false;
  const app = createApp({
    db, urls: apiUrls(config.publicBaseUrl), chains, bodyLimit: config.BODY_LIMIT, batchBodyLimit: config.BATCH_BODY_LIMIT, adminToken: config.ADMIN_TOKEN, log, startAction,
    secrets: parts.secrets, webhooks: webhookSettings(config), metrics: parts.metrics,
    startDelivery: createDeliveryStarter(client, webhookTaskQueue(taskQueue), config.WEBHOOK_RETRY_SCHEDULE),
    cancelAction: createActionCanceller(client),
    wakeDispatcher: parts.wakeDispatcher,
    readiness: [databaseReady(db), temporalReady(parts.connection, config.TEMPORAL_NAMESPACE)],
    isStopping: () => stopping,
    console: { temporalUiUrl: config.TEMPORAL_UI_URL, temporalNamespace: config.TEMPORAL_NAMESPACE },
  });

  // The port first: one in use stops the process before it starts any action.
  const server = await listen(app, config.PORT, config.HOST);

  // One start after the other: what the resumer finds may be hundreds of actions.
  const resume = () => resumeQueuedActions(db, start, RESUME_AFTER_MS).catch((err) => log('resuming queued actions failed', { error: (err as Error).message }));
  const { resumeQueued = true } = options;
  if (resumeQueued) await resume();
  const resumer = resumeQueued ? setInterval(resume, RESUME_AFTER_MS) : undefined;
  return {
    app,
    server,
    async close() {
      stopping = true;
      clearInterval(resumer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections go as soon as their request is answered.
      const sweeper = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const deadline = setTimeout(() => {
        log('shutdown timeout: closing connections with requests still in flight', { timeoutMs: config.SHUTDOWN_TIMEOUT });
        server.closeAllConnections();
      }, config.SHUTDOWN_TIMEOUT);
      const stoppingAt = Date.now();
      await closed;
      // Starts still under way get what is left of the shutdown time; any not done are the resumer's.
      await Promise.race([starts.drain(), new Promise((r) => setTimeout(r, Math.max(0, config.SHUTDOWN_TIMEOUT - (Date.now() - stoppingAt))).unref())]);
      clearInterval(sweeper);
      clearTimeout(deadline);
    },
  };
}

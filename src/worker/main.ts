import express from 'express';
import { listen } from '../cli/listen';
import { openWorkerEngineParts, PROCESS_SETTINGS } from '../cli/engine-parts';
import { runMain } from '../cli/run-main';
import { loadConfig, requireSettings } from '../config';
import { connectPostgres } from '../db/database';
import { createLogger } from '../log';
import { opsRoutes } from '../observability/ops-routes';
import { databaseReady, temporalReady } from '../observability/readiness';
import { installTemporalJsonLogger } from '../observability/temporal-logger';
import { lowerCpuPriority } from './cpu-priority';
import { startEngineWorker } from './engine-worker';

/**
 * A worker process on its own; run as many as the load needs. On SIGTERM it stops polling, lets in-flight
 * activities finish (up to WORKER_SHUTDOWN_GRACE) and exits. /healthz, /readyz and /metrics on WORKER_PORT.
 */
runMain('worker', async () => {
  const config = requireSettings(loadConfig(), [...PROCESS_SETTINGS], 'a worker');
  const log = createLogger('worker');
  // Before the parts open: the threads they start inherit the priority.
  const notLowered = lowerCpuPriority(config.WORKER_NICE);
  if (notLowered) log('could not lower the CPU priority; running at the usual one', { nice: config.WORKER_NICE, error: notLowered });
  installTemporalJsonLogger('worker', config.LOG_LEVEL);
  const parts = await openWorkerEngineParts(config, { component: 'worker' });
  let workers: Awaited<ReturnType<typeof startEngineWorker>> | undefined;
  let stopping = false;
  // The ops port first: a port in use stops the process before it takes any task.
  const server = await listen(express().use(opsRoutes(parts.metrics, [
    databaseReady(parts.db), temporalReady(parts.connection, config.TEMPORAL_NAMESPACE),
    { name: 'worker', check: async () => { if (!workers?.isRunning()) throw new Error('not polling'); } },
  ], () => stopping)), config.WORKER_PORT, config.HOST);
  const dispatchDb = config.WORKER_TASK_QUEUES.includes('webhooks') ? connectPostgres(config.DATABASE_URL, 2) : undefined;
  const started = await startEngineWorker(config, { ...parts, connection: parts.workerConnection, log, dispatchDb, workflowBundlePath: config.WORKFLOW_BUNDLE_PATH });
  workers = started;
  started.running.catch((err) => {
    log('worker stopped on an error', { error: (err as Error).message });
    process.exit(1);
  });
  log('worker running', { taskQueue: config.TEMPORAL_TASK_QUEUE, queues: config.WORKER_TASK_QUEUES, opsPort: (server.address() as { port: number }).port });
  return async () => {
    stopping = true;
    log('draining: no new tasks, waiting for in-flight ones', { graceMs: config.WORKER_SHUTDOWN_GRACE });
    started.shutdown();
    await started.running;
    log('drained');
    server.close();
    server.closeAllConnections();
    await dispatchDb?.close();
    await parts.close();
  };
});

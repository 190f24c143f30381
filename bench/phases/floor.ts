import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from '../floor/activities';
import { num, runPool } from '../stats';

const TASK_QUEUE = 'bench-floor';

/**
 * floor: `count` trivial workflows (one local activity) at `concurrency`, on a worker of the bench's own with
 * its own task queue, through the same Temporal server as the engine: workflows per second from the first
 * start to the last completion.
 */
export async function floorPhase(opts: { temporalAddress: string; count: number; concurrency: number }) {
  // The worker's SDK logs (warnings only) stay out of the table.
  try { Runtime.install({ logger: new DefaultLogger('ERROR') }); } catch { /* already installed */ }
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../floor/workflow'), logger: new DefaultLogger('ERROR') });
  const nativeConnection = await NativeConnection.connect({ address: opts.temporalAddress });
  const connection = await Connection.connect({ address: opts.temporalAddress });
  try {
    // The workflow sandbox as the engine's worker runs it (WORKER_DEADLOCK_DETECTION_MS, inherited by its processes).
    const deadlockDetection = { isolateExecutionTimeout: Number(process.env.WORKER_DEADLOCK_DETECTION_MS || 0) };
    const worker = await Worker.create({
      connection: nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, workflowBundle, activities,
      maxConcurrentWorkflowTaskExecutions: 40, maxConcurrentActivityTaskExecutions: 100, maxConcurrentLocalActivityExecutions: 100,
      ...deadlockDetection,
    });
    const client = new Client({ connection, namespace: 'default' });
    const running = worker.run();
    try {
      const run = `${Date.now()}`;
      // One workflow first, so the worker is warm before the clock starts.
      await client.workflow.execute('floorWorkflow', { taskQueue: TASK_QUEUE, workflowId: `floor-warmup-${run}`, args: [0] });
      let completed = 0;
      const started = performance.now();
      await runPool(opts.count, opts.concurrency, async (i) => {
        const result = await client.workflow.execute('floorWorkflow', { taskQueue: TASK_QUEUE, workflowId: `floor-${run}-${i}`, args: [i] });
        if (result === i) completed++;
      });
      const seconds = (performance.now() - started) / 1000;
      return { workflows: opts.count, completed, concurrency: opts.concurrency, seconds: num(seconds, 2), workflowsPerSecond: num(completed / seconds, 1) };
    } finally {
      worker.shutdown();
      await running;
    }
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { webhookTaskQueue } from '../temporal/task-queues';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Action workflows run here; webhook deliveries on their own queue beside it. */
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle made once by bundleWorkflowCode (tests, many workers); otherwise it is made here. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
}

export interface Workers {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * The engine's workers: one on the action queue, one on the webhook queue, so slow receivers occupy
 * only webhook slots and never hold up actions.
 */
export async function createWorkers(opts: WorkerOptions): Promise<Workers> {
  const workflowBundle = opts.workflowBundlePath
    ? { codePath: opts.workflowBundlePath }
    : await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  const activities = createActivities(opts.deps);
  const workers = await Promise.all([opts.taskQueue, webhookTaskQueue(opts.taskQueue)].map((taskQueue) =>
    Worker.create({
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue,
      activities,
      workflowBundle,
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 100,
      shutdownGraceTime: '10 seconds',
    })));
  return {
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => workers.forEach((w) => w.shutdown()),
  };
}

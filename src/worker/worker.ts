import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { webhookTaskQueue } from '../temporal/task-queues';

export type WorkerQueue = 'actions' | 'webhooks';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** Action workflows run here; webhook deliveries on their own queue beside it. */
  taskQueue: string;
  /** Which of the two queues this process polls; both unless a deployment splits them. */
  queues?: WorkerQueue[];
  deps: ActivityDeps;
  /** A bundle made once by bundleWorkflowCode (tests, many workers); otherwise it is made here. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  /** On shutdown, how long in-flight activities may run on before they are cancelled. */
  shutdownGraceTimeMs?: number;
  /** How long workflow code may run without yielding before its task fails as a potential deadlock; 0: not watched. */
  deadlockDetectionMs?: number;
}

export interface Workers {
  run(): Promise<void>;
  /** Stops polling and resolves run() once in-flight tasks have finished (or the grace time ran out). */
  shutdown(): void;
  isRunning(): boolean;
}

/**
 * The engine's workers: one on the action queue, one on the webhook queue, so slow receivers occupy
 * only webhook slots and never hold up actions.
 */
export async function createWorkers(opts: WorkerOptions): Promise<Workers> {
  const workflowBundle = opts.workflowBundlePath
    ? { codePath: opts.workflowBundlePath }
    : await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: Runtime.instance().logger });
  const activities = createActivities(opts.deps);
  const queueNames: Record<WorkerQueue, string> = { actions: opts.taskQueue, webhooks: webhookTaskQueue(opts.taskQueue) };
  // The SDK honours this option without declaring it; 0 is understood thanks to patches/@temporalio+worker+*.patch.
  const deadlockDetection = { isolateExecutionTimeout: opts.deadlockDetectionMs ?? 0 };
  const workers = await Promise.all((opts.queues ?? ['actions', 'webhooks']).map((queue) =>
    Worker.create({
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue: queueNames[queue],
      activities,
      workflowBundle,
      maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 100,
      maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions ?? 200,
      maxConcurrentLocalActivityExecutions: opts.maxConcurrentLocalActivityExecutions ?? 200,
      shutdownGraceTime: opts.shutdownGraceTimeMs ?? 30_000,
      ...deadlockDetection,
    })));
  return {
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => workers.forEach((w) => w.shutdown()),
    isRunning: () => workers.every((w) => w.getState() === 'RUNNING'),
  };
}

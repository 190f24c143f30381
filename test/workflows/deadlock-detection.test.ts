import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { spinWorkflow } from '../fixtures/workflows/spin';
import { testStack } from '../support/env';

/**
 * The worker's deadlock detection (WORKER_DEADLOCK_DETECTION_MS) rests on the SDK's isolateExecutionTimeout and
 * on patches/@temporalio+worker+*.patch, which lets 0 turn it off (without the patch, 0 throws from node:vm).
 */

jest.setTimeout(60_000);

const { EventType } = temporal.api.enums.v1;
let connection: Connection;
let workerConnection: NativeConnection;
let client: Client;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  const { temporalAddress } = testStack();
  connection = await Connection.connect({ address: temporalAddress });
  workerConnection = await NativeConnection.connect({ address: temporalAddress });
  client = new Client({ connection });
  workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../fixtures/workflows/spin'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
});

afterAll(async () => {
  await connection?.close();
  await workerConnection?.close();
});

function spinWorker(isolateExecutionTimeout: number) {
  const taskQueue = `deadlock-test-${randomUUID()}`;
  const worker = Worker.create({ connection: workerConnection, taskQueue, workflowBundle, ...{ isolateExecutionTimeout } });
  return { taskQueue, worker };
}

test('with detection off (0), workflow code that runs long without yielding completes', async () => {
  const { taskQueue, worker } = spinWorker(0);
  const result = (await worker).runUntil(client.workflow.execute<typeof spinWorkflow>('spinWorkflow', {
    taskQueue, workflowId: `spin-${randomUUID()}`, args: [20_000_000],
  }));
  await expect(result).resolves.toEqual(expect.any(Number));
});

test('with detection on, workflow code that never yields fails its task once it has run that long', async () => {
  const { taskQueue, worker } = spinWorker(500);
  const handle = await client.workflow.start<typeof spinWorkflow>('spinWorkflow', { taskQueue, workflowId: `spin-${randomUUID()}`, args: ['forever'] });
  const failure = await (await worker).runUntil(async () => {
    for (;;) {
      const events = (await handle.fetchHistory()).events ?? [];
      const failed = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  await handle.terminate('test over');
  expect(failure).toMatch(/execution timed out after 500ms/);
});

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ACTION_FINISHED, actionFailure, SIGNER_UNAVAILABLE } from '../../src/shared/failures';
import type { actionWorkflowV2 } from '../../src/workflows/action-v2';
import { cancelActionSignal } from '../../src/workflows/action-until-settled';
import { actionWorkflowId } from '../../src/workflows/ids';
import { testStack } from '../support/env';
import { CHAIN_ID, confirmedLast, FIRST_HASH, GAP_FILLER_HASH, NONCE, preparedAction, REPLACEMENT_HASH, stubSteps, type StubSteps } from './stub-steps';

/**
 * actionWorkflowV2 on the run's Temporal dev server with stub steps, for the paths a real chain and signer
 * reach only slowly or not at all. Each test has a worker of its own on a task queue of its own.
 */

// Each path takes seconds: a workflow that stops settling fails its test here, not after the suite's 3 minutes.
jest.setTimeout(30_000);

let connection: Connection;
let workerConnection: NativeConnection;
let client: Client;

beforeAll(async () => {
  // The stubs fail on purpose: the SDK's warning for each failed attempt would bury the test's own output.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const { temporalAddress } = testStack();
  connection = await Connection.connect({ address: temporalAddress });
  workerConnection = await NativeConnection.connect({ address: temporalAddress });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await workerConnection?.close();
});

async function runAction(steps: StubSteps, options: { stuckAfterMs?: number; cancelledAtStart?: boolean; workflowTaskTimeout?: string } = {}) {
  const actionId = randomUUID();
  const taskQueue = `workflow-test-${actionId}`;
  const worker = await Worker.create({
    connection: workerConnection, taskQueue, workflowBundle: { codePath: testStack().workflowBundlePath }, activities: steps.activities,
  });
  const start = {
    taskQueue, workflowId: actionWorkflowId(actionId), workflowTaskTimeout: options.workflowTaskTimeout,
    args: [{ actionId, confirmations: 1, pollIntervalMs: 200, confirmationTimeoutMs: 60_000, stuckAfterMs: options.stuckAfterMs }] as Parameters<typeof actionWorkflowV2>,
  };
  const handle = options.cancelledAtStart
    ? await client.workflow.signalWithStart<typeof actionWorkflowV2, []>('actionWorkflowV2', { ...start, signal: cancelActionSignal, signalArgs: [] })
    : await client.workflow.start<typeof actionWorkflowV2>('actionWorkflowV2', start);
  const status = await worker.runUntil(handle.result());
  return { actionId, status };
}

const SENT = ['sendTransaction', 'reserveNonce', 'requestSignature', 'broadcastTransaction'];
const SENT_ONCE = ['prepareTransaction', ...SENT];
const errorOf = (steps: StubSteps) => steps.argsOf('failAction')[0]?.[1] as { reason: string; message: string };

test('a nonce taken outside the engine three times fails the action as nonce_conflict', async () => {
  const steps = stubSteps({ broadcastTransaction: async () => 'nonce_consumed' });
  const { actionId, status } = await runAction(steps);
  expect(status).toBe('failed');
  expect(steps.names()).toEqual([
    'prepareTransaction',
    ...Array(3).fill(SENT).flat(),
    // Nothing was sent: the nonce goes back (the stub's releaseNonce holds none, so no gap to fill).
    'releaseNonce', 'failAction',
  ]);
  expect(steps.argsOf('releaseNonce')).toEqual([[actionId]]);
  expect(errorOf(steps).reason).toBe('nonce_conflict');
});

test('the nonce used by another confirmed transaction after sending fails the action as nonce_conflict, nothing given back', async () => {
  const steps = stubSteps({ awaitSettlement: async () => ({ state: 'nonce_used_elsewhere' }) });
  const { status } = await runAction(steps);
  expect(status).toBe('failed');
  expect(steps.names()).toEqual([...SENT_ONCE, 'awaitSettlement', 'failAction']);
  expect(errorOf(steps).reason).toBe('nonce_conflict');
});

test('a refusal before sending whose nonce holds back later ones has the gap filled', async () => {
  const rejection = { reason: 'signer_rejected' as const, message: 'The signing endpoint rejected the transaction (HTTP 403)' };
  const steps = stubSteps({
    requestSignature: async () => { throw actionFailure(rejection); },
    releaseNonce: async () => ({ nonce: NONCE, blocksLater: true }),
  });
  const { actionId, status } = await runAction(steps);
  expect(status).toBe('failed');
  expect(steps.names()).toEqual([
    'prepareTransaction', 'sendTransaction', 'reserveNonce', 'requestSignature', 'releaseNonce', 'signNonceGapFiller', 'broadcastTransaction', 'failAction',
  ]);
  expect(steps.argsOf('signNonceGapFiller')).toEqual([[preparedAction(actionId), NONCE]]);
  expect(steps.argsOf('broadcastTransaction')).toEqual([
    [`gap-filler-${actionId}`, CHAIN_ID, { hash: GAP_FILLER_HASH, nonce: NONCE, rawTransaction: '0x02cc' }],
  ]);
  expect(errorOf(steps)).toEqual(rejection);
});

/**
 * The signer's retry policy allows 8 attempts over about 71 s of backoff (1, 2, 4, 8, 16, 20, 20 s). To stay
 * within seconds, the stub is down for two attempts and then answers what the eighth would: the same failure
 * type, not retryable.
 */
test('a signer that stays down fails the action as signer_unavailable after its retries, the nonce given back', async () => {
  let attempts = 0;
  const steps = stubSteps({
    requestSignature: async () => {
      attempts += 1;
      if (attempts < 3) throw ApplicationFailure.retryable('signer unreachable: fetch failed', SIGNER_UNAVAILABLE);
      throw ApplicationFailure.nonRetryable('signer unreachable: fetch failed (standing in for the last attempt)', SIGNER_UNAVAILABLE);
    },
  });
  const startedAt = Date.now();
  const { status } = await runAction(steps);
  expect(status).toBe('failed');
  // Each attempt runs the send step again: the same nonce is reserved for it each time.
  expect(steps.names()).toEqual([
    'prepareTransaction', ...Array(3).fill(['sendTransaction', 'reserveNonce', 'requestSignature']).flat(), 'releaseNonce', 'failAction',
  ]);
  // Retried with the policy's backoff (1 s, then 2 s), not at once.
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3_000);
  expect(errorOf(steps).reason).toBe('signer_unavailable');
});

test('a chain outage after sending leaves the action pending as chain_unreachable until the node answers again', async () => {
  let looks = 0;
  const steps = stubSteps({
    awaitSettlement: async (_prepared, sent) => {
      looks += 1;
      // The watch steps' 4 attempts all fail once; the next look finds the transaction confirmed.
      if (looks <= 4) throw new Error('connect ECONNREFUSED 127.0.0.1:8545');
      return confirmedLast(sent);
    },
  });
  const { status } = await runAction(steps);
  expect(status).toBe('succeeded');
  expect(steps.names()).toEqual([
    ...SENT_ONCE, ...Array(4).fill('awaitSettlement'), 'noteStage', 'awaitSettlement', 'noteStage', 'completeAction',
  ]);
  expect(steps.argsOf('noteStage').map(([, stage]) => stage)).toEqual(['chain_unreachable', 'submitted']);
  expect(steps.argsOf('completeAction')[0][1]).toBe(FIRST_HASH);
});

test('a transaction not mined within stuckAfterMs is replaced, and the replacement confirms the action', async () => {
  const steps = stubSteps({
    awaitSettlement: async (_prepared, sent) => (sent.length > 1 ? confirmedLast(sent) : { state: 'pending', mined: false }),
  });
  const { status } = await runAction(steps, { stuckAfterMs: 500 });
  expect(status).toBe('succeeded');
  // How many looks come before the transaction counts as stuck depends on the workflow's clock: not asserted.
  expect(steps.names().filter((name) => name !== 'awaitSettlement')).toEqual([...SENT_ONCE, 'replaceTransaction', 'completeAction']);
  const [[, nonce, known, purpose]] = steps.argsOf('replaceTransaction');
  expect({ nonce, hashes: (known as { hash: string }[]).map((k) => k.hash), purpose }).toEqual({ nonce: NONCE, hashes: [FIRST_HASH], purpose: 'replacement' });
  expect(steps.argsOf('completeAction')[0][1]).toBe(REPLACEMENT_HASH);
});

test('a cancel that arrives before sending records the action cancelled, nothing reserved or signed', async () => {
  const steps = stubSteps();
  const { actionId, status } = await runAction(steps, { cancelledAtStart: true });
  expect(status).toBe('cancelled');
  expect(steps.names()).toEqual(['prepareTransaction', 'releaseNonce', 'recordCancelled']);
  expect(steps.argsOf('recordCancelled')).toEqual([[actionId, null]]);
});

const cancelAction = (actionId: string) => client.workflow.getHandle(actionWorkflowId(actionId)).signal(cancelActionSignal);
/**
 * A signal reaches a workflow whose task is running local steps when the core heartbeats that task, at 80 % of its
 * timeout: with a 2 s timeout, a step that lasts 3 s sees the cancel while it runs.
 */
const HEARTBEATS_WITHIN_A_STEP = { workflowTaskTimeout: '2 seconds' };
const STEP_MS = 3_000;

test('a cancel that arrives while the signer answers stops the send step: nothing sent, the nonce given back', async () => {
  const steps = stubSteps({
    requestSignature: async (prepared, nonce) => {
      await cancelAction(prepared.actionId);
      await new Promise((r) => setTimeout(r, STEP_MS));
      return { hash: FIRST_HASH, nonce, rawTransaction: '0x02aa' };
    },
  });
  const { actionId, status } = await runAction(steps, HEARTBEATS_WITHIN_A_STEP);
  expect(status).toBe('cancelled');
  expect(steps.names()).toEqual(['prepareTransaction', 'sendTransaction', 'reserveNonce', 'requestSignature', 'releaseNonce', 'recordCancelled']);
  expect(steps.argsOf('recordCancelled')).toEqual([[actionId, null]]);
});

test('a cancel that arrives once the transaction is on its way waits for the send, then cancels it by replacement', async () => {
  const steps = stubSteps({
    broadcastTransaction: async (holder) => {
      await cancelAction(holder);
      await new Promise((r) => setTimeout(r, STEP_MS));
      return 'sent';
    },
  });
  const { actionId, status } = await runAction(steps, HEARTBEATS_WITHIN_A_STEP);
  expect(status).toBe('cancelled');
  expect(steps.names()).toEqual([...SENT_ONCE, 'replaceTransaction', 'awaitSettlement', 'recordCancelled']);
  expect(steps.argsOf('replaceTransaction')[0][3]).toBe('cancel');
  expect(steps.argsOf('recordCancelled')).toEqual([[actionId, REPLACEMENT_HASH]]);
});

test('steps run for an action that has finished already answer its stored status', async () => {
  const steps = stubSteps({
    prepareTransaction: async (actionId) => { throw ApplicationFailure.nonRetryable(`action ${actionId} has already succeeded`, ACTION_FINISHED); },
    failAction: async () => 'succeeded',
  });
  const { status } = await runAction(steps);
  expect(status).toBe('succeeded');
  expect(steps.names()).toEqual(['prepareTransaction', 'failAction']);
});

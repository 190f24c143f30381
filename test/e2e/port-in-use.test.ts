import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startEngineProcess } from '../../src/stack/engine-process';
import { finishAction, insertAction } from '../../src/store/actions';
import { webhookTaskQueue } from '../../src/temporal/task-queues';
import { actionWorkflowId } from '../../src/workflows/ids';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';

/** An entry point whose port is taken says which port and exits (1) before it takes any task. */
describe('an entry point on a port in use', () => {
  let h: Harness;
  let taken: net.Server;
  let port: number;
  beforeAll(async () => {
    h = await startHarness();
    taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(async () => {
    taken?.close();
    await h?.stop();
  });

  /** Exit code 1 and the one line that says why; not a stack trace. */
  const exitedOnPortInUse = (name: string) => new RegExp(`exited \\(1\\)[^]*^${name}: port ${port} on 127\\.0\\.0\\.1 is already in use$`, 'm');

  test('a worker whose ops port is taken exits without polling a queue', async () => {
    await expect(h.startWorker({ WORKER_PORT: String(port) })).rejects.toThrow(exitedOnPortInUse('worker'));
    for (const queue of [h.taskQueue, webhookTaskQueue(h.taskQueue)]) {
      const { pollers } = await h.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: queue } });
      expect(pollers).toEqual([]);
    }
  });

  test('an api whose port is taken exits without starting the actions it would resume', async () => {
    // An action stored an hour ago and never started: the resumer of a running api would start it.
    const id = randomUUID();
    await insertAction(h.db, {
      id, projectId: h.projectId, type: 'nfts.create', chain: 'anvil', chainId: h.stack.chainId, collectionId: randomUUID(), resourceId: randomUUID(),
      idempotencyKey: null, requestHash: 'h', payload: { type: 'nfts.create', nftId: randomUUID(), recipient: ALICE, tokenTypeId: null, amount: '1' },
    });
    await h.db.query(`UPDATE actions SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    try {
      await expect(h.startApi({ PORT: String(port) })).rejects.toThrow(exitedOnPortInUse('api'));
      await expect(h.client.workflow.getHandle(actionWorkflowId(id)).describe()).rejects.toThrow(WorkflowNotFoundError);
    } finally {
      // Not left for another test's resumer.
      await finishAction(h.db, id, { status: 'failed', error: { reason: 'internal_error', message: 'test row' } });
    }
  });

  test('a signer whose port is taken exits', async () => {
    const { stack } = h;
    const env = {
      ...process.env, HOST: '127.0.0.1', SIGNER_PORT: String(port), SIGNER_PRIVATE_KEY: stack.signerKey, SIGNER_SECRET: stack.signerSecret,
      CHAINS: JSON.stringify([{ name: 'anvil', chainId: stack.chainId, rpcUrl: stack.rpcUrl }]),
    };
    await expect(startEngineProcess('src/signer/main.ts', 'signer listening', env)).rejects.toThrow(exitedOnPortInUse('signer'));
  });
});

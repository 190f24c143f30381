import net, { type AddressInfo } from 'node:net';
import { startEngineProcess } from '../../src/stack/engine-process';
import { webhookTaskQueue } from '../../src/temporal/task-queues';
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

  test('an api whose port is taken exits', async () => {
    await expect(h.startApi({ PORT: String(port) })).rejects.toThrow(exitedOnPortInUse('api'));
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

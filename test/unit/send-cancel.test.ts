import { ActivityCancellationDetails, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { PreparedAction } from '../../src/activities/prepare';
import { createSendActivities, type SendSteps } from '../../src/activities/send';

const prepared = { actionId: 'a1', chainId: 31337 } as PreparedAction;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sendTransaction cancelled while its nonce is reserved', () => {
  const unhandled: unknown[] = [];
  const note = (reason: unknown) => { unhandled.push(reason); };
  beforeAll(() => process.on('unhandledRejection', note));
  afterAll(() => process.off('unhandledRejection', note));

  test('rejects as cancelled, signs nothing, and leaves no rejection unhandled (which ends a worker process)', async () => {
    const signed: number[] = [];
    const steps: SendSteps = {
      reserveNonce: async () => { await pause(50); return 7; },
      requestSignature: async (_prepared, nonce) => { signed.push(nonce); return { hash: '0x01', nonce, rawTransaction: '0x02' }; },
      broadcastTransaction: async () => 'sent',
    };
    const env = new MockActivityEnvironment({ isLocal: true });
    const sending = env.run(createSendActivities(steps).sendTransaction, prepared);
    await pause(10);
    env.cancel();
    await expect(sending).rejects.toBeInstanceOf(CancelledFailure);
    await pause(10);
    expect(unhandled).toEqual([]);
    expect(signed).toEqual([]);
  });

  test('a worker shutting down is not a cancel: the send goes on', async () => {
    const steps: SendSteps = {
      reserveNonce: async () => { await pause(20); return 7; },
      requestSignature: async (_prepared, nonce) => ({ hash: '0x01', nonce, rawTransaction: '0x02' }),
      broadcastTransaction: async () => 'sent',
    };
    const env = new MockActivityEnvironment({ isLocal: true });
    const sending = env.run(createSendActivities(steps).sendTransaction, prepared);
    await pause(5);
    env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({}));
    await expect(sending).resolves.toMatchObject({ outcome: 'sent' });
    expect(unhandled).toEqual([]);
  });
});

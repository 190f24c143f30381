import { log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { PreparedAction } from '../activities/prepare';

type Activities = ReturnType<typeof createActivities>;

const { signNonceGapFiller } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
});

/** A nonce left unused would hold back every later transaction of the signer: reuse it or fill it. */
export async function giveBackNonce(steps: Pick<Activities, 'releaseNonce' | 'broadcastTransaction'>, prepared: PreparedAction) {
  const released = await steps.releaseNonce(prepared.actionId);
  if (!released?.blocksLater) return;
  try {
    const filler = await signNonceGapFiller(prepared, released.nonce);
    if (filler) await steps.broadcastTransaction(`gap-filler-${prepared.actionId}`, prepared.chainId, filler);
  } catch (err) {
    log.warn('could not fill the nonce gap; the next action of this signer will use it', { nonce: released.nonce, error: String(err) });
  }
}

import { Context } from '@temporalio/activity';
import type { createBroadcastActivities } from './broadcast';
import type { PreparedAction } from './prepare';
import type { SignedAction } from './sign-transaction';
import type { createSigningActivities } from './signing';

export type SendOutcome = { outcome: 'sent'; signed: SignedAction } | { outcome: 'nonce_consumed'; nonce: number };

/** The three steps of sending, each an activity of its own in actions started before they ran as one. */
export type SendSteps = Pick<ReturnType<typeof createSigningActivities>, 'reserveNonce' | 'requestSignature'>
  & Pick<ReturnType<typeof createBroadcastActivities>, 'broadcastTransaction'>;

/**
 * Reserves the action's nonce, has it signed and sends it, one after the other with nothing queued between
 * them: a nonce is given out only to a transaction about to be signed and sent, so under load later nonces do
 * not wait at the node behind a signature still queued. `cancelled` rejects once the action is cancelled: that
 * is honoured until the signature is in (nothing is sent; the signing call may finish on its own); from then
 * the transaction goes out, and the workflow cancels it by replacement.
 */
export async function sendAtNextNonce(steps: SendSteps, prepared: PreparedAction, cancelled: Promise<never>): Promise<SendOutcome> {
  // Handled from the start: a cancel that comes while the nonce is reserved would otherwise be an unhandled
  // rejection, which ends the worker process.
  let cancelledAlready = false;
  cancelled.catch(() => { cancelledAlready = true; });
  const nonce = await steps.reserveNonce(prepared);
  if (cancelledAlready) await cancelled;
  const signed = await Promise.race([steps.requestSignature(prepared, nonce), cancelled]);
  if ((await steps.broadcastTransaction(prepared.actionId, prepared.chainId, signed)) === 'sent') return { outcome: 'sent', signed };
  return { outcome: 'nonce_consumed', nonce };
}

export function createSendActivities(steps: SendSteps) {
  return {
    /** sendAtNextNonce as one local activity; the workflow waits for it to finish when it cancels it. */
    async sendTransaction(prepared: PreparedAction): Promise<SendOutcome> {
      return sendAtNextNonce(steps, prepared, cancelRequested(Context.current()));
    },
  };
}

/**
 * Rejects when the workflow asked to cancel the activity; never on the worker shutting down or the attempt
 * timing out, which are not the action's cancellation (the attempt is then run again, or by another worker).
 */
function cancelRequested(context: Context): Promise<never> {
  return context.cancelled.catch((err: unknown) => {
    if (context.cancellationDetails?.cancelRequested) throw err;
    return new Promise<never>(() => undefined);
  });
}

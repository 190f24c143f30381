import { log } from '@temporalio/activity';
import { isError } from 'ethers';
import { setActionStage } from '../store/actions';
import { discardNonce, markNonceBroadcast, unmarkNonceBroadcast } from '../store/nonces';
import type { ActivityDeps } from './deps';
import type { SignedAction } from './signing';

export type BroadcastResult = 'sent' | 'nonce_consumed';

export type TransactionState = { state: 'pending' } | { state: 'mined'; confirmations: number; blockNumber: number; success: boolean };

export function createBroadcastActivities({ db, chains }: ActivityDeps) {
  return {
    /**
     * Sends the signed transaction (one the signer sent itself was checked on chain already); sending it
     * again is harmless (same nonce, same hash). Reports
     * 'nonce_consumed' when a different transaction of the address took the nonce first.
     * The lease is marked broadcast before sending, so a crash in between never frees a nonce in use.
     */
    async broadcastTransaction(holder: string, chainId: number, signed: SignedAction): Promise<BroadcastResult> {
      const provider = chains.provider(chainId);
      await markNonceBroadcast(db, holder);
      if (signed.rawTransaction) {
        try {
          await provider.broadcastTransaction(signed.rawTransaction);
        } catch (err) {
          if (!(await provider.getTransaction(signed.hash))) {
            if (isError(err, 'NONCE_EXPIRED') || /nonce too low/i.test((err as Error).message)) {
              await discardNonce(db, holder);
              return 'nonce_consumed';
            }
            // Not sent after all: the nonce must stay releasable if the action ends up failing.
            await unmarkNonceBroadcast(db, holder);
            throw err;
          }
        }
      }
      // holder is the action id for an action's own transaction (a gap filler matches no action).
      await setActionStage(db, holder, 'submitted', { txHash: signed.hash, nonce: signed.nonce });
      log.info('transaction broadcast', { txHash: signed.hash, nonce: signed.nonce, chainId });
      return 'sent';
    },

    /**
     * One look at the transaction; re-sends it if the node no longer knows it (dropped, or reorged out).
     * Once it is mined the action is `confirming` until it has the chain's confirmations.
     */
    async checkTransaction(actionId: string, chainId: number, signed: SignedAction): Promise<TransactionState> {
      const provider = chains.provider(chainId);
      const receipt = await provider.getTransactionReceipt(signed.hash);
      if (receipt) {
        await setActionStage(db, actionId, 'confirming');
        return { state: 'mined', confirmations: await receipt.confirmations(), blockNumber: receipt.blockNumber, success: receipt.status === 1 };
      }
      if (signed.rawTransaction && !(await provider.getTransaction(signed.hash))) {
        await provider.broadcastTransaction(signed.rawTransaction).catch(() => undefined);
      }
      return { state: 'pending' };
    },
  };
}

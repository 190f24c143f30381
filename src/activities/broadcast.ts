import { log } from '@temporalio/activity';
import { setActionStage } from '../store/actions';
import type { ActivityDeps } from './deps';
import type { SignedAction } from './signing';
import { lookAtTransaction, sendSignedTransaction, type BroadcastResult, type TransactionState } from './transactions';

export type { BroadcastResult, TransactionState } from './transactions';

export function createBroadcastActivities({ db, chains }: ActivityDeps) {
  return {
    /**
     * Sends the signed transaction (see sendSignedTransaction); 'nonce_consumed' when a different
     * transaction of the address took the nonce first.
     */
    async broadcastTransaction(holder: string, chainId: number, signed: SignedAction): Promise<BroadcastResult> {
      const result = await sendSignedTransaction(db, chains.provider(chainId), holder, signed);
      if (result === 'nonce_consumed') return result;
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
      const state = await lookAtTransaction(chains.provider(chainId), signed);
      if (state.state === 'mined') await setActionStage(db, actionId, 'confirming');
      return state;
    },
  };
}

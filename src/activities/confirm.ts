import { setActionStage } from '../store/actions';
import type { ActivityDeps } from './deps';
import type { SignedAction } from './signing';

export type Confirmation = { state: 'confirmed'; blockNumber: number; success: boolean } | { state: 'pending' };

export function createConfirmActivities({ db, chains }: ActivityDeps) {
  return {
    /**
     * Waits up to `waitMs` for the chain follower to see the transaction with the chain's confirmations; the
     * action is `confirming` from the block it is mined in. If the node no longer knows a transaction still
     * unconfirmed (dropped, or reorged out), it is sent again.
     */
    async awaitConfirmations(actionId: string, chainId: number, signed: SignedAction, confirmations: number, waitMs: number): Promise<Confirmation> {
      let stageRecorded: Promise<void> | undefined;
      const receipt = await chains.follower(chainId).waitForConfirmations(signed.hash, confirmations, waitMs, () => {
        stageRecorded = setActionStage(db, actionId, 'confirming');
      });
      await stageRecorded;
      if (receipt) return { state: 'confirmed', blockNumber: receipt.blockNumber, success: receipt.status === 1 };
      const provider = chains.provider(chainId);
      if (signed.rawTransaction && !(await provider.getTransaction(signed.hash))) {
        await provider.broadcastTransaction(signed.rawTransaction).catch(() => undefined);
      }
      return { state: 'pending' };
    },
  };
}

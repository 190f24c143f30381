import { setActionStage } from '../store/actions';
import type { ActivityDeps } from './deps';
import type { SignedAction } from './sign-transaction';
import { awaitConfirmed, stageRecorder } from './transactions';
import type { WaitSlots } from './wait-slots';

export type Confirmation = { state: 'confirmed'; blockNumber: number; success: boolean } | { state: 'pending' };

export function createConfirmActivities({ db, chains }: ActivityDeps, waits: WaitSlots) {
  return {
    /**
     * Waits up to `waitMs` for the chain follower to see the transaction with the chain's confirmations; the
     * action is `confirming` from the block it is mined in. Answers `pending` at once while the worker's wait
     * slots are all taken.
     */
    async awaitConfirmations(actionId: string, chainId: number, signed: SignedAction, confirmations: number, waitMs: number): Promise<Confirmation> {
      return waits.run(async () => {
        const stage = stageRecorder(() => setActionStage(db, actionId, 'confirming'));
        const receipt = await awaitConfirmed(chains.follower(chainId), chains.provider(chainId), signed, confirmations, waitMs, stage.record);
        await stage.done();
        return receipt ? { state: 'confirmed', blockNumber: receipt.blockNumber, success: receipt.status === 1 } : { state: 'pending' };
      }, { state: 'pending' } as Confirmation);
    },
  };
}

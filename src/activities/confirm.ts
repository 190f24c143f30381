import type { ActionStage } from '../domain';
import { withKeptTransactions, type SentPurpose, type SentTransaction } from '../store/action-transactions';
import { setActionStage } from '../store/actions';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';
import type { SignedAction } from './sign-transaction';
import { awaitConfirmed, awaitFirstConfirmed, stageRecorder, whoUsedNonce } from './transactions';
import type { WaitSlots } from './wait-slots';

export type Confirmation = { state: 'confirmed'; blockNumber: number; success: boolean } | { state: 'pending' };

export type Settlement =
  | { state: 'confirmed'; hash: string; purpose: SentPurpose; blockNumber: number; success: boolean }
  /** `mined`: one of them is in a block, not yet deep enough. */
  | { state: 'pending'; mined: boolean }
  /** Another transaction of the address used the nonce and has the chain's confirmations: none of these can be mined. */
  | { state: 'nonce_used_elsewhere' };

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

    /**
     * Like awaitConfirmations, for every transaction sent at the action's nonce (the first, replacements, a
     * cancellation): answers the one confirmed, or whether one is mined, or that the nonce went to a
     * transaction that is none of them. While the wait slots are all taken it answers `pending` as if mined,
     * so nothing is replaced on a guess.
     */
    async awaitSettlement(prepared: PreparedAction, sent: SentTransaction[], confirmations: number, waitMs: number): Promise<Settlement> {
      const { actionId, chainId } = prepared;
      return waits.run(async () => {
        let mined = false;
        const stage = stageRecorder(() => setActionStage(db, actionId, 'confirming'));
        const provider = chains.provider(chainId);
        const receipt = await awaitFirstConfirmed(chains.follower(chainId), provider, sent, confirmations, waitMs, () => {
          mined = true;
          stage.record();
        });
        await stage.done();
        if (receipt) {
          const tx = sent.find((s) => s.hash.toLowerCase() === receipt.hash.toLowerCase())!;
          return { state: 'confirmed', hash: tx.hash, purpose: tx.purpose, blockNumber: receipt.blockNumber, success: receipt.status === 1 };
        }
        if (mined) return { state: 'pending', mined };
        // Besides what this run of the steps sent, a replacement or cancellation an earlier run sent (kept before sending).
        const user = await whoUsedNonce(provider, prepared.from, sent[0].nonce, () => withKeptTransactions(db, actionId, sent), confirmations);
        if (!user) return { state: 'pending', mined };
        if (user === 'elsewhere') return { state: 'nonce_used_elsewhere' };
        return { state: 'confirmed', hash: user.sent.hash, purpose: user.sent.purpose, blockNumber: user.receipt.blockNumber, success: user.receipt.status === 1 };
      }, { state: 'pending', mined: true } as Settlement);
    },

    /** Shows where a pending action is when no step changed it (the node unreachable, then back). */
    async noteStage(actionId: string, stage: Extract<ActionStage, 'chain_unreachable' | 'submitted'>) {
      await setActionStage(db, actionId, stage);
    },
  };
}

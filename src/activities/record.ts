import { collectionArtifact } from '../chain/artifacts';
import { readReceipt } from '../chain/receipts';
import { minedRevertReason } from '../chain/revert';
import type { ActionError } from '../domain';
import { getAction } from '../store/actions';
import { getCollection } from '../store/resources';
import type { ActivityDeps } from './deps';
import { actionFinisher, type FinalStatus } from './finish-action';
import type { PreparedAction } from './prepare';

export function createRecordActivities(deps: ActivityDeps) {
  const { db, chains } = deps;
  const finish = actionFinisher(deps);

  return {
    /** Reads the confirmed receipt of the action's transaction (the first or a replacement) and records success (what was created) or an on-chain revert. */
    async completeAction(prepared: PreparedAction, txHash: string): Promise<FinalStatus> {
      const action = await getAction(db, prepared.actionId);
      const collection = await getCollection(db, action.collection_id);
      const receipt = await chains.follower(prepared.chainId).receipt(txHash);
      if (!receipt) throw new Error(`receipt of ${txHash} is not available`);
      const mined = { number: receipt.blockNumber, hash: receipt.blockHash };
      if (receipt.status === 1) {
        const result = readReceipt(action.payload, collection, receipt);
        return finish(action.id, { status: 'succeeded', txHash, result: { ...result, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed.toString() }, mined });
      }
      return finish(action.id, {
        status: 'failed',
        txHash,
        error: {
          reason: 'execution_reverted',
          message: `The ${prepared.callInfo.functionName} transaction reverted on chain. Check 'revertReason' for details`,
          revertReason: await minedRevertReason(chains.provider(prepared.chainId), txHash, collectionArtifact(collection.standard, collection.contract_version).abi),
          callInfo: prepared.callInfo,
        },
        mined,
      });
    },

    /** The action's cancellation was confirmed in its place (or nothing was sent for it). */
    async recordCancelled(actionId: string, txHash: string | null): Promise<FinalStatus> {
      return finish(actionId, { status: 'cancelled', ...(txHash ? { txHash, result: { cancelledBy: txHash } } : {}) });
    },

    async failAction(actionId: string, error: ActionError): Promise<FinalStatus> {
      return finish(actionId, { status: 'failed', error });
    },
  };
}

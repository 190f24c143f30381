import { ApplicationFailure } from '@temporalio/common';
import { collectionArtifact } from '../chain/artifacts';
import { planBatchMintCall } from '../chain/calls';
import { describeRevert } from '../chain/revert';
import type { CollectionRow } from '../domain';
import { setActionStage } from '../store/actions';
import { countBatchMintChunks, insertBatchMintPlan, listBatchItemsToMint, type NewBatchChunk } from '../store/batch-mints';
import { findTokenTypeById } from '../store/resources';
import { loadActionContext } from './context';
import type { ActivityDeps } from './deps';
import { actionFailure } from './failures';

/** A chunk should take about this share of a block's gas, so several chunks (or other transactions) fit per block. */
const CHUNKS_PER_BLOCK = 4n;
/** Items in the probe whose estimate gives the gas per item. */
const PROBE_ITEMS = 10;
const GAS_HEADROOM_PERCENT = 120n;

export function createBatchPlanActivities({ db, chains, urls }: ActivityDeps) {
  return {
    /**
     * Splits a batch mint into transactions sized to the chain's block gas limit, simulating each (a revert
     * fails the batch here, before any nonce is used) and pricing it; stores the plan and answers the number
     * of chunks. A stored plan is kept, so a retry plans nothing anew.
     */
    async planBatchMint(actionId: string): Promise<{ chainId: number; chunkCount: number }> {
      const { action, project, collection } = await loadActionContext(db, actionId, urls.metadata);
      const { payload } = action;
      if (payload.type !== 'nfts.createBatch') throw ApplicationFailure.nonRetryable(`action ${actionId} is not a batch mint`, 'NotABatchMint');
      const planned = await countBatchMintChunks(db, actionId);
      if (planned > 0) return { chainId: action.chain_id, chunkCount: planned };
      if (action.status !== 'pending') throw ApplicationFailure.nonRetryable(`action ${actionId} has already ${action.status}`, 'ActionFinished');
      await setActionStage(db, actionId, 'building');

      const tokenTypeId = payload.tokenTypeId ? ((await findTokenTypeById(db, payload.tokenTypeId))?.token_type_id ?? null) : null;
      const items = await listBatchItemsToMint(db, actionId);
      const provider = chains.provider(action.chain_id);
      const from = project.signer_address;
      const estimate = async (chunkItems: typeof items) => {
        const call = planBatchMintCall(collection, tokenTypeId, chunkItems);
        try {
          return { call, gas: await provider.estimateGas({ from, to: call.to, data: call.data }) };
        } catch (err) {
          throw revertFailure(err, collection, chunkItems.length);
        }
      };

      const block = await provider.getBlock('latest');
      if (!block) throw new Error(`chain ${action.chain} has no latest block`);
      const probe = await estimate(items.slice(0, PROBE_ITEMS));
      const gasPerItem = probe.gas / BigInt(Math.min(PROBE_ITEMS, items.length));
      const itemsPerChunk = Math.max(1, Number(block.gasLimit / CHUNKS_PER_BLOCK / gasPerItem));
      const fees = await provider.getFeeData();
      if (fees.maxFeePerGas === null || fees.maxPriorityFeePerGas === null) throw new Error(`chain ${action.chain} has no EIP-1559 fees`);

      const chunks: NewBatchChunk[] = [];
      for (let first = 0; first < items.length; first += itemsPerChunk) {
        const chunkItems = items.slice(first, first + itemsPerChunk);
        const { call, gas } = await estimate(chunkItems);
        chunks.push({
          chunkIndex: chunks.length,
          firstItem: chunkItems[0].item_index,
          itemCount: chunkItems.length,
          to: call.to!,
          data: call.data,
          gasLimit: ((gas * GAS_HEADROOM_PERCENT) / 100n).toString(),
          maxFeePerGas: fees.maxFeePerGas.toString(),
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
          callInfo: { functionName: call.callInfo.functionName, arguments: call.callInfo.arguments },
        });
      }
      await db.transaction((tx) => insertBatchMintPlan(tx, actionId, chunks));
      return { chainId: action.chain_id, chunkCount: chunks.length };
    },
  };
}

function revertFailure(err: unknown, collection: CollectionRow, itemCount: number) {
  const revertReason = describeRevert(err, collectionArtifact(collection.standard, collection.contract_version).abi);
  if (!revertReason) return err;
  return actionFailure({
    reason: 'execution_reverted',
    message: `The mintBatch call for ${itemCount} items reverted. Check 'revertReason' for details`,
    revertReason,
  });
}

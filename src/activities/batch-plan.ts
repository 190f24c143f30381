import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { planBatchChunks } from '../chain/batch-chunks';
import { ACTION_FINISHED, NOT_A_BATCH_MINT } from '../shared/failures';
import { setActionStage } from '../store/actions';
import { countBatchMintChunks, discardStaleBatchMintPlan, insertBatchMintPlan, listBatchItemsToMint } from '../store/batch-mints';
import { findTokenTypeById } from '../store/resources';
import { batchChunkHolder } from './batch-send';
import { loadActionContext } from './context';
import type { ActivityDeps } from './deps';

/**
 * A plan stored this recently is signed as it is; an older one none of whose chunks is signed is made again,
 * its estimates and fees with it (the API plans with the request, and a workflow may start much later, after
 * an outage of Temporal). As for single actions' fees: a block or two on most chains.
 */
const PLAN_FRESH_FOR_MS = 15_000;

export function createBatchPlanActivities({ db, chains, urls }: ActivityDeps) {
  return {
    /**
     * Splits a batch mint into transactions sized to the chain's block gas limit (see planBatchChunks: a
     * revert fails the batch here, before any nonce is used), stores the plan and answers the number of
     * chunks. A stored plan is kept, so a retry plans nothing anew, unless it is older than PLAN_FRESH_FOR_MS
     * and nothing of it was signed; the API stores one with the batch when it could plan while storing the items.
     */
    async planBatchMint(actionId: string): Promise<{ chainId: number; chunkCount: number }> {
      const { action, project, collection } = await loadActionContext(db, actionId, urls.metadata);
      const { payload } = action;
      if (payload.type !== 'nfts.createBatch') throw ApplicationFailure.nonRetryable(`action ${actionId} is not a batch mint`, NOT_A_BATCH_MINT);
      const planned = await countBatchMintChunks(db, actionId);
      if (planned > 0) {
        const holders = Array.from({ length: planned }, (_, chunk) => batchChunkHolder(actionId, chunk));
        if (!(await discardStaleBatchMintPlan(db, actionId, PLAN_FRESH_FOR_MS, holders))) return { chainId: action.chain_id, chunkCount: planned };
        log.info('batch planned again: its plan was made too long ago to be signed', { actionId });
      }
      if (action.status !== 'pending') throw ApplicationFailure.nonRetryable(`action ${actionId} has already ${action.status}`, ACTION_FINISHED);
      await setActionStage(db, actionId, 'building');

      const tokenTypeId = payload.tokenTypeId ? ((await findTokenTypeById(db, payload.tokenTypeId))?.token_type_id ?? null) : null;
      const chunks = await planBatchChunks(chains.provider(action.chain_id), {
        collection, tokenTypeId, from: project.signer_address, items: await listBatchItemsToMint(db, actionId),
      });
      await db.transaction((tx) => insertBatchMintPlan(tx, actionId, chunks));
      return { chainId: action.chain_id, chunkCount: chunks.length };
    },
  };
}

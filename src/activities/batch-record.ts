import { collectionArtifact } from '../chain/artifacts';
import { readMintedTokenIds } from '../chain/receipts';
import { minedRevertReason } from '../chain/revert';
import type { ActionError } from '../domain';
import { getAction } from '../store/actions';
import {
  countBatchMintItems, getBatchMintChunk, listBatchChunkNftIds, listBatchMintChunks, recordBatchItemsMinted, setBatchChunkStatus,
} from '../store/batch-mints';
import { getCollection } from '../store/resources';
import type { ActivityDeps } from './deps';
import { actionFinisher, type FinalStatus } from './finish-action';

export function createBatchRecordActivities(deps: ActivityDeps) {
  const { db, chains, urls } = deps;
  const finish = actionFinisher(deps);

  return {
    /**
     * Reads a confirmed chunk's receipt: each minted token id goes to its item, in the order the contract
     * minted them (the order of the chunk's recipients). Answers how many items it minted.
     */
    async recordBatchChunk(actionId: string, chunkIndex: number): Promise<number> {
      const action = await getAction(db, actionId);
      const chunk = await getBatchMintChunk(db, actionId, chunkIndex);
      const receipt = await chains.follower(action.chain_id).receipt(chunk.tx_hash!);
      if (!receipt) throw new Error(`receipt of ${chunk.tx_hash} is not available`);
      const mined = { blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed.toString() };
      if (receipt.status !== 1) {
        await setBatchChunkStatus(db, actionId, chunkIndex, 'reverted', mined);
        return 0;
      }
      const nftIds = await listBatchChunkNftIds(db, actionId, chunkIndex);
      const tokenIds = readMintedTokenIds(await getCollection(db, action.collection_id), receipt);
      if (tokenIds.length !== nftIds.length) {
        throw new Error(`chunk ${chunkIndex} minted ${tokenIds.length} tokens for ${nftIds.length} items`);
      }
      await recordBatchItemsMinted(db, nftIds.map((nftId, i) => ({ nftId, tokenId: tokenIds[i] })));
      await setBatchChunkStatus(db, actionId, chunkIndex, 'mined', mined);
      return tokenIds.length;
    },

    /**
     * Records how the batch ended, with its counts and transactions: succeeded when every item is minted;
     * otherwise failed, with the error that stopped it (`stoppedBy`), a chunk's revert, or its confirmation
     * timeout. The per-recipient results stay in the items route.
     */
    async completeBatchMint(actionId: string, stoppedBy: ActionError | null): Promise<FinalStatus> {
      const counts = await countBatchMintItems(db, actionId);
      const chunks = await listBatchMintChunks(db, actionId);
      const result = {
        items: counts,
        itemsUrl: `${urls.action(actionId)}/items`,
        transactions: chunks.filter((c) => c.status !== 'planned').map((c) => ({
          chunk: c.chunk_index, txId: c.tx_hash, nonce: Number(c.nonce), status: c.status, blockNumber: c.block_number === null ? null : Number(c.block_number), gasUsed: c.gas_used,
        })),
      };
      if (counts.minted === counts.total) return finish(actionId, { status: 'succeeded', result });
      return finish(actionId, { status: 'failed', result, error: stoppedBy ?? (await chunkError(actionId, chunks)) });
    },
  };

  /** Why a chunk that was sent minted nothing: its revert as the chain tells it, or no confirmation in time. */
  async function chunkError(actionId: string, chunks: Awaited<ReturnType<typeof listBatchMintChunks>>): Promise<ActionError> {
    const reverted = chunks.find((c) => c.status === 'reverted');
    if (!reverted) {
      const unconfirmed = chunks.find((c) => c.status === 'sent');
      return { reason: 'confirmation_timeout', message: `transaction ${unconfirmed?.tx_hash} of chunk ${unconfirmed?.chunk_index} not confirmed in time` };
    }
    const action = await getAction(db, actionId);
    const collection = await getCollection(db, action.collection_id);
    const abi = collectionArtifact(collection.standard, collection.contract_version).abi;
    return {
      reason: 'execution_reverted',
      message: `The mintBatch transaction ${reverted.tx_hash} of chunk ${reverted.chunk_index} reverted on chain. Check 'revertReason' for details`,
      revertReason: await minedRevertReason(chains.provider(action.chain_id), reverted.tx_hash!, abi),
    };
  }
}

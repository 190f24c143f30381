import { log } from '@temporalio/activity';
import { accountNonces } from '../chain/account-nonces';
import { setActionStage, getAction } from '../store/actions';
import { getBatchMintChunk, listBatchMintChunks, recordBatchChunkSigned, setBatchChunkStatus, type BatchChunkRow } from '../store/batch-mints';
import { releaseNonce, reserveNonce } from '../store/nonces';
import { getProject } from '../store/projects';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';
import { transactionSigner, type SignedAction } from './sign-transaction';
import { stillPending } from './still-pending';
import { awaitConfirmed, sendSignedTransaction, stageRecorder, type BroadcastResult } from './transactions';
import type { WaitSlots } from './wait-slots';

const SAME_BLOCK_GRACE_MS = 50;

/** Each chunk of a batch holds a nonce lease of its own. */
export const batchChunkHolder = (actionId: string, chunkIndex: number) => `${actionId}:${chunkIndex}`;

/** What the workflow keeps of a signed chunk; the signed bytes stay in the database. */
export interface SignedChunk {
  hash: string;
  nonce: number;
}

export function createBatchSendActivities(deps: ActivityDeps, waits: WaitSlots) {
  const { db, chains } = deps;
  const sign = transactionSigner(deps);

  /** The chunk's transaction as the signer sees it; its fields were fixed when the batch was planned. */
  async function preparedChunk(actionId: string, chunk: BatchChunkRow): Promise<PreparedAction> {
    const action = await getAction(db, actionId);
    const project = await getProject(db, action.project_id);
    return {
      actionId,
      projectId: project.id,
      chain: action.chain,
      chainId: action.chain_id,
      from: project.signer_address,
      transaction: {
        type: 2,
        chainId: action.chain_id,
        to: chunk.tx_to,
        value: '0',
        data: chunk.tx_data,
        gasLimit: chunk.gas_limit,
        maxFeePerGas: chunk.max_fee_per_gas,
        maxPriorityFeePerGas: chunk.max_priority_fee_per_gas,
      },
      callInfo: { ...chunk.call_info, calldata: chunk.tx_data },
      summary: `nfts.createBatch on collection ${action.collection_id} (${action.chain}): ${chunk.call_info.functionName}, chunk ${chunk.chunk_index}`,
    };
  }

  const signedOf = (chunk: BatchChunkRow): SignedAction => ({
    hash: chunk.tx_hash!, nonce: Number(chunk.nonce), rawTransaction: chunk.signed_transaction ?? undefined,
  });

  return {
    /** The chunk's nonce: the same one on every retry, never one another holder has, none once the batch finished. */
    async reserveChunkNonce(actionId: string, chunkIndex: number): Promise<number> {
      const action = await getAction(db, actionId);
      const { signer_address: from } = await getProject(db, action.project_id);
      const chain = await accountNonces(chains.provider(action.chain_id), from);
      const nonce = await reserveNonce(db, { chainId: action.chain_id, address: from }, batchChunkHolder(actionId, chunkIndex), chain, { check: stillPending(actionId) });
      // Later chunks are reserved while earlier ones are on their way: the batch stays `submitted` then.
      if (chunkIndex === 0) await setActionStage(db, actionId, 'awaiting_signature');
      return nonce;
    },

    /**
     * Has the project's signing endpoint sign the chunk's transaction at its nonce, and keeps the result:
     * asked again for the same nonce (a retry), it returns the kept transaction, so a chunk is one
     * transaction whatever happens.
     */
    async signBatchChunk(actionId: string, chunkIndex: number, nonce: number): Promise<SignedChunk> {
      const chunk = await getBatchMintChunk(db, actionId, chunkIndex);
      if (chunk.tx_hash && Number(chunk.nonce) === nonce) return { hash: chunk.tx_hash, nonce };
      const signed = await sign(await preparedChunk(actionId, chunk), nonce, 'action', (e) => ({
        reason: 'signer_rejected',
        message: `The signing endpoint rejected chunk ${chunkIndex} of the batch (HTTP ${e.status}): ${e.reason}`,
      }));
      if (!(await recordBatchChunkSigned(db, actionId, chunkIndex, chunk.planned_at, signed))) {
        throw new Error(`chunk ${chunkIndex} of batch mint ${actionId} was planned again while it was signed`);
      }
      log.info('batch chunk signed', { chunkIndex, txHash: signed.hash, nonce, signerSentIt: !signed.rawTransaction });
      return { hash: signed.hash, nonce };
    },

    /** Sends the chunk's signed transaction; 'nonce_consumed' when another transaction of the address took its nonce. */
    async broadcastBatchChunk(actionId: string, chunkIndex: number): Promise<BroadcastResult> {
      const chunk = await getBatchMintChunk(db, actionId, chunkIndex);
      const result = await sendSignedTransaction(db, chains.provider((await getAction(db, actionId)).chain_id), batchChunkHolder(actionId, chunkIndex), signedOf(chunk));
      if (result === 'nonce_consumed') return result;
      await setBatchChunkStatus(db, actionId, chunkIndex, 'sent');
      await setActionStage(db, actionId, 'submitted');
      log.info('batch chunk broadcast', { chunkIndex, txHash: chunk.tx_hash, nonce: chunk.nonce });
      return 'sent';
    },

    /**
     * Gives back the nonce of a chunk that failed before broadcast. If later transactions of the signer are
     * on their way, answers the nonce with a transaction to fill it (see signNonceGapFiller).
     */
    async releaseChunkNonce(actionId: string, chunkIndex: number): Promise<{ nonce: number; filler: PreparedAction } | null> {
      const released = await releaseNonce(db, batchChunkHolder(actionId, chunkIndex));
      if (!released?.blocksLater) return null;
      const prepared = await preparedChunk(actionId, await getBatchMintChunk(db, actionId, chunkIndex));
      return {
        nonce: released.nonce,
        filler: {
          ...prepared,
          actionId: batchChunkHolder(actionId, chunkIndex),
          transaction: { ...prepared.transaction, data: '0x' },
          callInfo: { functionName: 'transfer', arguments: {}, calldata: '0x' },
        },
      };
    },

    /**
     * Waits up to `waitMs` for the chain follower to see the chunks' transactions with the chain's
     * confirmations (mined reverted counts: recording says so); answers as soon as some have them, with
     * every chunk confirmed by then, so the batch records them while later ones are still being mined. The
     * batch is `confirming` from its first mined chunk.
     */
    async awaitBatchChunks(actionId: string, chunkIndexes: number[], confirmations: number, waitMs: number): Promise<number[]> {
      return waits.run(async () => {
        const { chain_id: chainId } = await getAction(db, actionId);
        const waitedFor = new Set(chunkIndexes);
        const chunks = (await listBatchMintChunks(db, actionId)).filter((chunk) => waitedFor.has(chunk.chunk_index));
        const stage = stageRecorder(() => setActionStage(db, actionId, 'confirming'));
        const confirmed = new Set<number>();
        let someConfirmed!: () => void;
        const first = new Promise<void>((resolve) => (someConfirmed = resolve));
        const all = Promise.all(chunks.map(async (chunk) => {
          const receipt = await awaitConfirmed(chains.follower(chainId), chains.provider(chainId), signedOf(chunk), confirmations, waitMs, stage.record);
          if (!receipt) return;
          confirmed.add(chunk.chunk_index);
          someConfirmed();
        }));
        await Promise.race([first, all]);
        // The follower confirms a block's transactions within milliseconds of each other (a receipt read each):
        // the others of that block are answered with the first.
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, SAME_BLOCK_GRACE_MS))]);
        await stage.done();
        return chunkIndexes.filter((index) => confirmed.has(index));
      }, [] as number[]);
    },
  };
}

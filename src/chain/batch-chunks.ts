import type { JsonRpcProvider } from 'ethers';
import type { BatchItemToMint, CollectionRow, NewBatchChunk, TokenStandard } from '../domain';
import { actionFailure } from '../shared/failures';
import { collectionArtifact } from './artifacts';
import { planBatchMintCall } from './calls';
import { describeRevert } from './revert';

/**
 * A chunk's gas limit is about this share of a block's, so several chunks (or other transactions) fit per
 * block. Blocks are filled by gas limit, not gas used: the limit's headroom over the estimate is block space
 * left empty.
 */
const CHUNKS_PER_BLOCK = 4n;
/** Items in the probe whose estimate, against one item's, gives the gas per item. */
const PROBE_ITEMS = 10;
/**
 * A chunk's estimate is an upper bound when it only mints: later token ids, or recipients who by then hold
 * tokens, cost the same or less than when simulated. ERC-1155 mints call into recipients that are contracts
 * (onERC1155Received), whose cost may change with their state: they keep more room.
 */
const GAS_HEADROOM_PERCENT: Record<TokenStandard, bigint> = { erc721: 101n, erc1155: 110n };
/**
 * Full blocks raise the base fee by up to 12.5 % each (EIP-1559). A batch's fee cap covers that for every
 * block its own chunks fill plus this many more (ethers' default of twice the base fee covers about six).
 */
const FULL_BLOCKS_COVERED = 6;

/**
 * Splits a batch mint into transactions sized to the chain's block gas limit, simulating each (a revert
 * throws an execution_reverted failure, before any nonce is used) and pricing them.
 */
export async function planBatchChunks(
  provider: JsonRpcProvider,
  batch: { collection: CollectionRow; tokenTypeId: string | null; from: string; items: readonly BatchItemToMint[] },
): Promise<NewBatchChunk[]> {
  const { collection, tokenTypeId, from, items } = batch;
  const estimate = async (chunkItems: readonly BatchItemToMint[]) => {
    const call = planBatchMintCall(collection, tokenTypeId, chunkItems);
    try {
      return { call, gas: await provider.estimateGas({ from, to: call.to, data: call.data }) };
    } catch (err) {
      throw revertFailure(err, collection, chunkItems.length);
    }
  };

  const block = await provider.getBlock('latest');
  if (!block) throw new Error(`chain ${collection.chain} has no latest block`);
  const headroom = GAS_HEADROOM_PERCENT[collection.standard];
  const itemsPerChunk = await chunkSize(items.length, block.gasLimit, headroom, (n) => estimate(items.slice(0, n)).then((e) => e.gas));
  const fees = await provider.getFeeData();
  if (fees.maxPriorityFeePerGas === null || block.baseFeePerGas === null) throw new Error(`chain ${collection.chain} has no EIP-1559 fees`);
  const blocksFilled = Math.ceil(Math.ceil(items.length / itemsPerChunk) / Number(CHUNKS_PER_BLOCK));
  const maxFeePerGas = baseFeeAfterFullBlocks(block.baseFeePerGas, blocksFilled + FULL_BLOCKS_COVERED) + fees.maxPriorityFeePerGas;

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
      gasLimit: ((gas * headroom) / 100n).toString(),
      maxFeePerGas: maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      callInfo: { functionName: call.callInfo.functionName, arguments: call.callInfo.arguments },
    });
  }
  return chunks;
}

/**
 * Items per chunk so a chunk's gas limit is a CHUNKS_PER_BLOCK-th of the block's: the gas of one item more
 * (the probe against a single item) and the call's own, so a chunk is not sized by the fixed cost shared out.
 */
async function chunkSize(itemCount: number, blockGasLimit: bigint, headroomPercent: bigint, gasFor: (items: number) => Promise<bigint>): Promise<number> {
  const probeItems = Math.min(PROBE_ITEMS, itemCount);
  const probe = await gasFor(probeItems);
  if (probeItems === 1) return 1;
  const single = await gasFor(1);
  const perItem = (probe - single) / BigInt(probeItems - 1);
  const fixed = single > perItem ? single - perItem : 0n;
  // 1 % under the share, so rounding never leaves a block one chunk short.
  const budget = (blockGasLimit * 99n) / CHUNKS_PER_BLOCK / headroomPercent;
  return perItem > 0n && budget > fixed ? Math.max(1, Number((budget - fixed) / perItem)) : probeItems;
}

/** The base fee after `blocks` full blocks in a row (each raises it by an eighth, rounded up). */
function baseFeeAfterFullBlocks(baseFee: bigint, blocks: number): bigint {
  let fee = baseFee;
  for (let i = 0; i < blocks; i++) fee += fee / 8n + 1n;
  return fee;
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

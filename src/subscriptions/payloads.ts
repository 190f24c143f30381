import { createHash } from 'node:crypto';
import type { MetadataUpdate, TokenTransfer } from '../chain/token-logs';
import type { BlockRef, ChainEventRecord } from '../store/chain-events';

export type BlockInfo = BlockRef;

/** SimpleHash's sale details, prices in the payment token's smallest unit as decimal strings (no float rounding). */
export interface SaleDetails {
  marketplace_name: string | null;
  is_bundle_sale: boolean;
  payment_token: { payment_token_id: string; name: string | null; symbol: string | null; address: string | null; decimals: number | null };
  unit_price: string;
  total_price: string;
}

/** SimpleHash's subset of its NFT model in metadata-update events. */
export interface NftModel {
  nft_id: string;
  name: string | null;
  description: string | null;
  image_url: string | null;
  video_url: string | null;
  audio_url: string | null;
  model_url: string | null;
  previews: null;
  extra_metadata: Record<string, unknown>;
}

export const nftIdOf = (chain: string, contract: string, tokenId: string) => `${chain}.${contract.toLowerCase()}.${tokenId}`;

/** Deterministic: the same log, seen again by a restarted or repeated follower, is the same event. */
export const chainEventId = (...parts: (string | number | null)[]) =>
  `evt_${createHash('sha256').update(parts.map((p) => String(p ?? '')).join('|')).digest('hex').slice(0, 32)}`;

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** SimpleHash's Transfer Model. */
export function transferModel(chain: string, block: BlockInfo, t: TokenTransfer, sale: SaleDetails | null) {
  return {
    nft_id: nftIdOf(chain, t.contract, t.tokenId),
    chain,
    contract_address: t.contract,
    token_id: t.tokenId,
    from_address: t.from,
    to_address: t.to,
    quantity: t.quantity <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(t.quantity) : t.quantity.toString(),
    timestamp: isoSeconds(block.timestamp),
    block_number: block.number,
    block_hash: block.hash,
    transaction: t.transaction,
    log_index: t.logIndex,
    batch_transfer_index: t.batchIndex,
    sale_details: sale,
  };
}

export interface EventTarget {
  projectId: string;
  /** The subscription that asked for it; null for a creator notification (the project's own collection). */
  subscriptionId: string | null;
  collectionId: string | null;
}

/**
 * A transfer event: the Transfer Model in `data`, and beside it the token's standard and its contract's
 * symbol (what Tokenview's body carries besides).
 */
export function transferEvent(
  chain: string, chainId: number, block: BlockInfo, type: string, t: TokenTransfer, target: EventTarget, sale: SaleDetails | null, symbol: string | null,
): ChainEventRecord {
  const id = chainEventId(chainId, block.hash, t.transaction, t.logIndex, t.batchIndex, target.subscriptionId ?? `creator:${target.collectionId}`, type);
  return {
    id, projectId: target.projectId, type, chain, chainId, collectionId: target.collectionId, blockHash: block.hash,
    payload: {
      id, type, chain, subscriptionId: target.subscriptionId, removed: false, timestamp: block.timestamp * 1000,
      token: { standard: t.standard, symbol }, data: transferModel(chain, block, t, sale),
    },
  };
}

export function metadataEvent(chain: string, chainId: number, block: BlockInfo, type: string, u: MetadataUpdate, target: EventTarget, nfts: NftModel[]): ChainEventRecord {
  const id = chainEventId(chainId, block.hash, u.transaction, u.logIndex, 0, target.subscriptionId ?? `creator:${target.collectionId}`, type);
  return {
    id, projectId: target.projectId, type, chain, chainId, collectionId: target.collectionId, blockHash: block.hash,
    payload: {
      id, type, chain, subscriptionId: target.subscriptionId, removed: false, timestamp: block.timestamp * 1000,
      contract_address: u.contract, token_ids: { from: u.fromTokenId.toString(), to: u.toTokenId.toString() },
      block_number: block.number, block_hash: block.hash, transaction: u.transaction, log_index: u.logIndex, nfts,
    },
  };
}

import type { Queryable } from '../db/database';
import type { BatchItemToMint, CallInfo, NewBatchChunk, OpenSeaMetadata } from '../domain';

export interface NewBatchItem {
  nftId: string;
  recipient: string;
  amount: string;
  metadata: OpenSeaMetadata;
}

/**
 * Writes a batch mint's items: one NFT (with its metadata version 1) and one item row each, in one statement
 * whatever the number of items. The columns go as arrays and the metadata as one json array, read once: as
 * json_to_recordset with a jsonb column, three statements took 0.55–0.8 s for 10,000 items on 2 cores, most of
 * it turning rows of the megabyte into records, and this 0.1 s less.
 */
export async function insertBatchMintItems(
  tx: Queryable,
  batch: { actionId: string; projectId: string; collectionId: string; tokenTypeId: string | null; items: NewBatchItem[] },
) {
  const { items } = batch;
  await tx.query(
    `WITH r AS MATERIALIZED (
       SELECT r.ordinality - 1 AS item_index, r.nft_id, r.recipient, r.amount, r.metadata
       FROM ROWS FROM (unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), json_array_elements($4::json))
         WITH ORDINALITY AS r(nft_id, recipient, amount, metadata, ordinality)),
     nft AS (
       INSERT INTO nfts (id, project_id, collection_id, token_type_id, recipient, amount, status, action_id)
       SELECT r.nft_id, $5, $6, $7, r.recipient, r.amount::numeric, 'pending', $8 FROM r),
     metadata AS (INSERT INTO nft_metadata (nft_id, version, metadata) SELECT r.nft_id, 1, r.metadata::jsonb FROM r)
     INSERT INTO batch_mint_items (action_id, item_index, nft_id) SELECT $8, r.item_index, r.nft_id FROM r`,
    [
      items.map((item) => item.nftId), items.map((item) => item.recipient), items.map((item) => item.amount),
      JSON.stringify(items.map((item) => item.metadata)), batch.projectId, batch.collectionId, batch.tokenTypeId, batch.actionId,
    ],
  );
}

export async function listBatchItemsToMint(db: Queryable, actionId: string): Promise<BatchItemToMint[]> {
  return db.query<BatchItemToMint>(
    `SELECT i.item_index, n.recipient, n.amount::text AS amount FROM batch_mint_items i JOIN nfts n ON n.id = i.nft_id
     WHERE i.action_id = $1 ORDER BY i.item_index`,
    [actionId],
  );
}

export interface BatchChunkRow {
  action_id: string;
  chunk_index: number;
  first_item: number;
  item_count: number;
  planned_at: Date;
  tx_to: string;
  tx_data: string;
  gas_limit: string;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  call_info: Omit<CallInfo, 'calldata'>;
  nonce: number | null;
  tx_hash: string | null;
  signed_transaction: string | null;
  status: 'planned' | 'sent' | 'mined' | 'reverted';
  block_number: number | null;
  gas_used: string | null;
}

/**
 * Stores how a batch is split into transactions, each naming the range of items it carries; a plan, once
 * stored, stays. One statement whatever the number of chunks: a statement a chunk took a quarter of a second
 * before a 10,000-item batch could send its first chunk.
 */
export async function insertBatchMintPlan(tx: Queryable, actionId: string, chunks: NewBatchChunk[]) {
  const rows = JSON.stringify(chunks.map((c) => ({
    chunk_index: c.chunkIndex, first_item: c.firstItem, item_count: c.itemCount, tx_to: c.to, tx_data: c.data,
    gas_limit: c.gasLimit, max_fee_per_gas: c.maxFeePerGas, max_priority_fee_per_gas: c.maxPriorityFeePerGas, call_info: c.callInfo,
  })));
  await tx.query(
    `INSERT INTO batch_mint_chunks (action_id, chunk_index, first_item, item_count, tx_to, tx_data, gas_limit, max_fee_per_gas, max_priority_fee_per_gas, call_info)
     SELECT $1, c.chunk_index, c.first_item, c.item_count, c.tx_to, c.tx_data, c.gas_limit::numeric, c.max_fee_per_gas::numeric,
       c.max_priority_fee_per_gas::numeric, c.call_info
     FROM json_to_recordset($2::json) AS c(chunk_index integer, first_item integer, item_count integer, tx_to text, tx_data text,
       gas_limit text, max_fee_per_gas text, max_priority_fee_per_gas text, call_info jsonb)`,
    [actionId, rows],
  );
}

/**
 * Drops a batch's plan made more than `maxAgeMs` ago if none of its chunks holds a nonce (`chunkHolders`: their
 * leases' holders) or was signed; answers whether it did. Its estimates and fees are as old: the chain may ask
 * more by now.
 */
export async function discardStaleBatchMintPlan(db: Queryable, actionId: string, maxAgeMs: number, chunkHolders: string[]): Promise<boolean> {
  const dropped = await db.query(
    `DELETE FROM batch_mint_chunks WHERE action_id = $1
       AND (SELECT min(planned_at) FROM batch_mint_chunks p WHERE p.action_id = $1) < now() - make_interval(secs => $2::float8 / 1000)
       AND NOT EXISTS (SELECT 1 FROM batch_mint_chunks s WHERE s.action_id = $1 AND (s.nonce IS NOT NULL OR s.status <> 'planned'))
       AND NOT EXISTS (SELECT 1 FROM nonce_leases WHERE holder = ANY($3::text[]))
     RETURNING chunk_index`,
    [actionId, maxAgeMs, chunkHolders],
  );
  return dropped.length > 0;
}

export async function countBatchMintChunks(db: Queryable, actionId: string): Promise<number> {
  const [row] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM batch_mint_chunks WHERE action_id = $1', [actionId]);
  return row.count;
}

export async function getBatchMintChunk(db: Queryable, actionId: string, chunkIndex: number): Promise<BatchChunkRow> {
  const [row] = await db.query<BatchChunkRow>('SELECT * FROM batch_mint_chunks WHERE action_id = $1 AND chunk_index = $2', [actionId, chunkIndex]);
  if (!row) throw new Error(`chunk ${chunkIndex} of batch mint ${actionId} not found`);
  return row;
}

export async function listBatchMintChunks(db: Queryable, actionId: string): Promise<BatchChunkRow[]> {
  return db.query<BatchChunkRow>('SELECT * FROM batch_mint_chunks WHERE action_id = $1 ORDER BY chunk_index', [actionId]);
}

/**
 * Keeps a chunk's signed transaction, so a retried signing for the same nonce returns it instead of asking
 * again; only on the plan it was signed from (`plannedAt`), so a plan made again meanwhile never holds a
 * signature of another one's transaction. Answers whether it did.
 */
export async function recordBatchChunkSigned(
  db: Queryable, actionId: string, chunkIndex: number, plannedAt: Date, signed: { nonce: number; hash: string; rawTransaction?: string },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE batch_mint_chunks SET nonce = $4, tx_hash = $5, signed_transaction = $6
     WHERE action_id = $1 AND chunk_index = $2 AND planned_at = $3 RETURNING chunk_index`,
    [actionId, chunkIndex, plannedAt, signed.nonce, signed.hash, signed.rawTransaction ?? null],
  );
  return rows.length === 1;
}

export async function setBatchChunkStatus(
  db: Queryable, actionId: string, chunkIndex: number, status: 'sent' | 'mined' | 'reverted', mined: { blockNumber: number; gasUsed: string } | null = null,
) {
  await db.query(
    `UPDATE batch_mint_chunks SET status = $3, block_number = COALESCE($4, block_number), gas_used = COALESCE($5, gas_used)
     WHERE action_id = $1 AND chunk_index = $2`,
    [actionId, chunkIndex, status, mined?.blockNumber ?? null, mined?.gasUsed ?? null],
  );
}

/** The NFTs a chunk mints, in item order. */
export async function listBatchChunkNftIds(db: Queryable, actionId: string, chunkIndex: number): Promise<string[]> {
  const rows = await db.query<{ nft_id: string }>(
    `SELECT i.nft_id FROM batch_mint_chunks c JOIN batch_mint_items i ON i.action_id = c.action_id
       AND i.item_index >= c.first_item AND i.item_index < c.first_item + c.item_count
     WHERE c.action_id = $1 AND c.chunk_index = $2 ORDER BY i.item_index`, [actionId, chunkIndex]);
  return rows.map((r) => r.nft_id);
}

/**
 * Marks NFTs of a batch minted with the token ids the chain gave them. By NFT id, so each row is one primary
 * key lookup: joined through the batch's items, the planner scanned the tables while their statistics still
 * predated the batch (about 190 ms a chunk of 270 items, against a few ms).
 */
export async function recordBatchItemsMinted(db: Queryable, minted: { nftId: string; tokenId: string }[]) {
  await db.query(
    `UPDATE nfts n SET status = 'minted', token_id = t.token_id, updated_at = now()
     FROM unnest($1::text[], $2::text[]) AS t(id, token_id) WHERE n.id = t.id AND n.status = 'pending'`,
    [minted.map((m) => m.nftId), minted.map((m) => m.tokenId)],
  );
}

export interface BatchMintCounts {
  total: number;
  minted: number;
  failed: number;
}

export async function countBatchMintItems(db: Queryable, actionId: string): Promise<BatchMintCounts> {
  const [row] = await db.query<BatchMintCounts>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE n.status = 'minted')::int AS minted,
            count(*) FILTER (WHERE n.status <> 'minted')::int AS failed
     FROM batch_mint_items i JOIN nfts n ON n.id = i.nft_id WHERE i.action_id = $1`,
    [actionId],
  );
  return row;
}

/**
 * A finished batch's items that were not minted fail, and give back the supply they reserved. Returns the
 * amount given back.
 */
export async function failUnmintedBatchItems(tx: Queryable, actionId: string): Promise<string> {
  const [row] = await tx.query<{ amount: string | null }>(
    `WITH failed AS (
       UPDATE nfts n SET status = 'failed', updated_at = now() FROM batch_mint_items i
       WHERE i.action_id = $1 AND n.id = i.nft_id AND n.status = 'pending' RETURNING n.amount)
     SELECT sum(amount)::text AS amount FROM failed`,
    [actionId],
  );
  return row?.amount ?? '0';
}

export interface BatchItemResult {
  item_index: number;
  recipient: string;
  nft_id: string;
  token_id: string | null;
  amount: string;
  status: 'pending' | 'minted' | 'failed';
  tx_hash: string | null;
}

/** A page of a batch's per-recipient results, in item order from `after` (exclusive). */
export async function listBatchItemResults(db: Queryable, actionId: string, after: number, limit: number): Promise<BatchItemResult[]> {
  return db.query<BatchItemResult>(
    `SELECT i.item_index, n.recipient, n.id AS nft_id, n.token_id, n.amount::text AS amount, n.status,
            CASE WHEN c.status IN ('sent', 'mined', 'reverted') THEN c.tx_hash END AS tx_hash
     FROM batch_mint_items i JOIN nfts n ON n.id = i.nft_id
     LEFT JOIN batch_mint_chunks c ON c.action_id = i.action_id
       AND i.item_index >= c.first_item AND i.item_index < c.first_item + c.item_count
     WHERE i.action_id = $1 AND i.item_index > $2 ORDER BY i.item_index LIMIT $3`,
    [actionId, after, limit],
  );
}

import type { Database, Queryable } from '../db/database';
import { forgetHoldingChanges, recordHoldingChanges, type HoldingChange } from './owner-holdings';

export interface BlockRef {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the epoch, as the block header has it. */
  timestamp: number;
}

export interface ChainEventRecord {
  id: string;
  projectId: string;
  type: string;
  chain: string;
  chainId: number;
  collectionId: string | null;
  blockHash: string;
  payload: Record<string, unknown>;
}

/**
 * Takes (or keeps) the chain's event follower for `holder` until `leaseMs` from now, unless another holder's
 * lease runs; answers the cursor, or undefined when another process follows the chain. A chain followed for
 * the first time starts at `start`.
 */
export async function leaseChainCursor(db: Queryable, chainId: number, holder: string, leaseMs: number, start: BlockRef): Promise<BlockRef | undefined> {
  await db.query(
    `INSERT INTO chain_cursors (chain_id, block_number, block_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [chainId, start.number, start.hash],
  );
  const [row] = await db.query<{ block_number: string; block_hash: string }>(
    `UPDATE chain_cursors SET holder = $2, lease_until = now() + make_interval(secs => $3::float8 / 1000)
     WHERE chain_id = $1 AND (holder = $2 OR holder IS NULL OR lease_until < now()) RETURNING block_number, block_hash`,
    [chainId, holder, leaseMs],
  );
  if (!row) return undefined;
  const number = Number(row.block_number);
  return { number, hash: row.block_hash, parentHash: '', timestamp: 0, ...(await keptBlock(db, chainId, number)) };
}

/** Lets another process take the chain at once (a follower that stops). */
export async function releaseChainCursor(db: Queryable, chainId: number, holder: string) {
  await db.query('UPDATE chain_cursors SET holder = NULL, lease_until = NULL WHERE chain_id = $1 AND holder = $2', [chainId, holder]);
}

/** A kept canonical block by number, if it is still in the window. */
export async function keptBlock(db: Queryable, chainId: number, number: number): Promise<BlockRef | undefined> {
  const [row] = await db.query<{ hash: string; parent_hash: string; timestamp: string }>(
    'SELECT hash, parent_hash, timestamp FROM chain_blocks WHERE chain_id = $1 AND number = $2', [chainId, number],
  );
  return row && { number, hash: row.hash, parentHash: row.parent_hash, timestamp: Number(row.timestamp) };
}

/**
 * Records the events of a processed block and moves the cursor to it, in one transaction, provided the
 * holder still holds the chain: false if it lost it (nothing is written then). Blocks older than `window`
 * are forgotten. An event recorded already (a block processed again) is kept as it is.
 */
export async function advanceChainCursor(
  db: Database, holder: string, chainId: number, block: BlockRef, events: ChainEventRecord[], window: number,
  inTransaction: (tx: Queryable) => Promise<ChainEventRecord[]> = async () => [],
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await tx.query(
      'UPDATE chain_cursors SET block_number = $3, block_hash = $4 WHERE chain_id = $1 AND holder = $2 RETURNING chain_id',
      [chainId, holder, block.number, block.hash],
    );
    if (moved.length === 0) return false;
    await tx.query(
      `INSERT INTO chain_blocks (chain_id, number, hash, parent_hash, timestamp) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, timestamp = EXCLUDED.timestamp`,
      [chainId, block.number, block.hash, block.parentHash, block.timestamp],
    );
    await tx.query('DELETE FROM chain_blocks WHERE chain_id = $1 AND number <= $2', [chainId, block.number - window]);
    await insertChainEvents(tx, [...events, ...(await inTransaction(tx))]);
    return true;
  });
}

async function insertChainEvents(tx: Queryable, events: ChainEventRecord[]) {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO outbox_events (id, project_id, type, payload, chain, chain_id, collection_id, block_hash)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::int[], $7::text[], $8::text[])
     ON CONFLICT (id) DO NOTHING`,
    [events.map((e) => e.id), events.map((e) => e.projectId), events.map((e) => e.type), events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => e.chain), events.map((e) => e.chainId), events.map((e) => e.collectionId), events.map((e) => e.blockHash)],
  );
}

/**
 * Records what a back-fill found in a past block for one subscription and where it goes on from (`next`;
 * null: it has caught up), in one transaction, provided the holder still holds the chain (false otherwise,
 * nothing written). What was recorded already (the block read live too) is kept as it is.
 */
export async function recordBackfill(
  db: Database, holder: string, chainId: number, subscriptionId: string, events: ChainEventRecord[], changes: HoldingChange[], next: number | null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const held = await tx.query('SELECT chain_id FROM chain_cursors WHERE chain_id = $1 AND holder = $2 FOR UPDATE', [chainId, holder]);
    if (held.length === 0) return false;
    await insertChainEvents(tx, events);
    await recordHoldingChanges(tx, chainId, changes);
    await tx.query('UPDATE subscriptions SET backfill_next = $2 WHERE id = $1 AND backfill_next IS NOT NULL', [subscriptionId, next]);
    return true;
  });
}

/**
 * Steps the cursor back over a block a reorg replaced: every event recorded from it is recorded again with
 * `removed: true` (its id derived from the original's), and the block is forgotten with what it changed in
 * owner subscriptions' holdings. False if the holder lost
 * the chain.
 */
export async function unwindChainBlock(db: Database, holder: string, chainId: number, replaced: BlockRef, previous: BlockRef): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved = await tx.query(
      'UPDATE chain_cursors SET block_number = $3, block_hash = $4 WHERE chain_id = $1 AND holder = $2 RETURNING chain_id',
      [chainId, holder, previous.number, previous.hash],
    );
    if (moved.length === 0) return false;
    await tx.query(
      `INSERT INTO outbox_events (id, project_id, type, payload, chain, chain_id, collection_id, block_hash)
       SELECT r.id, o.project_id, o.type, o.payload || jsonb_build_object('id', r.id, 'removed', true), o.chain, o.chain_id, o.collection_id, o.block_hash
       FROM outbox_events o CROSS JOIN LATERAL (SELECT 'evt_' || md5(o.id || ':removed') AS id) r
       WHERE o.chain_id = $1 AND o.block_hash = $2 AND NOT (o.payload @> '{"removed": true}')
       ON CONFLICT (id) DO NOTHING`,
      [chainId, replaced.hash],
    );
    await forgetHoldingChanges(tx, chainId, replaced.hash);
    await tx.query('DELETE FROM chain_blocks WHERE chain_id = $1 AND number = $2 AND hash = $3', [chainId, replaced.number, replaced.hash]);
    return true;
  });
}

/** Moves the cursor to a block without reading what lies between (the chain left the kept window behind). */
export async function resetChainCursor(db: Queryable, holder: string, chainId: number, block: BlockRef) {
  await db.query('UPDATE chain_cursors SET block_number = $3, block_hash = $4 WHERE chain_id = $1 AND holder = $2', [chainId, holder, block.number, block.hash]);
  await db.query('DELETE FROM chain_blocks WHERE chain_id = $1', [chainId]);
}

export interface CollectionOnChain {
  id: string;
  project_id: string;
  contract_address: string;
}

/** The engine's collections among the contracts: their project hears of their NFTs without a subscription. */
export async function collectionsByContract(db: Queryable, chainId: number, contracts: string[]): Promise<CollectionOnChain[]> {
  if (contracts.length === 0) return [];
  return db.query<CollectionOnChain>(
    `SELECT id, project_id, contract_address FROM collections WHERE chain_id = $1 AND contract_address IS NOT NULL AND lower(contract_address) = ANY($2)`,
    [chainId, contracts.map((c) => c.toLowerCase())],
  );
}

/** Records holders of collection tokens; answers those who never held the token before. */
export async function recordHolders(tx: Queryable, holders: { collectionId: string; tokenId: string; address: string }[]): Promise<Set<string>> {
  if (holders.length === 0) return new Set();
  const rows = await tx.query<{ collection_id: string; token_id: string; address: string }>(
    `INSERT INTO collection_holders (collection_id, token_id, address)
     SELECT * FROM unnest($1::text[], $2::numeric[], $3::text[]) ON CONFLICT DO NOTHING RETURNING collection_id, token_id::text, address`,
    [holders.map((h) => h.collectionId), holders.map((h) => h.tokenId), holders.map((h) => h.address.toLowerCase())],
  );
  return new Set(rows.map((r) => holderKey(r.collection_id, r.token_id, r.address)));
}

export const holderKey = (collectionId: string, tokenId: string, address: string) => `${collectionId}:${tokenId}:${address.toLowerCase()}`;

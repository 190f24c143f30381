import type { Queryable } from '../db/database';
import type { ActionRow, OpenSeaMetadata } from '../domain';
import { INSERT_ACTION, insertActionParams, insertedOrFound, type NewAction } from './actions';

export interface NewMint {
  nftId: string;
  tokenTypeId: string | null;
  recipient: string;
  amount: string;
  metadata: OpenSeaMetadata;
  /** The row its supply is counted on: the token type's, else the collection's. */
  supply: { table: 'collections' | 'token_types'; id: string };
}

/**
 * Stores a mint — the action, its NFT, the NFT's first metadata and the supply it takes — in one statement,
 * so the supply row, which every concurrent mint of the collection or token type updates, is locked only
 * while the statement runs in the database, not across a round trip to the API and its commit. Over
 * maxSupply the update breaks the table's check and nothing is written (see isSupplyExceeded). An action
 * with this id already stored (a repeated request) is returned as it is, and nothing else is written.
 */
export async function acceptMint(db: Queryable, action: NewAction, mint: NewMint): Promise<{ row: ActionRow; created: boolean }> {
  const [inserted] = await db.query<ActionRow>(
    `WITH action AS (${INSERT_ACTION}), nft AS (
       INSERT INTO nfts (id, project_id, collection_id, token_type_id, recipient, amount, status, action_id)
       SELECT $16, $2, $6, $11, $12, $13, 'pending', id FROM action
     ), metadata AS (
       INSERT INTO nft_metadata (nft_id, version, metadata) SELECT $16, 1, $14::jsonb FROM action
     ), supply AS (
       UPDATE ${mint.supply.table} SET reserved_supply = reserved_supply + $13::numeric WHERE id = $15 AND EXISTS (SELECT 1 FROM action)
     )
     SELECT * FROM action`,
    [...insertActionParams(action), mint.tokenTypeId, mint.recipient, mint.amount, JSON.stringify(mint.metadata), mint.supply.id, mint.nftId],
  );
  return insertedOrFound(db, action.id, inserted);
}

/** The error of a supply update beyond maxSupply (the tables' check). */
export const isSupplyExceeded = (err: unknown) =>
  (err as { code?: string }).code === '23514' && /_supply_within_max/.test(String((err as { constraint?: string; message?: string }).constraint ?? (err as Error).message));

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database';

export type SubscriptionKind = 'wallet' | 'nft' | 'contract' | 'chain' | 'owner';
export type Direction = 'inbound' | 'outbound' | 'both';

export interface SubscriptionRow {
  id: string;
  project_id: string;
  chain: string;
  chain_id: number;
  kind: SubscriptionKind;
  wallet_address: string | null;
  direction: Direction | null;
  contract_address: string | null;
  token_id: string | null;
  confirmations: number;
  status: 'active' | 'paused';
  from_block: string | null;
  /** The next past block its back-fill reads; null once it follows the chain live. */
  backfill_next: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewSubscription {
  projectId: string;
  chain: string;
  chainId: number;
  kind: SubscriptionKind;
  walletAddress?: string;
  direction?: Direction;
  contractAddress?: string;
  tokenId?: string;
  confirmations: number;
  fromBlock?: number;
}

export async function insertSubscription(db: Queryable, s: NewSubscription): Promise<SubscriptionRow> {
  const [row] = await db.query<SubscriptionRow>(
    `INSERT INTO subscriptions (id, project_id, chain, chain_id, kind, wallet_address, direction, contract_address, token_id, confirmations, status, from_block, backfill_next)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11, $11) RETURNING *`,
    [randomUUID(), s.projectId, s.chain, s.chainId, s.kind, s.walletAddress?.toLowerCase() ?? null, s.direction ?? null,
      s.contractAddress?.toLowerCase() ?? null, s.tokenId ?? null, s.confirmations, s.fromBlock ?? null],
  );
  return row;
}

export async function findProjectSubscription(db: Queryable, projectId: string, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await db.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1 AND project_id = $2', [id, projectId]);
  return row;
}

/** The project's subscriptions, newest first, after the (created_at, id) of the previous page's last. */
export async function listSubscriptions(
  db: Queryable, projectId: string, limit: number, before?: { createdAt: Date; id: string },
): Promise<SubscriptionRow[]> {
  return db.query<SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE project_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [projectId, before?.createdAt ?? null, before?.id ?? null, limit],
  );
}

export async function setSubscriptionStatus(db: Queryable, projectId: string, id: string, status: 'active' | 'paused'): Promise<SubscriptionRow | undefined> {
  const [row] = await db.query<SubscriptionRow>(
    'UPDATE subscriptions SET status = $3, updated_at = now() WHERE id = $1 AND project_id = $2 RETURNING *',
    [id, projectId, status],
  );
  return row;
}

export async function deleteSubscription(db: Queryable, projectId: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM subscriptions WHERE id = $1 AND project_id = $2 RETURNING id', [id, projectId])).length === 1;
}

/** How deep each active subscription of the chain wants its events: the depths the follower delivers at, and which an owner subscription asks for. */
export async function activeConfirmationDepths(db: Queryable, chainId: number): Promise<{ confirmations: number; owners: boolean }[]> {
  const rows = await db.query<{ confirmations: number; owners: boolean }>(
    "SELECT confirmations, bool_or(kind = 'owner') AS owners FROM subscriptions WHERE chain_id = $1 AND status = 'active' GROUP BY confirmations",
    [chainId],
  );
  return rows.map((r) => ({ confirmations: r.confirmations, owners: r.owners }));
}

/**
 * The active subscriptions at one depth that a block's logs can concern, found through the indexes: wallets
 * (and owners) among the addresses that sent or received, NFTs and contracts among the contracts, and the
 * chain's. One still back-filling is left to its back-fill until it has caught up.
 */
export async function subscriptionsConcerned(
  db: Queryable, chainId: number, confirmations: number, wallets: string[], contracts: string[], withChainWide: boolean,
): Promise<SubscriptionRow[]> {
  return db.query<SubscriptionRow>(
    `SELECT * FROM subscriptions WHERE chain_id = $1 AND status = 'active' AND confirmations = $2 AND backfill_next IS NULL AND (
       (kind IN ('wallet', 'owner') AND wallet_address = ANY($3)) OR (kind IN ('nft', 'contract') AND contract_address = ANY($4)) OR ($5 AND kind = 'chain'))`,
    [chainId, confirmations, wallets.map((w) => w.toLowerCase()), contracts.map((c) => c.toLowerCase()), withChainWide],
  );
}

/** Active subscriptions among `ids` at one depth that follow the chain live (owners holding a token a block touches). */
export async function liveSubscriptionsByIds(db: Queryable, ids: string[], confirmations: number): Promise<SubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db.query<SubscriptionRow>(
    "SELECT * FROM subscriptions WHERE id = ANY($1) AND status = 'active' AND confirmations = $2 AND backfill_next IS NULL", [ids, confirmations],
  );
}

/** The chain's oldest active subscription whose back-fill has past blocks left to read. */
export async function nextBackfill(db: Queryable, chainId: number): Promise<SubscriptionRow | undefined> {
  const [row] = await db.query<SubscriptionRow>(
    "SELECT * FROM subscriptions WHERE chain_id = $1 AND backfill_next IS NOT NULL AND status = 'active' ORDER BY created_at, id LIMIT 1", [chainId],
  );
  return row;
}

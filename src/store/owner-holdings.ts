import type { Queryable } from '../db/database';

/** A token an owner subscription's wallet holds, as far as the transfers it saw tell. */
export interface Holding {
  subscriptionId: string;
  contract: string;
  tokenId: string;
  balance: bigint;
}

/** One transfer log item's change to what an owner subscription's wallet holds. */
export interface HoldingChange {
  subscriptionId: string;
  contract: string;
  tokenId: string;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  batchIndex: number;
  delta: bigint;
}

/** Token ids `from`..`to` (bounds included) of a contract: a transfer's one token, or an EIP-4906 range. */
export interface TokenRange {
  contract: string;
  from: string;
  to: string;
}

/**
 * What owner subscriptions held before block `before` among the token ranges, through the token index:
 * those that follow the chain live at one depth, or one subscription (its back-fill).
 */
export async function holdingsIn(
  db: Queryable, chainId: number, before: number, ranges: TokenRange[], scope: { confirmations: number } | { subscriptionId: string },
): Promise<Holding[]> {
  if (ranges.length === 0) return [];
  const rows = await db.query<{ subscription_id: string; contract_address: string; token_id: string; balance: string }>(
    `SELECT h.subscription_id, h.contract_address, h.token_id::text, sum(h.delta)::text AS balance
     FROM (SELECT DISTINCT ON (h.subscription_id, h.block_hash, h.log_index, h.batch_index) h.*
           FROM unnest($3::text[], $4::numeric[], $5::numeric[]) r(contract, lo, hi)
           JOIN owner_holdings h ON h.chain_id = $1 AND h.contract_address = r.contract AND h.token_id BETWEEN r.lo AND r.hi
           WHERE h.block_number < $2) h
     JOIN subscriptions s ON s.id = h.subscription_id
     WHERE s.status = 'active' AND ${'subscriptionId' in scope ? 's.id = $6' : 's.confirmations = $6 AND s.backfill_next IS NULL'}
     GROUP BY 1, 2, 3 HAVING sum(h.delta) > 0`,
    [chainId, before, ranges.map((r) => r.contract.toLowerCase()), ranges.map((r) => r.from), ranges.map((r) => r.to),
      'subscriptionId' in scope ? scope.subscriptionId : scope.confirmations],
  );
  return rows.map((r) => ({ subscriptionId: r.subscription_id, contract: r.contract_address, tokenId: r.token_id, balance: BigInt(r.balance) }));
}

/**
 * Records changes to holdings; one recorded already (its block processed again) is kept as it is, and one of
 * a subscription deleted meanwhile is dropped.
 */
export async function recordHoldingChanges(tx: Queryable, chainId: number, changes: HoldingChange[]) {
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO owner_holdings (subscription_id, chain_id, contract_address, token_id, block_number, block_hash, log_index, batch_index, delta)
     SELECT x.s, $1, x.c, x.t, x.n, x.h, x.l, x.b, x.d
     FROM unnest($2::text[], $3::text[], $4::numeric[], $5::bigint[], $6::text[], $7::int[], $8::int[], $9::numeric[]) x(s, c, t, n, h, l, b, d)
     JOIN subscriptions ON subscriptions.id = x.s
     ON CONFLICT DO NOTHING`,
    [chainId, changes.map((c) => c.subscriptionId), changes.map((c) => c.contract.toLowerCase()), changes.map((c) => c.tokenId),
      changes.map((c) => c.blockNumber), changes.map((c) => c.blockHash), changes.map((c) => c.logIndex), changes.map((c) => c.batchIndex),
      changes.map((c) => c.delta.toString())],
  );
}

/** Forgets the changes a block made (a reorg replaced it). */
export async function forgetHoldingChanges(tx: Queryable, chainId: number, blockHash: string) {
  await tx.query('DELETE FROM owner_holdings WHERE chain_id = $1 AND block_hash = $2', [chainId, blockHash]);
}

/**
 * The project's active owner subscriptions whose wallet holds the token now (at the depth each follows),
 * with that wallet: an application event about the NFT reaches them too.
 */
export async function ownersOf(db: Queryable, projectId: string, chainId: number, contract: string, tokenId: string): Promise<{ subscriptionId: string; owner: string }[]> {
  const rows = await db.query<{ id: string; wallet_address: string }>(
    `SELECT s.id, s.wallet_address FROM owner_holdings h JOIN subscriptions s ON s.id = h.subscription_id
     WHERE h.chain_id = $2 AND h.contract_address = $3 AND h.token_id = $4 AND s.project_id = $1 AND s.status = 'active'
     GROUP BY s.id, s.wallet_address HAVING sum(h.delta) > 0`,
    [projectId, chainId, contract.toLowerCase(), tokenId],
  );
  return rows.map((r) => ({ subscriptionId: r.id, owner: r.wallet_address }));
}

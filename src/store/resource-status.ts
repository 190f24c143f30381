import type { Queryable } from '../db/database';

/** The last action on a resource, as Venly reports a resource's status: its transaction and why it failed. */
export interface LastActionStatus {
  transactionHash: string | null;
  errorMessage: string | null;
}

const NONE: LastActionStatus = { transactionHash: null, errorMessage: null };

/** The last action on each of a project's collections or token types (the action that created it, so far). */
export async function lastActionStatuses(db: Queryable, projectId: string, resourceIds: string[]): Promise<Map<string, LastActionStatus>> {
  const rows = await db.query<{ resource_id: string; tx_hash: string | null; error_message: string | null }>(
    `SELECT DISTINCT ON (resource_id) resource_id, tx_hash, error->>'message' AS error_message
     FROM actions WHERE resource_id = ANY($2) AND project_id = $1 ORDER BY resource_id, started_at DESC`,
    [projectId, resourceIds],
  );
  const statuses = new Map(rows.map((r) => [r.resource_id, { transactionHash: r.tx_hash, errorMessage: r.error_message }]));
  return new Map(resourceIds.map((id) => [id, statuses.get(id) ?? NONE]));
}

export interface NftStatus extends LastActionStatus {
  /** Its place among its non-fungible token type's minted NFTs, by token id, from 1; null otherwise. */
  mintNumber: number | null;
}

/**
 * Each NFT's last action — its mint (alone, or the transaction of its chunk of a batch) or a later metadata
 * update — and its mint number.
 */
export async function nftStatuses(db: Queryable, projectId: string, nftIds: string[]): Promise<Map<string, NftStatus>> {
  const rows = await db.query<{ id: string; tx_hash: string | null; error_message: string | null; mint_number: number | null }>(
    `SELECT n.id, last.tx_hash, last.error_message,
       CASE WHEN n.status = 'minted' AND NOT t.fungible THEN
         (SELECT count(*)::int FROM nfts m WHERE m.token_type_id = n.token_type_id AND m.status = 'minted'
            AND m.token_id::numeric <= n.token_id::numeric) END AS mint_number
     FROM nfts n
     LEFT JOIN token_types t ON t.id = n.token_type_id
     LEFT JOIN LATERAL (
       SELECT tx_hash, error_message FROM (
         SELECT a.tx_hash, a.error->>'message' AS error_message, a.started_at FROM actions a
         WHERE a.resource_id = n.id AND a.project_id = n.project_id
         UNION ALL
         SELECT CASE WHEN c.status IN ('sent', 'mined', 'reverted') THEN c.tx_hash END,
           CASE WHEN c.status = 'mined' THEN NULL ELSE a.error->>'message' END, a.started_at
         FROM batch_mint_items i JOIN actions a ON a.id = i.action_id
         LEFT JOIN batch_mint_chunks c ON c.action_id = i.action_id
           AND i.item_index >= c.first_item AND i.item_index < c.first_item + c.item_count
         WHERE i.nft_id = n.id
       ) touched ORDER BY started_at DESC LIMIT 1
     ) last ON true
     WHERE n.id = ANY($1) AND n.project_id = $2`,
    [nftIds, projectId],
  );
  const statuses = new Map(rows.map((r) => [r.id, { transactionHash: r.tx_hash, errorMessage: r.error_message, mintNumber: r.mint_number }]));
  return new Map(nftIds.map((id) => [id, statuses.get(id) ?? { ...NONE, mintNumber: null }]));
}

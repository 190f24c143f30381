import type { Queryable } from '../db/database';

/** Where an NFT metadata update stands among the other updates of the same NFT, as it is about to take a nonce. */
export interface NftUpdateOrder {
  /** A newer version of the NFT that succeeded or holds a nonce, if any: the update must not be sent after it. */
  newerVersion?: number;
  /** The lowest nonce the update may take: above every nonce held by older updates of the NFT. */
  lowestNonce: number;
}

export async function nftUpdateOrder(tx: Queryable, actionId: string): Promise<NftUpdateOrder> {
  const [row] = await tx.query<{ newer_version: number | null; older_nonce: number | null }>(
    `WITH mine AS (SELECT resource_id AS nft_id, (payload->>'metadataVersion')::int AS version FROM actions WHERE id = $1),
     updates AS (
       SELECT a.id, a.status, (a.payload->>'metadataVersion')::int AS version, l.nonce
       FROM actions a JOIN mine ON a.resource_id = mine.nft_id LEFT JOIN nonce_leases l ON l.holder = a.id
       WHERE a.type = 'nfts.update' AND a.id <> $1)
     SELECT
       (SELECT max(u.version) FROM updates u, mine WHERE u.version > mine.version
          AND (u.status = 'succeeded' OR (u.status = 'pending' AND u.nonce IS NOT NULL))) AS newer_version,
       (SELECT max(u.nonce) FROM updates u, mine WHERE u.version < mine.version) AS older_nonce`,
    [actionId],
  );
  return { newerVersion: row.newer_version ?? undefined, lowestNonce: row.older_nonce === null ? 0 : row.older_nonce + 1 };
}

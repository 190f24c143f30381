import type { Database, Queryable } from '../db/database';
import { ownersOf } from './owner-holdings';

export interface AppEventRow {
  id: string;
  project_id: string;
  type: string;
  nft_id: string;
  collection_id: string;
  chain: string;
  actor: string | null;
  data: Record<string, unknown>;
  payload: Record<string, unknown>;
  idempotency_key: string | null;
  request_hash: string;
  created_at: Date;
}

export type NewAppEvent = Omit<AppEventRow, 'created_at'> & { createdAt: Date };

/** The NFT's token on chain, and the event as its current owner's owner subscriptions receive it. */
export interface ToOwners {
  chainId: number;
  contract: string;
  tokenId: string;
  copy(subscriptionId: string, owner: string): { id: string; payload: Record<string, unknown> };
}

/**
 * Records the event and its outbox event (with the NFT's collection and chain, for endpoint filters) in one
 * transaction, with a copy for each of the project's owner subscriptions whose wallet holds the NFT now.
 * An event with the same idempotency key is returned instead (`created` false), nothing written.
 */
export async function insertAppEvent(db: Database, e: NewAppEvent, toOwners?: ToOwners): Promise<{ row: AppEventRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.query<AppEventRow>(
      `INSERT INTO app_events (id, project_id, type, nft_id, collection_id, chain, actor, data, payload, idempotency_key, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING *`,
      [e.id, e.project_id, e.type, e.nft_id, e.collection_id, e.chain, e.actor, JSON.stringify(e.data), JSON.stringify(e.payload),
        e.idempotency_key, e.request_hash, e.createdAt],
    );
    if (!inserted) {
      const [existing] = await tx.query<AppEventRow>('SELECT * FROM app_events WHERE project_id = $1 AND (id = $2 OR idempotency_key = $3)', [e.project_id, e.id, e.idempotency_key]);
      return { row: existing, created: false };
    }
    await tx.query(
      'INSERT INTO outbox_events (id, project_id, type, collection_id, chain, payload) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.id, e.project_id, e.type, e.collection_id, e.chain, JSON.stringify(e.payload)],
    );
    const owners = toOwners ? await ownersOf(tx, e.project_id, toOwners.chainId, toOwners.contract, toOwners.tokenId) : [];
    for (const { subscriptionId, owner } of owners) {
      const copy = toOwners!.copy(subscriptionId, owner);
      await tx.query(
        'INSERT INTO outbox_events (id, project_id, type, collection_id, chain, payload) VALUES ($1, $2, $3, $4, $5, $6)',
        [copy.id, e.project_id, e.type, e.collection_id, e.chain, JSON.stringify(copy.payload)],
      );
    }
    return { row: inserted, created: true };
  });
}

/** The project's application events, newest first, after the (created_at, id) of the previous page's last. */
export async function listAppEvents(
  db: Queryable, projectId: string, filter: { type?: string; nftId?: string; limit: number; before?: { createdAt: Date; id: string } },
): Promise<AppEventRow[]> {
  return db.query<AppEventRow>(
    `SELECT * FROM app_events WHERE project_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR nft_id = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
     ORDER BY created_at DESC, id DESC LIMIT $6`,
    [projectId, filter.type ?? null, filter.nftId ?? null, filter.before?.createdAt ?? null, filter.before?.id ?? null, filter.limit],
  );
}

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { ActionRow, ApiUrls } from '../domain';
import type { OutboxEvent } from '../store/dispatch';
import { insertActionEvent } from '../store/outbox';
import { findCollectionById } from '../store/resources';

/**
 * Records the action's domain event (`<type>.succeeded|failed`) in the outbox, in the envelope of
 * Crossmint's webhooks plus an event id, and answers it. One event per action, however often this runs;
 * `dispatched` when the caller records its deliveries in the same transaction.
 */
export async function recordActionEvent(tx: Queryable, action: ActionRow, urls: ApiUrls, dispatched = false): Promise<OutboxEvent> {
  const type = `${action.type}.${action.status}`;
  const data = actionEventData(action, (await findCollectionById(tx, action.collection_id))?.contract_address ?? null);
  const event = {
    id: `evt_${randomUUID()}`,
    type,
    actionId: action.id,
    startedAt: new Date(action.started_at).toISOString(),
    completedAt: action.completed_at ? new Date(action.completed_at).toISOString() : undefined,
    timestamp: Date.now(),
    data,
    resource: urls.resource(action),
  };
  await insertActionEvent(tx, { id: event.id, projectId: action.project_id, type, actionId: action.id, payload: event }, dispatched);
  return { id: event.id, project_id: action.project_id, type, payload: event, collection_id: action.collection_id, chain: action.chain };
}

/** What an action's event and its Crossmint-style status carry in `data`: the chain, the transaction and what it made. */
export function actionEventData(action: ActionRow, contractAddress: string | null): Record<string, unknown> {
  const result = (action.result ?? {}) as Record<string, unknown>;
  const { payload } = action;
  const data: Record<string, unknown> = {
    chain: action.chain,
    txId: action.tx_hash ?? undefined,
    collection: { id: action.collection_id, contractAddress: contractAddress ?? result.contractAddress ?? undefined },
  };
  if (payload.type === 'tokenTypes.create') {
    // tokenTypeId: the on-chain id again, as events before onChainTypeId carried it.
    data.tokenType = {
      id: payload.tokenTypeId, onChainTypeId: result.tokenTypeId, tokenTypeId: result.tokenTypeId, maxSupply: payload.maxSupply, fungible: payload.fungible,
    };
  }
  if (payload.type === 'nfts.create') {
    data.recipient = { walletAddress: payload.recipient };
    data.token = { id: payload.nftId, tokenId: result.tokenId, amount: payload.amount, owner: result.owner ? { walletAddress: result.owner } : undefined };
  }
  if (payload.type === 'nfts.update') {
    data.token = { id: payload.nftId, tokenId: result.tokenId, metadataVersion: payload.metadataVersion };
    data.changes = ['metadata'];
  }
  if (payload.type === 'nfts.createBatch') {
    // Counts and transactions only: the per-recipient results are paged from the items route.
    if (payload.tokenTypeId) data.tokenType = { id: payload.tokenTypeId };
    data.items = result.items;
    data.transactions = result.transactions;
    data.itemsUrl = result.itemsUrl;
  }
  if (action.error) data.error = action.error;
  return data;
}

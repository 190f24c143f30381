import { randomUUID } from 'node:crypto';
import type { ActionRow, ApiUrls } from '../domain';
import type { OutboxEvent } from '../store/dispatch';
import type { ActionOutboxEvent } from '../store/outbox';

/**
 * The action's domain event (`<type>.succeeded|failed`), in the envelope of Crossmint's webhooks plus an event
 * id: as the outbox records it (once per action), and as the dispatcher fans it out. `contractAddress`: its
 * collection's, as read when it finished.
 */
export function actionEvent(action: ActionRow, urls: ApiUrls, contractAddress: string | null): { recorded: ActionOutboxEvent; event: OutboxEvent } {
  const type = `${action.type}.${action.status}`;
  const payload = {
    id: `evt_${randomUUID()}`,
    type,
    actionId: action.id,
    startedAt: new Date(action.started_at).toISOString(),
    completedAt: action.completed_at ? new Date(action.completed_at).toISOString() : undefined,
    timestamp: Date.now(),
    data: actionEventData(action, contractAddress),
    resource: urls.resource(action),
  };
  return {
    recorded: { id: payload.id, projectId: action.project_id, type, actionId: action.id, payload },
    event: { id: payload.id, project_id: action.project_id, type, payload, collection_id: action.collection_id, chain: action.chain },
  };
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

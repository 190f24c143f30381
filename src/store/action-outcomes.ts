import type { Queryable } from '../db/database';
import type { ActionRow } from '../domain';
import { failUnmintedBatchItems } from './batch-mints';
import { releaseSupply } from './resources';

/** Applies a finished action to what it created. */
export async function applyOutcomeToResources(tx: Queryable, action: ActionRow) {
  const { payload } = action;
  const result = (action.result ?? {}) as Record<string, string>;
  const ok = action.status === 'succeeded';
  switch (payload.type) {
    case 'collections.create':
      await tx.query('UPDATE collections SET status = $2, contract_address = $3 WHERE id = $1', [
        action.collection_id, ok ? 'deployed' : 'failed', ok ? result.contractAddress : null,
      ]);
      return;
    case 'tokenTypes.create':
      await tx.query('UPDATE token_types SET status = $2, token_type_id = $3 WHERE id = $1', [
        payload.tokenTypeId, ok ? 'created' : 'failed', ok ? result.tokenTypeId : null,
      ]);
      return;
    case 'nfts.create':
      await tx.query('UPDATE nfts SET status = $2, token_id = $3, updated_at = now() WHERE id = $1', [
        payload.nftId, ok ? 'minted' : 'failed', ok ? result.tokenId : null,
      ]);
      if (!ok) {
        if (payload.tokenTypeId) await releaseSupply(tx, 'token_types', payload.tokenTypeId, payload.amount);
        else await releaseSupply(tx, 'collections', action.collection_id, payload.amount);
      }
      return;
    case 'nfts.update':
      if (ok) {
        await tx.query('UPDATE nfts SET metadata_version = GREATEST(metadata_version, $2), updated_at = now() WHERE id = $1', [
          payload.nftId, payload.metadataVersion,
        ]);
      }
      return;
    case 'nfts.createBatch': {
      // Minted items were recorded chunk by chunk; whatever was not minted fails now and frees its supply.
      const unminted = await failUnmintedBatchItems(tx, action.id);
      if (payload.tokenTypeId) await releaseSupply(tx, 'token_types', payload.tokenTypeId, unminted);
      else await releaseSupply(tx, 'collections', action.collection_id, unminted);
    }
  }
}

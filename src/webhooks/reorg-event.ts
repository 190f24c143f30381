import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { ApiUrls } from '../domain';
import type { MinedAction, MinedBlock } from '../store/actions';
import { recordActionNotice } from '../store/outbox';

export const ACTIONS_REORGED = 'actions.reorged';

/**
 * Records `actions.reorged` for a completed action whose block a reorg replaced: where its transaction was,
 * and where it is now (null while it is sent again). The event id derives from the action and the replaced
 * block, so however many checks notice the same reorg, it is reported once.
 */
export async function recordReorgEvent(tx: Queryable, action: MinedAction, replaced: MinedBlock, now: MinedBlock | null, urls: ApiUrls) {
  const id = `evt_${createHash('sha256').update(`${ACTIONS_REORGED}\0${action.id}\0${replaced.hash}`).digest('hex').slice(0, 32)}`;
  await recordActionNotice(tx, {
    id,
    type: ACTIONS_REORGED,
    projectId: action.project_id,
    actionId: action.id,
    payload: {
      id,
      type: ACTIONS_REORGED,
      actionId: action.id,
      timestamp: Date.now(),
      data: { chain: action.chain, actionType: action.type, txId: action.tx_hash, previousBlock: replaced, block: now },
      resource: urls.action(action.id),
    },
  });
}

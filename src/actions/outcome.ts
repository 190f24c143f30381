import type { Database } from '../db/database';
import { applyOutcomeToResources } from '../store/action-outcomes';
import { finishAction, recordMinedBlock, type FinishedOutcome, type MinedBlock } from '../store/actions';
import { recordActionEvent } from './events';
import type { ApiUrls } from './urls';

/** A batch mint that failed in part still reports what it minted in its result. */
export type ActionOutcome = FinishedOutcome & {
  /** The block the action's transaction was confirmed in, watched by the reorg check from then on. */
  mined?: MinedBlock;
};

/**
 * Records how an action ended, what that means for the resources it created, and its domain event in
 * the outbox, in one transaction. Recording twice changes nothing: it answers false if the action had
 * ended already (a repeated attempt).
 */
export async function recordOutcome(db: Database, urls: ApiUrls, actionId: string, outcome: ActionOutcome): Promise<boolean> {
  return db.transaction(async (tx) => {
    const finished = await finishAction(tx, actionId, outcome);
    if (!finished) return false;
    if (outcome.mined) await recordMinedBlock(tx, actionId, outcome.mined);
    await applyOutcomeToResources(tx, finished);
    await recordActionEvent(tx, finished, urls);
    return true;
  });
}

import { log } from '@temporalio/activity';
import type { Database } from '../db/database';
import type { ActionStatus, ApiUrls } from '../domain';
import { applyOutcomeToResources } from '../store/action-outcomes';
import { finishAction, getAction, recordMinedBlock, type FinishedOutcome, type MinedBlock } from '../store/actions';
import { recordActionEvent } from '../webhooks/action-event';
import type { ActivityDeps } from './deps';

export type FinalStatus = Exclude<ActionStatus, 'pending'>;

/** A batch mint that failed in part still reports what it minted in its result. */
type ActionOutcome = FinishedOutcome & {
  /** The block the action's transaction was confirmed in, watched by the reorg check from then on. */
  mined?: MinedBlock;
};

/**
 * Records how an action ended, what that means for the resources it created, and its domain event in
 * the outbox, in one transaction. Recording twice changes nothing: it answers false if the action had
 * ended already (a repeated attempt).
 */
async function recordOutcome(db: Database, urls: ApiUrls, actionId: string, outcome: ActionOutcome): Promise<boolean> {
  return db.transaction(async (tx) => {
    const finished = await finishAction(tx, actionId, outcome);
    if (!finished) return false;
    if (outcome.mined) await recordMinedBlock(tx, actionId, outcome.mined);
    await applyOutcomeToResources(tx, finished);
    await recordActionEvent(tx, finished, urls);
    return true;
  });
}

/** Records how an action ended (once), counts and logs it, wakes the webhook dispatcher; answers the stored status. */
export function actionFinisher({ db, urls, metrics, wakeDispatcher }: Pick<ActivityDeps, 'db' | 'urls' | 'metrics' | 'wakeDispatcher'>) {
  return async function finish(actionId: string, outcome: ActionOutcome): Promise<FinalStatus> {
    const recordedNow = await recordOutcome(db, urls, actionId, outcome);
    // The event is in the outbox: its first delivery need not wait for the read below.
    if (recordedNow) wakeDispatcher();
    // The stored status, which an earlier attempt may have recorded already.
    const action = await getAction(db, actionId);
    if (recordedNow) {
      metrics.actionsFinished.inc({ type: action.payload.type, status: action.status });
      log.info('action finished', { type: action.payload.type, status: action.status, ...(action.status === 'failed' ? { reason: action.error?.reason } : {}) });
    }
    return action.status as FinalStatus;
  };
}

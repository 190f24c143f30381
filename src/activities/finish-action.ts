import { log } from '@temporalio/activity';
import { recordOutcome, type ActionOutcome } from '../actions/outcome';
import type { ActionStatus } from '../domain';
import { getAction } from '../store/actions';
import type { ActivityDeps } from './deps';

export type FinalStatus = Exclude<ActionStatus, 'pending'>;

/** Records how an action ended (once), counts and logs it, wakes the webhook dispatcher; answers the stored status. */
export function actionFinisher({ db, urls, metrics, wakeDispatcher }: Pick<ActivityDeps, 'db' | 'urls' | 'metrics' | 'wakeDispatcher'>) {
  return async function finish(actionId: string, outcome: ActionOutcome): Promise<FinalStatus> {
    const recordedNow = await recordOutcome(db, urls, actionId, outcome);
    // The stored status, which an earlier attempt may have recorded already.
    const action = await getAction(db, actionId);
    if (recordedNow) {
      wakeDispatcher();
      metrics.actionsFinished.inc({ type: action.payload.type, status: action.status });
      log.info('action finished', { type: action.payload.type, status: action.status, ...(action.status === 'failed' ? { reason: action.error?.reason } : {}) });
    }
    return action.status as FinalStatus;
  };
}

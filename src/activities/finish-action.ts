import { log } from '@temporalio/activity';
import type { ActionStatus } from '../domain';
import { getAction } from '../store/actions';
import type { ActivityDeps } from './deps';
import { recordOutcome, type ActionOutcome } from './record-outcome';

export type FinalStatus = Exclude<ActionStatus, 'pending'>;

/**
 * Records how an action ended (once), counts and logs it, and has its event delivered: by the process's own
 * webhook dispatcher at once when there is one, else by whichever dispatcher takes it from the outbox.
 * Answers the stored status.
 */
export function actionFinisher({ db, urls, metrics, wakeDispatcher, recordAndSend }: Pick<ActivityDeps, 'db' | 'urls' | 'metrics' | 'wakeDispatcher' | 'recordAndSend'>) {
  return async function finish(actionId: string, outcome: ActionOutcome): Promise<FinalStatus> {
    const action = recordAndSend ? await recordAndSend(actionId, outcome) : (await recordOutcome(db, urls, actionId, outcome))?.action;
    // The status an earlier attempt recorded.
    if (!action) return (await getAction(db, actionId)).status as FinalStatus;
    if (!recordAndSend) wakeDispatcher();
    metrics.actionsFinished.inc({ type: action.payload.type, status: action.status });
    log.info('action finished', { type: action.payload.type, status: action.status, ...(action.status === 'failed' ? { reason: action.error?.reason } : {}) });
    return action.status as FinalStatus;
  };
}

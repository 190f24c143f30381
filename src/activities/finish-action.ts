import { log } from '@temporalio/activity';
import type { Database } from '../db/database';
import type { ActionRow, ActionStatus, ApiUrls } from '../domain';
import { applyOutcomeToResources } from '../store/action-outcomes';
import { finishAction, getAction, type ActionOutcome } from '../store/actions';
import { fanOutTo } from '../store/dispatch';
import { insertActionEvent, insertDispatchedActionEvent } from '../store/outbox';
import type { DeliveryRow, EndpointRow } from '../store/webhooks';
import { actionEvent } from '../webhooks/action-event';
import { planDeliveries } from '../webhooks/plan-deliveries';
import type { ActivityDeps } from './deps';

export type FinalStatus = Exclude<ActionStatus, 'pending'>;

/** An outcome recorded now: the action as it ended, and its event's deliveries when they were recorded with it. */
interface Recorded {
  action: ActionRow;
  sent?: { deliveries: DeliveryRow[]; endpoints: EndpointRow[] };
}

/**
 * Records how an action ended, what that means for the resources it created, and its domain event in the
 * outbox, in one transaction; with `holdMs` (a dispatcher in this process), also the event's deliveries, held
 * for that dispatcher. Recording twice changes nothing: it answers undefined if the action had ended already
 * (a repeated attempt).
 */
async function recordOutcome(db: Database, urls: ApiUrls, actionId: string, outcome: ActionOutcome, holdMs?: number): Promise<Recorded | undefined> {
  return db.transaction(async (tx) => {
    const finished = await finishAction(tx, actionId, outcome);
    if (!finished) return undefined;
    const { action } = finished;
    await applyOutcomeToResources(tx, action);
    const { recorded, event } = actionEvent(action, urls, finished.contractAddress);
    if (holdMs === undefined) {
      await insertActionEvent(tx, recorded);
      return { action };
    }
    const endpoints = await insertDispatchedActionEvent(tx, recorded);
    return { action, sent: await fanOutTo(tx, [event], endpoints, planDeliveries, holdMs) };
  });
}

/**
 * Records how an action ended (once), counts and logs it, and has its event delivered: by the process's own
 * webhook dispatcher at once when there is one, else by whichever dispatcher takes it from the outbox.
 * Answers the stored status.
 */
export function actionFinisher({ db, urls, metrics, wakeDispatcher, dispatcher }: Pick<ActivityDeps, 'db' | 'urls' | 'metrics' | 'wakeDispatcher' | 'dispatcher'>) {
  return async function finish(actionId: string, outcome: ActionOutcome): Promise<FinalStatus> {
    const recorded = await recordOutcome(db, urls, actionId, outcome, dispatcher?.holdMs);
    // The status an earlier attempt recorded.
    if (!recorded) return (await getAction(db, actionId)).status as FinalStatus;
    if (dispatcher && recorded.sent) dispatcher.sendHeld(recorded.sent.deliveries, recorded.sent.endpoints);
    else wakeDispatcher();
    const { action } = recorded;
    metrics.actionsFinished.inc({ type: action.payload.type, status: action.status });
    log.info('action finished', { type: action.payload.type, status: action.status, ...(action.status === 'failed' ? { reason: action.error?.reason } : {}) });
    return action.status as FinalStatus;
  };
}

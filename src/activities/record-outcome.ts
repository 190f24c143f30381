import type { Database } from '../db/database';
import type { ActionRow, ApiUrls } from '../domain';
import { applyOutcomeToResources } from '../store/action-outcomes';
import { finishAction, recordMinedBlock, type FinishedOutcome, type MinedBlock } from '../store/actions';
import { fanOut } from '../store/dispatch';
import type { DeliveryRow, EndpointRow } from '../store/webhooks';
import { recordActionEvent } from '../webhooks/action-event';
import { planDeliveries } from '../webhooks/plan-deliveries';

/** How an action ended; a batch mint that failed in part still reports what it minted in its result. */
export type ActionOutcome = FinishedOutcome & {
  /** The block the action's transaction was confirmed in, watched by the reorg check from then on. */
  mined?: MinedBlock;
};

/** An outcome recorded now: the action as it ended, and its event's deliveries when they were recorded with it. */
export interface RecordedOutcome {
  action: ActionRow;
  sent?: { deliveries: DeliveryRow[]; endpoints: EndpointRow[] };
}

/**
 * Records how an action ended, what that means for the resources it created, and its domain event in the
 * outbox, in one transaction; with `holdMs` (a dispatcher in this process), also the event's deliveries, held
 * for that dispatcher. Recording twice changes nothing: it answers undefined if the action had ended already
 * (a repeated attempt).
 */
export async function recordOutcome(db: Database, urls: ApiUrls, actionId: string, outcome: ActionOutcome, holdMs?: number): Promise<RecordedOutcome | undefined> {
  return db.transaction(async (tx) => {
    const finished = await finishAction(tx, actionId, outcome);
    if (!finished) return undefined;
    if (outcome.mined) await recordMinedBlock(tx, actionId, outcome.mined);
    await applyOutcomeToResources(tx, finished);
    const event = await recordActionEvent(tx, finished, urls, holdMs !== undefined);
    return { action: finished, sent: holdMs === undefined ? undefined : await fanOut(tx, [event], planDeliveries, holdMs) };
  });
}

/** Records an action's outcome with its event's deliveries, which `dispatcher` (of this process) then sends at once. */
export async function recordOutcomeAndSend(
  db: Database, urls: ApiUrls, dispatcher: { holdMs: number; sendHeld(deliveries: DeliveryRow[], endpoints: EndpointRow[]): void },
  actionId: string, outcome: ActionOutcome,
): Promise<ActionRow | undefined> {
  const recorded = await recordOutcome(db, urls, actionId, outcome, dispatcher.holdMs);
  if (recorded?.sent) dispatcher.sendHeld(recorded.sent.deliveries, recorded.sent.endpoints);
  return recorded?.action;
}

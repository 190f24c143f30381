import { dispatchOutboxEvents } from '../store/dispatch';
import { finishDelivery, getDelivery, getEndpoint, recordAttempt, recordEndpointHealth } from '../store/webhooks';
import { attemptDelivery, attemptOutcome } from '../webhooks/attempt';
import { planDeliveries } from '../webhooks/plan-deliveries';
import type { ActivityDeps } from './deps';

export type AttemptOutcome = 'succeeded' | 'failed' | 'gone' | 'endpoint_inactive';

export function createWebhookActivities({ db, secrets, webhooks, metrics, wakeDispatcher }: ActivityDeps) {
  /** One attempt, recorded in the delivery's history whatever its outcome. */
  async function deliverOnce(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
    const delivery = await getDelivery(db, deliveryId);
    const endpoint = delivery && (await getEndpoint(db, delivery.endpoint_id));
    if (!delivery || !endpoint || endpoint.status !== 'active') return 'endpoint_inactive';
    const startedAt = new Date();
    const result = await attemptDelivery(endpoint, delivery, secrets, webhooks);
    await recordAttempt(db, { delivery_id: deliveryId, attempt, started_at: startedAt, status_code: result.statusCode,
      latency_ms: result.latencyMs, response_body: result.responseBody, error: result.error });
    return attemptOutcome(result);
  }

  return {
    /**
     * Turns an action's event into its deliveries, for the dispatcher to send. Actions started before the
     * outbox dispatcher call this themselves; it changes nothing once the event is dispatched.
     */
    async fanOutEvent(actionId: string): Promise<number> {
      const { deliveries } = await dispatchOutboxEvents(db, 1, planDeliveries, { onlyActionId: actionId });
      wakeDispatcher();
      return deliveries.length;
    },

    async attemptDelivery(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
      const outcome = await deliverOnce(deliveryId, attempt);
      metrics.webhookAttempts.inc({ outcome });
      return outcome;
    },

    /** Records how a delivery ended and what that says of its endpoint. */
    async completeDelivery(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
      const delivery = await getDelivery(db, deliveryId);
      if (!delivery) return;
      const ended = outcome === 'succeeded' ? 'succeeded' : outcome === 'endpoint_inactive' ? 'skipped' : 'failed';
      await finishDelivery(db, deliveryId, ended);
      metrics.webhookDeliveries.inc({ outcome: ended });
      if (outcome !== 'endpoint_inactive') await recordEndpointHealth(db, delivery.endpoint_id, outcome, delivery.created_at, webhooks.disableAfterMs);
    },
  };
}

import { dispatchOutboxEvents } from '../store/dispatch';
import { insertOutboxEvents } from '../store/outbox';
import { finishDelivery, getAttempt, getDelivery, getEndpoint, recordAttempt } from '../store/webhooks';
import { attemptDelivery, attemptOutcome } from '../webhooks/attempt';
import { recordEndpointHealth } from '../webhooks/endpoint-health';
import { attemptExhaustedEvent } from '../webhooks/operational-events';
import { planDeliveries } from '../webhooks/plan-deliveries';
import type { ActivityDeps } from './deps';

export type AttemptOutcome = 'succeeded' | 'failed' | 'gone' | 'endpoint_inactive';

/** An attempt's outcome, with how long the receiver asked to wait before the next (Retry-After), if it did. */
export interface HeededAttempt {
  outcome: AttemptOutcome;
  retryAfterMs: number | null;
}

export function createWebhookActivities({ db, secrets, webhooks, metrics, wakeDispatcher }: ActivityDeps) {
  /** One attempt, recorded in the delivery's history whatever its outcome. */
  async function deliverOnce(deliveryId: string, attempt: number): Promise<HeededAttempt> {
    const delivery = await getDelivery(db, deliveryId);
    const endpoint = delivery && (await getEndpoint(db, delivery.endpoint_id));
    if (!delivery || !endpoint || endpoint.status !== 'active') return { outcome: 'endpoint_inactive', retryAfterMs: null };
    const startedAt = new Date();
    const result = await attemptDelivery(endpoint, delivery, secrets, webhooks);
    await recordAttempt(db, { delivery_id: deliveryId, attempt, started_at: startedAt, status_code: result.statusCode,
      latency_ms: result.latencyMs, response_body: result.responseBody, error: result.error });
    return { outcome: attemptOutcome(result), retryAfterMs: result.retryAfterMs };
  }

  async function attempt(deliveryId: string, number: number): Promise<HeededAttempt> {
    const heeded = await deliverOnce(deliveryId, number);
    metrics.webhookAttempts.inc({ outcome: heeded.outcome });
    return heeded;
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

    /** Deliveries started before Retry-After was heeded. */
    async attemptDelivery(deliveryId: string, number: number): Promise<AttemptOutcome> {
      return (await attempt(deliveryId, number)).outcome;
    },

    /** One attempt; a failure answers how long the receiver asked to be left alone, if it did. */
    attemptDeliveryHeeded: attempt,

    /**
     * Records how a delivery ended and what that says of its endpoint, and the operational events of that:
     * the delivery's attempts exhausted, the endpoint disabled. A retry of this step records the same events.
     */
    async completeDelivery(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
      const delivery = await getDelivery(db, deliveryId);
      if (!delivery) return;
      const ended = outcome === 'succeeded' ? 'succeeded' : outcome === 'endpoint_inactive' ? 'skipped' : 'failed';
      await finishDelivery(db, deliveryId, ended);
      metrics.webhookDeliveries.inc({ outcome: ended });
      const last = outcome === 'failed' ? await getAttempt(db, deliveryId, delivery.attempts) : undefined;
      const exhausted = last && attemptExhaustedEvent(delivery, { attempt: last.attempt, startedAt: last.started_at, statusCode: last.status_code });
      if (exhausted) await insertOutboxEvents(db, [exhausted]);
      const disabled = outcome !== 'endpoint_inactive'
        && await recordEndpointHealth(db, delivery.endpoint_id, outcome, delivery.created_at, webhooks.disableAfterMs);
      if (exhausted || disabled) wakeDispatcher();
    },
  };
}

import {
  finishDelivery, getDelivery, getEndpoint, insertDelivery, matchingEndpoints, recordAttempt, signingSecrets, type EndpointAuth,
} from '../store/webhooks';
import { createDeliveryStarter } from '../temporal/start-delivery';
import { deliveryIdFor } from '../webhooks/ids';
import { sendWebhook } from '../webhooks/send';
import { urlRefusal } from '../webhooks/url-policy';
import type { ActivityDeps } from './deps';

export type AttemptOutcome = 'succeeded' | 'failed' | 'gone' | 'endpoint_inactive';

export function createWebhookActivities({ db, temporal, secrets, webhooks, metrics }: ActivityDeps) {
  const startDelivery = createDeliveryStarter(temporal.client, temporal.taskQueue, webhooks.retryScheduleMs);

  /** One attempt, recorded in the delivery's history whatever its outcome. */
  async function deliverOnce(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
    const delivery = await getDelivery(db, deliveryId);
    const endpoint = delivery && (await getEndpoint(db, delivery.endpoint_id));
    if (!delivery || !endpoint || endpoint.status !== 'active') return 'endpoint_inactive';
    const startedAt = new Date();
    const refusal = await urlRefusal(endpoint.url, webhooks.allowPrivateUrls);
    const result = refusal
      ? { statusCode: null, latencyMs: 0, responseBody: null, error: `URL refused: ${refusal}` }
      : await sendWebhook({
        url: endpoint.url,
        secrets: signingSecrets(endpoint).map((sealed) => secrets.open(sealed)),
        auth: endpoint.auth_sealed ? (JSON.parse(secrets.open(endpoint.auth_sealed)) as EndpointAuth) : { type: 'none' },
        messageId: delivery.event_id,
        body: JSON.stringify(delivery.payload),
        timeoutMs: webhooks.timeoutMs,
      });
    await recordAttempt(db, { delivery_id: deliveryId, attempt, started_at: startedAt, status_code: result.statusCode,
      latency_ms: result.latencyMs, response_body: result.responseBody, error: result.error });
    if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) return 'succeeded';
    return result.statusCode === 410 ? 'gone' : 'failed';
  }

  return {
    /** Fans an action's event out to every matching endpoint: one delivery each, however often this runs. */
    async fanOutEvent(actionId: string): Promise<number> {
      const [event] = await db.query<{ id: string; project_id: string; type: string; payload: Record<string, unknown>; collection_id: string; chain: string }>(
        `SELECT o.id, o.project_id, o.type, o.payload, a.collection_id, a.chain FROM outbox_events o JOIN actions a ON a.id = o.action_id WHERE o.action_id = $1`,
        [actionId],
      );
      if (!event) return 0;
      const endpoints = await matchingEndpoints(db, event.project_id, event.type, event.collection_id, event.chain);
      for (const endpoint of endpoints) {
        const deliveryId = deliveryIdFor(event.id, endpoint.id);
        const paused = endpoint.status === 'paused';
        await insertDelivery(db, {
          id: deliveryId, project_id: event.project_id, endpoint_id: endpoint.id, event_id: event.id, event_type: event.type, payload: event.payload,
          status: paused ? 'skipped' : 'pending',
        });
        if (!paused) await startDelivery(deliveryId);
      }
      await db.query('UPDATE outbox_events SET dispatched_at = COALESCE(dispatched_at, now()) WHERE id = $1', [event.id]);
      return endpoints.length;
    },

    async attemptDelivery(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
      const outcome = await deliverOnce(deliveryId, attempt);
      metrics.webhookAttempts.inc({ outcome });
      return outcome;
    },

    /**
     * Records how a delivery ended and what it says of its endpoint: a success clears its failing streak; a
     * 410 Gone disables it; failing continuously for longer than the configured time disables it too.
     */
    async completeDelivery(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
      const delivery = await getDelivery(db, deliveryId);
      if (!delivery) return;
      const ended = outcome === 'succeeded' ? 'succeeded' : outcome === 'endpoint_inactive' ? 'skipped' : 'failed';
      await finishDelivery(db, deliveryId, ended);
      metrics.webhookDeliveries.inc({ outcome: ended });
      if (outcome === 'succeeded') {
        await db.query('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1', [delivery.endpoint_id]);
      } else if (outcome === 'gone') {
        await db.query(`UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = 'the receiver answered 410 Gone', updated_at = now() WHERE id = $1`, [delivery.endpoint_id]);
      } else if (outcome === 'failed') {
        await db.query(
          `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2),
             status = CASE WHEN status = 'active' AND COALESCE(failing_since, $2) < now() - make_interval(secs => $3::float8 / 1000) THEN 'disabled' ELSE status END,
             disabled_reason = CASE WHEN status = 'active' AND COALESCE(failing_since, $2) < now() - make_interval(secs => $3::float8 / 1000)
               THEN 'every delivery failed since ' || to_char(COALESCE(failing_since, $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ELSE disabled_reason END,
             updated_at = now()
           WHERE id = $1`,
          [delivery.endpoint_id, delivery.created_at, webhooks.disableAfterMs],
        );
      }
    },

  };
}

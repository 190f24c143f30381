import { createHash } from 'node:crypto';
import type { NewOutboxEvent } from '../store/outbox';
import type { DeliveryRow, EndpointRow } from '../store/webhooks';

/**
 * The engine's own events about a project's endpoints, named and shaped as Svix's operational webhooks
 * (`{type, data}`, plus the event id and timestamp every event here carries). `appId` is the project.
 */
export const ENDPOINT_DISABLED = 'endpoint.disabled';
export const ATTEMPT_EXHAUSTED = 'message.attempt.exhausted';

export const isOperational = (type: string) => type === ENDPOINT_DISABLED || type === ATTEMPT_EXHAUSTED;

/** Derived from what the event is about, so recording it again (a retried step) finds the same event. */
const eventId = (type: string, key: string) => `evt_${createHash('sha256').update(`${type}\0${key}`).digest('hex').slice(0, 32)}`;

const envelope = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, timestamp: Date.now(), data });

/** The engine disabled an endpoint (410 Gone, or failing for WEBHOOK_DISABLE_AFTER). */
export function endpointDisabledEvent(endpoint: Pick<EndpointRow, 'id' | 'project_id' | 'failing_since' | 'updated_at'>): NewOutboxEvent {
  const id = eventId(ENDPOINT_DISABLED, `${endpoint.id}\0${new Date(endpoint.updated_at).toISOString()}`);
  return {
    id, project_id: endpoint.project_id, type: ENDPOINT_DISABLED,
    payload: envelope(id, ENDPOINT_DISABLED, {
      appId: endpoint.project_id,
      endpointId: endpoint.id,
      failSince: endpoint.failing_since ? new Date(endpoint.failing_since).toISOString() : null,
      trigger: 'automatic',
    }),
  };
}

/**
 * A delivery's last attempt failed. None for a delivery of an operational event: an exhausted notice about
 * a notice would go on without end.
 */
export function attemptExhaustedEvent(
  delivery: Pick<DeliveryRow, 'id' | 'project_id' | 'endpoint_id' | 'event_id' | 'event_type'>,
  last: { attempt: number; startedAt: Date; statusCode: number | null },
): NewOutboxEvent | undefined {
  if (isOperational(delivery.event_type)) return undefined;
  const id = eventId(ATTEMPT_EXHAUSTED, `${delivery.id}\0${last.attempt}`);
  return {
    id, project_id: delivery.project_id, type: ATTEMPT_EXHAUSTED,
    payload: envelope(id, ATTEMPT_EXHAUSTED, {
      appId: delivery.project_id,
      endpointId: delivery.endpoint_id,
      msgId: delivery.event_id,
      // Svix's statuses are numbers; no answer at all (timeout, refused) is 0, as there.
      lastAttempt: { id: `${delivery.id}.${last.attempt}`, responseStatusCode: last.statusCode ?? 0, timestamp: new Date(last.startedAt).toISOString() },
    }),
  };
}

/** Catalogue entries: subscribed to by name only (an endpoint with no event types gets action events). */
export const OPERATIONAL_EVENT_TYPES = [
  {
    type: ENDPOINT_DISABLED,
    description: 'Sent when the engine disables an endpoint: it answered 410 Gone, or every delivery failed for WEBHOOK_DISABLE_AFTER. Never sent to that endpoint.',
    example: {
      id: 'evt_5d2a…',
      type: ENDPOINT_DISABLED,
      timestamp: 1767268804000,
      data: { appId: '7c9e…', endpointId: '2f41…', failSince: '2025-12-27T12:00:00.000Z', trigger: 'automatic' },
    },
  },
  {
    type: ATTEMPT_EXHAUSTED,
    description: "Sent when a delivery's last attempt failed (msgId is the event's id, lastAttempt.id the delivery's id and attempt number). Not sent for deliveries of these two events.",
    example: {
      id: 'evt_81fc…',
      type: ATTEMPT_EXHAUSTED,
      timestamp: 1767268804000,
      data: {
        appId: '7c9e…', endpointId: '2f41…', msgId: 'evt_3f1c…',
        lastAttempt: { id: 'dlv_0b5e….8', responseStatusCode: 500, timestamp: '2026-01-01T12:00:04.000Z' },
      },
    },
  },
];

import type { Database, Queryable } from '../db/database';
import { insertOutboxEvents, type NewOutboxEvent } from './outbox';
import { endpointsTakingEventsOf, type DeliveryRow, type EndpointRow } from './webhooks';

export interface OutboxEvent {
  id: string;
  project_id: string;
  type: string;
  payload: Record<string, unknown>;
  /** An action's, or the engine collection a chain event is about; null for other contracts and operational events. */
  collection_id: string | null;
  /** Null for an operational event. */
  chain: string | null;
}

export type NewDelivery = Pick<DeliveryRow, 'id' | 'project_id' | 'endpoint_id' | 'event_id' | 'event_type' | 'payload'> & { status: 'pending' | 'skipped' };

/**
 * Turns outbox events into deliveries in one transaction: `plan` says which deliveries each event gets
 * (from the endpoints of its project); the events are then marked dispatched. Events another dispatcher
 * holds are skipped; a delivery that exists already is kept as it is. With `holdMs`, the new pending
 * deliveries are held for the caller, who sends them (they are returned, with the endpoints as read), as
 * claimFirstAttempts would.
 */
export async function dispatchOutboxEvents(
  db: Database,
  limit: number,
  plan: (event: OutboxEvent, endpoints: EndpointRow[]) => NewDelivery[],
  opts: { onlyActionId?: string; holdMs?: number } = {},
): Promise<{ events: number; deliveries: DeliveryRow[]; endpoints: EndpointRow[] }> {
  const { onlyActionId, holdMs } = opts;
  return db.transaction(async (tx) => {
    const events = await tx.query<OutboxEvent>(
      `SELECT o.id, o.project_id, o.type, o.payload, COALESCE(a.collection_id, o.collection_id) AS collection_id, COALESCE(a.chain, o.chain) AS chain
       FROM outbox_events o LEFT JOIN actions a ON a.id = COALESCE(o.action_id, o.about_action_id)
       WHERE o.dispatched_at IS NULL AND ($2::text IS NULL OR o.action_id = $2) ORDER BY o.created_at LIMIT $1 FOR UPDATE OF o SKIP LOCKED`,
      [limit, onlyActionId ?? null],
    );
    if (events.length === 0) return { events: 0, deliveries: [], endpoints: [] };
    const { deliveries, endpoints } = await fanOut(tx, events, plan, holdMs);
    await tx.query('UPDATE outbox_events SET dispatched_at = now() WHERE id = ANY($1)', [events.map((e) => e.id)]);
    return { events: events.length, deliveries, endpoints };
  });
}

/**
 * Turns events into the deliveries `plan` says they get, from the endpoints of their projects (answered as
 * read); the new pending deliveries are answered, held for `holdMs` if given. Whoever calls it marks the
 * events dispatched in the same transaction.
 */
export async function fanOut(
  tx: Queryable, events: OutboxEvent[], plan: (event: OutboxEvent, endpoints: EndpointRow[]) => NewDelivery[], holdMs?: number,
): Promise<{ deliveries: DeliveryRow[]; endpoints: EndpointRow[] }> {
  const endpoints = await tx.query<EndpointRow>(endpointsTakingEventsOf('ANY($1)'), [[...new Set(events.map((e) => e.project_id))]]);
  return fanOutTo(tx, events, endpoints, plan, holdMs);
}

/** fanOut to endpoints read already (with the event's recording). */
export async function fanOutTo(
  tx: Queryable, events: OutboxEvent[], endpoints: EndpointRow[], plan: (event: OutboxEvent, endpoints: EndpointRow[]) => NewDelivery[], holdMs?: number,
): Promise<{ deliveries: DeliveryRow[]; endpoints: EndpointRow[] }> {
  const planned = events.flatMap((event) => plan(event, endpoints.filter((e) => e.project_id === event.project_id)));
  return { deliveries: await insertDeliveries(tx, planned, holdMs), endpoints };
}

/** Inserts the deliveries not yet recorded; answers the pending ones inserted, held for `holdMs` if given. */
async function insertDeliveries(db: Queryable, deliveries: NewDelivery[], holdMs?: number): Promise<DeliveryRow[]> {
  if (deliveries.length === 0) return [];
  const rows = await db.query<DeliveryRow>(
    `INSERT INTO webhook_deliveries (id, project_id, endpoint_id, event_id, event_type, payload, status, last_error, claimed_until, in_workflow)
     SELECT id, project_id, endpoint_id, event_id, event_type, payload::jsonb, status, CASE WHEN status = 'skipped' THEN 'endpoint paused' END,
       CASE WHEN status = 'pending' AND $8::float8 IS NOT NULL THEN now() + make_interval(secs => $8::float8 / 1000) END, false
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY
       AS d(id, project_id, endpoint_id, event_id, event_type, payload, status, n)
     ORDER BY n
     ON CONFLICT (event_id, endpoint_id) DO NOTHING
     RETURNING *`,
    [
      deliveries.map((d) => d.id), deliveries.map((d) => d.project_id), deliveries.map((d) => d.endpoint_id), deliveries.map((d) => d.event_id),
      deliveries.map((d) => d.event_type), deliveries.map((d) => JSON.stringify(d.payload)), deliveries.map((d) => d.status), holdMs ?? null,
    ],
  );
  return rows.filter((d) => d.status === 'pending').sort(byRecording);
}

const byRecording = (a: DeliveryRow, b: DeliveryRow) => a.seq - b.seq;

/**
 * Takes pending first attempts, oldest first, for `holdMs`: past that a crashed dispatcher's deliveries
 * are taken over by another. Endpoints in `skipEndpoints` (whose queue is full) are left for later.
 */
export async function claimFirstAttempts(db: Queryable, limit: number, holdMs: number, skipEndpoints: string[]): Promise<DeliveryRow[]> {
  const rows = await db.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET claimed_until = now() + make_interval(secs => $2::float8 / 1000)
     WHERE id IN (
       SELECT id FROM webhook_deliveries
       WHERE status = 'pending' AND NOT in_workflow AND (claimed_until IS NULL OR claimed_until < now()) AND endpoint_id <> ALL($3::text[])
       ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [limit, holdMs, skipEndpoints],
  );
  return rows.sort(byRecording);
}

export interface FirstAttempt {
  deliveryId: string;
  /** Absent when the delivery was not sent (its endpoint is no longer active). */
  attempt?: { startedAt: Date; statusCode: number | null; latencyMs: number; responseBody: string | null; error: string | null };
  /** How the delivery goes on: done, or handed to a delivery workflow for its retries. */
  next: 'succeeded' | 'failed' | 'skipped' | 'in_workflow';
}

/**
 * Records a batch of first attempts and where each delivery goes next, in one transaction, with the
 * operational events they give rise to.
 */
export async function recordFirstAttempts(db: Database, results: FirstAttempt[], events: NewOutboxEvent[] = []) {
  if (results.length === 0) return;
  const sent = results.filter((r) => r.attempt);
  const a = sent.map((r) => r.attempt!);
  await db.transaction(async (tx) => {
    if (sent.length > 0) {
      await tx.query(
        `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, response_body, error)
         SELECT delivery_id, 1, started_at, status_code, latency_ms, response_body, error
         FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[])
           AS a(delivery_id, started_at, status_code, latency_ms, response_body, error)
         ON CONFLICT DO NOTHING`,
        [sent.map((r) => r.deliveryId), a.map((x) => x.startedAt), a.map((x) => x.statusCode), a.map((x) => x.latencyMs),
          a.map((x) => x.responseBody), a.map((x) => x.error)],
      );
    }
    await tx.query(
      `UPDATE webhook_deliveries d SET
         attempts = CASE WHEN n.sent THEN GREATEST(d.attempts, 1) ELSE d.attempts END,
         last_status_code = CASE WHEN n.sent THEN n.status_code ELSE d.last_status_code END,
         last_error = CASE WHEN n.sent THEN n.error WHEN n.next = 'skipped' THEN 'endpoint not active' ELSE d.last_error END,
         status = CASE WHEN n.next = 'in_workflow' THEN 'pending' ELSE n.next END,
         in_workflow = n.next = 'in_workflow', claimed_until = NULL, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::boolean[], $4::int[], $5::text[]) AS n(id, next, sent, status_code, error)
       WHERE d.id = n.id AND d.status = 'pending'`,
      [results.map((r) => r.deliveryId), results.map((r) => r.next), results.map((r) => Boolean(r.attempt)),
        results.map((r) => r.attempt?.statusCode ?? null), results.map((r) => r.attempt?.error ?? null)],
    );
    await insertOutboxEvents(tx, events);
  });
}

/** Sets the hold on deliveries still to be sent: renewed while they wait, 0 gives them up for another to take now. */
export async function holdDeliveries(db: Queryable, deliveryIds: string[], holdMs: number) {
  await db.query(
    `UPDATE webhook_deliveries SET claimed_until = now() + make_interval(secs => $2::float8 / 1000)
     WHERE id = ANY($1) AND status = 'pending' AND NOT in_workflow`,
    [deliveryIds, holdMs],
  );
}

import type { Queryable } from '../db/database';

/** An event of the engine's own (no action): the dispatcher fans it out like an action's. */
export interface NewOutboxEvent {
  id: string;
  project_id: string;
  type: string;
  payload: Record<string, unknown>;
}

/** Records events for the dispatcher; an event recorded before (same id) is kept as it is. */
export async function insertOutboxEvents(db: Queryable, events: NewOutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO outbox_events (id, project_id, type, payload)
     SELECT id, project_id, type, payload::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS e(id, project_id, type, payload)
     ON CONFLICT (id) DO NOTHING`,
    [events.map((e) => e.id), events.map((e) => e.project_id), events.map((e) => e.type), events.map((e) => JSON.stringify(e.payload))],
  );
}

/**
 * Records an action's outcome event in the outbox; an action has one, so a second recording changes nothing.
 * `dispatched`: its deliveries are recorded in the same transaction, so the dispatcher has nothing to do.
 */
export async function insertActionEvent(
  tx: Queryable, event: { id: string; projectId: string; type: string; actionId: string; payload: unknown }, dispatched = false,
) {
  await tx.query(
    `INSERT INTO outbox_events (id, project_id, type, action_id, payload, dispatched_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
     ON CONFLICT (action_id) DO NOTHING`,
    [event.id, event.projectId, event.type, event.actionId, JSON.stringify(event.payload), dispatched],
  );
}

/**
 * Records an event about an action beyond its outcome (e.g. `actions.reorged`) in the outbox, once: a
 * second recording with the same event id changes nothing.
 */
export async function recordActionNotice(tx: Queryable, event: { id: string; type: string; projectId: string; actionId: string; payload: unknown }) {
  await tx.query(
    'INSERT INTO outbox_events (id, project_id, type, about_action_id, payload) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING',
    [event.id, event.projectId, event.type, event.actionId, JSON.stringify(event.payload)],
  );
}

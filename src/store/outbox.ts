import type { Queryable } from '../db/database';
import { endpointsTakingEventsOf, type EndpointRow } from './webhooks';

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

/** An action's outcome event; an action has one, so a second recording changes nothing. */
export interface ActionOutboxEvent {
  id: string;
  projectId: string;
  type: string;
  actionId: string;
  payload: unknown;
}

const INSERT_ACTION_EVENT = `INSERT INTO outbox_events (id, project_id, type, action_id, payload, dispatched_at)
  VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END) ON CONFLICT (action_id) DO NOTHING`;
const actionEventValues = (event: ActionOutboxEvent, dispatched: boolean) =>
  [event.id, event.projectId, event.type, event.actionId, JSON.stringify(event.payload), dispatched];

/** Records an action's outcome event in the outbox, for the dispatcher. */
export async function insertActionEvent(tx: Queryable, event: ActionOutboxEvent) {
  await tx.query(INSERT_ACTION_EVENT, actionEventValues(event, false));
}

/**
 * Records an action's outcome event as dispatched, its deliveries being recorded in the same transaction, and
 * answers its project's endpoints for them: one round trip where there were two.
 */
export async function insertDispatchedActionEvent(tx: Queryable, event: ActionOutboxEvent): Promise<EndpointRow[]> {
  return tx.query<EndpointRow>(
    `WITH recorded AS (${INSERT_ACTION_EVENT}) ${endpointsTakingEventsOf('$2')}`,
    actionEventValues(event, true),
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

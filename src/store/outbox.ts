import type { Queryable } from '../db/database';

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

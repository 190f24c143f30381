import type { Queryable } from '../db/database';
import type { ActionRow } from '../domain';
import type { ActionStarter } from '../temporal/start-action';

/**
 * Starts the workflow of every action that was stored but never started (the API process stopped
 * between the two). Starting an action that is already running is a no-op, so this is safe to repeat.
 */
export async function resumeQueuedActions(db: Queryable, startAction: ActionStarter, olderThanMs: number): Promise<number> {
  const stalled = await db.query<ActionRow>(
    `SELECT * FROM actions WHERE status = 'pending' AND stage = 'queued' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
     ORDER BY started_at LIMIT 500`,
    [olderThanMs],
  );
  for (const action of stalled) await startAction(action);
  return stalled.length;
}

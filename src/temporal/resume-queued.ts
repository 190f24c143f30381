import type { Queryable } from '../db/database';
import { listQueuedActions } from '../store/actions';
import type { ActionStarter } from './start-action';

/**
 * Starts the workflow of every action that was stored but never started (the API process stopped
 * between the two). Starting an action that is already running is a no-op, so this is safe to repeat.
 */
export async function resumeQueuedActions(db: Queryable, startAction: ActionStarter, olderThanMs: number): Promise<number> {
  const stalled = await listQueuedActions(db, olderThanMs);
  for (const action of stalled) await startAction(action);
  return stalled.length;
}

import type { Queryable } from '../db/database';
import type { ActionStage, ActionStatus } from '../domain';

/** The stages an action went through, in order, with when it entered each (written as it moves; see migration 014). */
export async function listActionStages(db: Queryable, actionId: string): Promise<{ stage: ActionStage; at: Date }[]> {
  return db.query<{ stage: ActionStage; at: Date }>('SELECT stage, at FROM action_stages WHERE action_id = $1 ORDER BY at', [actionId]);
}

export interface MinuteCount {
  minute: Date;
  status: ActionStatus;
  count: number;
}

/** How many of the project's actions started in each minute since `since`, by their status now; minutes without any are left out. */
export async function actionsPerMinute(db: Queryable, projectId: string, since: Date): Promise<MinuteCount[]> {
  return db.query<MinuteCount>(
    `SELECT date_trunc('minute', started_at) AS minute, status, count(*)::int AS count
     FROM actions WHERE project_id = $1 AND started_at >= $2
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [projectId, since],
  );
}

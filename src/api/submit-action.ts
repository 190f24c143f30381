import { createHash, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import type { LogFn } from '../log';
import type { ActionRow, ApiUrls } from '../domain';
import { insertAction, type NewAction } from '../store/actions';
import type { Metrics } from '../observability/metrics';
import type { ActionStarter } from '../temporal/start-action';
import { Problem } from './problem';

export interface SubmitDeps {
  db: Database;
  startAction: ActionStarter;
  urls: ApiUrls;
  metrics: Metrics;
  log: LogFn;
}

/** The action id: derived from the Idempotency-Key so a repeated request finds the same action. */
export function actionIdFor(projectId: string, key: string | undefined): string {
  if (!key) return randomUUID();
  const h = createHash('sha256').update(`${projectId}\0${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const requestHash = (method: string, path: string, body: unknown) =>
  createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body)}`).digest('hex');

/**
 * Stores the action with the resources it creates (all or nothing), then has its workflow started without
 * waiting for Temporal: an action stored but not started stays `queued` until the resumer starts it.
 * A repeat of the same request returns the stored action; the same key with another request is refused.
 */
export async function submitAction(
  deps: SubmitDeps,
  action: Omit<NewAction, 'id'> & { id: string },
  writeResources: (tx: Queryable) => Promise<void>,
): Promise<{ action: ActionRow; replayed: boolean }> {
  return submitStored(deps, action, () => deps.db.transaction(async (tx) => {
    const inserted = await insertAction(tx, action);
    if (inserted.created) await writeResources(tx);
    return inserted;
  }));
}

/** As submitAction, for an action whose `store` writes it with its resources itself (all or nothing). */
export async function submitStored(
  deps: SubmitDeps,
  action: Pick<NewAction, 'requestHash'>,
  store: () => Promise<{ row: ActionRow; created: boolean }>,
): Promise<{ action: ActionRow; replayed: boolean }> {
  const { row, created } = await store();
  if (!created && row.request_hash !== action.requestHash) {
    throw new Problem(422, 'idempotency_key_reused', 'Idempotency-Key already used for another request',
      `Action ${row.id} was created with this key from a different request; use a new key`, { actionId: row.id });
  }
  if (row.status === 'pending' && row.stage === 'queued') {
    deps.startAction(row).catch((err) => deps.log('could not start the action workflow', { actionId: row.id, error: (err as Error).message }));
  }
  if (created) deps.metrics.actionsStarted.inc({ type: row.payload.type });
  return { action: row, replayed: !created };
}

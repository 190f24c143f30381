import type { Queryable } from '../db/database';
import type { ActionError, ActionPayload, ActionRow, ActionStage, ActionStatus, ActionType } from '../domain';

export interface NewAction {
  id: string;
  projectId: string;
  type: ActionType;
  chain: string;
  chainId: number;
  collectionId: string;
  resourceId: string;
  idempotencyKey: string | null;
  requestHash: string;
  payload: ActionPayload;
}

/** Inserts the action unless one with its id exists; returns the stored row and whether it is new. */
export async function insertAction(tx: Queryable, action: NewAction): Promise<{ row: ActionRow; created: boolean }> {
  const inserted = await tx.query<ActionRow>(
    `INSERT INTO actions (id, project_id, type, status, stage, chain, chain_id, collection_id, resource_id,
                          idempotency_key, request_hash, payload)
     VALUES ($1, $2, $3, 'pending', 'queued', $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT DO NOTHING RETURNING *`,
    [action.id, action.projectId, action.type, action.chain, action.chainId, action.collectionId, action.resourceId,
      action.idempotencyKey, action.requestHash, JSON.stringify(action.payload)],
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const [existing] = await tx.query<ActionRow>('SELECT * FROM actions WHERE id = $1', [action.id]);
  return { row: existing, created: false };
}

export async function findActionById(db: Queryable, actionId: string): Promise<ActionRow | undefined> {
  const [row] = await db.query<ActionRow>('SELECT * FROM actions WHERE id = $1', [actionId]);
  return row;
}

export async function getAction(db: Queryable, actionId: string): Promise<ActionRow> {
  const row = await findActionById(db, actionId);
  if (!row) throw new Error(`action ${actionId} not found`);
  return row;
}

export async function findProjectAction(db: Queryable, projectId: string, actionId: string): Promise<ActionRow | undefined> {
  const [row] = await db.query<ActionRow>('SELECT * FROM actions WHERE id = $1 AND project_id = $2', [actionId, projectId]);
  return row;
}

export interface ActionFilter {
  type?: ActionType;
  status?: ActionStatus;
  collectionId?: string;
  /** Keyset cursor: the (started_at, id) of the last row of the previous page. */
  before?: { startedAt: Date; id: string };
  limit: number;
}

export async function listActions(db: Queryable, projectId: string, filter: ActionFilter): Promise<ActionRow[]> {
  const where = ['project_id = $1'];
  const params: unknown[] = [projectId];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(clause(params.length));
  };
  if (filter.type) add((n) => `type = $${n}`, filter.type);
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.collectionId) add((n) => `collection_id = $${n}`, filter.collectionId);
  if (filter.before) {
    params.push(filter.before.startedAt, filter.before.id);
    where.push(`(started_at, id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(filter.limit);
  return db.query<ActionRow>(
    `SELECT * FROM actions WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
}

/** Moves a pending action to a later stage; a finished action is never changed again. */
export async function setActionStage(
  db: Queryable, actionId: string, stage: ActionStage, fields: { txHash?: string; nonce?: number; preparedTransaction?: unknown } = {},
) {
  await db.query(
    `UPDATE actions SET stage = $2, tx_hash = COALESCE($3, tx_hash), nonce = COALESCE($4, nonce),
       prepared_transaction = COALESCE(prepared_transaction, $5), updated_at = now()
     WHERE id = $1 AND status = 'pending'`,
    [actionId, stage, fields.txHash ?? null, fields.nonce ?? null, fields.preparedTransaction === undefined ? null : JSON.stringify(fields.preparedTransaction)],
  );
}

export type FinishedOutcome = (
  | { status: 'succeeded'; result: Record<string, unknown> }
  | { status: 'failed'; error: ActionError; result?: Record<string, unknown> }
  | { status: 'cancelled'; result?: Record<string, unknown> }
) & {
  /** The transaction that settled the action, when it is not the first one sent (a replacement or the cancellation). */
  txHash?: string;
};

/** Records the outcome once; returns false when the action had already finished (a retried activity). */
export async function finishAction(tx: Queryable, actionId: string, outcome: FinishedOutcome): Promise<ActionRow | undefined> {
  const [row] = await tx.query<ActionRow>(
    `UPDATE actions SET status = $2, stage = 'completed', result = $3, error = $4, tx_hash = COALESCE($5, tx_hash),
       completed_at = now(), updated_at = now()
     WHERE id = $1 AND status = 'pending' RETURNING *`,
    [actionId, outcome.status, outcome.result ? JSON.stringify(outcome.result) : null,
      outcome.status === 'failed' ? JSON.stringify(outcome.error) : null, outcome.txHash ?? null],
  );
  return row;
}

/** Shows the transaction last sent for the pending action (a replacement or its cancellation). */
export async function setActionTransaction(db: Queryable, actionId: string, stage: ActionStage, txHash: string) {
  await db.query(`UPDATE actions SET stage = $2, tx_hash = $3, updated_at = now() WHERE id = $1 AND status = 'pending'`, [actionId, stage, txHash]);
}

/** Notes that the project wants the pending action cancelled; answers the action, or undefined if it is not the project's. */
export async function requestCancel(db: Queryable, projectId: string, actionId: string): Promise<ActionRow | undefined> {
  const [row] = await db.query<ActionRow>(
    `UPDATE actions SET cancel_requested_at = COALESCE(cancel_requested_at, now()), updated_at = now()
     WHERE id = $1 AND project_id = $2 AND status = 'pending' RETURNING *`,
    [actionId, projectId],
  );
  return row ?? findProjectAction(db, projectId, actionId);
}

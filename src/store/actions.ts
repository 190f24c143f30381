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

/** Stores a new action from insertActionParams ($1–$10) and answers it; answers nothing if its id is taken. */
export const INSERT_ACTION = `INSERT INTO actions (id, project_id, type, status, stage, chain, chain_id, collection_id, resource_id,
                          idempotency_key, request_hash, payload)
     VALUES ($1, $2, $3, 'pending', 'queued', $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT DO NOTHING RETURNING *`;

export const insertActionParams = (action: NewAction) => [action.id, action.projectId, action.type, action.chain, action.chainId,
  action.collectionId, action.resourceId, action.idempotencyKey, action.requestHash, JSON.stringify(action.payload)];

/** The action INSERT_ACTION answered, or, when it answered none (a repeated request), the one stored with that id. */
export async function insertedOrFound(db: Queryable, actionId: string, inserted: ActionRow | undefined): Promise<{ row: ActionRow; created: boolean }> {
  if (inserted) return { row: inserted, created: true };
  return { row: (await findActionById(db, actionId))!, created: false };
}

/** Inserts the action unless one with its id exists; returns the stored row and whether it is new. */
export async function insertAction(tx: Queryable, action: NewAction): Promise<{ row: ActionRow; created: boolean }> {
  const [inserted] = await tx.query<ActionRow>(INSERT_ACTION, insertActionParams(action));
  return insertedOrFound(tx, action.id, inserted);
}

/** Sets the metadata version an `nfts.update` action sends, assigned in the transaction that stores the action. */
export async function setUpdateMetadataVersion(tx: Queryable, actionId: string, version: number) {
  await tx.query(`UPDATE actions SET payload = jsonb_set(payload, '{metadataVersion}', to_jsonb($2::int)) WHERE id = $1`, [actionId, version]);
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
  stage?: ActionStage;
  collectionId?: string;
  /** Started at or after / before. */
  since?: Date;
  until?: Date;
  /** An action id, a transaction hash (any sent for the action) or an Idempotency-Key, matched exactly. */
  search?: string;
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
  if (filter.stage) add((n) => `stage = $${n}`, filter.stage);
  if (filter.collectionId) add((n) => `collection_id = $${n}`, filter.collectionId);
  if (filter.since) add((n) => `started_at >= $${n}`, filter.since);
  if (filter.until) add((n) => `started_at < $${n}`, filter.until);
  if (filter.search) {
    add((n) => `(id = $${n} OR idempotency_key = $${n} OR tx_hash = lower($${n})
      OR id IN (SELECT action_id FROM action_transactions WHERE hash = lower($${n})))`, filter.search);
  }
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

/** Actions stored but still queued `olderThanMs` later, oldest first: their workflow start was lost. */
export async function listQueuedActions(db: Queryable, olderThanMs: number): Promise<ActionRow[]> {
  return db.query<ActionRow>(
    `SELECT * FROM actions WHERE status = 'pending' AND stage = 'queued' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
     ORDER BY started_at LIMIT 500`,
    [olderThanMs],
  );
}

/** Completes a `moved` WITH (id, stage, before) by noting the stage in the action's timeline when it changed. */
const NOTE_STAGE_CHANGE = 'INSERT INTO action_stages (action_id, stage) SELECT id, stage FROM moved WHERE stage IS DISTINCT FROM before';

/** Moves a pending action to a later stage; a finished action is never changed again. */
export async function setActionStage(
  db: Queryable, actionId: string, stage: ActionStage, fields: { txHash?: string; nonce?: number; preparedTransaction?: unknown } = {},
) {
  await db.query(
    `WITH moved AS (
       UPDATE actions a SET stage = $2, tx_hash = COALESCE($3, tx_hash), nonce = COALESCE($4, nonce),
         prepared_transaction = COALESCE(prepared_transaction, $5), updated_at = now()
       FROM (SELECT stage AS before FROM actions WHERE id = $1) b
       WHERE a.id = $1 AND a.status = 'pending' RETURNING a.id, a.stage, b.before)
     ${NOTE_STAGE_CHANGE}`,
    [actionId, stage, fields.txHash ?? null, fields.nonce ?? null, fields.preparedTransaction === undefined ? null : JSON.stringify(fields.preparedTransaction)],
  );
}

/** The action's status; undefined when there is no such action. */
export async function actionStatus(db: Queryable, actionId: string): Promise<ActionStatus | undefined> {
  const [row] = await db.query<{ status: ActionStatus }>('SELECT status FROM actions WHERE id = $1', [actionId]);
  return row?.status;
}

export type FinishedOutcome = (
  | { status: 'succeeded'; result: Record<string, unknown> }
  | { status: 'failed'; error: ActionError; result?: Record<string, unknown> }
  | { status: 'cancelled'; result?: Record<string, unknown> }
) & {
  /** The transaction that settled the action, when it is not the first one sent (a replacement or the cancellation). */
  txHash?: string;
};

/** An outcome to record; a batch mint that failed in part still reports what it minted in its result. */
export type ActionOutcome = FinishedOutcome & {
  /** The block the action's transaction was confirmed in, watched by the reorg check from then on. */
  mined?: MinedBlock;
};

/** An action as its outcome left it, and its collection's contract address as it was before (null until deployed). */
export interface FinishedAction {
  action: ActionRow;
  contractAddress: string | null;
}

/**
 * Records the outcome once; undefined when the action had already finished (a retried activity). With `mined`,
 * also where its transaction was mined and that transaction as signed, for the reorg check: the first one sent
 * is on the nonce lease (pruned soon after), a replacement among the action's sent transactions. One statement:
 * each round trip of the outcome's transaction waits for a busy worker's event loop.
 */
export async function finishAction(tx: Queryable, actionId: string, outcome: ActionOutcome): Promise<FinishedAction | undefined> {
  const [row] = await tx.query<ActionRow & { collection_contract_address: string | null }>(
    `WITH done AS (
       UPDATE actions a SET status = $2, stage = 'completed', result = $3, error = $4, tx_hash = COALESCE($5, a.tx_hash),
         completed_at = now(), updated_at = now(),
         block_number = CASE WHEN $6::bigint IS NULL THEN a.block_number ELSE $6 END,
         block_hash = CASE WHEN $6::bigint IS NULL THEN a.block_hash ELSE $7 END,
         signed_transaction = CASE WHEN $6::bigint IS NULL THEN a.signed_transaction ELSE COALESCE(
           (SELECT t.signed_transaction FROM action_transactions t WHERE t.action_id = a.id AND t.hash = COALESCE($5, a.tx_hash)),
           (SELECT l.signed_transaction FROM nonce_leases l WHERE l.holder = a.id AND l.tx_hash = COALESCE($5, a.tx_hash))) END
       WHERE a.id = $1 AND a.status = 'pending' RETURNING a.*),
     noted AS (INSERT INTO action_stages (action_id, stage) SELECT id, stage FROM done)
     SELECT done.*, c.contract_address AS collection_contract_address FROM done LEFT JOIN collections c ON c.id = done.collection_id`,
    [actionId, outcome.status, outcome.result ? JSON.stringify(outcome.result) : null,
      outcome.status === 'failed' ? JSON.stringify(outcome.error) : null, outcome.txHash ?? null,
      outcome.mined?.number ?? null, outcome.mined?.hash ?? null],
  );
  if (!row) return undefined;
  const { collection_contract_address: contractAddress, ...action } = row;
  return { action, contractAddress };
}

/** Shows the transaction last sent for the pending action (a replacement or its cancellation). */
export async function setActionTransaction(db: Queryable, actionId: string, stage: ActionStage, txHash: string) {
  await db.query(
    `WITH moved AS (
       UPDATE actions a SET stage = $2, tx_hash = $3, updated_at = now()
       FROM (SELECT stage AS before FROM actions WHERE id = $1) b
       WHERE a.id = $1 AND a.status = 'pending' RETURNING a.id, a.stage, b.before)
     ${NOTE_STAGE_CHANGE}`,
    [actionId, stage, txHash],
  );
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

export interface MinedBlock {
  number: number;
  hash: string;
}

export interface MinedAction {
  id: string;
  project_id: string;
  type: ActionType;
  status: 'succeeded' | 'failed';
  chain: string;
  tx_hash: string;
  block_number: number;
  /** NULL while the transaction is being sent again after a reorg took it out. */
  block_hash: string | null;
  signed_transaction: string | null;
}

const MINED_ACTION_COLUMNS = 'id, project_id, type, status, chain, tx_hash, block_number, block_hash, signed_transaction';

/** Completed actions whose transaction was recorded in a block from `fromBlock` on. */
export async function actionsMinedSince(db: Queryable, chainId: number, fromBlock: number): Promise<MinedAction[]> {
  return db.query<MinedAction>(
    `SELECT ${MINED_ACTION_COLUMNS} FROM actions WHERE chain_id = $1 AND block_number >= $2 AND block_hash IS NOT NULL ORDER BY block_number`,
    [chainId, fromBlock],
  );
}

/** Completed actions whose transaction a reorg took out of a block from `fromBlock` on and that are not mined again yet. */
export async function actionsBeingResent(db: Queryable, chainId: number, fromBlock: number): Promise<MinedAction[]> {
  return db.query<MinedAction>(
    `SELECT ${MINED_ACTION_COLUMNS} FROM actions WHERE chain_id = $1 AND block_hash IS NULL AND block_number >= $2`,
    [chainId, fromBlock],
  );
}

/**
 * The completed action, mined from `fromBlock` on (or taken out of such a block by a reorg), whose
 * transaction has this nonce of the address: its nonce is not free, whatever the leases say.
 */
export async function minedActionAtNonce(
  db: Queryable, chainId: number, address: string, nonce: number, fromBlock: number,
): Promise<{ id: string; signed_transaction: string | null } | undefined> {
  const [row] = await db.query<{ id: string; signed_transaction: string | null }>(
    `SELECT id, signed_transaction FROM actions
     WHERE chain_id = $1 AND block_number >= $4 AND nonce = $3 AND lower(prepared_transaction->>'from') = lower($2) LIMIT 1`,
    [chainId, address, nonce, fromBlock],
  );
  return row;
}

/**
 * Moves an action's recorded block from `from` (by its hash; NULL: taken out, being sent again) to `to`
 * (NULL: taken out), in the action's result too. False when another check moved it first.
 */
export async function moveMinedBlock(tx: Queryable, actionId: string, from: { number: number; hash: string | null }, to: MinedBlock | null): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE actions SET block_number = COALESCE($4, block_number), block_hash = $5,
       result = CASE WHEN $4::bigint IS NOT NULL AND result ? 'blockNumber' THEN jsonb_set(result, '{blockNumber}', to_jsonb($4::bigint)) ELSE result END,
       updated_at = now()
     WHERE id = $1 AND block_number = $2 AND block_hash IS NOT DISTINCT FROM $3 RETURNING id`,
    [actionId, from.number, from.hash, to?.number ?? null, to?.hash ?? null],
  );
  return rows.length === 1;
}

/** Drops the signed transactions of actions mined below `belowBlock`, deeper than the reorg check looks. */
export async function forgetSignedTransactions(db: Queryable, chainId: number, belowBlock: number) {
  await db.query(
    `UPDATE actions SET signed_transaction = NULL
     WHERE chain_id = $1 AND block_number < $2 AND block_hash IS NOT NULL AND signed_transaction IS NOT NULL`,
    [chainId, belowBlock],
  );
}

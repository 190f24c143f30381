import { Router } from 'express';
import type { Queryable } from '../../db/database';
import type { ApiUrls } from '../../domain';
import { findProjectAction, listActions, requestCancel } from '../../store/actions';
import type { ActionCanceller } from '../../temporal/cancel-action';
import { actionsPerMinute, listActionStages } from '../../store/action-history';
import { listBatchItemResults } from '../../store/batch-mints';
import { projectOf } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { presentAction } from '../present';
import { fieldProblem, notFound, parseInput, Problem } from '../problem';
import { actionsPerMinuteQuery, idParam, listActionsQuery, listBatchItemsQuery } from '../schemas';

function decodeItemCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const index = Number(decoded);
  if (!/^\d{1,9}$/.test(decoded) || !Number.isInteger(index)) throw fieldProblem([{ field: 'query.cursor', message: 'not a cursor returned by this API' }]);
  return index;
}

export function actionRoutes({ db, urls, cancelAction }: { db: Queryable; urls: ApiUrls; cancelAction: ActionCanceller }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { cursor, limit, since, until, q, ...filter } = parseInput(listActionsQuery, req.query, 'query');
    const before = cursor ? decodeCursor(cursor) : undefined;
    const rows = await listActions(db, projectOf(res).id, {
      ...filter, limit, before: before && { startedAt: before.at, id: before.id },
      since: since ? new Date(since) : undefined, until: until ? new Date(until) : undefined, search: q,
    });
    const last = rows.at(-1);
    res.json({
      data: rows.map((row) => presentAction(row, urls)),
      nextCursor: rows.length === limit && last ? encodeCursor(last.started_at, last.id) : null,
    });
  });

  /** How many actions started in each minute of the last `minutes`, by their status now (the console's chart). */
  router.get('/per-minute', async (req, res) => {
    const { minutes } = parseInput(actionsPerMinuteQuery, req.query, 'query');
    const since = new Date(Date.now() - minutes * 60_000);
    const rows = await actionsPerMinute(db, projectOf(res).id, since);
    res.json({ since: since.toISOString(), data: rows.map((r) => ({ minute: new Date(r.minute).toISOString(), status: r.status, count: r.count })) });
  });

  /** When the action entered each stage, oldest first (recorded for actions started since the timeline was added). */
  router.get('/:actionId/stages', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action) throw notFound('action', id);
    const stages = await listActionStages(db, action.id);
    res.json({ data: stages.map((s) => ({ stage: s.stage, at: new Date(s.at).toISOString() })) });
  });

  /** A batch mint's per-recipient results, in item order; the cursor is the last index of the previous page. */
  router.get('/:actionId/items', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const { limit, cursor } = parseInput(listBatchItemsQuery, req.query, 'query');
    const after = cursor ? decodeItemCursor(cursor) : -1;
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action || action.type !== 'nfts.createBatch') throw notFound('batch mint', id);
    const rows = await listBatchItemResults(db, action.id, after, limit);
    const last = rows.at(-1);
    res.json({
      data: rows.map((r) => ({
        index: r.item_index, recipient: r.recipient, nftId: r.nft_id, tokenId: r.token_id, amount: r.amount, txHash: r.tx_hash, status: r.status,
      })),
      nextCursor: rows.length === limit && last ? Buffer.from(String(last.item_index)).toString('base64url') : null,
    });
  });

  /**
   * Abandons a pending action: what was sent for it is replaced by a zero-value transfer to self at its nonce.
   * It ends `cancelled` once that is confirmed, or `succeeded` (or `failed`) if its own transaction won.
   */
  router.post('/:actionId/cancel', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const projectId = projectOf(res).id;
    const found = await findProjectAction(db, projectId, id);
    if (!found) throw notFound('action', id);
    if (found.type === 'nfts.createBatch') {
      throw new Problem(409, 'not_cancellable', 'A batch mint cannot be cancelled', `Action ${id} is a batch mint: its chunks are sent one after the other`);
    }
    const action = await requestCancel(db, projectId, id);
    if (!action || action.status !== 'pending') {
      throw new Problem(409, 'action_finished', 'The action has ended', `Action ${id} has already ${action?.status ?? found.status}`, { status: action?.status ?? found.status });
    }
    await cancelAction(id);
    res.status(202).json(presentAction(action, urls));
  });

  router.get('/:actionId', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action) throw notFound('action', id);
    res.json(presentAction(action, urls));
  });

  return router;
}

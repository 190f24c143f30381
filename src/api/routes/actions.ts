import { Router } from 'express';
import { presentAction } from '../../actions/present';
import type { ApiUrls } from '../../actions/urls';
import type { Queryable } from '../../db/database';
import { findProjectAction, listActions } from '../../store/actions';
import { listBatchItemResults } from '../../store/batch-mints';
import { projectOf } from '../auth';
import { fieldProblem, notFound, parseInput } from '../problem';
import { idParam, listActionsQuery, listBatchItemsQuery } from '../schemas';

const encodeCursor = (startedAt: Date, id: string) => Buffer.from(JSON.stringify([new Date(startedAt).toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(startedAt);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error();
    return { startedAt: date, id };
  } catch {
    throw fieldProblem([{ field: 'query.cursor', message: 'not a cursor returned by this API' }]);
  }
}

function decodeItemCursor(cursor: string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const index = Number(decoded);
  if (!/^\d{1,9}$/.test(decoded) || !Number.isInteger(index)) throw fieldProblem([{ field: 'query.cursor', message: 'not a cursor returned by this API' }]);
  return index;
}

export function actionRoutes(db: Queryable, urls: ApiUrls): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { cursor, limit, ...filter } = parseInput(listActionsQuery, req.query, 'query');
    const rows = await listActions(db, projectOf(res).id, { ...filter, limit, before: cursor ? decodeCursor(cursor) : undefined });
    const last = rows.at(-1);
    res.json({
      data: rows.map((row) => presentAction(row, urls)),
      nextCursor: rows.length === limit && last ? encodeCursor(last.started_at, last.id) : null,
    });
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

  router.get('/:actionId', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action) throw notFound('action', id);
    res.json(presentAction(action, urls));
  });

  return router;
}

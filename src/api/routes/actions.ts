import { Router } from 'express';
import { presentAction } from '../../actions/present';
import type { ApiUrls } from '../../actions/urls';
import type { Queryable } from '../../db/database';
import { findProjectAction, listActions } from '../../store/actions';
import { projectOf } from '../auth';
import { fieldProblem, notFound, parseInput } from '../problem';
import { idParam, listActionsQuery } from '../schemas';

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

  router.get('/:actionId', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action) throw notFound('action', id);
    res.json(presentAction(action, urls));
  });

  return router;
}

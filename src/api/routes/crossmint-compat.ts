import { Router } from 'express';
import type { Queryable } from '../../db/database';
import type { ApiUrls } from '../../domain';
import { findProjectAction } from '../../store/actions';
import { findCollectionById } from '../../store/resources';
import { actionEventData } from '../../webhooks/action-event';
import { projectOf } from '../auth';
import { notFound, parseInput } from '../problem';
import { idParam } from '../schemas';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Crossmint's action status (`GET /api/2022-06-09/actions/:actionId`), for clients written against it: the
 * same action as `GET /v1/actions/:id`, in Crossmint's shape, `data` as in the action's webhook event.
 */
export function crossmintCompatRoutes({ db, urls }: { db: Queryable; urls: ApiUrls }): Router {
  const router = Router();
  router.get('/actions/:actionId', async (req, res) => {
    const id = parseInput(idParam, req.params.actionId, 'path.actionId');
    const action = await findProjectAction(db, projectOf(res).id, id);
    if (!action) throw notFound('action', id);
    const collection = await findCollectionById(db, action.collection_id);
    res.json({
      actionId: action.id,
      action: action.type,
      status: action.status,
      data: actionEventData(action, collection?.contract_address ?? null),
      startedAt: iso(action.started_at),
      completedAt: iso(action.completed_at),
      resource: urls.resource(action),
    });
  });
  return router;
}

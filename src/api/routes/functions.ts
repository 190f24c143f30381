import { randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Queryable } from '../../db/database';
import { canonicalRoute } from '../../functions/routes';
import type { SecretBox } from '../../secrets/secret-box';
import { deleteFunction, findFunction, insertFunction, listFunctions, updateFunction, type FunctionRow } from '../../store/functions';
import { urlRefusal } from '../../webhooks/url-policy';
import { projectOf } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { fieldProblem, notFound, parseInput } from '../problem';
import { createFunctionBody, idParam, listQuery, updateFunctionBody } from '../schemas';

const iso = (d: Date) => new Date(d).toISOString();

/** A function as the API shows it: never its signing secret (shown once, at creation). */
function presentFunction(f: FunctionRow) {
  return {
    id: f.id, route: f.route, phase: f.phase, url: f.url, timeoutMs: f.timeout_ms, enabled: f.enabled, order: f.position,
    createdAt: iso(f.created_at), updatedAt: iso(f.updated_at),
  };
}

export interface FunctionRoutesDeps {
  db: Queryable;
  secrets: SecretBox;
  allowPrivateUrls: boolean;
  /** The routes a function may name: the API's write routes. */
  writeRoutes: readonly string[];
}

/** Functions: the project's own service, called before or after a write route of the API. */
export function functionRoutes({ db, secrets, allowPrivateUrls, writeRoutes }: FunctionRoutesDeps): Router {
  const router = Router();
  const routeOf = (given: string) => {
    const route = canonicalRoute(writeRoutes, given);
    if (!route) throw fieldProblem([{ field: 'body.route', message: `not a write route of this API; one of "*", ${writeRoutes.map((r) => `"${r}"`).join(', ')}` }]);
    return route;
  };
  const checkUrl = async (url: string) => {
    const refusal = await urlRefusal(url, allowPrivateUrls);
    if (refusal) throw fieldProblem([{ field: 'body.url', message: refusal }]);
  };

  router.post('/', async (req, res) => {
    const body = parseInput(createFunctionBody, req.body);
    const route = routeOf(body.route);
    await checkUrl(body.url);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const row = await insertFunction(db, {
      id: randomUUID(), project_id: projectOf(res).id, route, phase: body.phase, url: body.url, timeout_ms: body.timeoutMs,
      enabled: body.enabled, position: body.order, secret_sealed: secrets.seal(secret),
    });
    // The signing secret is shown here, once.
    res.status(201).json({ ...presentFunction(row), secret });
  });

  router.get('/', async (req, res) => {
    const { limit, cursor } = parseInput(listQuery, req.query, 'query');
    const before = cursor ? decodeCursor(cursor) : undefined;
    const rows = await listFunctions(db, projectOf(res).id, limit, before && { createdAt: before.at, id: before.id });
    const last = rows.at(-1);
    res.json({ data: rows.map(presentFunction), nextCursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null });
  });

  router.get('/:functionId', async (req, res) => {
    const id = parseInput(idParam, req.params.functionId, 'path.functionId');
    const row = await findFunction(db, projectOf(res).id, id);
    if (!row) throw notFound('function', id);
    res.json(presentFunction(row));
  });

  router.patch('/:functionId', async (req, res) => {
    const id = parseInput(idParam, req.params.functionId, 'path.functionId');
    const body = parseInput(updateFunctionBody, req.body);
    const route = body.route === undefined ? undefined : routeOf(body.route);
    if (body.url) await checkUrl(body.url);
    const row = await updateFunction(db, projectOf(res).id, id, {
      route, phase: body.phase, url: body.url, timeout_ms: body.timeoutMs, enabled: body.enabled, position: body.order,
    });
    if (!row) throw notFound('function', id);
    res.json(presentFunction(row));
  });

  router.delete('/:functionId', async (req, res) => {
    const id = parseInput(idParam, req.params.functionId, 'path.functionId');
    if (!(await deleteFunction(db, projectOf(res).id, id))) throw notFound('function', id);
    res.status(204).end();
  });

  return router;
}

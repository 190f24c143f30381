import type { RequestHandler, Response } from 'express';
import type { Queryable } from '../db/database';
import type { ProjectRow } from '../domain';
import { findProjectByApiKey } from '../store/projects';
import { Problem } from './problem';

/** Resolves `x-api-key` to its project; every route behind it sees only that project's data. */
export function requireApiKey(db: Queryable): RequestHandler {
  return async (req, res, next) => {
    const key = req.header('x-api-key');
    if (!key) return next(new Problem(401, 'unauthenticated', 'API key required', 'Send your API key in the x-api-key header'));
    const project = await findProjectByApiKey(db, key);
    if (!project) return next(new Problem(401, 'unauthenticated', 'API key not valid'));
    res.locals.project = project;
    next();
  };
}

export const projectOf = (res: Response): ProjectRow => res.locals.project as ProjectRow;

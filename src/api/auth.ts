import type { RequestHandler, Response } from 'express';
import type { Queryable } from '../db/database';
import type { ProjectRow } from '../domain';
import { findProjectByApiKey } from '../store/projects';
import { Problem } from './problem';

/**
 * A key found valid is trusted for this long without asking the database again, which saves a query on
 * most requests; a revoked key stops working within it.
 */
const KNOWN_KEY_MS = 5_000;
const KNOWN_KEYS_KEPT = 1_000;

/** Resolves `x-api-key` to its project; every route behind it sees only that project's data. */
export function requireApiKey(db: Queryable): RequestHandler {
  const known = new Map<string, { project: ProjectRow; until: number }>();
  return async (req, res, next) => {
    const key = req.header('x-api-key');
    if (!key) return next(new Problem(401, 'unauthenticated', 'API key required', 'Send your API key in the x-api-key header'));
    const remembered = known.get(key);
    let project = remembered && remembered.until > Date.now() ? remembered.project : undefined;
    if (!project) {
      project = await findProjectByApiKey(db, key);
      if (!project) return next(new Problem(401, 'unauthenticated', 'API key not valid'));
      if (known.size >= KNOWN_KEYS_KEPT) known.clear();
      known.set(key, { project, until: Date.now() + KNOWN_KEY_MS });
    }
    res.locals.project = project;
    next();
  };
}

export const projectOf = (res: Response): ProjectRow => res.locals.project as ProjectRow;

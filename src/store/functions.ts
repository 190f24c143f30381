import type { Queryable } from '../db/database';

export type FunctionPhase = 'pre' | 'post';

export interface FunctionRow {
  id: string;
  project_id: string;
  route: string;
  phase: FunctionPhase;
  url: string;
  timeout_ms: number;
  enabled: boolean;
  position: number;
  secret_sealed: string;
  created_at: Date;
  updated_at: Date;
}

export type NewFunction = Omit<FunctionRow, 'created_at' | 'updated_at'>;

export async function insertFunction(db: Queryable, f: NewFunction): Promise<FunctionRow> {
  const [row] = await db.query<FunctionRow>(
    `INSERT INTO api_functions (id, project_id, route, phase, url, timeout_ms, enabled, position, secret_sealed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [f.id, f.project_id, f.route, f.phase, f.url, f.timeout_ms, f.enabled, f.position, f.secret_sealed],
  );
  return row;
}

export async function findFunction(db: Queryable, projectId: string, id: string): Promise<FunctionRow | undefined> {
  const [row] = await db.query<FunctionRow>('SELECT * FROM api_functions WHERE id = $1 AND project_id = $2', [id, projectId]);
  return row;
}

/** The project's functions, newest first, after the (created_at, id) of the previous page's last. */
export async function listFunctions(db: Queryable, projectId: string, limit: number, before?: { createdAt: Date; id: string }): Promise<FunctionRow[]> {
  return db.query<FunctionRow>(
    `SELECT * FROM api_functions WHERE project_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [projectId, before?.createdAt ?? null, before?.id ?? null, limit],
  );
}

/** The enabled functions a call of `route` runs, in the order they run: by position, then oldest first. */
export async function functionsForRoute(db: Queryable, projectId: string, route: string): Promise<FunctionRow[]> {
  return db.query<FunctionRow>(
    `SELECT * FROM api_functions WHERE project_id = $1 AND route IN ($2, '*') AND enabled ORDER BY position, created_at, id`,
    [projectId, route],
  );
}

/** Changes the given fields (undefined keeps one as it is). */
export async function updateFunction(
  db: Queryable, projectId: string, id: string, f: Partial<Pick<FunctionRow, 'route' | 'phase' | 'url' | 'timeout_ms' | 'enabled' | 'position'>>,
): Promise<FunctionRow | undefined> {
  const [row] = await db.query<FunctionRow>(
    `UPDATE api_functions SET route = COALESCE($3, route), phase = COALESCE($4, phase), url = COALESCE($5, url),
       timeout_ms = COALESCE($6, timeout_ms), enabled = COALESCE($7, enabled), position = COALESCE($8, position), updated_at = now()
     WHERE id = $1 AND project_id = $2 RETURNING *`,
    [id, projectId, f.route ?? null, f.phase ?? null, f.url ?? null, f.timeout_ms ?? null, f.enabled ?? null, f.position ?? null],
  );
  return row;
}

export async function deleteFunction(db: Queryable, projectId: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM api_functions WHERE id = $1 AND project_id = $2 RETURNING id', [id, projectId])).length > 0;
}

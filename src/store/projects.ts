import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database';
import type { ProjectRow } from '../domain';

export interface NewProject {
  name: string;
  signerUrl: string;
  signerAddress: string;
  /** The signing secret, sealed by the caller with the secrets key. */
  signerSecretSealed: string;
  /** A fixed key (development); a random one is generated otherwise. */
  apiKey?: string;
}

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');
export const generateApiKey = () => `nfte_${randomBytes(24).toString('base64url')}`;

/** Creates a project and its first API key; the key itself is returned once and only its hash is kept. */
export async function createProject(db: Queryable, project: NewProject): Promise<{ projectId: string; apiKey: string }> {
  const projectId = randomUUID();
  const apiKey = project.apiKey ?? generateApiKey();
  await db.query(
    'INSERT INTO projects (id, name, signer_url, signer_address, signer_secret_sealed) VALUES ($1, $2, $3, $4, $5)',
    [projectId, project.name, project.signerUrl, project.signerAddress, project.signerSecretSealed],
  );
  await db.query('INSERT INTO api_keys (id, project_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [
    randomUUID(),
    projectId,
    hashApiKey(apiKey),
    apiKey.slice(0, 9),
  ]);
  return { projectId, apiKey };
}

export async function findProjectByApiKey(db: Queryable, apiKey: string): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(
    `SELECT p.* FROM api_keys k JOIN projects p ON p.id = k.project_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  return row;
}

export async function getProject(db: Queryable, projectId: string): Promise<ProjectRow> {
  const [row] = await db.query<ProjectRow>('SELECT * FROM projects WHERE id = $1', [projectId]);
  if (!row) throw new Error(`project ${projectId} not found`);
  return row;
}

/** The development project: created once, then found again by its fixed key on every start. */
export async function ensureDevProject(db: Queryable, project: NewProject & { apiKey: string }): Promise<string> {
  const existing = await findProjectByApiKey(db, project.apiKey);
  if (existing) {
    await db.query('UPDATE projects SET signer_url = $2, signer_address = $3, signer_secret_sealed = $4 WHERE id = $1', [
      existing.id,
      project.signerUrl,
      project.signerAddress,
      project.signerSecretSealed,
    ]);
    return existing.id;
  }
  return (await createProject(db, project)).projectId;
}

/**
 * A project whose signer holds the address: of several, the one that used it last on the chain, whose
 * signing endpoint is the likeliest to be in service.
 */
export async function projectSigningFor(db: Queryable, chainId: number, address: string): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(
    `SELECT p.* FROM projects p WHERE lower(p.signer_address) = lower($2)
     ORDER BY (SELECT max(a.started_at) FROM actions a WHERE a.project_id = p.id AND a.chain_id = $1) DESC NULLS LAST, p.created_at DESC
     LIMIT 1`,
    [chainId, address],
  );
  return row;
}

export interface ProjectSummary {
  id: string;
  name: string;
  signer_url: string;
  signer_address: string;
  created_at: Date;
  actions: number;
  last_action_at: Date | null;
}

/** Every project with how many actions it has and when it last started one (the operator's view), newest first. */
export async function listProjects(db: Queryable, limit: number): Promise<ProjectSummary[]> {
  return db.query<ProjectSummary>(
    `SELECT p.id, p.name, p.signer_url, p.signer_address, p.created_at, count(a.id)::int AS actions, max(a.started_at) AS last_action_at
     FROM projects p LEFT JOIN actions a ON a.project_id = p.id
     GROUP BY p.id ORDER BY p.created_at DESC, p.id DESC LIMIT $1`,
    [limit],
  );
}

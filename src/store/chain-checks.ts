import type { Queryable } from '../db/database';

/**
 * Takes the check's round on the chain if it is due, and makes the next one due `everyMs` later: of several
 * worker processes asking, one gets each round.
 */
export async function takeCheckRound(db: Queryable, name: string, chainId: number, everyMs: number): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO chain_checks (name, chain_id, next_run_at) VALUES ($1, $2, now() + make_interval(secs => $3::float8 / 1000))
     ON CONFLICT (name, chain_id) DO UPDATE SET next_run_at = EXCLUDED.next_run_at WHERE chain_checks.next_run_at <= now()
     RETURNING 1`,
    [name, chainId, everyMs],
  );
  return rows.length === 1;
}

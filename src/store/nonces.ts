import type { Database, Queryable } from '../db/database';
import type { ActionStatus } from '../domain';

export interface NonceScope {
  chainId: number;
  address: string;
}

/** What the chain says of the address: `latest` counts mined transactions, `pending` adds the mempool. */
export interface ChainNonces {
  latest: number;
  pending: number;
}

/**
 * Decides, before a holder without a nonce gets one, under the address's lock (so the holders of the address
 * are decided one at a time): throws to refuse it one, else answers the lowest nonce it may take.
 */
export type NonceAdmission = (tx: Queryable) => Promise<number>;

/** What decides whether a holder without a nonce gets one, and which. */
export interface NonceRules {
  /** Before the address's lock: throws to refuse the holder a nonce (an action no longer pending). */
  check?: (tx: Queryable) => Promise<void>;
  admit?: NonceAdmission;
}

/**
 * Gives the holder (an action) its nonce for (chain, address): the same one on every retry; otherwise
 * the lowest nonce released by a failed action, so no gap is left; otherwise the next unused one, moved
 * past any transactions the address sent outside the engine.
 */
export async function reserveNonce(db: Database, scope: NonceScope, holder: string, chain: ChainNonces, rules: NonceRules = {}): Promise<number> {
  try {
    return await reserveOnce(db, scope, holder, chain, rules);
  } catch (err) {
    // Two runs of the same steps at once (a workflow task given to another worker while the first still ran
    // it): the other took the holder's lease first, and asking again finds it. One lease, one nonce.
    if (!isHolderTaken(err)) throw err;
    return reserveOnce(db, scope, holder, chain, rules);
  }
}

const isHolderTaken = (err: unknown) => (err as { code?: string }).code === '23505' && String((err as Error).message).includes('nonce_leases_holder_key');

async function reserveOnce(db: Database, scope: NonceScope, holder: string, chain: ChainNonces, rules: NonceRules): Promise<number> {
  const address = scope.address.toLowerCase();
  return db.transaction(async (tx) => {
    const [held] = await tx.query<{ nonce: number }>('SELECT nonce FROM nonce_leases WHERE holder = $1', [holder]);
    if (held) return held.nonce;
    await rules.check?.(tx);
    // The address's lock, held from here to the commit: a burst of mints from one signer queues on it, so
    // what runs under it is two statements and the commit (an admission adds its own).
    const [counter] = await tx.query<{ next_nonce: number }>(
      `INSERT INTO signer_nonces (chain_id, address, next_nonce) VALUES ($1, $2, $3)
       ON CONFLICT (chain_id, address) DO UPDATE SET next_nonce = signer_nonces.next_nonce RETURNING next_nonce`,
      [scope.chainId, address, chain.pending],
    );
    const lowest = rules.admit ? await rules.admit(tx) : 0;
    // In one statement: leases below the mined count are settled and go (broadcast ones are done, released ones
    // were used elsewhere; an action still pending keeps its leases, its own and its batch chunks'
    // `<actionId>:<chunk>`, so its steps running again after a crash find the nonces they used); then the lowest
    // nonce a failed action released is taken, else the next unused one, moved past any transactions the
    // address sent outside the engine.
    const [taken] = await tx.query<{ nonce: number }>(
      `WITH pruned AS (
         DELETE FROM nonce_leases l WHERE chain_id = $1 AND address = $2 AND nonce < $3 AND state <> 'reserved'
           AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = split_part(l.holder, ':', 1) AND a.status = 'pending')
         RETURNING nonce
       ), released AS (
         SELECT nonce FROM nonce_leases WHERE chain_id = $1 AND address = $2 AND state = 'released' AND nonce >= $5
           AND nonce NOT IN (SELECT nonce FROM pruned)
         ORDER BY nonce LIMIT 1
       ), claimed AS (
         UPDATE nonce_leases l SET state = 'reserved', holder = $4, tx_hash = NULL, signed_transaction = NULL, updated_at = now()
         FROM released r WHERE l.chain_id = $1 AND l.address = $2 AND l.nonce = r.nonce
         RETURNING l.nonce
       ), counted AS (
         UPDATE signer_nonces SET next_nonce = $6::bigint + 1
         WHERE chain_id = $1 AND address = $2 AND NOT EXISTS (SELECT 1 FROM released)
       ), leased AS (
         INSERT INTO nonce_leases (chain_id, address, nonce, holder, state)
         SELECT $1, $2, $6::bigint, $4, 'reserved' WHERE NOT EXISTS (SELECT 1 FROM released)
         RETURNING nonce
       )
       SELECT nonce FROM claimed UNION ALL SELECT nonce FROM leased`,
      [scope.chainId, address, chain.latest, holder, lowest, Math.max(counter.next_nonce, chain.pending)],
    );
    return taken.nonce;
  });
}

export async function markNonceBroadcast(db: Database, holder: string) {
  await db.query(`UPDATE nonce_leases SET state = 'broadcast', updated_at = now() WHERE holder = $1`, [holder]);
}

export async function unmarkNonceBroadcast(db: Database, holder: string) {
  await db.query(`UPDATE nonce_leases SET state = 'reserved', updated_at = now() WHERE holder = $1 AND state = 'broadcast'`, [holder]);
}

/**
 * Gives back the nonce of a holder that never broadcast. Returns it with whether a later nonce of the
 * same address is already on its way, in which case the gap blocks that transaction until it is filled.
 */
export async function releaseNonce(db: Database, holder: string): Promise<{ nonce: number; blocksLater: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const [lease] = await tx.query<{ chain_id: number; address: string; nonce: number }>(
      `UPDATE nonce_leases SET state = 'released', holder = NULL, updated_at = now()
       WHERE holder = $1 AND state = 'reserved' RETURNING chain_id, address, nonce`,
      [holder],
    );
    if (!lease) return undefined;
    const later = await tx.query(
      `SELECT 1 FROM nonce_leases WHERE chain_id = $1 AND address = $2 AND nonce > $3 AND state = 'broadcast' LIMIT 1`,
      [lease.chain_id, lease.address, lease.nonce],
    );
    return { nonce: lease.nonce, blocksLater: later.length > 0 };
  });
}

/** Drops a holder's lease whose nonce another transaction consumed (sent outside the engine). */
export async function discardNonce(db: Database, holder: string) {
  await db.query('DELETE FROM nonce_leases WHERE holder = $1', [holder]);
}

/** Takes a released nonce for a gap-filling transaction, if it is still free. */
export async function claimReleasedNonce(db: Database, scope: NonceScope, nonce: number, holder: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE nonce_leases SET state = 'reserved', holder = $4,
       tx_hash = CASE WHEN holder = $4 THEN tx_hash END, signed_transaction = CASE WHEN holder = $4 THEN signed_transaction END, updated_at = now()
     WHERE chain_id = $1 AND address = $2 AND nonce = $3 AND (state = 'released' OR holder = $4) RETURNING nonce`,
    [scope.chainId, scope.address.toLowerCase(), nonce, holder],
  );
  return rows.length === 1;
}

export interface KeptSignature {
  hash: string;
  /** Absent when the signer sent the transaction itself. */
  rawTransaction?: string;
}

/**
 * The holder's lease at this nonce, with the transaction signed at it if one was; undefined when the holder
 * holds no lease there (it finished, and its settled lease was pruned or taken over).
 */
export async function leaseAtNonce(db: Database, holder: string, nonce: number): Promise<{ kept?: KeptSignature } | undefined> {
  const [row] = await db.query<{ tx_hash: string | null; signed_transaction: string | null }>(
    'SELECT tx_hash, signed_transaction FROM nonce_leases WHERE holder = $1 AND nonce = $2',
    [holder, nonce],
  );
  if (!row) return undefined;
  return row.tx_hash ? { kept: { hash: row.tx_hash, rawTransaction: row.signed_transaction ?? undefined } } : {};
}

/**
 * Keeps the transaction the holder signed at its nonce, unless one is kept already: answers the one kept, or
 * undefined when the holder no longer holds the nonce (then what was signed must not be sent).
 */
export async function keepSignature(db: Database, holder: string, nonce: number, signed: KeptSignature): Promise<KeptSignature | undefined> {
  const [row] = await db.query<{ tx_hash: string; signed_transaction: string | null }>(
    `UPDATE nonce_leases SET tx_hash = COALESCE(tx_hash, $3), signed_transaction = CASE WHEN tx_hash IS NULL THEN $4 ELSE signed_transaction END,
       updated_at = now()
     WHERE holder = $1 AND nonce = $2 RETURNING tx_hash, signed_transaction`,
    [holder, nonce, signed.hash, signed.rawTransaction ?? null],
  );
  return row && { hash: row.tx_hash, rawTransaction: row.signed_transaction ?? undefined };
}

/** The signer addresses of a chain that hold nonce leases, with the next nonce the engine would give out. */
export async function leasedAddresses(db: Queryable, chainId: number): Promise<{ address: string; nextNonce: number }[]> {
  return db.query(
    `SELECT s.address, s.next_nonce AS "nextNonce" FROM signer_nonces s
     WHERE s.chain_id = $1 AND EXISTS (SELECT 1 FROM nonce_leases l WHERE l.chain_id = s.chain_id AND l.address = s.address)
     ORDER BY s.address`,
    [chainId],
  );
}

export interface LeaseView {
  nonce: number;
  state: 'reserved' | 'broadcast' | 'released';
  holder: string | null;
  /** The status of the action holding the lease; null for a holder that is no action (a gap filler), or none. */
  holderStatus: ActionStatus | null;
  signedTransaction: string | null;
  /** Since the lease last changed. */
  idleMs: number;
}

/** The address's leases from `fromNonce` on, in nonce order. */
export async function leasesFrom(db: Queryable, scope: NonceScope, fromNonce: number): Promise<LeaseView[]> {
  return db.query<LeaseView>(
    `SELECT l.nonce, l.state, l.holder, a.status AS "holderStatus", l.signed_transaction AS "signedTransaction",
       (EXTRACT(EPOCH FROM now() - l.updated_at) * 1000)::float8 AS "idleMs"
     FROM nonce_leases l LEFT JOIN actions a ON a.id = l.holder
     WHERE l.chain_id = $1 AND l.address = $2 AND l.nonce >= $3 ORDER BY l.nonce`,
    [scope.chainId, scope.address.toLowerCase(), fromNonce],
  );
}

/**
 * Takes a nonce that blocks later transactions for a gap filler: one never given out, released, or held
 * for `staleMs` without change by a holder that is no pending action nor a chunk of one. Under the address's
 * lock, as reserveNonce takes released nonces, so of everyone after the nonce one gets it.
 */
export async function claimNonceGap(db: Database, scope: NonceScope, nonce: number, holder: string, staleMs: number): Promise<boolean> {
  const address = scope.address.toLowerCase();
  return db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM signer_nonces WHERE chain_id = $1 AND address = $2 FOR UPDATE', [scope.chainId, address]);
    const taken = await tx.query(
      `UPDATE nonce_leases l SET state = 'reserved', holder = $4, tx_hash = NULL, signed_transaction = NULL, updated_at = now()
       WHERE chain_id = $1 AND address = $2 AND nonce = $3
         AND (state = 'released' OR (updated_at < now() - make_interval(secs => $5::float8 / 1000)
           AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = split_part(l.holder, ':', 1) AND a.status = 'pending')))
       RETURNING nonce`,
      [scope.chainId, address, nonce, holder, staleMs],
    );
    if (taken.length === 1) return true;
    const inserted = await tx.query(
      `INSERT INTO nonce_leases (chain_id, address, nonce, holder, state) VALUES ($1, $2, $3, $4, 'reserved') ON CONFLICT DO NOTHING RETURNING nonce`,
      [scope.chainId, address, nonce, holder],
    );
    return inserted.length === 1;
  });
}

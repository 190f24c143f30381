import type { Queryable } from '../db/database';

export type SentPurpose = 'action' | 'replacement' | 'cancel';

export interface SentTransaction {
  hash: string;
  nonce: number;
  purpose: SentPurpose;
  /** Absent when the signer sent it itself. */
  rawTransaction?: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
}

/** Keeps a transaction about to be sent for the action (again: no change). */
export async function keepSentTransaction(db: Queryable, actionId: string, sent: SentTransaction) {
  await db.query(
    `INSERT INTO action_transactions (action_id, hash, nonce, purpose, signed_transaction, max_fee_per_gas, max_priority_fee_per_gas)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [actionId, sent.hash, sent.nonce, sent.purpose, sent.rawTransaction ?? null, sent.maxFeePerGas, sent.maxPriorityFeePerGas],
  );
}

/** The replacements and cancellation sent for the action, oldest first (the first transaction is on its nonce lease). */
export async function listSentTransactions(db: Queryable, actionId: string): Promise<SentTransaction[]> {
  const rows = await db.query<{ hash: string; nonce: number; purpose: SentPurpose; signed_transaction: string | null; max_fee_per_gas: string; max_priority_fee_per_gas: string }>(
    'SELECT * FROM action_transactions WHERE action_id = $1 ORDER BY sent_at, hash',
    [actionId],
  );
  return rows.map((r) => ({
    hash: r.hash, nonce: r.nonce, purpose: r.purpose, rawTransaction: r.signed_transaction ?? undefined,
    maxFeePerGas: String(r.max_fee_per_gas), maxPriorityFeePerGas: String(r.max_priority_fee_per_gas),
  }));
}

/** `known` (what a run of the action's steps sent), then the action's kept transactions it does not know of. */
export async function withKeptTransactions(db: Queryable, actionId: string, known: readonly SentTransaction[]): Promise<SentTransaction[]> {
  const kept = await listSentTransactions(db, actionId);
  return [...known, ...kept.filter((k) => !known.some((s) => s.hash === k.hash))];
}

import type { ChainNonces, LeaseView } from '../store/nonces';

/** What to do at a nonce that holds back the address's later transactions. */
export type NonceRemedy =
  | { nonce: number; remedy: 'fill' }
  | { nonce: number; remedy: 'resend'; signedTransaction: string };

/**
 * The nonces that hold back transactions the engine sent, and what to do at each. The chain's pending nonce
 * is the first one with nothing the node could mine, so a lease broadcast there was dropped (or reorged
 * out): a gap filler's kept transaction is sent again. Below the highest broadcast lease, a nonce never
 * given out or released is filled; one held without change for `staleMs` by a holder that is no pending
 * action (a gap filler whose signing was cut short or that was never kept, a finished action whose
 * transaction is gone) is taken over and filled. A pending action's lease is its workflow's, which watches
 * and replaces its own transactions.
 */
export function nonceRemedies(chain: ChainNonces, leases: LeaseView[], staleMs: number): NonceRemedy[] {
  const byNonce = new Map(leases.map((l) => [l.nonce, l]));
  const highestSent = Math.max(-1, ...leases.filter((l) => l.state === 'broadcast').map((l) => l.nonce));
  const remedies: NonceRemedy[] = [];
  for (let nonce = chain.pending; nonce <= highestSent; nonce++) {
    const lease = byNonce.get(nonce);
    const heldByOther = lease?.holderStatus !== 'pending';
    const stale = heldByOther && (lease?.idleMs ?? 0) >= staleMs;
    if (!lease || lease.state === 'released') {
      remedies.push({ nonce, remedy: 'fill' });
    } else if (lease.state === 'reserved') {
      if (stale) remedies.push({ nonce, remedy: 'fill' });
    } else if (nonce === chain.pending && heldByOther) {
      if (lease.holderStatus === null && lease.signedTransaction) remedies.push({ nonce, remedy: 'resend', signedTransaction: lease.signedTransaction });
      else if (stale) remedies.push({ nonce, remedy: 'fill' });
    }
  }
  return remedies;
}

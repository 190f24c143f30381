import { isError, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import type { ChainFollower } from '../chain/follower';
import type { Database } from '../db/database';
import { listSentTransactions, type SentTransaction } from '../store/action-transactions';
import { discardNonce, markNonceBroadcast, unmarkNonceBroadcast } from '../store/nonces';
import type { SignedAction } from './sign-transaction';

export type BroadcastResult = 'sent' | 'nonce_consumed';

export type TransactionState = { state: 'pending' } | { state: 'mined'; confirmations: number; blockNumber: number; success: boolean };

/**
 * eth_sendRawTransaction as it is: ethers' broadcastTransaction also recovers the sender's address (an
 * elliptic-curve operation, the costliest step of a mint for the worker) and reads the block number.
 */
export const sendRaw = (provider: JsonRpcProvider, raw: string) => provider.send('eth_sendRawTransaction', [raw]);

/** The node's answer to a transaction whose nonce the address has already used. */
export const isNonceTooLow = (err: unknown) => isError(err, 'NONCE_EXPIRED') || /nonce too low/i.test((err as Error).message);

/**
 * Sends a signed transaction held under a nonce lease (one the signer sent itself was checked on chain
 * already); sending it again is harmless (same nonce, same hash). Reports 'nonce_consumed' when a different
 * transaction of the address took the nonce first: not one the holder sent there itself (a replacement or
 * cancellation that was mined, the first one then sent again by a run of its steps that did not know of
 * it). The lease is marked broadcast before sending, so a crash in between never frees a nonce in use.
 */
export async function sendSignedTransaction(db: Database, provider: JsonRpcProvider, holder: string, signed: SignedAction): Promise<BroadcastResult> {
  await markNonceBroadcast(db, holder);
  if (!signed.rawTransaction) return 'sent';
  try {
    await sendRaw(provider, signed.rawTransaction);
  } catch (err) {
    if (!(await provider.getTransaction(signed.hash))) {
      if (isNonceTooLow(err)) {
        if (await knownToNode(provider, await listSentTransactions(db, holder))) return 'sent';
        await discardNonce(db, holder);
        return 'nonce_consumed';
      }
      // Not sent after all: the nonce must stay releasable if the action ends up failing.
      await unmarkNonceBroadcast(db, holder);
      throw err;
    }
  }
  return 'sent';
}

async function knownToNode(provider: JsonRpcProvider, transactions: readonly { hash: string }[]): Promise<boolean> {
  for (const tx of transactions) if (await provider.getTransaction(tx.hash)) return true;
  return false;
}

/** One look at a sent transaction; re-sends it if the node no longer knows it (dropped, or reorged out). */
export async function lookAtTransaction(provider: JsonRpcProvider, signed: SignedAction): Promise<TransactionState> {
  const receipt = await provider.getTransactionReceipt(signed.hash);
  if (receipt) {
    return { state: 'mined', confirmations: await receipt.confirmations(), blockNumber: receipt.blockNumber, success: receipt.status === 1 };
  }
  await resendIfForgotten(provider, signed);
  return { state: 'pending' };
}

/** A transaction the node no longer knows (dropped, or reorged out) is sent again. */
async function resendIfForgotten(provider: JsonRpcProvider, signed: SignedAction) {
  if (signed.rawTransaction && !(await provider.getTransaction(signed.hash))) {
    await sendRaw(provider, signed.rawTransaction).catch(() => undefined);
  }
}

/**
 * Waits up to `waitMs` for the chain follower to see a sent transaction with `confirmations` blocks; if it
 * is still unconfirmed and the node no longer knows it (dropped, or reorged out), sends it again.
 */
export async function awaitConfirmed(
  follower: ChainFollower, provider: JsonRpcProvider, signed: SignedAction, confirmations: number, waitMs: number, onMined: () => void,
): Promise<TransactionReceipt | undefined> {
  const receipt = await follower.waitForConfirmations(signed.hash, confirmations, waitMs, onMined);
  if (!receipt) await resendIfForgotten(provider, signed);
  return receipt;
}

/**
 * Waits up to `waitMs` for the first of several transactions at one nonce (an action's transaction, its
 * replacements, its cancellation) to have `confirmations` blocks; at most one of them can be mined. If none
 * is, the latest one is sent again should the node no longer know it.
 */
export async function awaitFirstConfirmed(
  follower: ChainFollower, provider: JsonRpcProvider, sent: readonly SignedAction[], confirmations: number, waitMs: number, onMined: () => void,
): Promise<TransactionReceipt | undefined> {
  const receipt = await new Promise<TransactionReceipt | undefined>((resolve) => {
    let unanswered = sent.length;
    for (const signed of sent) {
      void follower.waitForConfirmations(signed.hash, confirmations, waitMs, onMined).then((found) => {
        unanswered -= 1;
        if (found || unanswered === 0) resolve(found);
      }, () => {
        unanswered -= 1;
        if (unanswered === 0) resolve(undefined);
      });
    }
  });
  if (!receipt) await resendIfForgotten(provider, sent[sent.length - 1]);
  return receipt;
}

/**
 * When the address's nonce of `sent` is used `confirmations` deep: the one of `candidates` (the transactions
 * sent at it) that used it, with its receipt, or 'elsewhere' for a transaction that is none of them (sent
 * outside the engine: certain, so the action can fail). Undefined while the nonce is not used that deep.
 */
export async function whoUsedNonce(
  provider: JsonRpcProvider, from: string, nonce: number, candidates: () => Promise<readonly SentTransaction[]>, confirmations: number,
): Promise<{ sent: SentTransaction; receipt: TransactionReceipt } | 'elsewhere' | undefined> {
  const head = await provider.getBlockNumber();
  const used = await provider.getTransactionCount(from, Math.max(0, head - confirmations + 1));
  if (used <= nonce) return undefined;
  for (const sent of await candidates()) {
    const receipt = await provider.getTransactionReceipt(sent.hash);
    if (receipt) return { sent, receipt };
  }
  return 'elsewhere';
}

/**
 * Records a stage once, from a callback that cannot wait (the follower's "mined"); `done` waits for the
 * write and throws its error there, inside the activity, instead of leaving it unhandled.
 */
export function stageRecorder(write: () => Promise<void>) {
  let written: Promise<unknown> | undefined;
  return {
    record: () => {
      written ??= write().catch((err: unknown) => err);
    },
    done: async () => {
      const failed = await written;
      if (failed instanceof Error) throw failed;
    },
  };
}

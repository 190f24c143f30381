import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { accountNonces } from '../chain/account-nonces';
import { currentFees, feeCapOf } from '../chain/fees';
import { ACTION_FINISHED } from '../shared/failures';
import { setActionStage } from '../store/actions';
import { claimReleasedNonce, keepSignature, leaseAtNonce, releaseNonce, reserveNonce } from '../store/nonces';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';
import { transactionSigner, transferToSelf, type SignedAction } from './sign-transaction';
import { stillPending } from './still-pending';
import { tokenURIUpdateAdmission } from './update-order';

export type { SignedAction } from './sign-transaction';

/** Fees priced this recently are signed as they are; older ones are priced again (a block or two on most chains). */
const FEES_FRESH_FOR_MS = 15_000;

const pick = (t: { maxFeePerGas: string; maxPriorityFeePerGas: string }) => ({ maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas });

export function createSigningActivities(deps: ActivityDeps) {
  const { db, chains } = deps;
  const sign = transactionSigner(deps);

  /** Fees as the chain asks them now, when the prepared ones are older than a moment (a signer that had to be retried). */
  async function pricedForSigning(prepared: PreparedAction): Promise<PreparedAction> {
    if (prepared.pricedAt === undefined || Date.now() - prepared.pricedAt < FEES_FRESH_FOR_MS) return prepared;
    const chain = chains.byId(prepared.chainId);
    const fees = currentFees(await chains.provider(prepared.chainId).getFeeData(), chain.name, feeCapOf(chain));
    return { ...prepared, transaction: { ...prepared.transaction, maxFeePerGas: fees.maxFeePerGas.toString(), maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString() } };
  }

  return {
    /**
     * The action's nonce: the same one on every retry, never one another action holds. The prepared
     * transaction is kept with it (see prepareTransaction). An action that finished meanwhile (its steps
     * running again in a workflow task whose first run completed it) gets none: its lease may be pruned.
     */
    async reserveNonce(prepared: PreparedAction): Promise<number> {
      const chain = await accountNonces(chains.provider(prepared.chainId), prepared.from);
      const scope = { chainId: prepared.chainId, address: prepared.from };
      const nonce = await reserveNonce(db, scope, prepared.actionId, chain, { check: stillPending(prepared.actionId), admit: tokenURIUpdateAdmission(prepared) });
      await setActionStage(db, prepared.actionId, 'awaiting_signature', { preparedTransaction: prepared });
      return nonce;
    },

    /**
     * Sends the prebuilt transaction to the project's signing endpoint, checks what comes back and keeps it
     * with the nonce: asked again for the same nonce (the action's steps running again after a crash, with
     * fees priced anew) it answers the kept transaction, so one nonce carries one transaction. Without the
     * lease (the action finished in another run of its steps) nothing is signed, or what was is not sent.
     */
    async requestSignature(prepared: PreparedAction, nonce: number): Promise<SignedAction> {
      const lease = await leaseAtNonce(db, prepared.actionId, nonce);
      if (lease?.kept) return { ...lease.kept, nonce };
      if (!lease) throw leaseGone(prepared.actionId, nonce);
      const priced = await pricedForSigning(prepared);
      const signed = await sign(priced, nonce, 'action', (e) => ({
        reason: 'signer_rejected',
        message: `The signing endpoint rejected the transaction (HTTP ${e.status}): ${e.reason}`,
        callInfo: prepared.callInfo,
      }));
      // Two runs of the steps at once (a workflow task timed out while the first still ran) keep the first signature.
      const first = await keepSignature(db, prepared.actionId, nonce, signed);
      if (!first) throw leaseGone(prepared.actionId, nonce);
      log.info('transaction signed', { txHash: first.hash, nonce, signerSentIt: !first.rawTransaction });
      return { ...first, nonce, ...(priced === prepared || first.hash !== signed.hash ? {} : { fees: pick(priced.transaction) }) };
    },

    /** Gives back the nonce of an action that failed before broadcast. */
    async releaseNonce(actionId: string) {
      return releaseNonce(db, actionId);
    },

    /**
     * Fills a released nonce that blocks later transactions with a zero-value transfer to self, signed
     * like any transaction. Returns what to broadcast, or null if another action took the nonce first.
     */
    async signNonceGapFiller(prepared: PreparedAction, nonce: number): Promise<SignedAction | null> {
      const holder = `gap-filler-${prepared.actionId}`;
      if (!(await claimReleasedNonce(db, { chainId: prepared.chainId, address: prepared.from }, nonce, holder))) return null;
      const filler = transferToSelf(prepared, holder, `Fill nonce ${nonce} of ${prepared.from} left free by failed action ${prepared.actionId}`);
      try {
        const signed = await sign(filler, nonce, 'nonce_gap_filler', (e) => ({ reason: 'signer_rejected', message: e.message }));
        // Kept with the lease, so the nonce health check can send it again if it is dropped.
        const kept = await keepSignature(db, holder, nonce, signed);
        return kept ? { ...kept, nonce } : null;
      } catch (err) {
        await releaseNonce(db, holder);
        throw err;
      }
    },
  };
}

const leaseGone = (actionId: string, nonce: number) =>
  ApplicationFailure.nonRetryable(`action ${actionId} no longer holds nonce ${nonce}: it finished in another run of its steps`, ACTION_FINISHED);

import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Transaction } from 'ethers';
import type { ActionError } from '../domain';
import type { PreparedTransaction, SignPurpose } from '../signing/protocol';
import { postSignRequest, SignerRejectedError, SignerUnavailableError } from '../signing/signer-client';
import { signedTransactionMismatch, toEthersTransaction, transactionMismatch } from '../signing/transaction';
import { setActionStage } from '../store/actions';
import { getProject } from '../store/projects';
import { claimReleasedNonce, releaseNonce, reserveNonce } from '../store/nonces';
import type { ActivityDeps } from './deps';
import { actionFailure, SIGNER_UNAVAILABLE } from './failures';
import type { PreparedAction } from './prepare';

export interface SignedAction {
  hash: string;
  nonce: number;
  /** Absent when the signer broadcast the transaction itself and answered with its hash. */
  rawTransaction?: string;
}

export function createSigningActivities(deps: ActivityDeps) {
  const { db, chains } = deps;

  async function chainNonces(chainId: number, address: string) {
    const provider = chains.provider(chainId);
    const [latest, pending] = await Promise.all([
      provider.getTransactionCount(address, 'latest'),
      provider.getTransactionCount(address, 'pending'),
    ]);
    return { latest, pending };
  }

  async function sign(prepared: PreparedAction, nonce: number, purpose: SignPurpose, errorFor: (e: SignerRejectedError) => ActionError): Promise<SignedAction> {
    const project = await getProject(db, prepared.projectId);
    const transaction: PreparedTransaction = { ...prepared.transaction, nonce };
    const unsigned = toEthersTransaction(transaction);
    let answer;
    const timer = deps.metrics.signerRequestDuration.startTimer();
    try {
      answer = await postSignRequest({ url: project.signer_url, secret: deps.secrets.open(project.signer_secret_sealed) }, {
        type: 'transaction.sign',
        purpose,
        actionId: prepared.actionId,
        projectId: prepared.projectId,
        chain: prepared.chain,
        chainId: prepared.chainId,
        from: prepared.from,
        transaction,
        unsignedTransaction: unsigned.unsignedSerialized,
        signingHash: unsigned.unsignedHash,
        description: { summary: prepared.summary, functionName: prepared.callInfo.functionName, arguments: prepared.callInfo.arguments },
      }, deps.signerTimeoutMs);
      timer({ outcome: 'signed' });
    } catch (err) {
      timer({ outcome: err instanceof SignerRejectedError ? 'rejected' : 'unavailable' });
      if (err instanceof SignerRejectedError) throw actionFailure(errorFor(err));
      if (err instanceof SignerUnavailableError) throw ApplicationFailure.retryable(err.message, SIGNER_UNAVAILABLE);
      throw err;
    }
    let problems: string[];
    if ('transactionHash' in answer) {
      const seen = await chains.provider(prepared.chainId).getTransaction(answer.transactionHash);
      if (!seen) throw ApplicationFailure.retryable(`transaction ${answer.transactionHash} sent by the signer is not known to the chain`, 'TransactionNotSeen');
      problems = transactionMismatch(seen, transaction, prepared.from);
    } else {
      problems = signedTransactionMismatch(answer.signedTransaction, transaction, prepared.from);
    }
    if (problems.length > 0) {
      throw actionFailure({ reason: 'invalid_signature', message: `The signer returned a different transaction than requested: ${problems.join('; ')}`, callInfo: prepared.callInfo });
    }
    if ('transactionHash' in answer) return { hash: answer.transactionHash, nonce };
    return { hash: Transaction.from(answer.signedTransaction).hash!, nonce, rawTransaction: answer.signedTransaction };
  }

  return {
    /** The action's nonce: the same one on every retry, never one another action holds. */
    async reserveNonce(prepared: PreparedAction): Promise<number> {
      const chain = await chainNonces(prepared.chainId, prepared.from);
      const nonce = await reserveNonce(db, { chainId: prepared.chainId, address: prepared.from }, prepared.actionId, chain);
      await setActionStage(db, prepared.actionId, 'awaiting_signature');
      return nonce;
    },

    /** Sends the prebuilt transaction to the project's signing endpoint and checks what comes back. */
    async requestSignature(prepared: PreparedAction, nonce: number): Promise<SignedAction> {
      const signed = await sign(prepared, nonce, 'action', (e) => ({
        reason: 'signer_rejected',
        message: `The signing endpoint rejected the transaction (HTTP ${e.status}): ${e.reason}`,
        callInfo: prepared.callInfo,
      }));
      log.info('transaction signed', { txHash: signed.hash, nonce, signerSentIt: !signed.rawTransaction });
      return signed;
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
      const filler: PreparedAction = {
        ...prepared,
        actionId: holder,
        transaction: { ...prepared.transaction, to: prepared.from, data: '0x', gasLimit: '21000' },
        callInfo: { functionName: 'transfer', arguments: { to: prepared.from, value: '0' }, calldata: '0x' },
        summary: `Fill nonce ${nonce} of ${prepared.from} left free by failed action ${prepared.actionId}`,
      };
      try {
        return await sign(filler, nonce, 'nonce_gap_filler', (e) => ({ reason: 'signer_rejected', message: e.message }));
      } catch (err) {
        await releaseNonce(db, holder);
        throw err;
      }
    },
  };
}

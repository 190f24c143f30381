import { ApplicationFailure } from '@temporalio/common';
import { keccak256 } from 'ethers';
import type { ActionError } from '../domain';
import { actionFailure, SIGNER_UNAVAILABLE, TRANSACTION_NOT_SEEN } from '../shared/failures';
import type { PreparedTransaction, SignPurpose } from '../signing/protocol';
import { postSignRequest, SignerRejectedError, SignerUnavailableError } from '../signing/signer-client';
import { signedTransactionMismatch, toEthersTransaction, transactionMismatch } from '../signing/transaction';
import { getProject } from '../store/projects';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';

export interface SignedAction {
  hash: string;
  nonce: number;
  /** Absent when the signer broadcast the transaction itself and answered with its hash. */
  rawTransaction?: string;
  /** The fees it was signed with, when they are not the prepared transaction's (priced again at signing). */
  fees?: { maxFeePerGas: string; maxPriorityFeePerGas: string };
}

/** A zero-value transfer to self from the action's address: fills a nonce gap or cancels what holds the nonce. */
export function transferToSelf(prepared: PreparedAction, holder: string, summary: string): PreparedAction {
  return {
    ...prepared,
    actionId: holder,
    transaction: { ...prepared.transaction, to: prepared.from, data: '0x', value: '0', gasLimit: '21000' },
    callInfo: { functionName: 'transfer', arguments: { to: prepared.from, value: '0' }, calldata: '0x' },
    summary,
  };
}

/**
 * Asks the project's signing endpoint to sign a prebuilt transaction at a nonce and checks that what comes
 * back is exactly that transaction from the project's address. A refusal is a definitive failure built by
 * errorFor; an unreachable signer is retryable.
 */
export function transactionSigner(deps: Pick<ActivityDeps, 'db' | 'chains' | 'secrets' | 'signerTimeoutMs' | 'metrics'>) {
  const { db, chains } = deps;
  return async function sign(prepared: PreparedAction, nonce: number, purpose: SignPurpose, errorFor: (e: SignerRejectedError) => ActionError): Promise<SignedAction> {
    const project = await getProject(db, prepared.projectId);
    const transaction: PreparedTransaction = { ...prepared.transaction, nonce };
    // Encoded once: ethers encodes the transaction again for each of its getters.
    const unsignedTransaction = toEthersTransaction(transaction).unsignedSerialized;
    const signingHash = keccak256(unsignedTransaction);
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
        unsignedTransaction,
        signingHash,
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
      if (!seen) throw ApplicationFailure.retryable(`transaction ${answer.transactionHash} sent by the signer is not known to the chain`, TRANSACTION_NOT_SEEN);
      problems = transactionMismatch(seen, transaction, prepared.from);
    } else {
      problems = await signedTransactionMismatch(answer.signedTransaction, transaction, prepared.from, signingHash);
    }
    if (problems.length > 0) {
      throw actionFailure({ reason: 'invalid_signature', message: `The signer returned a different transaction than requested: ${problems.join('; ')}`, callInfo: prepared.callInfo });
    }
    if ('transactionHash' in answer) return { hash: answer.transactionHash, nonce };
    // The hash of the bytes the node receives, without parsing and encoding them again.
    return { hash: keccak256(answer.signedTransaction), nonce, rawTransaction: answer.signedTransaction };
  };
}

import { ApplicationFailure, log } from '@temporalio/activity';
import { isError } from 'ethers';
import { currentFees, feeCapOf, replacementFees } from '../chain/fees';
import { ACTION_FAILED } from '../shared/failures';
import { keepSentTransaction, withKeptTransactions, type SentTransaction } from '../store/action-transactions';
import { setActionStage, setActionTransaction } from '../store/actions';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';
import { transactionSigner, transferToSelf } from './sign-transaction';
import { isNonceTooLow, sendRaw } from './transactions';

export type { SentTransaction } from '../store/action-transactions';

export interface Replacement {
  /** Every transaction sent for the action at its nonce, the new one last: all of them are watched. */
  sent: SentTransaction[];
  /** `at_fee_cap`: the chain's cap leaves no room for higher fees; `refused`: the signer or the node would not take it. */
  outcome: 'sent' | 'at_fee_cap' | 'refused';
}

const highest = (sent: SentTransaction[], fee: 'maxFeePerGas' | 'maxPriorityFeePerGas') => sent.reduce((top, s) => (BigInt(s[fee]) > top ? BigInt(s[fee]) : top), 0n);

export function createReplaceActivities(deps: ActivityDeps) {
  const { db, chains } = deps;
  const sign = transactionSigner(deps);

  return {
    /**
     * Sends a transaction at the action's nonce in place of the ones sent before: the same call again
     * (`replacement`, the first was not mined in time) or a zero-value transfer to self (`cancel`). Its fees
     * are the chain's current ones but at least 12.5 % over every fee sent at the nonce, so nodes take it as
     * a replacement. It is kept before it is sent, so after a crash it is watched and priced over all the same.
     */
    async replaceTransaction(prepared: PreparedAction, nonce: number, known: SentTransaction[], purpose: 'replacement' | 'cancel'): Promise<Replacement> {
      const { actionId, chainId } = prepared;
      const sent = await withKeptTransactions(db, actionId, known);
      const chain = chains.byId(chainId);
      const provider = chains.provider(chainId);
      const cap = feeCapOf(chain);
      const last = { maxFeePerGas: highest(sent, 'maxFeePerGas'), maxPriorityFeePerGas: highest(sent, 'maxPriorityFeePerGas') };
      const fees = replacementFees(last, currentFees(await provider.getFeeData(), chain.name, cap), cap);
      if (!fees) {
        log.warn('transaction not mined and already priced at the chain\'s fee cap', { nonce, maxFeePerGas: last.maxFeePerGas.toString() });
        await setActionStage(db, actionId, 'stuck');
        return { sent, outcome: 'at_fee_cap' };
      }
      await setActionStage(db, actionId, purpose === 'cancel' ? 'cancelling' : 'replacing');
      const base = purpose === 'cancel' ? transferToSelf(prepared, actionId, `Cancel action ${actionId}: replace its transaction at nonce ${nonce}`) : prepared;
      const priced: PreparedAction = {
        ...base,
        transaction: { ...base.transaction, maxFeePerGas: fees.maxFeePerGas.toString(), maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString() },
      };
      let signed;
      try {
        signed = await sign(priced, nonce, purpose, (e) => ({ reason: 'signer_rejected', message: `HTTP ${e.status}: ${e.reason}` }));
      } catch (err) {
        if (!(err instanceof ApplicationFailure && err.type === ACTION_FAILED)) throw err;
        // The first transaction may still be mined: a refused replacement leaves the action waiting for it.
        log.warn(`the signing endpoint refused the ${purpose}`, { nonce, error: err.message });
        await setActionStage(db, actionId, 'stuck');
        return { sent, outcome: 'refused' };
      }
      const entry: SentTransaction = {
        hash: signed.hash, nonce, purpose, rawTransaction: signed.rawTransaction,
        maxFeePerGas: priced.transaction.maxFeePerGas, maxPriorityFeePerGas: priced.transaction.maxPriorityFeePerGas,
      };
      await keepSentTransaction(db, actionId, entry);
      if (signed.rawTransaction) {
        try {
          await sendRaw(provider, signed.rawTransaction);
        } catch (err) {
          // The nonce already used (one of the action's transactions mined, or another): the next wait tells which.
          const nonceUsed = isNonceTooLow(err);
          if (!nonceUsed && !(await provider.getTransaction(signed.hash))) {
            if (!isError(err, 'REPLACEMENT_UNDERPRICED') && !/underpriced/i.test((err as Error).message)) throw err;
            log.warn(`the node refused the ${purpose} as underpriced`, { nonce, txHash: signed.hash });
            await setActionStage(db, actionId, 'stuck');
            return { sent: [...sent, entry], outcome: 'refused' };
          }
        }
      }
      await setActionTransaction(db, actionId, purpose === 'cancel' ? 'cancelling' : 'submitted', signed.hash);
      log.info(`${purpose} sent`, { nonce, txHash: signed.hash, maxFeePerGas: entry.maxFeePerGas, replaces: sent.map((s) => s.hash) });
      return { sent: [...sent, entry], outcome: 'sent' };
    },
  };
}

import { ApplicationFailure } from '@temporalio/common';
import { collectionArtifact } from '../chain/artifacts';
import { planCall } from '../chain/calls';
import { currentFees, feeCapOf } from '../chain/fees';
import { describeRevert } from '../chain/revert';
import type { CallInfo } from '../domain';
import { ACTION_CANCELLED, ACTION_FINISHED, actionFailure } from '../shared/failures';
import type { PreparedTransaction } from '../signing/protocol';
import { setActionStage } from '../store/actions';
import { loadActionContext } from './context';
import type { ActivityDeps } from './deps';

/** Everything about an action's transaction except its nonce, which is assigned just before signing. */
export interface PreparedAction {
  actionId: string;
  projectId: string;
  chain: string;
  chainId: number;
  from: string;
  transaction: Omit<PreparedTransaction, 'nonce'>;
  callInfo: CallInfo;
  summary: string;
  /** When its fees were priced (epoch ms); absent in transactions prepared before fees were priced again at signing. */
  pricedAt?: number;
}

const GAS_HEADROOM_PERCENT = 120n;

export function createPrepareActivities({ db, chains, urls }: ActivityDeps) {
  return {
    /**
     * Builds the call, simulates it (a revert fails the action here, before any nonce is used) and prices it.
     * Once a nonce was reserved for it, the action keeps that transaction: its steps running again after a
     * crash get it back, rather than a simulation of a call that may have been mined already.
     */
    async prepareTransaction(actionId: string): Promise<PreparedAction> {
      const ctx = await loadActionContext(db, actionId, urls.metadata);
      const { action, project, collection } = ctx;
      if (action.status !== 'pending') throw ApplicationFailure.nonRetryable(`action ${actionId} has already ${action.status}`, ACTION_FINISHED);
      if (action.prepared_transaction) return action.prepared_transaction as PreparedAction;
      if (action.cancel_requested_at) throw ApplicationFailure.nonRetryable('cancelled before its transaction was built', ACTION_CANCELLED);
      await setActionStage(db, actionId, 'building');
      const call = planCall(action.payload, ctx.call);
      const provider = chains.provider(action.chain_id);
      const from = project.signer_address;
      let gas: bigint;
      try {
        gas = await provider.estimateGas({ from, to: call.to, data: call.data });
      } catch (err) {
        const revertReason = describeRevert(err, collectionArtifact(collection.standard, collection.contract_version).abi);
        if (!revertReason) throw err;
        throw actionFailure({
          reason: 'execution_reverted',
          message: `The ${call.callInfo.functionName} call reverted. Check 'revertReason' for details`,
          revertReason,
          callInfo: call.callInfo,
        });
      }
      const chain = chains.byId(action.chain_id);
      const fees = currentFees(await provider.getFeeData(), chain.name, feeCapOf(chain));
      return {
        actionId,
        projectId: project.id,
        chain: action.chain,
        chainId: action.chain_id,
        from,
        transaction: {
          type: 2,
          chainId: action.chain_id,
          to: call.to,
          value: '0',
          data: call.data,
          gasLimit: ((gas * GAS_HEADROOM_PERCENT) / 100n).toString(),
          maxFeePerGas: fees.maxFeePerGas.toString(),
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
        },
        callInfo: call.callInfo,
        pricedAt: Date.now(),
        summary: `${action.type} on ${collection.standard} collection ${collection.id} (${action.chain}): ${call.callInfo.functionName}`,
      };
    },
  };
}

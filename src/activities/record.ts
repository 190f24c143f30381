import { log } from '@temporalio/activity';
import type { TransactionReceipt } from 'ethers';
import { recordOutcome, type ActionOutcome } from '../actions/outcome';
import { ARTIFACTS } from '../chain/artifacts';
import { readReceipt } from '../chain/receipts';
import { describeRevert } from '../chain/revert';
import type { ActionError } from '../domain';
import { getAction } from '../store/actions';
import { findCollectionById } from '../store/resources';
import type { ActivityDeps } from './deps';
import type { PreparedAction } from './prepare';

export function createRecordActivities({ db, chains, urls, metrics, wakeDispatcher }: ActivityDeps) {
  async function finish(actionId: string, outcome: ActionOutcome) {
    const recordedNow = await recordOutcome(db, urls, actionId, outcome);
    // The stored status, which an earlier attempt may have recorded already.
    const action = await getAction(db, actionId);
    if (recordedNow) {
      wakeDispatcher();
      metrics.actionsFinished.inc({ type: action.payload.type, status: action.status });
      log.info('action finished', { type: action.payload.type, status: action.status, ...(action.status === 'failed' ? { reason: action.error?.reason } : {}) });
    }
    return action.status as 'succeeded' | 'failed';
  }

  async function revertReasonOf(receipt: TransactionReceipt, prepared: PreparedAction, standard: 'erc721' | 'erc1155') {
    const provider = chains.provider(prepared.chainId);
    try {
      await provider.call({ from: prepared.from, to: prepared.transaction.to, data: prepared.transaction.data, blockTag: receipt.blockNumber - 1 });
      return 'execution reverted';
    } catch (err) {
      return describeRevert(err, ARTIFACTS[standard].abi) ?? 'execution reverted';
    }
  }

  return {
    /** Reads the confirmed receipt and records success (what was created) or an on-chain revert. */
    async completeAction(prepared: PreparedAction, txHash: string): Promise<'succeeded' | 'failed'> {
      const action = await getAction(db, prepared.actionId);
      const collection = await findCollectionById(db, action.collection_id);
      if (!collection) throw new Error(`collection ${action.collection_id} not found`);
      const receipt = chains.follower(prepared.chainId).confirmedReceipt(txHash) ?? (await chains.provider(prepared.chainId).getTransactionReceipt(txHash));
      if (!receipt) throw new Error(`receipt of ${txHash} is not available`);
      if (receipt.status === 1) {
        const result = readReceipt(action.payload, collection.standard, collection.contract_address, receipt);
        return finish(action.id, { status: 'succeeded', result: { ...result, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed.toString() } });
      }
      return finish(action.id, {
        status: 'failed',
        error: {
          reason: 'execution_reverted',
          message: `The ${prepared.callInfo.functionName} transaction reverted on chain. Check 'revertReason' for details`,
          revertReason: await revertReasonOf(receipt, prepared, collection.standard),
          callInfo: prepared.callInfo,
        },
      });
    },

    async failAction(actionId: string, error: ActionError): Promise<'succeeded' | 'failed'> {
      return finish(actionId, { status: 'failed', error });
    },
  };
}

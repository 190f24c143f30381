import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ChainRegistry } from '../chain/chains';
import type { ActionRow } from '../domain';
import { ActionStatusKey, ActionTypeKey, ChainIdKey, ProjectIdKey } from '../shared/search-attributes';
import type { actionWorkflowV2 } from '../workflows/action-v2';
import type { batchMintWorkflow } from '../workflows/batch-mint';
import { actionWorkflowId } from '../workflows/ids';

export const CONFIRMATION_TIMEOUT_MS = 30 * 60_000;

export type ActionStarter = (action: ActionRow) => Promise<void>;

/** Starts the action's workflow; starting it again (a retried request) is a no-op. */
export function createActionStarter(client: Client, taskQueue: string, chains: ChainRegistry): ActionStarter {
  return async (action) => {
    const chain = chains.byId(action.chain_id);
    try {
      // A batch mint is a workflow type of its own; every other action is one transaction.
      const workflowType = action.type === 'nfts.createBatch' ? 'batchMintWorkflow' : 'actionWorkflowV2';
      await client.workflow.start<typeof actionWorkflowV2 | typeof batchMintWorkflow>(workflowType, {
        taskQueue,
        workflowId: actionWorkflowId(action.id),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{
          actionId: action.id, confirmations: chain.confirmations, pollIntervalMs: chain.pollIntervalMs, confirmationTimeoutMs: CONFIRMATION_TIMEOUT_MS,
          stuckAfterMs: chain.stuckAfterMs,
        }],
        typedSearchAttributes: [
          { key: ActionTypeKey, value: action.type },
          { key: ActionStatusKey, value: 'pending' },
          { key: ProjectIdKey, value: action.project_id },
          { key: ChainIdKey, value: action.chain_id },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
}

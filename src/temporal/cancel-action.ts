import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { cancelActionSignal } from '../workflows/action-until-settled';
import { actionWorkflowId } from '../workflows/ids';

export type ActionCanceller = (actionId: string) => Promise<void>;

/**
 * Tells the action's workflow that the project cancelled it. A workflow not started yet finds the request
 * stored with the action when it starts.
 */
export function createActionCanceller(client: Client): ActionCanceller {
  return async (actionId) => {
    try {
      await client.workflow.getHandle(actionWorkflowId(actionId)).signal(cancelActionSignal);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };
}

import type { FinalStatus } from '../activities/finish-action';
import { actionUntilSettled, type ActionWorkflowInput } from './action-until-settled';

/**
 * One NFT action, the type every action but a batch mint starts as: actionUntilSettled with its nonce reserved,
 * signed and sent in one step. A new type rather than a sixth patch of actionWorkflow: each patch records a
 * marker and a search-attribute update in every history, 10 of a mint's 20 events on actionWorkflow (10 here).
 */
export async function actionWorkflowV2(input: ActionWorkflowInput): Promise<FinalStatus> {
  return actionUntilSettled(input, 'one-step');
}

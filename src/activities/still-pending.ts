import { ApplicationFailure } from '@temporalio/common';
import { ACTION_FINISHED } from '../shared/failures';
import { actionStatus } from '../store/actions';
import type { NonceAdmission } from '../store/nonces';

/**
 * Refuses a new nonce to an action no longer pending (its steps running again in a workflow task whose first
 * run finished it: its settled lease may be pruned, so a new nonce would carry a second transaction), then
 * admits as `admit` says.
 */
export function stillPendingThen(actionId: string, admit?: NonceAdmission): NonceAdmission {
  return async (tx) => {
    const status = await actionStatus(tx, actionId);
    if (status !== 'pending') throw ApplicationFailure.nonRetryable(`action ${actionId} has already ${status ?? 'gone'}`, ACTION_FINISHED);
    return admit ? admit(tx) : 0;
  };
}

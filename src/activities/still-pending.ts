import { ApplicationFailure } from '@temporalio/common';
import type { Queryable } from '../db/database';
import { ACTION_FINISHED } from '../shared/failures';
import { actionStatus } from '../store/actions';

/**
 * Refuses a new nonce to an action no longer pending (its steps running again in a workflow task whose first
 * run finished it: its settled lease may be pruned, so a new nonce would carry a second transaction).
 */
export function stillPending(actionId: string) {
  return async (tx: Queryable) => {
    const status = await actionStatus(tx, actionId);
    if (status !== 'pending') throw ApplicationFailure.nonRetryable(`action ${actionId} has already ${status ?? 'gone'}`, ACTION_FINISHED);
  };
}

import { ApplicationFailure } from '@temporalio/common';
import type { ActionError } from '../domain';

export const ACTION_FAILED = 'ActionFailed';
export const SIGNER_UNAVAILABLE = 'SignerUnavailable';
/** The project cancelled the action before anything was signed for it. */
export const ACTION_CANCELLED = 'ActionCancelled';
/** The action finished in another run of its steps (a workflow task run again): nothing more is done for it. */
export const ACTION_FINISHED = 'ActionFinished';

/** A definitive failure of the action: not retried, carried to the workflow with its details. */
export function actionFailure(error: ActionError): ApplicationFailure {
  return ApplicationFailure.create({ type: ACTION_FAILED, message: error.message, nonRetryable: true, details: [error] });
}

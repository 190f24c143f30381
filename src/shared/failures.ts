import { ApplicationFailure } from '@temporalio/common';
import type { ActionError } from '../domain';

/**
 * The failure types the activities and workflows end with: the workflows' error mapping
 * (workflows/action-error.ts) turns each into the action's error.
 */

/** A definitive failure of the action, its error in the details (see actionFailure). */
export const ACTION_FAILED = 'ActionFailed';
/** The project's signing endpoint could not be reached, or answered with an error of its own. */
export const SIGNER_UNAVAILABLE = 'SignerUnavailable';
/** The signer answered with the hash of a transaction it sent itself, which the chain does not know. */
export const TRANSACTION_NOT_SEEN = 'TransactionNotSeen';
/** The project cancelled the action before anything was signed for it. */
export const ACTION_CANCELLED = 'ActionCancelled';
/** A step ran again for an action that had ended already: its recorded outcome stands. */
export const ACTION_FINISHED = 'ActionFinished';
/** The nonce reserved for the transaction was taken by transactions from outside the engine, every time. */
export const NONCE_CONFLICT = 'NonceConflict';
/** The transaction was not confirmed in time (actions started before they waited until settled). */
export const CONFIRMATION_TIMEOUT = 'ConfirmationTimeout';
/** A batch mint's step was given another action. */
export const NOT_A_BATCH_MINT = 'NotABatchMint';

/** A definitive failure of the action: not retried, carried to the workflow with its details. */
export function actionFailure(error: ActionError): ApplicationFailure {
  return ApplicationFailure.create({ type: ACTION_FAILED, message: error.message, nonRetryable: true, details: [error] });
}

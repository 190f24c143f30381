import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { ActionError, CallInfo } from '../domain';
import {
  ACTION_FAILED, ACTION_FINISHED, CONFIRMATION_TIMEOUT, NONCE_CONFLICT, SIGNER_UNAVAILABLE, TRANSACTION_NOT_SEEN,
} from '../shared/failures';

/** The action's error in the API's shape, from the failure a step ended with. */
export function toActionError(err: unknown, callInfo?: CallInfo): ActionError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === ACTION_FAILED && cause.details?.[0]) return cause.details[0] as ActionError;
    if (cause.type === SIGNER_UNAVAILABLE) {
      return { reason: 'signer_unavailable', message: `The signing endpoint could not be reached: ${cause.message}`, callInfo };
    }
    // The signer said it sent the transaction itself, and through every retry the chain never saw it.
    if (cause.type === TRANSACTION_NOT_SEEN) {
      return { reason: 'signer_unavailable', message: `The signing endpoint's transaction never reached the chain: ${cause.message}`, callInfo };
    }
    if (cause.type === NONCE_CONFLICT) return { reason: 'nonce_conflict', message: cause.message, callInfo };
    if (cause.type === CONFIRMATION_TIMEOUT) return { reason: 'confirmation_timeout', message: cause.message, callInfo };
    // A step run again after the action ended: failAction keeps the outcome recorded first, so this is never stored.
    if (cause.type === ACTION_FINISHED) return { reason: 'internal_error', message: cause.message, callInfo };
  }
  return { reason: 'internal_error', message: cause instanceof Error ? cause.message : String(cause), callInfo };
}

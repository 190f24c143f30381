import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { ACTION_FAILED, SIGNER_UNAVAILABLE } from '../activities/failures';
import type { ActionError, CallInfo } from '../domain';

/** The action's error in the API's shape, from the failure a step ended with. */
export function toActionError(err: unknown, callInfo?: CallInfo): ActionError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    if (cause.type === ACTION_FAILED && cause.details?.[0]) return cause.details[0] as ActionError;
    if (cause.type === SIGNER_UNAVAILABLE) {
      return { reason: 'signer_unavailable', message: `The signing endpoint could not be reached: ${cause.message}`, callInfo };
    }
    if (cause.type === 'NonceConflict') return { reason: 'nonce_conflict', message: cause.message, callInfo };
    if (cause.type === 'ConfirmationTimeout') return { reason: 'confirmation_timeout', message: cause.message, callInfo };
  }
  return { reason: 'internal_error', message: cause instanceof Error ? cause.message : String(cause), callInfo };
}

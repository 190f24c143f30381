/** Forwards to the failure types' new home for files being changed elsewhere; goes once they import shared/failures. */
export { ACTION_CANCELLED, ACTION_FAILED, actionFailure, SIGNER_UNAVAILABLE } from '../shared/failures';

import {
  ActivityCancellationType, ApplicationFailure, CancellationScope, condition, ContinueAsNew, continueAsNew, defineSignal, isCancellation, log,
  proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { Settlement } from '../activities/confirm';
import type { FinalStatus } from '../activities/finish-action';
import type { PreparedAction } from '../activities/prepare';
import type { SentTransaction } from '../activities/replace';
import type { SendOutcome } from '../activities/send';
import { ACTION_CANCELLED, NONCE_CONFLICT } from '../shared/failures';
import { ActionStatusKey } from '../shared/search-attributes';
import { toActionError } from './action-error';
import { giveBackNonce } from './give-back-nonce';

type Activities = ReturnType<typeof createActivities>;

/** Database and chain steps: quick, idempotent, retried for as long as the action may take. */
const steps = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * Steps after the transaction is sent give up quickly when the node cannot be reached: the action then
 * shows `chain_unreachable` and looks again later, for as long as it takes; nothing is failed on an outage.
 */
const watchSteps = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '8 seconds', maximumAttempts: 4 },
});

/** The project's signing endpoint: retried with backoff, then the action fails as signer_unavailable. */
const SIGNER_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
} as const;
const signer = proxyLocalActivities<Activities>(SIGNER_OPTIONS);

/** Cancelled, the one-step send is waited for: it answers whether it sent. */
const sender = proxyLocalActivities<Activities>({ ...SIGNER_OPTIONS, cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });

/** Each wait runs inside the workflow task, so it is short; between waits the workflow sleeps on a timer. */
const FOLLOWER_WAIT_MS = 3_000;
const DEFAULT_STUCK_AFTER_MS = 120_000;
const MAX_NONCE_ATTEMPTS = 3;

/** The project asks to abandon the action (POST /v1/actions/:id/cancel). */
export const cancelActionSignal = defineSignal('cancel');

/** Where a long wait continues after continue-as-new. */
export interface SettlementState {
  prepared: PreparedAction;
  sent: SentTransaction[];
  cancelSent: boolean;
}

export interface ActionWorkflowInput {
  actionId: string;
  confirmations: number;
  pollIntervalMs: number;
  /** How long to wait for the transaction to be mined and confirmed before failing the action (before 'settled-or-pending'). */
  confirmationTimeoutMs: number;
  /** Not mined for this long, the transaction is replaced with higher fees (the chain's setting). */
  stuckAfterMs?: number;
  /** Set by continue-as-new: the transactions sent so far, followed on from there. */
  resume?: SettlementState;
}

/**
 * How the nonce is reserved, signed and sent: `one-step`, one local activity (sendTransaction: one marker and
 * one activation where there were three, and no queue between a nonce given out and its transaction sent, so
 * under load later nonces do not wait at the node behind signatures still queued), as actionWorkflowV2 runs it;
 * `three-steps`, as actionWorkflow's actions started before it run it.
 */
export type Sending = 'one-step' | 'three-steps';

/**
 * One NFT action whose end state is certain: build, sign, send, then follow every transaction sent at its
 * nonce until one is confirmed. One not mined in the chain's time is replaced with higher fees; a cancel
 * replaces it with a transfer to self; an unreachable node leaves it pending. It fails only when its
 * transaction can never be mined: a confirmed revert, its nonce used by another confirmed transaction, or
 * refused before it was sent.
 */
export async function actionUntilSettled(input: ActionWorkflowInput, sending: Sending): Promise<FinalStatus> {
  const { actionId } = input;
  let cancelRequested = false;
  let signing: CancellationScope | undefined;
  setHandler(cancelActionSignal, () => {
    cancelRequested = true;
    signing?.cancel();
  });
  let state: SettlementState | undefined = input.resume;
  let prepared: PreparedAction | undefined = state?.prepared;
  try {
    if (!state) {
      prepared = await steps.prepareTransaction(actionId);
      const send = sending === 'one-step' ? sendInOneStep : sendInThreeSteps;
      const first = await signAndSend(send, prepared, () => cancelRequested, (scope) => (signing = scope));
      if (!first) return finish(await cancelUnsent(prepared));
      state = { prepared, sent: [first], cancelSent: false };
    }
    return await followUntilSettled(input, state, () => cancelRequested);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (isCancelledFailure(err)) return finish(await steps.recordCancelled(actionId, null));
    const error = toActionError(err, prepared?.callInfo);
    if (prepared && !state) await giveBackNonce(steps, prepared);
    return finish(await steps.failAction(actionId, error));
  }
}

/** Reserves the nonce, has it signed and sends it; undefined when the action was cancelled before anything was sent. */
async function signAndSend(
  send: Send, prepared: PreparedAction, cancelled: () => boolean, onSigning: (scope: CancellationScope | undefined) => void,
): Promise<SentTransaction | undefined> {
  for (let attempt = 1; attempt <= MAX_NONCE_ATTEMPTS; attempt++) {
    const sent = await send(prepared, cancelled, onSigning);
    if (!sent) return undefined;
    if (sent.outcome === 'sent') return { ...sent.signed, purpose: 'action', ...(sent.signed.fees ?? pickFees(prepared)) };
    log.warn('nonce taken by a transaction sent outside the engine; reserving another', { nonce: sent.nonce });
  }
  throw ApplicationFailure.create({ type: NONCE_CONFLICT, message: `nonce taken ${MAX_NONCE_ATTEMPTS} times by other transactions`, nonRetryable: true });
}

type Send = (prepared: PreparedAction, cancelled: () => boolean, onSigning: (scope: CancellationScope | undefined) => void) => Promise<SendOutcome | undefined>;

const sendInOneStep: Send = async (prepared, cancelled, onSigning) => {
  if (cancelled()) return undefined;
  return cancellable(onSigning, () => sender.sendTransaction(prepared));
};

const sendInThreeSteps: Send = async (prepared, cancelled, onSigning) => {
  const nonce = await steps.reserveNonce(prepared);
  if (cancelled()) return undefined;
  const signed = await cancellable(onSigning, () => signer.requestSignature(prepared, nonce));
  // A signer that sent the transaction itself leaves nothing to hold back: it is cancelled by replacement.
  if (!signed || (cancelled() && signed.rawTransaction)) return undefined;
  const outcome = await steps.broadcastTransaction(prepared.actionId, prepared.chainId, signed);
  return outcome === 'sent' ? { outcome, signed } : { outcome, nonce };
};

/** Runs a step the cancel signal can interrupt; undefined when it did. */
async function cancellable<T>(onSigning: (scope: CancellationScope | undefined) => void, step: () => Promise<T>): Promise<T | undefined> {
  const scope = new CancellationScope();
  onSigning(scope);
  try {
    return await scope.run(step);
  } catch (err) {
    if (isCancellation(err)) return undefined;
    throw err;
  } finally {
    onSigning(undefined);
  }
}

/**
 * Waits until one of the transactions sent at the nonce is confirmed, replacing them when none is mined in
 * the chain's time and sending the cancellation when asked.
 */
async function followUntilSettled(input: ActionWorkflowInput, state: SettlementState, cancelRequested: () => boolean): Promise<FinalStatus> {
  const { prepared } = state;
  const stuckAfterMs = input.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  let lastSentAt = Date.now();
  let cancelTried = state.cancelSent;
  let unreachable = false;
  let pauseMs = 1_000;
  for (;;) {
    if (cancelRequested() && !cancelTried) {
      cancelTried = true;
      if (await replace(state, 'cancel')) lastSentAt = Date.now();
    }
    let settlement: Settlement;
    try {
      settlement = await watchSteps.awaitSettlement(prepared, state.sent, input.confirmations, FOLLOWER_WAIT_MS);
      if (unreachable) await steps.noteStage(prepared.actionId, 'submitted');
      unreachable = false;
    } catch (err) {
      log.warn('the chain could not be asked; the action stays pending', { error: String(err) });
      if (!unreachable) await steps.noteStage(prepared.actionId, 'chain_unreachable');
      unreachable = true;
      settlement = { state: 'pending', mined: true };
    }
    if (settlement.state === 'confirmed') {
      const recorded = await record(state, settlement);
      if (recorded) return finish(recorded);
    } else if (settlement.state === 'nonce_used_elsewhere') {
      throw ApplicationFailure.create({
        type: NONCE_CONFLICT, nonRetryable: true,
        message: `nonce ${state.sent[0].nonce} of ${prepared.from} was used by another confirmed transaction: none of the action's can be mined`,
      });
    } else if (!settlement.mined && Date.now() - lastSentAt >= stuckAfterMs) {
      await replace(state, state.cancelSent || cancelRequested() ? 'cancel' : 'replacement');
      lastSentAt = Date.now();
    }
    // As the running type (actionWorkflow or actionWorkflowV2), which takes the input alone.
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<(input: ActionWorkflowInput) => Promise<FinalStatus>>({ ...input, resume: state });
    await condition(() => cancelRequested() && !cancelTried, pauseMs);
    pauseMs = Math.min(pauseMs * 2, 30_000);
  }
}

/** Sends a replacement or the cancellation; true if one was sent. A failure leaves the action waiting on what was sent. */
async function replace(state: SettlementState, purpose: 'replacement' | 'cancel'): Promise<boolean> {
  try {
    const replacement = await signer.replaceTransaction(state.prepared, state.sent[0].nonce, state.sent, purpose);
    state.sent = replacement.sent;
    if (replacement.outcome !== 'sent') return false;
    if (purpose === 'cancel') state.cancelSent = true;
    return true;
  } catch (err) {
    log.warn(`could not send the ${purpose}; waiting on the transactions sent`, { error: String(err) });
    return false;
  }
}

/** The outcome of the confirmed transaction; undefined when its receipt is gone (a reorg since): the wait goes on. */
async function record(state: SettlementState, settled: Extract<Settlement, { state: 'confirmed' }>): Promise<FinalStatus | undefined> {
  try {
    if (settled.purpose === 'cancel') return await watchSteps.recordCancelled(state.prepared.actionId, settled.hash);
    return await watchSteps.completeAction(state.prepared, settled.hash);
  } catch (err) {
    log.warn('the confirmed transaction could not be recorded; following it again', { txHash: settled.hash, error: String(err) });
    return undefined;
  }
}

/** Cancelled before its transaction was sent: the nonce goes back (or is filled), nothing was on chain. */
async function cancelUnsent(prepared: PreparedAction): Promise<FinalStatus> {
  await giveBackNonce(steps, prepared);
  return steps.recordCancelled(prepared.actionId, null);
}

function finish(status: FinalStatus): FinalStatus {
  upsertSearchAttributes([{ key: ActionStatusKey, value: status }]);
  return status;
}

const pickFees = (prepared: PreparedAction) => ({
  maxFeePerGas: prepared.transaction.maxFeePerGas, maxPriorityFeePerGas: prepared.transaction.maxPriorityFeePerGas,
});

function isCancelledFailure(err: unknown): boolean {
  const cause = err instanceof Error && 'cause' in err && err.cause instanceof ApplicationFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === ACTION_CANCELLED;
}

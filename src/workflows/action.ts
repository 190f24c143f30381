import { ApplicationFailure, log, patched, proxyActivities, proxyLocalActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { FinalStatus } from '../activities/finish-action';
import type { PreparedAction } from '../activities/prepare';
import type { SignedAction } from '../activities/signing';
import { CONFIRMATION_TIMEOUT, NONCE_CONFLICT } from '../shared/failures';
import { ActionStatusKey } from '../shared/search-attributes';
import { toActionError } from './action-error';
import { actionUntilSettled, type ActionWorkflowInput } from './action-until-settled';
import { giveBackNonce } from './give-back-nonce';

type Activities = ReturnType<typeof createActivities>;

type EngineSteps = Pick<Activities,
  'prepareTransaction' | 'reserveNonce' | 'releaseNonce' | 'checkTransaction' | 'awaitConfirmations' | 'completeAction' | 'failAction'
  | 'broadcastTransaction' | 'fanOutEvent'>;

/** Database and chain steps: quick, idempotent, retried for as long as the action may take. */
const ENGINE_STEP_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
} as const;

/**
 * The engine's own steps run as local activities: inside the workflow task, recorded as markers, without a
 * round trip through the server per step (a mint went from 10 workflow tasks and 8 activities to 3 workflow
 * tasks and one activity, the signer's). Actions started before this change keep regular activities.
 */
const LOCAL_ENGINE_STEPS = 'local-engine-steps';
const localSteps: EngineSteps = proxyLocalActivities<Activities>(ENGINE_STEP_OPTIONS);
const remoteSteps: EngineSteps = proxyActivities<Activities>(ENGINE_STEP_OPTIONS);

/**
 * Confirmations come from the worker's chain follower, awaited in local activities instead of rounds of
 * timer and receipt check; the outcome's event leaves through the outbox dispatcher, not a fan-out step.
 * Actions started before this change keep polling and fanning out.
 */
const FOLLOWER_AND_OUTBOX = 'follower-and-outbox';
/**
 * Each wait is a local activity inside the workflow task, so it is kept short (a busy worker must still
 * complete the task well within its 10 s timeout); between waits the workflow sleeps on a durable timer.
 */
const FOLLOWER_WAIT_MS = 3_000;

/** The project's signing endpoint: retried with backoff, then the action fails as signer_unavailable. */
const SIGNER_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
} as const;

type SignerStep = Pick<Activities, 'requestSignature'>;

/**
 * The signing request runs as a local activity too, so a mint whose transaction confirms within the first
 * wait is one workflow task, like a trivial workflow; the nonce is reserved, signed and sent in one go, and
 * later nonces no longer wait on the chain behind signatures still queued for an activity slot. Actions
 * started before this change keep a regular activity.
 */
const SIGNING_IN_TASK = 'signing-in-task';
const localSigner: SignerStep = proxyLocalActivities<Activities>(SIGNER_OPTIONS);
const remoteSigner: SignerStep = proxyActivities<Activities>(SIGNER_OPTIONS);

const MAX_NONCE_ATTEMPTS = 3;

/**
 * An action no longer fails when its transaction is not confirmed in 30 minutes: it is replaced with higher
 * fees when stuck, can be cancelled, and stays pending through a chain outage (see action-until-settled.ts).
 * Actions started before this change keep the timeout.
 */
const SETTLED_OR_PENDING = 'settled-or-pending';

/**
 * One NFT action: build, sign, broadcast, confirm, record, notify. The type of actions started before
 * actionWorkflowV2 (action-v2.ts), kept so that they finish; the last of its paths is actionUntilSettled.
 */
export async function actionWorkflow(input: ActionWorkflowInput): Promise<FinalStatus> {
  const { actionId } = input;
  const steps = patched(LOCAL_ENGINE_STEPS) ? localSteps : remoteSteps;
  const viaFollowerAndOutbox = patched(FOLLOWER_AND_OUTBOX);
  const signer = patched(SIGNING_IN_TASK) ? localSigner : remoteSigner;
  if (patched(SETTLED_OR_PENDING)) return actionUntilSettled(input, 'three-steps');
  const finish = async (status: FinalStatus) => {
    upsertSearchAttributes([{ key: ActionStatusKey, value: status }]);
    if (!viaFollowerAndOutbox) await steps.fanOutEvent(actionId);
    return status;
  };
  let prepared: PreparedAction | undefined;
  let broadcast = false;
  try {
    prepared = await steps.prepareTransaction(actionId);
    const signed = await signAndBroadcast(steps, signer, prepared);
    broadcast = true;
    if (viaFollowerAndOutbox) await awaitConfirmations(steps, input, prepared, signed);
    else await waitForConfirmations(steps, input, prepared, signed);
    return await finish(await steps.completeAction(prepared, signed.hash));
  } catch (err) {
    const error = toActionError(err, prepared?.callInfo);
    if (prepared && !broadcast) await giveBackNonce(steps, prepared);
    return finish(await steps.failAction(actionId, error));
  }
}

async function signAndBroadcast(steps: EngineSteps, signer: SignerStep, prepared: PreparedAction): Promise<SignedAction> {
  for (let attempt = 1; attempt <= MAX_NONCE_ATTEMPTS; attempt++) {
    const nonce = await steps.reserveNonce(prepared);
    const signed = await signer.requestSignature(prepared, nonce);
    if ((await steps.broadcastTransaction(prepared.actionId, prepared.chainId, signed)) === 'sent') return signed;
    log.warn('nonce taken by a transaction sent outside the engine; reserving another', { nonce });
  }
  throw ApplicationFailure.create({ type: NONCE_CONFLICT, message: `nonce taken ${MAX_NONCE_ATTEMPTS} times by other transactions`, nonRetryable: true });
}

/** Until the transaction is confirmed, mined successfully or not: a revert is final only once confirmed too. */
async function awaitConfirmations(steps: EngineSteps, input: ActionWorkflowInput, prepared: PreparedAction, signed: SignedAction) {
  const deadline = Date.now() + input.confirmationTimeoutMs;
  let pauseMs = 1_000;
  for (;;) {
    const state = await steps.awaitConfirmations(prepared.actionId, prepared.chainId, signed, input.confirmations, FOLLOWER_WAIT_MS);
    if (state.state === 'confirmed') return;
    if (Date.now() >= deadline) {
      throw ApplicationFailure.create({ type: CONFIRMATION_TIMEOUT, message: `transaction ${signed.hash} not confirmed in time`, nonRetryable: true });
    }
    await sleep(pauseMs);
    pauseMs = Math.min(pauseMs * 2, 30_000);
  }
}

async function waitForConfirmations(steps: EngineSteps, input: ActionWorkflowInput, prepared: PreparedAction, signed: SignedAction) {
  let waitedMs = 0;
  let intervalMs = input.pollIntervalMs;
  for (;;) {
    const state = await steps.checkTransaction(prepared.actionId, prepared.chainId, signed);
    if (state.state === 'mined' && (!state.success || state.confirmations >= input.confirmations)) return;
    if (waitedMs >= input.confirmationTimeoutMs) {
      throw ApplicationFailure.create({ type: CONFIRMATION_TIMEOUT, message: `transaction ${signed.hash} not confirmed in time`, nonRetryable: true });
    }
    await sleep(intervalMs);
    waitedMs += intervalMs;
    // A slow chain should not grow the history without bound: back off towards 30 s between looks.
    intervalMs = Math.min(intervalMs * 1.25, 30_000);
  }
}

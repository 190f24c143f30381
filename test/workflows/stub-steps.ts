import type { createActivities } from '../../src/activities';
import type { Settlement } from '../../src/activities/confirm';
import type { PreparedAction } from '../../src/activities/prepare';
import type { SentTransaction } from '../../src/activities/replace';
import { createSendActivities } from '../../src/activities/send';

type Activities = ReturnType<typeof createActivities>;

/** The steps an action workflow started now calls (actionUntilSettled and giveBackNonce), sendTransaction's three among them. */
export type ActionSteps = Pick<Activities,
  'prepareTransaction' | 'reserveNonce' | 'requestSignature' | 'broadcastTransaction' | 'releaseNonce' | 'signNonceGapFiller'
  | 'awaitSettlement' | 'noteStage' | 'replaceTransaction' | 'completeAction' | 'recordCancelled' | 'failAction'>;

export type StepName = keyof ActionSteps | 'sendTransaction';

export interface StepCall {
  step: StepName;
  args: unknown[];
}

export const CHAIN_ID = 31337;
export const NONCE = 7;
export const FIRST_HASH = `0x${'a'.repeat(64)}`;
export const REPLACEMENT_HASH = `0x${'b'.repeat(64)}`;
export const GAP_FILLER_HASH = `0x${'c'.repeat(64)}`;
const FROM = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

export function preparedAction(actionId: string): PreparedAction {
  return {
    actionId,
    projectId: 'project-1',
    chain: 'anvil',
    chainId: CHAIN_ID,
    from: FROM,
    transaction: {
      type: 2, chainId: CHAIN_ID, to: '0x5FbDB2315678afecb367f032d93F642f64180aa3', value: '0', data: '0x40c10f19',
      gasLimit: '120000', maxFeePerGas: '2000000000', maxPriorityFeePerGas: '1000000000',
    },
    callInfo: { functionName: 'mint', arguments: {}, calldata: '0x40c10f19' },
    summary: 'nfts.create on erc721 collection 1 (anvil): mint',
  };
}

/** The last transaction sent at the nonce, confirmed. */
export function confirmedLast(sent: SentTransaction[]): Settlement {
  const last = sent[sent.length - 1];
  return { state: 'confirmed', hash: last.hash, purpose: last.purpose, blockNumber: 10, success: true };
}

/** An action without a hitch: sent once, confirmed at the first look. */
function smoothSteps(): ActionSteps {
  return {
    prepareTransaction: async (actionId) => preparedAction(actionId),
    reserveNonce: async () => NONCE,
    requestSignature: async (_prepared, nonce) => ({ hash: FIRST_HASH, nonce, rawTransaction: '0x02aa' }),
    broadcastTransaction: async () => 'sent',
    releaseNonce: async () => undefined,
    signNonceGapFiller: async (_prepared, nonce) => ({ hash: GAP_FILLER_HASH, nonce, rawTransaction: '0x02cc' }),
    awaitSettlement: async (_prepared, sent) => confirmedLast(sent),
    noteStage: async () => undefined,
    replaceTransaction: async (_prepared, nonce, known, purpose) => ({
      sent: [...known, { hash: REPLACEMENT_HASH, nonce, purpose, rawTransaction: '0x02bb', maxFeePerGas: '4000000000', maxPriorityFeePerGas: '2000000000' }],
      outcome: 'sent',
    }),
    completeAction: async () => 'succeeded',
    recordCancelled: async () => 'cancelled',
    failAction: async () => 'failed',
  };
}

/**
 * Plain functions under the activities' names for one workflow run: `overrides` on top of a smooth action,
 * every call recorded in order (each retry attempt is a call of its own). sendTransaction is the engine's own,
 * over the stubs of its three steps.
 */
export function stubSteps(overrides: Partial<ActionSteps> = {}) {
  const calls: StepCall[] = [];
  const recorded = (step: StepName, run: (...args: any[]) => Promise<unknown>) => (...args: unknown[]) => {
    calls.push({ step, args });
    return run(...args);
  };
  const steps = { ...smoothSteps(), ...overrides };
  const stubs = Object.fromEntries(Object.entries(steps).map(([step, run]) => [step, recorded(step as StepName, run)])) as unknown as ActionSteps;
  const activities = { ...stubs, sendTransaction: recorded('sendTransaction', createSendActivities(stubs).sendTransaction) };
  return {
    activities,
    names: () => calls.map((c) => c.step),
    argsOf: (step: StepName) => calls.filter((c) => c.step === step).map((c) => c.args),
  };
}

export type StubSteps = ReturnType<typeof stubSteps>;

import { ApplicationFailure, log, patched, proxyActivities, proxyLocalActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { FinalStatus } from '../activities/finish-action';
import type { ActionError } from '../domain';
import { NONCE_CONFLICT } from '../shared/failures';
import { ActionStatusKey } from '../shared/search-attributes';
import type { ActionWorkflowInput } from './action-until-settled';
import { toActionError } from './action-error';

type Activities = ReturnType<typeof createActivities>;
type ChunkSigner = Pick<Activities, 'signBatchChunk'>;

const ENGINE_STEP_RETRY = { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 } as const;

/** Database and chain steps, as local activities: quick, idempotent, retried for as long as the batch may take. */
const steps = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: ENGINE_STEP_RETRY });

/** Planning simulates every chunk of the batch, so it may take longer than one step. */
const { planBatchMint } = proxyLocalActivities<Activities>({ startToCloseTimeout: '3 minutes', retry: ENGINE_STEP_RETRY });

/** The project's signing endpoint: retried with backoff, then the batch stops as signer_unavailable. */
const SIGNER_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 8 },
} as const;
const remoteSigner = proxyActivities<Activities>(SIGNER_OPTIONS);
const localSigner = proxyLocalActivities<Activities>(SIGNER_OPTIONS);
const { signNonceGapFiller } = remoteSigner;

const MAX_NONCE_ATTEMPTS = 3;

/**
 * Chunks are recorded as they confirm, while later ones are still being mined, and a wait that saw chunks
 * confirm is followed by the next at once. Batches started before this change record every chunk at the end.
 */
const RECORD_AS_CONFIRMED = 'record-as-confirmed';

/**
 * Chunks are signed in a local activity, inside the workflow task like their nonce and broadcast: a regular
 * activity cost each chunk a round trip through the server (about 300 ms a chunk on 2 busy cores, slower than
 * the chain takes them, so blocks went out three-quarters full). Batches started before this change keep it.
 */
const SIGNING_IN_TASK = 'batch-signing-in-task';

/**
 * Chunks are reserved and signed while the ones before them are signed and sent: one at a time, each chunk
 * waited for the signer's answer to the one before, and a signer answering in 100 ms sent a block's four
 * chunks over 0.5–0.75 s and left blocks part empty. Batches started before this change sign each chunk after
 * sending the one before.
 */
const CHUNKS_SIGNED_AHEAD = 'batch-chunks-signed-ahead';
/** Chunks signed beyond the one being sent: with it, a block's worth (see CHUNKS_PER_BLOCK in src/chain/batch-chunks.ts). */
const SIGN_AHEAD = 3;

/**
 * One batch mint (action nfts.createBatch): plan chunks sized to the block gas limit, send them one after
 * the other without waiting for each to be mined, wait for their confirmations, record each item's token
 * id, complete, notify. The items, the chunks' transactions and their results stay in the database; the
 * history holds chunk numbers, nonces and hashes.
 */
export async function batchMintWorkflow(input: ActionWorkflowInput): Promise<FinalStatus> {
  const { actionId } = input;
  const recordAsConfirmed = patched(RECORD_AS_CONFIRMED);
  const signer = patched(SIGNING_IN_TASK) ? localSigner : remoteSigner;
  let plan: { chainId: number; chunkCount: number };
  try {
    plan = await planBatchMint(actionId);
  } catch (err) {
    return finish(await steps.failAction(actionId, toActionError(err)));
  }
  const { sent, stoppedBy } = patched(CHUNKS_SIGNED_AHEAD) ? await sendChunksSignedAhead(actionId, plan, signer) : await sendChunks(actionId, plan, signer);
  if (recordAsConfirmed) {
    await waitForChunkConfirmations(input, sent, (chunk) => steps.recordBatchChunk(actionId, chunk));
  } else {
    const confirmed = await waitForChunkConfirmations(input, sent);
    for (const chunk of confirmed) await steps.recordBatchChunk(actionId, chunk);
  }
  return finish(await steps.completeBatchMint(actionId, stoppedBy));
}

/** Sends the chunks in order; the first that cannot be sent stops the batch (later chunks are not sent). */
async function sendChunks(
  actionId: string, plan: { chainId: number; chunkCount: number }, signer: ChunkSigner,
): Promise<{ sent: number[]; stoppedBy: ActionError | null }> {
  const sent: number[] = [];
  for (let chunk = 0; chunk < plan.chunkCount; chunk++) {
    try {
      await sendChunk(actionId, chunk, signer);
      sent.push(chunk);
    } catch (err) {
      await giveBackChunkNonce(actionId, plan.chainId, chunk);
      return { sent, stoppedBy: toActionError(err) };
    }
  }
  return { sent, stoppedBy: null };
}

/**
 * Sends the chunks in order, each reserved and signed up to SIGN_AHEAD chunks before its turn; nonces are
 * reserved in chunk order. The first chunk that cannot be sent stops the batch: it and those signed ahead of
 * it give their nonces back, unsent.
 */
async function sendChunksSignedAhead(
  actionId: string, plan: { chainId: number; chunkCount: number }, signer: ChunkSigner,
): Promise<{ sent: number[]; stoppedBy: ActionError | null }> {
  const sent: number[] = [];
  const signed: Promise<void>[] = [];
  let reserved: Promise<unknown> = Promise.resolve();
  const signAhead = (chunk: number) => {
    const nonce = reserved.then(() => steps.reserveChunkNonce(actionId, chunk));
    reserved = nonce.catch(() => undefined);
    signed[chunk] = nonce.then(async (n) => { await signer.signBatchChunk(actionId, chunk, n); });
    // Awaited in its turn; a failure before then must not fail the workflow task as unhandled.
    signed[chunk].catch(() => undefined);
  };
  for (let chunk = 0; chunk < plan.chunkCount; chunk++) {
    while (signed.length < Math.min(plan.chunkCount, chunk + 1 + SIGN_AHEAD)) signAhead(signed.length);
    try {
      await signed[chunk];
      if ((await steps.broadcastBatchChunk(actionId, chunk)) !== 'sent') {
        log.warn('nonce taken by a transaction sent outside the engine; reserving another', { chunk });
        await sendChunk(actionId, chunk, signer, MAX_NONCE_ATTEMPTS - 1);
      }
      sent.push(chunk);
    } catch (err) {
      for (let unsent = chunk; unsent < signed.length; unsent++) {
        await signed[unsent].catch(() => undefined);
        await giveBackChunkNonce(actionId, plan.chainId, unsent);
      }
      return { sent, stoppedBy: toActionError(err) };
    }
  }
  return { sent, stoppedBy: null };
}

/**
 * A chunk holds its own nonce lease and keeps its signed transaction, so retries and restarts send the
 * same transaction; a nonce taken by a transaction from outside the engine is replaced (three times at most).
 */
async function sendChunk(actionId: string, chunk: number, signer: ChunkSigner, attempts = MAX_NONCE_ATTEMPTS) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const nonce = await steps.reserveChunkNonce(actionId, chunk);
    await signer.signBatchChunk(actionId, chunk, nonce);
    if ((await steps.broadcastBatchChunk(actionId, chunk)) === 'sent') return;
    log.warn('nonce taken by a transaction sent outside the engine; reserving another', { chunk, nonce });
  }
  throw ApplicationFailure.create({ type: NONCE_CONFLICT, message: `nonce taken ${MAX_NONCE_ATTEMPTS} times by other transactions`, nonRetryable: true });
}

/** Each wait is a local activity inside the workflow task, kept short; between waits, a durable timer backing off. */
const CHUNK_WAIT_MS = 3_000;

/**
 * Waits for every sent chunk to have the chain's confirmations (mined reverted included), through the
 * worker's chain follower, recording each as it does when given `record`; answers the chunks that did so
 * before the confirmation timeout.
 */
async function waitForChunkConfirmations(input: ActionWorkflowInput, chunks: number[], record?: (chunk: number) => Promise<number>): Promise<number[]> {
  const deadline = Date.now() + input.confirmationTimeoutMs;
  const confirmed: number[] = [];
  let waiting = chunks;
  let pauseMs = 1_000;
  for (;;) {
    const done = await steps.awaitBatchChunks(input.actionId, waiting, input.confirmations, CHUNK_WAIT_MS);
    confirmed.push(...done);
    waiting = waiting.filter((chunk) => !done.includes(chunk));
    if (record) for (const chunk of done) await record(chunk);
    if (waiting.length === 0 || Date.now() >= deadline) return confirmed.sort((a, b) => a - b);
    if (record && done.length > 0) continue;
    await sleep(pauseMs);
    // While chunks keep confirming the batch looks again soon; a batch that stopped moving backs off.
    pauseMs = done.length > 0 ? 1_000 : Math.min(pauseMs * 2, 30_000);
  }
}

/** A chunk's nonce left unused would hold back every later transaction of the signer: reuse it or fill it. */
async function giveBackChunkNonce(actionId: string, chainId: number, chunk: number) {
  const released = await steps.releaseChunkNonce(actionId, chunk);
  if (!released) return;
  try {
    const filler = await signNonceGapFiller(released.filler, released.nonce);
    if (filler) await steps.broadcastTransaction(`gap-filler-${released.filler.actionId}`, chainId, filler);
  } catch (err) {
    log.warn('could not fill the nonce gap; the next action of this signer will use it', { nonce: released.nonce, error: String(err) });
  }
}

/** The outcome is recorded, its event in the outbox for the webhook dispatcher: mark it for search. */
function finish(status: FinalStatus) {
  upsertSearchAttributes([{ key: ActionStatusKey, value: status }]);
  return status;
}

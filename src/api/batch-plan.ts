import { setTimeout as delay } from 'node:timers/promises';
import type { ChainRegistry } from '../chain/chains';
import { planBatchChunks } from '../chain/batch-chunks';
import type { Queryable } from '../db/database';
import type { BatchItemToMint, CollectionRow, NewBatchChunk } from '../domain';
import type { LogFn } from '../log';
import { insertBatchMintPlan } from '../store/batch-mints';

/**
 * How long storing a batch waits for its plan once its items are written, holding the supply it reserved: a
 * 10,000-item plan is ready about when its items are (0.45 s each on 2 cores); a slow node's is left to the workflow.
 */
const PLAN_WAIT_MS = 500;

/**
 * Plans a batch's transactions (each simulated on the chain) while the request stores its items: the node
 * and the database work side by side, and the batch's workflow finds the plan stored and sends its first
 * chunks at once (planning after the answer took 0.55–0.8 s of a 10,000-item batch). The returned step,
 * run in the storing transaction, stores the plan if it is ready in time. A plan that failed (a revert
 * included) or is late is left to the workflow, which plans as before and fails the batch if it must.
 */
export function planWhileStoring(
  deps: { chains: ChainRegistry; log: LogFn },
  batch: { collection: CollectionRow; tokenTypeId: string | null; from: string; items: readonly { recipient: string; amount: string }[] },
): (tx: Queryable, actionId: string) => Promise<void> {
  const items: BatchItemToMint[] = batch.items.map((item, index) => ({ item_index: index, recipient: item.recipient, amount: item.amount }));
  const planned: Promise<NewBatchChunk[] | string> = planBatchChunks(deps.chains.provider(batch.collection.chain_id), { ...batch, items })
    .catch((err: Error) => err.message);
  return async (tx, actionId) => {
    const waiting = new AbortController();
    const plan = await Promise.race([planned, delay(PLAN_WAIT_MS, `not planned within ${PLAN_WAIT_MS} ms`, { signal: waiting.signal })]);
    waiting.abort();
    if (typeof plan === 'string') {
      deps.log('batch left to its workflow to plan', { actionId, reason: plan });
      return;
    }
    await insertBatchMintPlan(tx, actionId, plan);
  };
}

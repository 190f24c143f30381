import { JsonRpcProvider } from 'ethers';
import type { Api } from '../api';
import { BLOCK_TIME_SECONDS, CHAIN_ID, RECIPIENT } from '../config';
import { num, pollUntil, sleep } from '../stats';
import { stepTimes } from '../step-times';

export interface BatchResult {
  mints: number | null; succeeded: number | null; requests: number | null; itemsPerRequest: number | null; transactions: number | null;
  seconds: number | null; mintsPerSecond: number | null; gasPerToken: number | null;
  gasCeilingMintsPerSecond: number | null; ratioToGasCeiling: number | null; skipped?: string;
  blocks?: number; blockGasFill?: number | null; blocksSpanned?: number | null; baseFeeGwei?: { first: number; last: number } | null;
  firstBatchWorkflow?: unknown;
  timeline?: { firstAnswer: number | null; firstBlock: number | null; lastBlock: number | null; completed: number | null };
}

export const skippedBatch = (reason: string): BatchResult => ({
  mints: null, succeeded: null, requests: null, itemsPerRequest: null, transactions: null, seconds: null, mintsPerSecond: null,
  gasPerToken: null, gasCeilingMintsPerSecond: null, ratioToGasCeiling: null, skipped: reason,
});

/**
 * engine.batch: `count` ERC-721 mints through `POST /v1/collections/:id/nfts/batch` (`itemsPerRequest` items a
 * request, all posted at once), each batch action polled with `GET /v1/actions/:id` until it is not pending,
 * then its per-recipient results paged with `GET /v1/actions/:id/items`. Seconds from the first POST to the
 * last batch's completedAt. Gas per token: the gas of every distinct transaction the items name (receipts read
 * from anvil directly) ÷ tokens minted. A 404 on the route (batch minting not in this build) skips the phase.
 */
export async function batchPhase(opts: {
  api: Api; collectionId: string; count: number; itemsPerRequest: number; rpcUrl: string; blockGasLimit: number; timeoutMs: number; temporalAddress: string;
}): Promise<BatchResult> {
  const { api } = opts;
  const route = `/v1/collections/${opts.collectionId}/nfts/batch`;
  let size = Math.min(opts.itemsPerRequest, opts.count);
  const items = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ recipient: RECIPIENT, metadata: { name: `Batch ${from + k}` } }));
  const actionIds: string[] = [];
  let sent = 0;
  let firstPost = 0;
  // The first request finds out whether the route exists and how many items a request may carry.
  let firstAnswerMs = 0;
  for (;;) {
    const at = Date.now();
    const res = await api('POST', route, { items: items(0, size) });
    firstAnswerMs = Date.now() - at;
    if (res.status === 404) return skippedBatch(`POST ${route.replace(opts.collectionId, ':id')} answered 404 (${res.body?.code ?? 'not found'}): batch minting is not in this build`);
    if ((res.status === 400 || res.status === 413) && size > 50) {
      console.error(`[bench] batch of ${size} refused (${res.status} ${JSON.stringify(res.body).slice(0, 300)}); halving`);
      size = Math.floor(size / 2);
      continue;
    }
    if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${JSON.stringify(res.body).slice(0, 1000)}`);
    firstPost = at;
    actionIds.push(res.body.actionId);
    sent = size;
    break;
  }
  const posts: Promise<void>[] = [];
  for (let from = sent; from < opts.count; from += size) {
    const n = Math.min(size, opts.count - from);
    posts.push(api('POST', route, { items: items(from, n) }).then((res) => {
      if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${JSON.stringify(res.body).slice(0, 1000)}`);
      actionIds.push(res.body.actionId);
    }));
  }
  await Promise.all(posts);

  const deadline = Date.now() + opts.timeoutMs;
  const finished: any[] = [];
  for (const id of actionIds) {
    finished.push(await pollUntil(async () => {
      const res = await api('GET', `/v1/actions/${id}`);
      return res.status === 200 && res.body.status !== 'pending' ? res.body : undefined;
    }, { timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 1_000, what: () => `batch action ${id} still pending` }));
  }
  const lastCompleted = Math.max(...finished.map((a) => Date.parse(a.completedAt)));
  const seconds = (lastCompleted - firstPost) / 1000;

  // Per-recipient results, paged.
  let tokens = 0;
  const txHashes = new Set<string>();
  for (const id of actionIds) {
    let cursor: string | null | undefined;
    for (let page = 0; page < opts.count / 10 + 10; page++) {
      const res = await api('GET', `/v1/actions/${id}/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (res.status !== 200) throw new Error(`items of ${id}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
      const rows: any[] = res.body.data ?? res.body.items ?? [];
      for (const row of rows) {
        if (row.tokenId !== undefined && row.tokenId !== null) tokens++;
        if (row.txHash) txHashes.add(row.txHash);
      }
      cursor = res.body.nextCursor;
      if (!cursor || rows.length === 0) break;
      await sleep(0);
    }
  }
  const provider = new JsonRpcProvider(opts.rpcUrl, CHAIN_ID, { staticNetwork: true });
  let gas = 0;
  const blockNumbers = new Set<number>();
  const blocks: { number: number; gasUsed: number; gasLimit: number; baseFeeGwei: number; timestamp: number }[] = [];
  try {
    for (const hash of txHashes) {
      const receipt = await provider.getTransactionReceipt(hash);
      gas += Number(receipt?.gasUsed ?? 0);
      if (receipt) blockNumbers.add(receipt.blockNumber);
    }
    for (const n of [...blockNumbers].sort((a, b) => a - b)) {
      const block = await provider.getBlock(n);
      if (block) blocks.push({ number: n, gasUsed: Number(block.gasUsed), gasLimit: Number(block.gasLimit), baseFeeGwei: num(Number(block.baseFeePerGas ?? 0n) / 1e9, 3)!, timestamp: block.timestamp });
    }
  } finally {
    provider.destroy();
  }
  const gasPerToken = tokens > 0 && gas > 0 ? gas / tokens : NaN;
  const ceiling = opts.blockGasLimit / gasPerToken / BLOCK_TIME_SECONDS;
  const rate = tokens / seconds;
  return {
    mints: opts.count, succeeded: tokens, requests: actionIds.length, itemsPerRequest: size, transactions: txHashes.size,
    seconds: num(seconds, 2), mintsPerSecond: num(rate, 1), gasPerToken: num(gasPerToken, 0),
    gasCeilingMintsPerSecond: num(ceiling, 1), ratioToGasCeiling: num(rate / ceiling, 3),
    // The blocks that carried the batch: how full they were (gas used ÷ limit) and what the base fee did.
    blocks: blocks.length, blockGasFill: num(blocks.reduce((a, b) => a + b.gasUsed / b.gasLimit, 0) / Math.max(1, blocks.length), 3),
    blocksSpanned: blocks.length ? blocks[blocks.length - 1].number - blocks[0].number + 1 : null,
    baseFeeGwei: blocks.length ? { first: blocks[0].baseFeeGwei, last: blocks[blocks.length - 1].baseFeeGwei } : null,
    // Seconds from the first POST: its answer, the first and last block carrying the batch (block timestamps,
    // whole seconds), the last completion.
    firstBatchWorkflow: await stepTimes(opts.temporalAddress, `action-${actionIds[0]}`).catch((err) => ({ error: (err as Error).message })),
    timeline: {
      firstAnswer: num(firstAnswerMs / 1000, 2),
      firstBlock: blocks.length ? num(blocks[0].timestamp - firstPost / 1000, 1) : null,
      lastBlock: blocks.length ? num(blocks[blocks.length - 1].timestamp - firstPost / 1000, 1) : null,
      completed: num(seconds, 2),
    },
  };
}

import { HDNodeWallet, Interface, JsonRpcProvider, Transaction, Wallet } from 'ethers';
import artifact from '../../artifacts/NftCollection721.json';
import type { Api } from '../api';
import { anvilAccount, BLOCK_TIME_SECONDS, CHAIN_ID, QUICK, RECIPIENT } from '../config';
import { deployData } from '../contract';
import { cpuSeconds } from '../proc';
import { countsBetween } from '../rpc-proxy';
import type { Arrival } from '../receiver';
import type { BenchStack, EngineRole } from '../stack';
import { num, p50p99, pollUntil, sleep } from '../stats';

const abi = new Interface(artifact.abi);
const GWEI = 1_000_000_000n;

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = await res.json() as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/**
 * Watches the chain as a client would (eth_blockNumber every `intervalMs`, on anvil directly so the engine's
 * RPC counts are untouched): when each block number was first seen.
 */
function blockWatcher(rpcUrl: string, intervalMs = 20) {
  const firstSeen = new Map<number, number>();
  let head = -1;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const n = Number(await rpc(rpcUrl, 'eth_blockNumber'));
        const at = Date.now();
        if (head >= 0) for (let b = head + 1; b <= n; b++) firstSeen.set(b, at);
        if (n > head) head = n;
      } catch { /* the next poll */ }
      await sleep(intervalMs);
    }
  })();
  return {
    firstSeen, head: () => head,
    /** Resolves once a block after the current head is seen. */
    nextBlock: async () => {
      const from = head;
      await pollUntil(async () => (head > from ? true : undefined), { timeoutMs: 10_000, intervalMs: 5, what: () => `no block after ${from}` });
      return head;
    },
    stop: async () => { stopped = true; await loop; },
  };
}

const cursorOf = async (stack: BenchStack) =>
  Number((await stack.db.query<{ block_number: number }>('SELECT block_number FROM chain_cursors WHERE chain_id = $1', [CHAIN_ID]))[0]?.block_number ?? NaN);

/**
 * Waits (at most timeoutMs) until the follower's cursor is within a block of the head, so a measurement does not
 * start with what came before it; how far behind it was and how long that took.
 */
async function followerSettled(stack: BenchStack, watcher: ReturnType<typeof blockWatcher>, timeoutMs = 30_000) {
  const t0 = Date.now();
  const behind = Math.max(0, watcher.head() - (await cursorOf(stack)));
  await pollUntil(async () => (watcher.head() - (await cursorOf(stack)) <= 1 ? true : undefined),
    { timeoutMs, intervalMs: 100, what: () => 'the chain event follower did not catch up with the head' }).catch(() => undefined);
  return { behindBlocks: behind, waitedMs: Date.now() - t0 };
}

const wallet = (index: number, provider: JsonRpcProvider) => {
  const { mnemonic, path } = anvilAccount(index);
  return HDNodeWallet.fromPhrase(mnemonic, undefined, path).connect(provider);
};

/**
 * Sends transactions from `signer` with consecutive nonces all at once (so they share blocks) and waits until
 * each is mined; their receipts.
 */
async function sendAll(provider: JsonRpcProvider, signer: HDNodeWallet, txs: { to?: string; data: string }[]) {
  const nonce = await provider.getTransactionCount(signer.address, 'pending');
  const fees = await provider.getFeeData();
  const hashes: string[] = [];
  for (const [i, tx] of txs.entries()) {
    const gasLimit = ((await provider.estimateGas({ from: signer.address, ...tx })) * 12n) / 10n;
    const raw = await signer.signTransaction({
      type: 2, chainId: CHAIN_ID, nonce: nonce + i, ...tx, gasLimit, maxFeePerGas: fees.maxFeePerGas! * 4n + GWEI, maxPriorityFeePerGas: fees.maxPriorityFeePerGas!,
    });
    hashes.push(await rpc(provider._getConnection().url, 'eth_sendRawTransaction', [raw]));
  }
  return Promise.all(hashes.map(async (hash) => {
    const receipt = await provider.waitForTransaction(hash, 1, 60_000);
    if (receipt?.status !== 1) throw new Error(`transaction ${hash} failed`);
    return receipt;
  }));
}

/**
 * subscriptions.logsToArrivalMs and subscriptions.followLagBlocks, on the bench stack's worker (its chain event
 * follower) and the bench's loopback receiver. A wallet of the bench's own (anvil account 5) deploys two
 * collections (the engine's ERC-721 contract, owned by that wallet, so not the project's own collections).
 *
 * Latency: an endpoint naming the chain event types and a `contract` subscription with confirmations 0 on the
 * first collection; one transferFrom per block, sent right after a block is seen, `samples` times; per event,
 * the time from when the bench first saw its block (eth_blockNumber every 20 ms) to its arrival.
 *
 * Keeping up: blocks of `transfersPerBlock` ERC-721 mints (mintBatch to a pool of 100 wallets, pre-signed,
 * all sent at once so anvil mines one batch transaction per block) for `seconds` blocks; `wallet`
 * subscriptions (inbound, confirmations 0) on 10 of the 100 wallets, so a tenth of the transfers are matched,
 * recorded and delivered. Lag = chain head − the follower's cursor (chain_cursors), sampled every 100 ms
 * while the loaded blocks come; the worker's own gauge (nft_engine_chain_events_lag_blocks) beside it.
 */
export async function subscriptionFollowPhase(opts: {
  stack: BenchStack; api: Api; worker: EngineRole; receiverUrl: string; arrivals: Arrival[]; samples: number; seconds: number; transfersPerBlock: number;
}) {
  const { stack, api } = opts;
  const provider = new JsonRpcProvider(stack.anvilRpcUrl, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
  const watcher = blockWatcher(stack.anvilRpcUrl);
  const created: { subscriptions: string[]; endpoint?: string } = { subscriptions: [] };
  try {
    const signer = wallet(5, provider);
    const endpoint = await api('POST', '/v1/webhooks', { url: `${opts.receiverUrl}/chain`, eventTypes: ['contract.transfer', 'wallet.inbound_transfer'] });
    if (endpoint.status !== 201) throw new Error(`chain event endpoint refused: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
    created.endpoint = endpoint.body.id;
    const subscribe = async (body: Record<string, unknown>) => {
      const res = await api('POST', '/v1/subscriptions', { chain: 'anvil', confirmations: 0, ...body });
      if (res.status !== 201) throw new Error(`subscription refused: ${res.status} ${JSON.stringify(res.body)}`);
      created.subscriptions.push(res.body.id);
      return res.body.id as string;
    };

    // Both collections at once, then what each needs minted at once: a few blocks in all.
    const t0 = Date.now();
    const deployed = await sendAll(provider, signer, [{ data: await deployData(signer.address) }, { data: await deployData(signer.address) }]);
    const [latencyContract, followContract] = deployed.map((r) => r.contractAddress!);
    const pool = Array.from({ length: 100 }, () => Wallet.createRandom().address);
    // The follow run's pool wallets hold a token already, so each of its blocks writes balances that exist (as
    // the chain phase's batch does) and a block of transfersPerBlock fits the block gas limit.
    await sendAll(provider, signer, [
      { to: latencyContract, data: abi.encodeFunctionData('mintBatch', [Array(opts.samples).fill(signer.address)]) },
      { to: followContract, data: abi.encodeFunctionData('mintBatch', [pool]) },
    ]);
    const setupSeconds = (Date.now() - t0) / 1000;

    // --- Latency: logs → webhook arrival.
    const t1 = Date.now();
    await subscribe({ kind: 'contract', contractAddress: latencyContract });
    const latencySettled = await followerSettled(stack, watcher);
    let nonce = await provider.getTransactionCount(signer.address, 'pending');
    const fees = await provider.getFeeData();
    const sentHashes = new Set<string>();
    for (let i = 0; i < opts.samples; i++) {
      await watcher.nextBlock();
      const raw = await signer.signTransaction({
        type: 2, chainId: CHAIN_ID, nonce: nonce++, to: latencyContract, gasLimit: 120_000n,
        data: abi.encodeFunctionData('transferFrom', [signer.address, RECIPIENT, i + 1]),
        maxFeePerGas: fees.maxFeePerGas! * 4n + GWEI, maxPriorityFeePerGas: fees.maxPriorityFeePerGas!,
      });
      sentHashes.add(Transaction.from(raw).hash!.toLowerCase());
      await rpc(stack.anvilRpcUrl, 'eth_sendRawTransaction', [raw]);
    }
    const latencyOf = (a: Arrival) => {
      const data = (a.event as any).data;
      const seen = watcher.firstSeen.get(Number(data.block_number));
      return seen === undefined ? undefined : a.at - seen;
    };
    const chainArrivals = (type: string, contract: string) => {
      const first = new Map<string, Arrival>();
      for (const a of opts.arrivals) {
        const e = a.event as any;
        if (e.type === type && e.data?.contract_address?.toLowerCase() === contract.toLowerCase() && !e.removed && !first.has(e.id)) first.set(e.id, a);
      }
      return [...first.values()];
    };
    const latencyArrivals = await pollUntil(async () => {
      const found = chainArrivals('contract.transfer', latencyContract).filter((a) => sentHashes.has((a.event as any).data.transaction.toLowerCase()));
      return found.length >= opts.samples ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100, what: () => `not every transfer's chain event arrived (${opts.samples} sent)` });
    const latencies = latencyArrivals.map(latencyOf).filter((x): x is number => x !== undefined);
    const latencySeconds = (Date.now() - t1) / 1000;

    // --- Keeping up: blocks of transfersPerBlock mints.
    const t2 = Date.now();
    const follow = await keepUp({ ...opts, provider, signer, watcher, subscribe, chainArrivals, contract: followContract, pool });
    return {
      seconds: { setup: num(setupSeconds), latency: num(latencySeconds), follow: num((Date.now() - t2) / 1000) },
      logsToArrivalMs: { ...p50p99(latencies), max: num(Math.max(...latencies)) },
      latency: { confirmations: 0, transfers: opts.samples, eventType: 'contract.transfer', followerPollIntervalMs: stack.chain.pollIntervalMs, followerBeforehand: latencySettled },
      ...follow,
    };
  } finally {
    await watcher.stop();
    for (const id of created.subscriptions) await api('DELETE', `/v1/subscriptions/${id}`).catch(() => undefined);
    if (created.endpoint) await api('DELETE', `/v1/webhooks/${created.endpoint}`).catch(() => undefined);
    provider.destroy();
  }
}

async function keepUp(opts: {
  stack: BenchStack; worker: EngineRole; arrivals: Arrival[]; seconds: number; transfersPerBlock: number;
  provider: JsonRpcProvider; signer: HDNodeWallet; watcher: ReturnType<typeof blockWatcher>;
  subscribe: (body: Record<string, unknown>) => Promise<string>; chainArrivals: (type: string, contract: string) => Arrival[];
  contract: string; pool: string[];
}) {
  const { stack, provider, signer, watcher, contract, pool } = opts;
  const subscribed = pool.slice(0, 10);
  for (const address of subscribed) await opts.subscribe({ kind: 'wallet', address, direction: 'inbound' });

  const recipients = Array.from({ length: opts.transfersPerBlock }, (_, i) => pool[i % pool.length]);
  const data = abi.encodeFunctionData('mintBatch', [recipients]);
  const latest = await provider.getBlock('latest');
  const blockGasLimit = Number(latest!.gasLimit);
  const estimate = Number(await provider.estimateGas({ from: signer.address, to: contract, data }));
  const gasLimit = Math.ceil(estimate * 1.05);
  if (gasLimit > blockGasLimit) throw new Error(`a mintBatch of ${opts.transfersPerBlock} needs ${gasLimit} gas, over the block gas limit ${blockGasLimit}`);
  const blocks = Math.max(1, Math.round(opts.seconds / BLOCK_TIME_SECONDS));
  // Full blocks raise the base fee by up to 12.5 % each: the fee cap covers the whole run.
  const baseFee = latest!.baseFeePerGas ?? GWEI;
  const growth = 1125n ** BigInt(blocks) / 1000n ** BigInt(blocks);
  const maxFeePerGas = baseFee * (growth + 2n) + 2n * GWEI;
  const maxPriorityFeePerGas = GWEI;
  let nonce = await provider.getTransactionCount(signer.address, 'pending');
  const raw: string[] = [];
  for (let i = 0; i < blocks; i++) {
    raw.push(await signer.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: nonce++, to: contract, data, gasLimit, maxFeePerGas, maxPriorityFeePerGas }));
  }
  const hashes = raw.map((r) => Transaction.from(r).hash!);

  const gauge = async () => {
    const text = await (await fetch(`${opts.worker.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('nft_engine_chain_events_lag_blocks{') && l.includes('chain="anvil"'));
    return line ? Number(line.trim().split(/\s+/).at(-1)) : NaN;
  };
  const samples: { at: number; head: number; cursor: number }[] = [];
  /** When the cursor was first seen at or past each block. */
  const cursorReached = new Map<number, number>();
  const gaugeSamples: { at: number; lag: number }[] = [];
  let sampling = true;
  // Two loops: the worker's /metrics answers late when the worker is busy, which must not thin the cursor samples.
  const sampler = (async () => {
    let previous = NaN;
    while (sampling) {
      try {
        const head = watcher.head();
        const cursor = await cursorOf(stack);
        const at = Date.now();
        samples.push({ at, head, cursor });
        if (Number.isFinite(previous)) for (let b = previous + 1; b <= cursor; b++) cursorReached.set(b, at);
        if (!(cursor < previous)) previous = cursor;
      } catch { /* the next sample */ }
      await sleep(50);
    }
  })();
  const gaugeSampler = (async () => {
    while (sampling) {
      try {
        gaugeSamples.push({ at: Date.now(), lag: await gauge() });
      } catch { /* the next sample */ }
      await sleep(250);
    }
  })();

  const settled = await followerSettled(stack, watcher);
  await watcher.nextBlock();
  const cpu0 = cpuSeconds(opts.worker.child.pid);
  const rpc0 = stack.proxy.snapshot();
  const sendAt = Date.now();
  for (let at = 0; at < raw.length; at += 20) {
    const answers = await (await fetch(stack.anvilRpcUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(raw.slice(at, at + 20).map((tx, k) => ({ jsonrpc: '2.0', id: at + k, method: 'eth_sendRawTransaction', params: [tx] }))),
    })).json() as { error?: unknown }[];
    const refused = answers.find((a) => a.error);
    if (refused) throw new Error(`keep-up mint batch refused: ${JSON.stringify(refused.error)}`);
  }
  const timeoutMs = (blocks + 30) * BLOCK_TIME_SECONDS * 1000 * 2;
  await pollUntil(async () => ((await provider.getTransactionCount(signer.address, 'latest')) >= nonce ? true : undefined),
    { timeoutMs, intervalMs: 200, what: () => 'keep-up mint batches not all mined' });
  // Where each landed, read lightly (a receipt of 1,000 logs is heavy to parse): the transactions, not their receipts.
  const loaded: number[] = [];
  for (const h of hashes) loaded.push(Number((await rpc(stack.anvilRpcUrl, 'eth_getTransactionByHash', [h])).blockNumber));
  const first = Math.min(...loaded);
  const last = Math.max(...loaded);
  // The follower is done with the run once its cursor reaches the last loaded block.
  // Bounded: a follower far behind is reported as such (reachedLastBlock false), not waited for.
  const reached = await pollUntil(async () => cursorReached.get(last),
    { timeoutMs: QUICK ? 30_000 : 120_000, intervalMs: 50, what: () => `the follower did not reach block ${last}` }).catch(() => undefined);
  const caughtUp = reached ?? Date.now();
  const cpu1 = cpuSeconds(opts.worker.child.pid);
  const rpcCalls = countsBetween(rpc0, stack.proxy.snapshot());
  await sleep(600);
  sampling = false;
  await Promise.all([sampler, gaugeSampler]);

  // Now that the follower is done, the receipts (raw JSON, parsed natively): logs and gas per block.
  const receipts: { status: string; blockNumber: string; gasUsed: string; logs: unknown[] }[] = [];
  for (const h of hashes) receipts.push(await rpc(stack.anvilRpcUrl, 'eth_getTransactionReceipt', [h]));
  if (receipts.some((r) => Number(r.status) !== 1)) throw new Error('a keep-up mint batch failed');
  const logsPerBlock = new Map<number, number>();
  for (const r of receipts) logsPerBlock.set(Number(r.blockNumber), (logsPerBlock.get(Number(r.blockNumber)) ?? 0) + r.logs.length);

  const during = samples.filter((s) => s.head >= first && s.at <= caughtUp);
  const lags = during.map((s) => s.head - s.cursor);
  // The end of the loaded run: the last sample before the block after it appeared.
  const afterLast = watcher.firstSeen.get(last + 1) ?? Infinity;
  const atEnd = samples.filter((s) => s.at < afterLast && s.head <= last).at(-1);
  const gaugeDuring = gaugeSamples.filter((g) => g.at >= (watcher.firstSeen.get(first) ?? sendAt) && g.at <= caughtUp + 600).map((g) => g.lag).filter(Number.isFinite);
  // Per loaded block: seen by the bench → the follower's cursor there.
  const blockToCursor = [...new Set(loaded)].map((b) => (cursorReached.get(b) ?? NaN) - (watcher.firstSeen.get(b) ?? NaN)).filter(Number.isFinite);

  // Events recorded for the loaded blocks, and how many of them reached the receiver.
  const expected = subscribed.length * Math.ceil(opts.transfersPerBlock / pool.length) * loaded.length;
  const delivered = await pollUntil(async () => {
    const got = opts.chainArrivals('wallet.inbound_transfer', contract).filter((a) => loaded.includes(Number((a.event as any).data.block_number)));
    return got.length >= expected ? got : undefined;
  }, { timeoutMs: QUICK ? 15_000 : 60_000, intervalMs: 200, what: () => 'not every keep-up event arrived' }).catch(() =>
    opts.chainArrivals('wallet.inbound_transfer', contract).filter((a) => loaded.includes(Number((a.event as any).data.block_number))));
  const lastSeen = watcher.firstSeen.get(last);
  // BENCH_FOLLOW_TIMELINE=1: per loaded block, ms from the first one's appearance to its own, to the cursor there, to its first and last event.
  if (process.env.BENCH_FOLLOW_TIMELINE) {
    const arrivalsByBlock = new Map<number, number[]>();
    for (const a of delivered) {
      const b = Number((a.event as any).data.block_number);
      arrivalsByBlock.set(b, [...(arrivalsByBlock.get(b) ?? []), a.at]);
    }
    const t = watcher.firstSeen.get(first) ?? sendAt;
    const timeline = [...new Set(loaded)].map((b) => ({
      block: b, seen: (watcher.firstSeen.get(b) ?? NaN) - t, cursor: (cursorReached.get(b) ?? NaN) - t,
      firstEvent: Math.min(...(arrivalsByBlock.get(b) ?? [NaN])) - t, lastEvent: Math.max(...(arrivalsByBlock.get(b) ?? [NaN])) - t,
    }));
    console.error(JSON.stringify(timeline));
  }
  return {
    followLagBlocks: {
      max: lags.length ? Math.max(...lags) : null,
      end: atEnd ? atEnd.head - atEnd.cursor : null,
      gaugeMax: gaugeDuring.length ? Math.max(...gaugeDuring) : null,
    },
    follow: {
      blocks: new Set(loaded).size,
      transfersPerBlock: { requested: opts.transfersPerBlock, min: Math.min(...logsPerBlock.values()), max: Math.max(...logsPerBlock.values()) },
      seconds: opts.seconds,
      gasPerBlock: num(receipts.reduce((sum, r) => sum + Number(r.gasUsed), 0) / new Set(loaded).size, 0),
      blockGasLimit,
      subscribedWallets: subscribed.length,
      eventsExpected: expected,
      eventsDelivered: delivered.length,
      /** From when the bench saw the last loaded block to when the follower's cursor reached it. */
      lastBlockCatchUpMs: lastSeen === undefined || reached === undefined ? null : caughtUp - lastSeen,
      reachedLastBlock: reached !== undefined,
      /** Per loaded block, from when the bench saw it to when the follower's cursor was there. */
      blockToCursorMs: { ...p50p99(blockToCursor), max: num(Math.max(...blockToCursor)) },
      lastEventAfterLastBlockMs: lastSeen === undefined || delivered.length === 0 ? null : Math.max(...delivered.map((a) => a.at)) - lastSeen,
      /** The worker's CPU from the first send until its cursor reached the last loaded block (its deliveries included) ÷ blocks. */
      workerCpuMsPerBlock: num(((cpu1 - cpu0) * 1000) / new Set(loaded).size, 0),
      /** JSON-RPC calls the engine made meanwhile (the stack's proxy), by method. */
      rpcCalls,
      lagSamples: lags.length,
      /** How far behind the follower was before the run, and how long the bench waited for it to catch up. */
      followerBeforehand: settled,
    },
  };
}

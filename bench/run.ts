import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiClient, createCollection } from './api';
import { BLOCK_TIME_SECONDS, CONFIRMATIONS, KNOBS, QUICK } from './config';
import { acceptPhase } from './phases/accept';
import { batchPhase, skippedBatch } from './phases/batch';
import { chainLimits, pipelinedPhase, presignedPhase } from './phases/chain';
import { embeddedAcceptPhase, stopEmbedded } from './phases/embedded';
import { floorPhase } from './phases/floor';
import { functionsPhase } from './phases/functions';
import { historyCounts, singleMints } from './phases/single';
import { subscriptionsPhase } from './phases/subscriptions';
import { webhookThroughput } from './phases/webhooks';
import { ACTION_EVENT_TYPE_NAMES } from '../src/webhooks/event-types';
import { startBenchReceiver } from './receiver';
import { say, startBenchStack, type BenchStack } from './stack';
import { median, num } from './stats';
import { printTable } from './table';

/**
 * `npm run bench`: the throughput contract. One run measures the limits (Temporal floor, the chain, an
 * ethers baseline) and the engine against them on the same Temporal server and anvil, prints a table and
 * writes bench/results/latest.json plus bench/results/bench-<time>.json. BENCH_QUICK=1: the same fields, smaller.
 */
async function main() {
  const began = Date.now();
  const phaseSeconds: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      phaseSeconds[name] = Math.round((Date.now() - t0) / 100) / 10;
    }
  };
  let stack: BenchStack | undefined;
  let closeReceiver: (() => Promise<void>) | undefined;
  let cleaning: Promise<void> | undefined;
  /** Idempotent: the run's end and a signal wait for the same teardown. */
  const cleanup = () => (cleaning ??= (async () => {
    await stopEmbedded().catch(() => undefined);
    await closeReceiver?.().catch(() => undefined);
    await stack?.stop();
  })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: tearing down`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    say(`${QUICK ? 'QUICK ' : ''}run: ${JSON.stringify(KNOBS)}`);

    say(`accept, embedded stack: ${KNOBS.acceptRate}/s for ${KNOBS.acceptSeconds} s`);
    const embedded = await timed('acceptEmbedded', () => embeddedAcceptPhase({ rate: KNOBS.acceptRate, seconds: KNOBS.acceptSeconds }));

    say('production shape: Temporal dev server, anvil behind an RPC proxy, signer, PostgreSQL, api and worker processes');
    const t0 = Date.now();
    stack = await startBenchStack({ adminUrl: KNOBS.databaseUrl, name: 'bench' });
    const apiUrl = await stack.startApi();
    const apiProcess = stack.processes.find((p) => p.role === 'api')!;
    const worker = await stack.startWorker();
    phaseSeconds.startStack = Math.round((Date.now() - t0) / 100) / 10;
    const api = apiClient(apiUrl, stack.apiKey);
    const receiver = await startBenchReceiver();
    closeReceiver = receiver.close;
    // The actions' events only: the chain events of the bench's own collections (a transfer per token) are not measured here.
    const subscribed = await api('POST', '/v1/webhooks', { url: `${receiver.url}/all`, eventTypes: ACTION_EVENT_TYPE_NAMES });
    if (subscribed.status !== 201) throw new Error(`webhook endpoint refused: ${JSON.stringify(subscribed.body)}`);
    const collectionId = await createCollection(api, 'Bench');
    const rssByPhase: Record<string, number | null> = { start: num(stack.workerRssMiB()) };

    say(`floor: ${KNOBS.floorWorkflows} trivial workflows at concurrency ${KNOBS.concurrency}`);
    const floor = await timed('floor', () => floorPhase({ temporalAddress: stack!.temporalAddress, count: KNOBS.floorWorkflows, concurrency: KNOBS.concurrency }));

    say(`chain: ${KNOBS.chainMints} pre-signed mints`);
    const presigned = await timed('chain', () => presignedPhase({ rpcUrl: stack!.anvilRpcUrl, count: KNOBS.chainMints }));
    say(`baseline: ${KNOBS.mints} pipelined mints from one wallet with ethers`);
    const pipelined = await timed('baseline', () => pipelinedPhase({ rpcUrl: stack!.anvilRpcUrl, count: KNOBS.mints, concurrency: KNOBS.concurrency }));
    const { blockGasLimit } = await chainLimits(stack.anvilRpcUrl);
    rssByPhase.limits = num(stack.workerRssMiB());

    const ctx = { stack, api, apiProcess, worker, collectionId, concurrency: KNOBS.concurrency, arrivals: receiver.arrivals };
    say(`engine.single: ${KNOBS.mints} mints at concurrency ${KNOBS.concurrency}`);
    const single = await timed('single', () => singleMints(ctx, KNOBS.mints, 'single'));
    rssByPhase.single = num(stack.workerRssMiB());
    const history = await historyCounts(stack.temporalAddress, single.ids, KNOBS.historySample);
    // The median over a sample: the collection's first mint costs more (its counter goes from zero).
    const gasSample: number[] = [];
    for (const id of single.ids.slice(0, 10)) gasSample.push(Number((await api('GET', `/v1/actions/${id}`)).body?.resource?.gasUsed ?? NaN));
    const singleGas = median(gasSample.filter(Number.isFinite));

    // Growth keeps `concurrency` mints in flight (not POSTs), so the points differ only in what is stored:
    // thousands of accepted mints at once would measure a queue of in-flight workflows instead.
    say(`growth: ${KNOBS.mints}, ${KNOBS.growthMints}, then ${KNOBS.mints} again, ${KNOBS.concurrency} mints in flight`);
    const growthPoint = (name: string, count: number) => timed(name, () => singleMints(ctx, count, name, { inFlight: true }))
      .then((r) => r.result, (err) => ({ perMintMs: null, failed: (err as Error).message.slice(0, 500) }));
    const growth300 = await growthPoint('growth300', KNOBS.mints);
    const growth3000 = await growthPoint('growth3000', KNOBS.growthMints);
    rssByPhase.growth = num(stack.workerRssMiB());
    const again = await growthPoint('growth300Again', KNOBS.mints);
    rssByPhase.again = num(stack.workerRssMiB());

    say(`engine.batch: ${KNOBS.batchMints} mints, ${KNOBS.batchItems} per request`);
    // A batch route that exists but fails is reported as such (fields null), and the run goes on.
    const batch = await timed('batch', () => batchPhase({
      api, collectionId, count: KNOBS.batchMints, itemsPerRequest: KNOBS.batchItems, rpcUrl: stack!.anvilRpcUrl, blockGasLimit,
      timeoutMs: QUICK ? 180_000 : 600_000, temporalAddress: stack!.temporalAddress,
    })).catch((err) => skippedBatch(`failed: ${(err as Error).message.slice(0, 500)}`));
    if (batch.skipped) say(`engine.batch skipped: ${batch.skipped}`);
    rssByPhase.batch = num(stack.workerRssMiB());

    say(`webhooks: ${KNOBS.webhookEvents} test events to 1, 10, and 10 with one hanging`);
    const webhooks = await timed('webhooks', () => webhookThroughput({ api, receiverUrl: receiver.url, arrivals: receiver.arrivals, events: KNOBS.webhookEvents, concurrency: KNOBS.concurrency }));
    rssByPhase.webhooks = num(stack.workerRssMiB());

    say(`functions: ${KNOBS.functionRounds} rounds of ${KNOBS.functionCallsPerRound} pairs of mints, without and with a pre- and a post-function of ${KNOBS.functionMs} ms`);
    const functions = await timed('functions', () => functionsPhase({
      api, collectionId, rounds: KNOBS.functionRounds, perRound: KNOBS.functionCallsPerRound, functionMs: KNOBS.functionMs,
    }));

    say(`accept, production shape: ${KNOBS.acceptRate}/s for ${KNOBS.acceptSeconds} s`);
    const accept = await timed('accept', () => acceptPhase({
      apiUrl, apiKey: stack!.apiKey, collectionId, rate: KNOBS.acceptRate, seconds: KNOBS.acceptSeconds, metricsUrl: apiUrl,
    }));
    rssByPhase.accept = num(stack.workerRssMiB());

    // Last: its full blocks raise the base fee and its chain events keep the dispatcher busy.
    say('subscriptions: chain event follower — matching cost, logs → webhook latency, keeping up with full blocks');
    const subscriptions = await timed('subscriptions', () => subscriptionsPhase({ stack: stack!, api, worker, receiverUrl: receiver.url, arrivals: receiver.arrivals }))
      .catch((err) => ({ matchCpuMs: null, matchWallMs: null, logsToArrivalMs: null, followLagBlocks: null, failed: (err as Error).message.slice(0, 500) }));
    if ('failed' in subscriptions) say(`subscriptions failed: ${subscriptions.failed}`);
    rssByPhase.subscriptions = num(stack.workerRssMiB());

    const singleRate = single.result.mintsPerSecond ?? NaN;
    const result = {
      benchmark: 'throughput',
      quick: QUICK,
      date: new Date().toISOString(),
      durationSeconds: 0,
      phaseSeconds,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: num(os.totalmem() / 2 ** 30), node: process.version, loadAverage: os.loadavg().map((l) => num(l, 2)) },
      setup: {
        ...KNOBS, databaseUrl: undefined, chain: 'anvil', blockTimeSeconds: BLOCK_TIME_SECONDS, blockGasLimit, confirmations: CONFIRMATIONS,
        database: 'PostgreSQL (fresh database)', temporal: 'dev server (SQLite, WAL), one for floor and engine', processes: '1 api, 1 worker, signer',
      },
      floor,
      chain: { ...presigned, blockGasLimit, blockTimeSeconds: BLOCK_TIME_SECONDS },
      baseline: { ...pipelined, ratioToPresigned: num(pipelined.pipelinedMintsPerSecond! / presigned.presignedMintsPerSecond!, 3) },
      engine: {
        single: {
          ...single.result,
          ratioToFloor: num(singleRate / floor.workflowsPerSecond!, 3),
          ratioToBaseline: num(singleRate / pipelined.pipelinedMintsPerSecond!, 3),
          ratioToPresigned: num(singleRate / presigned.presignedMintsPerSecond!, 3),
          workflowTasksPerMint: history.workflowTasksPerMint,
          historyEventsPerMint: history.historyEventsPerMint,
          history,
        },
        batch,
      },
      accept: {
        postP50Ms: accept.post.p50, postP99Ms: accept.post.p99, getP50Ms: accept.get.p50, getP99Ms: accept.get.p99,
        embeddedPostP50Ms: embedded.post.p50, embeddedPostP99Ms: embedded.post.p99,
        production: accept, embedded,
      },
      webhooks: {
        completionToArrivalMs: single.result.webhookCompletionToArrivalMs,
        deliveriesPerSecond: { one: webhooks.one.deliveriesPerSecond, ten: webhooks.ten.deliveriesPerSecond, tenWithOneHanging: webhooks.tenWithOneHanging.deliveriesPerSecond },
        runs: webhooks,
      },
      functions,
      gas: { singleMint: num(singleGas, 0), batchMintPerToken: batch.gasPerToken, presignedMint: presigned.gasPerMint },
      growth: {
        perMintMsAt300: growth300.perMintMs, perMintMsAt3000: growth3000.perMintMs, perMintMsAt300Again: again.perMintMs,
        mints: { at300: KNOBS.mints, at3000: KNOBS.growthMints }, concurrency: KNOBS.concurrency, load: 'mints in flight',
        ratio3000To300: num((growth3000.perMintMs ?? NaN) / (growth300.perMintMs ?? NaN), 3),
        at300: growth300, at3000: growth3000, at300Again: again,
      },
      subscriptions,
      worker: { rssMiB: rssByPhase.accept, rssMiBByPhase: rssByPhase },
    };
    result.durationSeconds = Math.round((Date.now() - began) / 1000);
    const dir = path.join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `bench-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    copyFileSync(file, path.join(dir, 'latest.json'));
    printTable(result);
    console.log(`\nwrote ${path.relative(process.cwd(), file)} and bench/results/latest.json (${result.durationSeconds} s)`);
  } finally {
    say('tearing down');
    await cleanup();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

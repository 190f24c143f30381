import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContractFactory, HDNodeWallet, JsonRpcProvider, NonceManager, type Contract } from 'ethers';
import { ARTIFACTS, CURRENT_CONTRACT_VERSION } from '../src/chain/artifacts';
import { loadConfig } from '../src/config';
import { startEmbeddedStack } from '../src/stack/embedded';
import { freePort } from '../src/stack/ports';
import { startBenchReceiver, type Arrival } from './receiver';
import { percentile, round, runPool } from './stats';

/**
 * `npm run bench`: on a fresh embedded stack (own data directory and ports), 300 mints at concurrency 32
 * through the engine, then the same 300 mints sent straight from one wallet with ethers, waiting for the
 * same number of confirmations; then webhooks: the delay from each mint completing to its event arriving at
 * a loopback receiver, and test events delivered per second to 1 and to 10 endpoints.
 * Writes bench/results/mints-<time>.json and prints a table.
 */
const MINTS = Number(process.env.BENCH_MINTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WEBHOOK_EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 300);

/** Waits until `count` arrivals match (re-reading the list as it grows). */
async function waitForArrivals(list: Arrival[], match: (a: Arrival) => boolean, count: number, reread: () => Arrival[] = () => list) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const found = reread().filter(match);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`only ${found.length} of ${count} webhooks arrived`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
/** anvil's third development account: the baseline's wallet, apart from the engine's signer. */
const baselineWallet = () => HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, "m/44'/60'/0'/0/2");

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-bench-'));
  const port = await freePort();
  const config = loadConfig({
    ...process.env, DATA_DIR: dataDir, PORT: String(port), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()),
    ANVIL_PORT: String(await freePort()), SIGNER_PORT: String(await freePort()), TEMPORAL_ADDRESS: '', CHAINS: '', SIGNER_URL: '',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    // The embedded PGlite unless BENCH_DATABASE_URL names a PostgreSQL database to compare with.
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
  });
  const stack = await startEmbeddedStack(config, (m) => console.error(`[bench] ${m}`));
  const chain = stack.chains[0];
  try {
    const api = async (method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${stack.apiUrl}${urlPath}`, {
        method, headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };
    const waitFor = async (actionId: string) => {
      for (;;) {
        const { body } = await api('GET', `/v1/actions/${actionId}`);
        if (body.status !== 'pending') return body;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const receiver = await startBenchReceiver();
    const register = async () => (await api('POST', '/v1/webhooks', { url: receiver.url })).body.id as string;
    const mintEndpoint = await register();
    const collection = await api('POST', '/v1/collections', { chain: chain.name, name: 'Bench', symbol: 'BNCH' });
    const collectionId = (await waitFor(collection.body.actionId)).resource.collectionId;

    console.error(`[bench] engine: ${MINTS} mints at concurrency ${CONCURRENCY}`);
    const postLatency: number[] = [];
    const pollLatency: number[] = [];
    const pending = new Set<string>();
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    await runPool(MINTS, CONCURRENCY, async (i) => {
      const t0 = performance.now();
      const res = await api('POST', `/v1/collections/${collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `Bench ${i}` } });
      postLatency.push(performance.now() - t0);
      if (res.status !== 202) throw new Error(`mint ${i} refused: ${JSON.stringify(res.body)}`);
      pending.add(res.body.actionId);
    });
    while (pending.size > 0) {
      await runPool(pending.size, CONCURRENCY, async (i) => {
        const id = [...pending][i];
        if (!id) return;
        const t0 = performance.now();
        const { body } = await api('GET', `/v1/actions/${id}`);
        pollLatency.push(performance.now() - t0);
        if (body.status !== 'pending') {
          pending.delete(id);
          outcomes[body.status] = (outcomes[body.status] ?? 0) + 1;
        }
      });
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
    }
    const engineSeconds = (performance.now() - started) / 1000;
    // Action completed → its webhook arrived, for every mint.
    const mintArrivals = await waitForArrivals(receiver.arrivals, (a) => a.event.type === 'nfts.create.succeeded', outcomes.succeeded ?? 0);
    const webhookLatency = mintArrivals.map((a) => a.at - Date.parse(a.event.completedAt!));

    console.error('[bench] webhooks: test events to 1 and to 10 endpoints');
    const throughput = async (endpoints: string[], eventsPerEndpoint: number) => {
      const before = receiver.arrivals.length;
      const t0 = performance.now();
      await runPool(endpoints.length * eventsPerEndpoint, CONCURRENCY, async (i) => {
        const res = await api('POST', `/v1/webhooks/${endpoints[i % endpoints.length]}/test`, {});
        if (res.status !== 202) throw new Error(`test event refused: ${JSON.stringify(res.body)}`);
      });
      const total = endpoints.length * eventsPerEndpoint;
      const arrived = await waitForArrivals(receiver.arrivals.slice(before), (a) => a.event.test === true, total, () => receiver.arrivals.slice(before));
      const seconds = (Math.max(...arrived.map((a) => a.at)) - (performance.timeOrigin + t0)) / 1000;
      return { endpoints: endpoints.length, deliveries: total, seconds: round(seconds, 2), deliveriesPerSecond: round(total / seconds, 1) };
    };
    const oneEndpoint = await throughput([mintEndpoint], WEBHOOK_EVENTS);
    const tenEndpoints = await throughput([mintEndpoint, ...(await Promise.all(Array.from({ length: 9 }, register)))], WEBHOOK_EVENTS / 10);
    await receiver.close();

    console.error(`[bench] baseline: ${MINTS} mints straight from one wallet with ethers`);
    const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: true });
    const wallet = new NonceManager(baselineWallet().connect(provider));
    const { abi, bytecode } = ARTIFACTS[CURRENT_CONTRACT_VERSION].erc721;
    const factory = new ContractFactory(abi, bytecode, wallet);
    const direct = (await (await factory.deploy('Baseline', 'BASE', '', 'ipfs://bench/', 0, await wallet.getAddress())).waitForDeployment()) as Contract;
    const baselineStarted = performance.now();
    let baselineOk = 0;
    await runPool(MINTS, CONCURRENCY, async () => {
      const tx = await direct.mintTo(RECIPIENT);
      const receipt = await tx.wait(chain.confirmations);
      if (receipt?.status === 1) baselineOk++;
    });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    provider.destroy();

    const engineRate = (outcomes.succeeded ?? 0) / engineSeconds;
    const baselineRate = baselineOk / baselineSeconds;
    const result = {
      benchmark: 'mints',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
      setup: { mints: MINTS, concurrency: CONCURRENCY, chain: 'anvil', blockTimeSeconds: config.ANVIL_BLOCK_TIME, confirmations: chain.confirmations, database: config.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite' },
      engine: {
        succeeded: outcomes.succeeded ?? 0, failed: outcomes.failed ?? 0, seconds: round(engineSeconds, 2),
        mintsPerSecond: round(engineRate, 2),
        postLatencyMs: { p50: round(percentile(postLatency, 50)), p99: round(percentile(postLatency, 99)) },
        pollLatencyMs: { p50: round(percentile(pollLatency, 50)), p99: round(percentile(pollLatency, 99)), samples: pollLatency.length },
      },
      baseline: { succeeded: baselineOk, seconds: round(baselineSeconds, 2), mintsPerSecond: round(baselineRate, 2) },
      engineToBaselineRatio: round(engineRate / baselineRate, 3),
      webhooks: {
        actionCompletedToArrivalMs: { p50: round(percentile(webhookLatency, 50)), p99: round(percentile(webhookLatency, 99)), samples: webhookLatency.length },
        throughput: [oneEndpoint, tenEndpoints],
      },
    };
    const dir = path.join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `mints-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n| ${MINTS} mints, concurrency ${CONCURRENCY}, anvil ${config.ANVIL_BLOCK_TIME}s blocks, ${chain.confirmations} confirmations, ${result.setup.database} | value |`);
    console.log('| --- | --- |');
    console.log(`| engine: succeeded / failed | ${result.engine.succeeded} / ${result.engine.failed} |`);
    console.log(`| engine: POST latency p50 / p99 | ${result.engine.postLatencyMs.p50} / ${result.engine.postLatencyMs.p99} ms |`);
    console.log(`| engine: status poll latency p50 / p99 | ${result.engine.pollLatencyMs.p50} / ${result.engine.pollLatencyMs.p99} ms |`);
    console.log(`| engine: completed mints per second | ${result.engine.mintsPerSecond} (${result.engine.seconds} s) |`);
    console.log(`| baseline (ethers, one wallet): mints per second | ${result.baseline.mintsPerSecond} (${result.baseline.seconds} s) |`);
    console.log(`| engine / baseline | ${result.engineToBaselineRatio} |`);
    console.log(`| webhook: action completed → arrival p50 / p99 | ${result.webhooks.actionCompletedToArrivalMs.p50} / ${result.webhooks.actionCompletedToArrivalMs.p99} ms |`);
    for (const t of result.webhooks.throughput) {
      console.log(`| webhook: deliveries per second, ${t.endpoints} endpoint(s) | ${t.deliveriesPerSecond} (${t.deliveries} in ${t.seconds} s) |`);
    }
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

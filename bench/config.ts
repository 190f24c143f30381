/**
 * The benchmark's knobs (environment variables). BENCH_QUICK=1 picks the smaller defaults; any variable
 * set explicitly wins over both.
 */
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

const knob = (name: string, full: number, quick: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return value;
};

export const KNOBS = {
  /** PostgreSQL to create the run's database on (dropped afterwards). */
  databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  /** Client concurrency of the closed-loop phases (floor, single mints, growth, webhook test events). */
  concurrency: knob('BENCH_CONCURRENCY', 64, 64),
  floorWorkflows: knob('BENCH_FLOOR_WORKFLOWS', 400, 100),
  /** Pre-signed mints sent straight to the chain. */
  chainMints: knob('BENCH_CHAIN_MINTS', 600, 300),
  /** Single mints through the API (engine.single, the first growth point, the pipelined baseline). */
  mints: knob('BENCH_MINTS', 300, 100),
  /** The second growth point. */
  growthMints: knob('BENCH_GROWTH_MINTS', 3000, 300),
  batchMints: knob('BENCH_BATCH_MINTS', 10_000, 500),
  /** Items per batch request: the whole batch in one request, as the route allows (up to 10,000 items). */
  batchItems: knob('BENCH_BATCH_ITEMS', 10_000, 500),
  acceptRate: knob('BENCH_ACCEPT_RATE', 50, 50),
  /** Functions: rounds of mint POSTs with a pre- and a post-function off, then on, and how long each function takes. */
  functionRounds: knob('BENCH_FUNCTION_ROUNDS', 5, 2),
  functionCallsPerRound: knob('BENCH_FUNCTION_CALLS', 20, 10),
  functionMs: knob('BENCH_FUNCTION_MS', 20, 20),
  acceptSeconds: knob('BENCH_ACCEPT_SECONDS', 30, 6),
  /** Test events per webhook throughput measurement (split evenly over the endpoints). */
  webhookEvents: knob('BENCH_WEBHOOK_EVENTS', 300, 60),
  /** Action workflows whose Temporal history is fetched and counted. */
  historySample: knob('BENCH_HISTORY_SAMPLE', 20, 10),
  /** Chain events: a block of this many ERC-721 transfer logs matched against this many subscriptions, median of the repetitions. */
  matchLogs: knob('BENCH_MATCH_LOGS', 2000, 2000),
  matchSubscriptions: knob('BENCH_MATCH_SUBSCRIPTIONS', 10_000, 10_000),
  matchRepetitions: knob('BENCH_MATCH_REPETITIONS', 9, 5),
  /** Chain events: transfers (one a block) whose event's arrival is timed. */
  followLatencySamples: knob('BENCH_FOLLOW_LATENCY_SAMPLES', 30, 10),
  /** Chain events: blocks (seconds) carrying BENCH_FOLLOW_TRANSFERS mints each that the follower must keep up with. */
  followSeconds: knob('BENCH_FOLLOW_SECONDS', 60, 10),
  followTransfers: knob('BENCH_FOLLOW_TRANSFERS', 1000, 1000),
};

/**
 * BENCH_CPU_PROFILE_DIR: the worker processes run with node's --cpu-prof into this directory, one profile per
 * thread (the main thread, and the workflow thread where workflow code runs), written when they stop.
 */
export const workerNodeArgs = process.env.BENCH_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];

export const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const CHAIN_ID = 31337;
export const BLOCK_TIME_SECONDS = 1;
export const CONFIRMATIONS = 2;
const MNEMONIC = 'test test test test test test test test test test test junk';
/** anvil's development accounts by index: 0 signs for the engine, 1 receives; the bench's own wallets use others. */
export const anvilAccount = (index: number) => ({ mnemonic: MNEMONIC, path: `m/44'/60'/0'/0/${index}` });
export const ENGINE_SIGNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

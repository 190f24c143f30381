import { apiClient } from './api';
import { KNOBS, QUICK } from './config';
import { subscriptionsPhase } from './phases/subscriptions';
import { startBenchReceiver } from './receiver';
import { say, startBenchStack } from './stack';
import { subscriptionRows } from './table';

/**
 * `npm run bench:subscriptions`: only the `subscriptions` phase of `npm run bench` (bench/phases/subscriptions.ts)
 * on a stack of its own, printed as JSON (nothing written to bench/results); for working on the chain event
 * follower. The same knobs as the full bench; BENCH_WORKER_IMPORT=<module> is loaded into
 * the worker process alone (a profiler, say).
 */
async function main() {
  say(`${QUICK ? 'QUICK ' : ''}subscriptions only: ${JSON.stringify({ ...KNOBS, databaseUrl: undefined })}`);
  const stack = await startBenchStack({ adminUrl: KNOBS.databaseUrl, name: 'subs' });
  const receiver = await startBenchReceiver();
  const stop = async () => { await receiver.close().catch(() => undefined); await stack.stop(); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    await stack.startApi();
    // BENCH_WORKER_IMPORT=<module>: loaded into the worker alone (--import), e.g. to profile it.
    if (process.env.BENCH_WORKER_IMPORT) stack.env.NODE_OPTIONS = `${stack.env.NODE_OPTIONS ?? ''} --import ${process.env.BENCH_WORKER_IMPORT}`.trim();
    const worker = await stack.startWorker();
    const api = apiClient(stack.processes.find((p) => p.role === 'api')!.url, stack.apiKey);
    const t0 = Date.now();
    const result = await subscriptionsPhase({ stack, api, worker, receiverUrl: receiver.url, arrivals: receiver.arrivals });
    console.log(JSON.stringify({ seconds: Math.round((Date.now() - t0) / 100) / 10, subscriptions: result }, null, 2));
    for (const row of subscriptionRows(result)) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});

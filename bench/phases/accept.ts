import { fork } from 'node:child_process';
import path from 'node:path';
import type { AcceptLoad } from '../accept-client';
import { scrapeHistogram } from '../stack';
import { num, p50p99 } from '../stats';

type Loop = { latencies: number[]; errors: number; sent: number };

/** Runs the open-loop load in the client's own process (bench/accept-client.ts) and answers what it measured. */
function runAcceptClient(load: AcceptLoad): Promise<{ post: Loop; get: Loop }> {
  const child = fork(path.join(__dirname, '../accept-client.ts'), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, ACCEPT_LOAD: JSON.stringify(load) },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { post: Loop; get: Loop }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`the accept client exited (${code}) without its figures`)));
  });
}

/**
 * accept: open loop — `rate` mint POSTs a second for `seconds`, fired on a fixed schedule whatever the
 * answers, and alongside them `rate` GET /v1/actions/:id a second of actions already accepted (from the first
 * second on), from a client process of its own (bench/accept-client.ts). Latency counts from when each request
 * was due; the server's mean time per request (from its /metrics) is given beside it.
 */
export async function acceptPhase(opts: AcceptLoad & { metricsUrl: string }) {
  // The server's own timing (its request histogram) beside the client's, to tell a slow server from a slow client.
  const HISTOGRAM = 'nft_engine_http_request_duration_seconds';
  const serverTimes = () => Promise.all([
    scrapeHistogram(opts.metricsUrl, HISTOGRAM, ['method="POST"', 'route="/v1/collections/:collectionId/nfts"']),
    scrapeHistogram(opts.metricsUrl, HISTOGRAM, ['method="GET"', 'route="/v1/actions/:actionId"']),
  ]);
  const before = await serverTimes();
  const { metricsUrl: _, ...load } = opts;
  const { post, get } = await runAcceptClient(load);
  const after = await serverTimes();
  const meanMs = (i: 0 | 1) => num(((after[i].sum - before[i].sum) * 1000) / (after[i].count - before[i].count), 1);
  return {
    serverMeanMs: { post: meanMs(0), get: meanMs(1) },
    offeredPerSecond: opts.rate, seconds: opts.seconds,
    post: { ...p50p99(post.latencies), sent: post.sent, errors: post.errors },
    get: { ...p50p99(get.latencies), sent: get.sent, errors: get.errors },
  };
}

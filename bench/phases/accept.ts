import type { Api } from '../api';
import { RECIPIENT } from '../config';
import { scrapeHistogram } from '../stack';
import { num, openLoop, p50p99, sleep } from '../stats';

/**
 * accept: open loop — `rate` mint POSTs a second for `seconds`, fired on a fixed schedule whatever the
 * answers, and alongside them `rate` GET /v1/actions/:id a second of actions already accepted (from the first
 * second on). Latency counts from when each request was due; the server's mean time per request (from its
 * /metrics) is given beside it.
 */
export async function acceptPhase(opts: { api: Api; collectionId: string; rate: number; seconds: number; metricsUrl: string }) {
  // The server's own timing (its request histogram) beside the client's, to tell a slow server from a slow client.
  const HISTOGRAM = 'nft_engine_http_request_duration_seconds';
  const serverTimes = () => Promise.all([
    scrapeHistogram(opts.metricsUrl, HISTOGRAM, ['method="POST"', 'route="/v1/collections/:collectionId/nfts"']),
    scrapeHistogram(opts.metricsUrl, HISTOGRAM, ['method="GET"', 'route="/v1/actions/:actionId"']),
  ]);
  const before = await serverTimes();
  const accepted: string[] = [];
  const posts = openLoop(opts.rate, opts.seconds, async (i) => {
    const res = await opts.api('POST', `/v1/collections/${opts.collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `Accept ${i}` } });
    if (res.status !== 202) throw new Error(`${res.status}`);
    accepted.push(res.body.actionId);
  });
  const gets = (async () => {
    await sleep(1000);
    return openLoop(opts.rate, Math.max(1, opts.seconds - 1), async (i) => {
      const id = accepted[(i * 7919) % Math.max(1, accepted.length)];
      if (!id) throw new Error('none accepted yet');
      const res = await opts.api('GET', `/v1/actions/${id}`);
      if (res.status !== 200) throw new Error(`${res.status}`);
    });
  })();
  const [post, get] = await Promise.all([posts, gets]);
  const after = await serverTimes();
  const meanMs = (i: 0 | 1) => num(((after[i].sum - before[i].sum) * 1000) / (after[i].count - before[i].count), 1);
  return {
    serverMeanMs: { post: meanMs(0), get: meanMs(1) },
    offeredPerSecond: opts.rate, seconds: opts.seconds,
    post: { ...p50p99(post.latencies), sent: post.sent, errors: post.errors },
    get: { ...p50p99(get.latencies), sent: get.sent, errors: get.errors },
  };
}

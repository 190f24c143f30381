import type { Api } from '../api';
import { RECIPIENT } from '../config';
import { openLoop, p50p99, sleep } from '../stats';

/**
 * accept: open loop — `rate` mint POSTs a second for `seconds`, fired on a fixed schedule whatever the
 * answers, and alongside them `rate` GET /v1/actions/:id a second of actions already accepted (from the first
 * second on). Latency counts from when each request was due.
 */
export async function acceptPhase(opts: { api: Api; collectionId: string; rate: number; seconds: number }) {
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
  return {
    offeredPerSecond: opts.rate, seconds: opts.seconds,
    post: { ...p50p99(post.latencies), sent: post.sent, errors: post.errors },
    get: { ...p50p99(get.latencies), sent: get.sent, errors: get.errors },
  };
}

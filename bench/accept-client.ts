import { apiClient } from './api';
import { RECIPIENT } from './config';
import { openLoop, sleep } from './stats';

/** What the accept phase asks of its client process (ACCEPT_LOAD, JSON). */
export interface AcceptLoad {
  apiUrl: string;
  apiKey: string;
  collectionId: string;
  rate: number;
  seconds: number;
}

/**
 * The accept phase's client, as a process of its own (a client of the API runs elsewhere, not on the bench's
 * event loop beside the RPC proxy the worker keeps busy and the webhook receiver): `rate` mint POSTs a second
 * for `seconds` on a fixed schedule whatever the answers, and alongside them `rate` GET /v1/actions/:id a
 * second of actions already accepted (from the first second on); latency from when each request was due.
 * Tells its parent the latencies and counts, then exits.
 */
async function main() {
  const load = JSON.parse(process.env.ACCEPT_LOAD!) as AcceptLoad;
  const api = apiClient(load.apiUrl, load.apiKey);
  const accepted: string[] = [];
  const posts = openLoop(load.rate, load.seconds, async (i) => {
    const res = await api('POST', `/v1/collections/${load.collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `Accept ${i}` } });
    if (res.status !== 202) throw new Error(`${res.status}`);
    accepted.push(res.body.actionId);
  });
  const gets = (async () => {
    await sleep(1000);
    return openLoop(load.rate, Math.max(1, load.seconds - 1), async (i) => {
      const id = accepted[(i * 7919) % Math.max(1, accepted.length)];
      if (!id) throw new Error('none accepted yet');
      const res = await api('GET', `/v1/actions/${id}`);
      if (res.status !== 200) throw new Error(`${res.status}`);
    });
  })();
  const [post, get] = await Promise.all([posts, gets]);
  process.send!({ post, get }, () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

import { ACTION_EVENT_TYPE_NAMES } from '../../src/webhooks/event-types';
import type { Api } from '../api';
import type { Arrival } from '../receiver';
import { startHangingReceiver } from '../receiver';
import { num, pollUntil, runPool } from '../stats';

async function register(api: Api, url: string): Promise<string> {
  const res = await api('POST', '/v1/webhooks', { url, eventTypes: ACTION_EVENT_TYPE_NAMES });
  if (res.status !== 201 && res.status !== 200) throw new Error(`webhook endpoint refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/**
 * webhooks: test events (`POST /v1/webhooks/:id/test`, fired at `concurrency`) to 1 endpoint, spread over 10,
 * and spread over 10 of which one hangs (accepts the connection, never answers): deliveries a second from the
 * first send to the last arrival at the healthy receiver.
 */
export async function webhookThroughput(opts: { api: Api; receiverUrl: string; arrivals: Arrival[]; events: number; concurrency: number }) {
  const { api } = opts;
  const healthy: string[] = [];
  for (let i = 0; i < 10; i++) healthy.push(await register(api, `${opts.receiverUrl}/e${i}`));

  const measure = async (endpoints: { id: string; healthy: boolean }[]) => {
    const expected = new Set<string>();
    const perEndpoint = Math.max(1, Math.floor(opts.events / endpoints.length));
    const total = perEndpoint * endpoints.length;
    const firstSend = Date.now();
    await runPool(total, opts.concurrency, async (i) => {
      const endpoint = endpoints[i % endpoints.length];
      const res = await api('POST', `/v1/webhooks/${endpoint.id}/test`, {});
      if (res.status !== 202) throw new Error(`test event refused: ${res.status} ${JSON.stringify(res.body)}`);
      if (endpoint.healthy) expected.add(res.body.eventId);
    });
    const arrived = await pollUntil(async () => {
      const found = new Map<string, Arrival>();
      for (const a of opts.arrivals) if (a.event.test && expected.has(a.event.id) && !found.has(a.event.id)) found.set(a.event.id, a);
      return found.size >= expected.size ? [...found.values()] : undefined;
    }, { timeoutMs: 300_000, intervalMs: 100, what: () => `test events did not all arrive (${expected.size} expected)` });
    const seconds = (Math.max(...arrived.map((a) => a.at)) - firstSend) / 1000;
    return { endpoints: endpoints.length, sent: total, delivered: expected.size, seconds: num(seconds, 2), deliveriesPerSecond: num(expected.size / seconds, 1) };
  };

  const one = await measure([{ id: healthy[0], healthy: true }]);
  const ten = await measure(healthy.map((id) => ({ id, healthy: true })));
  const hanging = await startHangingReceiver();
  const hangingId = await register(api, hanging.url);
  try {
    const tenWithOneHanging = await measure([...healthy.slice(1).map((id) => ({ id, healthy: true })), { id: hangingId, healthy: false }]);
    return { one, ten, tenWithOneHanging: { ...tenWithOneHanging, hangingConnections: hanging.connections() } };
  } finally {
    // The hanging endpoint's deliveries stop: it is deleted and its connections are closed.
    await api('DELETE', `/v1/webhooks/${hangingId}`);
    await hanging.close();
  }
}

import type { ServerResponse } from 'node:http';
import { deliveryWorkflowId } from '../../src/workflows/webhook-ids';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivery {
  id: string; endpointId: string; eventId: string; eventType: string; status: string; attempts: number; lastError: string | null;
  history: { attempt: number; startedAt: string; statusCode: number | null }[];
}

/** Deletion keeps an endpoint's history. */
describe('webhook endpoint deletion', () => {
  let h: Harness;
  let worker: EngineProcess;
  beforeAll(async () => {
    h = await startHarness();
    // Long enough to hold a first attempt open while its endpoint is deleted.
    worker = await h.startWorker({ WEBHOOK_TIMEOUT_MS: '10000' });
  });
  afterAll(() => h?.stop());

  const register = async (url: string, eventTypes: string[], key = h.apiKey) => {
    const res = await h.request('POST', '/v1/webhooks', { url, eventTypes }, {}, key);
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const deliveries = async (query: string, key = h.apiKey): Promise<Delivery[]> => (await h.request('GET', `/v1/webhooks/deliveries?${query}`, undefined, {}, key)).body.data;
  const sendTest = async (endpointId: string, key = h.apiKey) => {
    const res = await h.request('POST', `/v1/webhooks/${endpointId}/test`, { eventType: 'nfts.create.succeeded' }, {}, key);
    expect(res.status).toBe(202);
    return res.body as { deliveryId: string; eventId: string };
  };
  const finished = (query: string, count: number, key = h.apiKey) => until(`${count} finished deliveries (${query})`, async () => {
    const rows = await deliveries(query, key);
    return rows.length === count && rows.every((d) => d.status !== 'pending') ? rows : undefined;
  });

  test('an endpoint deleted while its first attempt is being sent keeps that attempt; the rest of its queue is not sent', async () => {
    let held: ServerResponse | undefined;
    const receiver = await startReceiver((_req, count, res) => {
      if (count === 1) held = res;
      else res.end('ok');
    });
    try {
      const endpoint = await register(receiver.url, []);
      const sent = [await sendTest(endpoint.id), await sendTest(endpoint.id), await sendTest(endpoint.id)];
      await until('the first attempt to arrive', async () => held);

      expect((await h.request('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(204);
      expect((await h.request('GET', `/v1/webhooks/${endpoint.id}`)).status).toBe(404);
      expect((await h.request('GET', '/v1/webhooks')).body.data.map((e: { id: string }) => e.id)).not.toContain(endpoint.id);
      const patched = await h.request('PATCH', `/v1/webhooks/${endpoint.id}`, { description: 'revived?' });
      expect(patched.status).toBe(404);
      expect(patched.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await h.request('POST', `/v1/webhooks/${endpoint.id}/resume`)).status).toBe(404);
      expect((await h.request('POST', `/v1/webhooks/${endpoint.id}/test`)).status).toBe(404);

      // Long enough for the dispatcher to look at the endpoint again before the next delivery of its batch.
      await pause(1500);
      held!.end('ok');
      const rows = await finished(`endpointId=${endpoint.id}`, 3);
      const byId = new Map(rows.map((d) => [d.id, d]));
      expect(byId.get(sent[0].deliveryId)).toMatchObject({ status: 'succeeded', attempts: 1, history: [{ attempt: 1, statusCode: 200 }] });
      for (const later of sent.slice(1)) expect(byId.get(later.deliveryId)).toMatchObject({ status: 'skipped', attempts: 0, history: [] });
      await pause(500);
      expect(receiver.received).toHaveLength(1);
      expect(worker.output()).not.toContain('webhook first attempts could not be recorded');

      // The history stays readable by event too, and a delivery of a deleted endpoint is not sent again.
      expect((await deliveries(`eventId=${sent[0].eventId}`)).map((d) => d.id)).toEqual([sent[0].deliveryId]);
      const bad = await h.request('GET', '/v1/webhooks/deliveries?eventId=dlv_1');
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.eventId']);
      const replay = await h.request('POST', `/v1/webhooks/deliveries/${sent[1].deliveryId}/replay`);
      expect(replay).toMatchObject({ status: 409, body: { code: 'endpoint_deleted' } });
    } finally {
      held?.end();
      await receiver.close();
    }
  });

  test("a deleted endpoint's retries stop: its delivery ends skipped, the attempts made stay listed", async () => {
    // Asking for 5 s before the next attempt leaves time to delete the endpoint while the retry waits.
    const receiver = await startReceiver((_r, _c, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '5');
      res.end('slow down');
    });
    try {
      const endpoint = await register(receiver.url, []);
      const { deliveryId } = await sendTest(endpoint.id);
      await until('the first attempt', async () => ((await deliveries(`endpointId=${endpoint.id}`))[0]?.attempts === 1 ? true : undefined));
      await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
      const [skipped] = await deliveries(`endpointId=${endpoint.id}`);
      expect(skipped).toMatchObject({ id: deliveryId, status: 'skipped', lastError: 'endpoint deleted', attempts: 1, history: [{ attempt: 1, statusCode: 429 }] });
      const retries = h.client.workflow.getHandle(deliveryWorkflowId(deliveryId, 2));
      expect(await retries.result()).toBe('endpoint_inactive');
      expect(receiver.received).toHaveLength(1);
      expect((await deliveries(`endpointId=${endpoint.id}`))[0]).toMatchObject({ status: 'skipped', attempts: 1 });
    } finally {
      await receiver.close();
    }
  });
});

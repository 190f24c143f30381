import type { ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { createWebhookActivities } from '../../src/activities/webhooks';
import { apiUrls } from '../../src/api/urls';
import { ChainRegistry } from '../../src/chain/chains';
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

/** Deletion keeps an endpoint's history; the engine tells a project's endpoints of disabled endpoints and exhausted deliveries. */
describe('webhook endpoint deletion and operational events', () => {
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

  test("an exhausted delivery is told once to each endpoint of the project that subscribed, in Svix's shape; telling it exhausts no further", async () => {
    const project = await h.newProject();
    const failing = await startReceiver((_r, _c, res) => { res.statusCode = 500; res.end('down'); });
    const watcher = await startReceiver();
    const everything = await startReceiver();
    try {
      const broken = await register(failing.url, ['nfts.create.succeeded', 'message.attempt.exhausted'], project.apiKey);
      const watching = await register(watcher.url, ['message.attempt.exhausted'], project.apiKey);
      // No event types means every action event, not the operational ones.
      await register(everything.url, [], project.apiKey);
      const test = await sendTest(broken.id, project.apiKey);
      const [failed] = await finished(`eventId=${test.eventId}`, 1, project.apiKey);
      expect(failed).toMatchObject({ status: 'failed', attempts: 4 });

      await until('the exhausted notice', async () => (watcher.received.length > 0 ? true : undefined));
      const notice = new Webhook(watching.secret).verify(watcher.received[0].body, watcher.received[0].headers as Record<string, string>) as any;
      expect(notice).toEqual({
        id: watcher.received[0].headers['webhook-id'],
        type: 'message.attempt.exhausted',
        timestamp: expect.any(Number),
        data: {
          appId: project.projectId, endpointId: broken.id, msgId: test.eventId,
          lastAttempt: { id: `${test.deliveryId}.4`, responseStatusCode: 500, timestamp: failed.history[3].startedAt },
        },
      });
      // The failing endpoint subscribed too: its delivery of the notice fails, and that makes no second notice.
      const noticeDeliveries = await finished(`eventId=${notice.id}`, 2, project.apiKey);
      expect(Object.fromEntries(noticeDeliveries.map((d) => [d.endpointId, d.status]))).toEqual({ [watching.id]: 'succeeded', [broken.id]: 'failed' });
      await pause(1500);
      const [{ n }] = await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox_events WHERE project_id = $1 AND type = 'message.attempt.exhausted'`, [project.projectId]);
      expect(n).toBe(1);
      expect(watcher.received).toHaveLength(1);
      expect(everything.received).toHaveLength(0);
    } finally {
      await Promise.all([failing, watcher, everything].map((r) => r.close()));
    }
  });

  test('endpoint.disabled is told once per disabling to the subscribed endpoints, never to the one disabled', async () => {
    const project = await h.newProject();
    const gone = await startReceiver((_r, _c, res) => { res.statusCode = 410; res.end(); });
    const failing = await startReceiver((_r, _c, res) => { res.statusCode = 500; res.end(); });
    const watcher = await startReceiver();
    try {
      const watching = await register(watcher.url, ['endpoint.disabled'], project.apiKey);
      const goneEndpoint = await register(gone.url, ['nfts.create.succeeded', 'endpoint.disabled'], project.apiKey);
      const streak = await register(failing.url, ['nfts.create.succeeded', 'endpoint.disabled'], project.apiKey);

      await sendTest(goneEndpoint.id, project.apiKey);
      await until('the 410 notice', async () => (watcher.received.length > 0 ? true : undefined));
      const goneNotice = new Webhook(watching.secret).verify(watcher.received[0].body, watcher.received[0].headers as Record<string, string>);
      expect(goneNotice).toEqual({
        id: expect.stringMatching(/^evt_/), type: 'endpoint.disabled', timestamp: expect.any(Number),
        data: { appId: project.projectId, endpointId: goneEndpoint.id, failSince: null, trigger: 'automatic' },
      });

      // A failing streak past WEBHOOK_DISABLE_AFTER: the delivery workflow's last step, with the limit at zero, twice.
      const { deliveryId, eventId } = await sendTest(streak.id, project.apiKey);
      await finished(`eventId=${eventId}`, 1, project.apiKey);
      const activities = createWebhookActivities({
        db: h.db, chains: new ChainRegistry([]), urls: apiUrls(h.baseUrl), signerTimeoutMs: 1000, confirmationWaitSlots: 1, secrets: h.secrets,
        wakeDispatcher: () => undefined, webhooks: { ...h.webhooks, disableAfterMs: 0 }, metrics: h.metrics,
      });
      await activities.completeDelivery(deliveryId, 'failed');
      await activities.completeDelivery(deliveryId, 'failed');
      const disabled = (await h.request('GET', `/v1/webhooks/${streak.id}`, undefined, {}, project.apiKey)).body;
      expect(disabled).toMatchObject({ status: 'disabled', failingSince: expect.any(String) });
      await until('the streak notice', async () => (watcher.received.length > 1 ? true : undefined));
      expect(JSON.parse(watcher.received[1].body)).toMatchObject({
        type: 'endpoint.disabled', data: { appId: project.projectId, endpointId: streak.id, failSince: disabled.failingSince, trigger: 'automatic' },
      });

      await pause(1500);
      expect(watcher.received).toHaveLength(2);
      // Both disabled endpoints subscribed to endpoint.disabled; neither was told of its own disabling.
      const toldOf = (receiver: typeof gone) => receiver.received.map((r) => JSON.parse(r.body)).filter((e) => e.type === 'endpoint.disabled').map((e) => e.data.endpointId);
      expect(toldOf(gone)).toEqual([]);
      expect(toldOf(failing)).not.toContain(streak.id);
    } finally {
      await Promise.all([gone, failing, watcher].map((r) => r.close()));
    }
  });
});

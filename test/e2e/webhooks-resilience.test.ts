import { scheduleSpanning } from '../../src/config';
import { deliveryWorkflowId } from '../../src/workflows/webhook-ids';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness, type EngineProcess } from '../support/harness';
import { startReceiver } from '../support/receiver';

describe('webhooks under load and crashes', () => {
  let h: Harness;
  let worker: EngineProcess;
  let collection: { id: string };
  beforeAll(async () => {
    h = await startHarness();
    worker = await h.startWorker();
    collection = await h.deployCollection('erc721');
  });
  afterAll(() => h?.stop());

  const register = async (url: string) => (await h.request('POST', '/v1/webhooks', { url, eventTypes: ['nfts.create.succeeded'] })).body as { id: string };
  const mintMany = async (count: number, tag: string) => {
    const posts = await Promise.all(Array.from({ length: count }, (_, i) =>
      h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: `${tag} ${i}` } })));
    return posts.map((p) => p.body.actionId as string);
  };
  const deliveryRows = (endpointIds: string[]) => h.db.query<{ endpoint_id: string; event_id: string; status: string; attempts: number; updated_at: Date }>(
    'SELECT endpoint_id, event_id, status, attempts, updated_at FROM webhook_deliveries WHERE endpoint_id = ANY($1)', [endpointIds]);
  const allFinished = async (endpointIds: string[], expected: number, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await deliveryRows(endpointIds);
      if (rows.length === expected && rows.every((r) => r.status !== 'pending')) return rows;
      if (Date.now() > deadline) throw new Error(`${rows.filter((r) => r.status !== 'pending').length}/${expected} deliveries finished`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  test('100 events to 5 endpoints, one of them hanging: the other 4 get every event at the first attempt, without waiting for it', async () => {
    const healthy = await Promise.all([1, 2, 3, 4].map(() => startReceiver()));
    const hanging = await startReceiver(() => undefined);
    const healthyIds = await Promise.all(healthy.map((r) => register(r.url)));
    const hangingId = await register(hanging.url);
    const actionIds = await mintMany(100, 'Load');
    const rows = await allFinished([...healthyIds, hangingId].map((e) => e.id), 500, 180_000);

    const ok = rows.filter((r) => r.endpoint_id !== hangingId.id);
    expect(ok).toHaveLength(400);
    expect(ok.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    const stuck = rows.filter((r) => r.endpoint_id === hangingId.id);
    expect(stuck.every((r) => r.status === 'failed' && r.attempts === 4)).toBe(true);
    // Every healthy delivery was done before the hanging endpoint's delivery of the same event gave up.
    const gaveUp = new Map(stuck.map((r) => [r.event_id, new Date(r.updated_at).getTime()]));
    expect(ok.filter((r) => new Date(r.updated_at).getTime() >= gaveUp.get(r.event_id)!)).toEqual([]);
    for (const receiver of healthy) {
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(actionIds.length);
    }
    await Promise.all([...healthy, hanging].map((r) => r.close()));
    await Promise.all([...healthyIds, hangingId].map((e) => h.request('DELETE', `/v1/webhooks/${e.id}`)));
  });

  test('the worker killed during a fan-out: after a restart each event reaches each endpoint, one delivery per pair', async () => {
    const receivers = await Promise.all([1, 2, 3, 4, 5].map(() => startReceiver()));
    const endpoints = await Promise.all(receivers.map((r) => register(r.url)));
    const actionIds = await mintMany(10, 'Fan-out crash');
    await h.waitForAction(actionIds[0], (a) => a.status !== 'pending', 60_000);
    await worker.kill();
    worker = await h.startWorker();
    const rows = await allFinished(endpoints.map((e) => e.id), 50);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    expect(new Set(rows.map((r) => `${r.endpoint_id}/${r.event_id}`)).size).toBe(50);
    const eventIds = new Set(rows.map((r) => r.event_id));
    for (const receiver of receivers) {
      // At least once, and every repeat carries the same webhook-id for the receiver to drop.
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(eventIds);
    }
    await Promise.all(receivers.map((r) => r.close()));
  });

  test('a receiver answering 429 with Retry-After is left alone that long before the next attempt', async () => {
    // The retry schedule here is 0, 300 ms, 600 ms, 900 ms: the receiver asks for 2 s, then 1 s.
    const receiver = await startReceiver((_r, count, res) => {
      if (count < 3) {
        res.statusCode = 429;
        res.setHeader('retry-after', count === 1 ? '2' : '1');
      }
      res.end();
    });
    const endpoint = (await h.request('POST', '/v1/webhooks', { url: receiver.url })).body as { id: string };
    try {
      expect((await h.request('POST', `/v1/webhooks/${endpoint.id}/test`)).status).toBeLessThan(300);
      const [row] = await allFinished([endpoint.id], 1, 30_000);
      expect(row).toMatchObject({ status: 'succeeded', attempts: 3 });
      const [first, second, third] = receiver.received.map((r) => r.at);
      expect(second - first).toBeGreaterThanOrEqual(2000);
      expect(third - second).toBeGreaterThanOrEqual(1000);
    } finally {
      await receiver.close();
      await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
    }
  });

  test('WEBHOOK_RETRY_WINDOW=3d gives a delivery workflow a schedule spanning 3 days', async () => {
    const receiver = await startReceiver((_r, _c, res) => { res.statusCode = 500; res.end(); });
    const api = await h.startApi({ WEBHOOK_RETRY_WINDOW: '3d', WEBHOOK_RETRY_SCHEDULE: '' });
    const endpoint = (await h.request('POST', '/v1/webhooks', { url: receiver.url })).body as { id: string };
    let workflowId: string | undefined;
    try {
      const { deliveryId } = (await h.request('POST', `/v1/webhooks/${endpoint.id}/test`)).body as { deliveryId: string };
      expect(await allFinished([endpoint.id], 1, 30_000)).toMatchObject([{ status: 'failed', attempts: 4 }]);
      // A replay through the API configured with the window starts the delivery's workflow with its schedule.
      const replay = await fetch(`${api.url}/v1/webhooks/deliveries/${deliveryId}/replay`, { method: 'POST', headers: { 'x-api-key': h.apiKey } });
      expect(replay.status).toBe(202);
      workflowId = deliveryWorkflowId(deliveryId, 5);
      const [started] = (await h.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const [input] = (started.workflowExecutionStartedEventAttributes!.input!.payloads ?? [])
        .map((p) => JSON.parse(Buffer.from(p.data!).toString('utf8')) as { retryScheduleMs: number[]; firstAttempt: number });
      expect(input.firstAttempt).toBe(5);
      expect(input.retryScheduleMs).toEqual(scheduleSpanning(3 * 86_400_000));
      expect(input.retryScheduleMs.slice(0, 4)).toEqual([0, 5_000, 10_000, 20_000]);
      expect(input.retryScheduleMs.reduce((a, b) => a + b)).toBe(3 * 86_400_000);
    } finally {
      if (workflowId) await h.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
      await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
      await api.stop();
      await receiver.close();
    }
  });
});

import { Webhook } from 'standardwebhooks';
import { createWebhookActivities } from '../../src/activities/webhooks';
import { apiUrls } from '../../src/api/urls';
import { ChainRegistry } from '../../src/chain/chains';
import { insertOutboxEvents } from '../../src/store/outbox';
import { deliveryWorkflowId } from '../../src/workflows/webhook-ids';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { freePort } from '../../src/stack/ports';
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

describe('webhooks', () => {
  let h: Harness;
  let collection: { id: string; address: string };
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    collection = await h.deployCollection('erc721');
  });
  afterAll(() => h?.stop());

  const register = async (url: string, extra: Record<string, unknown> = {}, key = h.apiKey) => {
    const res = await h.request('POST', '/v1/webhooks', { url, eventTypes: ['nfts.create.succeeded', 'nfts.create.failed'], ...extra }, {}, key);
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const mint = async (name: string, key = h.apiKey, collectionId = collection.id) => {
    const res = await h.request('POST', `/v1/collections/${collectionId}/nfts`, { recipient: ALICE, metadata: { name } }, {}, key);
    expect(res.status).toBe(202);
    return h.waitForAction(res.body.actionId, undefined, 120_000, key);
  };
  const deliveriesOf = async (endpointId: string) => (await h.request('GET', `/v1/webhooks/deliveries?endpointId=${endpointId}`)).body.data;
  const finishedDelivery = (endpointId: string) => until('a finished delivery', async () => {
    const [d] = await deliveriesOf(endpointId);
    return d && d.status !== 'pending' ? d : undefined;
  });

  test('the catalogue lists every event type with an example', async () => {
    const res = await h.request('GET', '/v1/webhooks/event-types');
    expect(res.body.data.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining([
      'collections.create.succeeded', 'collections.create.failed', 'tokenTypes.create.succeeded', 'tokenTypes.create.failed',
      'nfts.create.succeeded', 'nfts.create.failed', 'nfts.update.succeeded', 'nfts.update.failed',
      'nfts.createBatch.succeeded', 'nfts.createBatch.failed',
    ]));
    expect(res.body.data[0].example).toMatchObject({ type: res.body.data[0].type, actionId: expect.any(String), data: expect.any(Object) });
  });

  test('a receiver verifying with the standardwebhooks library gets the mint event once', async () => {
    const receiver = await startReceiver();
    const endpoint = await register(receiver.url);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const shown = await h.request('GET', `/v1/webhooks/${endpoint.id}`);
    expect(JSON.stringify(shown.body)).not.toContain(endpoint.secret);

    const action = await mint('Hooked');
    const delivery = await finishedDelivery(endpoint.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, eventType: 'nfts.create.succeeded', history: [{ attempt: 1, statusCode: 200, responseBody: 'ok', error: null }] });
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    const event = new Webhook(endpoint.secret).verify(req.body, req.headers as Record<string, string>) as any;
    expect(event).toMatchObject({
      type: 'nfts.create.succeeded', actionId: action.actionId, startedAt: action.startedAt, completedAt: action.completedAt,
      data: { chain: 'anvil', txId: action.txId, collection: { id: collection.id, contractAddress: collection.address }, recipient: { walletAddress: ALICE },
        token: { id: action.resource.id, tokenId: action.resource.tokenId, owner: { walletAddress: ALICE } } },
    });
    expect(req.headers['webhook-id']).toBe(event.id);
    const ofAction = await h.request('GET', `/v1/webhooks/deliveries?actionId=${action.actionId}&endpointId=${endpoint.id}`);
    expect(ofAction.body.data.map((d: { id: string }) => d.id)).toEqual([delivery.id]);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  /** A receiver that answers after `ms`, counting the requests it holds at once. */
  const slowReceiver = async (ms: number) => {
    let open = 0;
    let most = 0;
    const receiver = await startReceiver((_req, _count, res) => {
      most = Math.max(most, ++open);
      setTimeout(() => { open--; res.end('ok'); }, ms);
    });
    return { ...receiver, mostAtOnce: () => most };
  };
  const sendTestEvents = async (endpointId: string, count: number) => {
    const sent: string[] = [];
    for (let i = 0; i < count; i++) sent.push((await h.request('POST', `/v1/webhooks/${endpointId}/test`)).body.eventId);
    return sent;
  };

  test('an ordered endpoint gets its first attempts one at a time in the order the events happened, each once', async () => {
    const receiver = await slowReceiver(20);
    const endpoint = await register(receiver.url, { ordered: true });
    expect((await h.request('GET', `/v1/webhooks/${endpoint.id}`)).body.ordered).toBe(true);
    const sent = await sendTestEvents(endpoint.id, 30);
    await until('30 deliveries', async () => (receiver.received.length >= 30 ? true : undefined));
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(sent);
    expect(receiver.mostAtOnce()).toBe(1);
    // Attempts are written after they are sent: the last ones may arrive before they are recorded.
    const deliveries = await until('the deliveries recorded', async () => {
      const listed = await deliveriesOf(endpoint.id);
      return listed.every((d: { status: string }) => d.status !== 'pending') ? listed : undefined;
    });
    expect(deliveries.every((d: { status: string; attempts: number }) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('an endpoint that does not ask for order (the default) gets a burst several at a time, each event once', async () => {
    const receiver = await slowReceiver(200);
    const endpoint = await register(receiver.url);
    expect((await h.request('GET', `/v1/webhooks/${endpoint.id}`)).body.ordered).toBe(false);
    // Recorded together, as a block's mints are: the dispatcher finds them in one round.
    const ids = Array.from({ length: 20 }, (_, i) => `evt_burst_${endpoint.id.slice(0, 8)}_${i}`);
    await insertOutboxEvents(h.db, ids.map((id) => ({
      id, project_id: h.projectId, type: 'nfts.create.succeeded', payload: { id, type: 'nfts.create.succeeded', data: {} },
    })));
    await until('20 deliveries', async () => (receiver.received.length >= 20 ? true : undefined));
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    expect(receiver.received).toHaveLength(20);
    expect(receiver.mostAtOnce()).toBeGreaterThan(1);
    expect(receiver.mostAtOnce()).toBeLessThanOrEqual(8);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('a receiver down for two attempts then up gets the event once, after two recorded failures', async () => {
    const receiver = await startReceiver((_req, count, res) => {
      res.statusCode = count <= 2 ? 503 : 200;
      res.end(count <= 2 ? 'busy' : 'ok');
    });
    const endpoint = await register(receiver.url);
    await mint('Retried');
    const delivery = await finishedDelivery(endpoint.id);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.history.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 200]);
    expect(delivery.history[0]).toMatchObject({ error: 'HTTP 503', responseBody: 'busy' });
    // The first attempt was the dispatcher's; the retries ran in the delivery's workflow from attempt 2.
    await h.recordWorkflowHistory('webhook-delivery-retried', deliveryWorkflowId(delivery.id, 2));
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('4xx, timeouts, refused connections and slow bodies are each recorded; the last attempt fails the delivery', async () => {
    const cases: [string, (port: number) => Promise<{ url: string; close(): Promise<void> }>, RegExp][] = [
      ['4xx', async () => startReceiver((_r, _c, res) => { res.statusCode = 422; res.end('nope'); }), /^HTTP 422$/],
      ['timeout', async () => startReceiver(() => undefined), /^timed out after 1500 ms$/],
      ['slow body', async () => startReceiver((_r, _c, res) => { res.writeHead(200); res.write('partial'); }), /^timed out after 1500 ms$/],
      ['refused', async (port) => ({ url: `http://127.0.0.1:${port}/hooks`, close: async () => undefined }), /ECONNREFUSED/],
    ];
    for (const [name, start, error] of cases) {
      const receiver = await start(await freePort());
      const endpoint = await register(receiver.url);
      await mint(`Failing ${name}`);
      const delivery = await finishedDelivery(endpoint.id);
      expect({ name, status: delivery.status, attempts: delivery.attempts }).toEqual({ name, status: 'failed', attempts: 4 });
      for (const attempt of delivery.history) expect({ name, error: attempt.error }).toEqual({ name, error: expect.stringMatching(error) });
      await receiver.close();
      await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
    }
  });

  test('basic and header authentication arrive as configured, and are never shown back', async () => {
    const receiver = await startReceiver();
    const basic = await register(receiver.url, { auth: { type: 'basic', username: 'engine', password: 's3cret-pass' } });
    const header = await register(receiver.url, { auth: { type: 'header', name: 'X-Api-Key', value: 'key-123456' } });
    const shown = await h.request('GET', '/v1/webhooks');
    expect(JSON.stringify(shown.body)).not.toMatch(/s3cret-pass|key-123456/);
    await mint('Authenticated');
    await finishedDelivery(basic.id);
    await finishedDelivery(header.id);
    expect(receiver.received.map((r) => r.headers.authorization).filter(Boolean)).toEqual([`Basic ${Buffer.from('engine:s3cret-pass').toString('base64')}`]);
    expect(receiver.received.map((r) => r.headers['x-api-key']).filter(Boolean)).toEqual(['key-123456']);
    const [{ n }] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE auth_sealed LIKE '%s3cret%' OR secret_sealed LIKE 'whsec_%'`);
    expect(n).toBe(0);
    const [{ plain }] = await h.db.query<{ plain: number }>(`SELECT count(*)::int AS plain FROM projects WHERE signer_secret_sealed LIKE 'whsec_%'`);
    expect(plain).toBe(0);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${basic.id}`);
    await h.request('DELETE', `/v1/webhooks/${header.id}`);
  });

  test('a paused endpoint receives nothing; a 410 Gone disables the endpoint and says why', async () => {
    const receiver = await startReceiver((_r, _c, res) => { res.statusCode = 410; res.end('gone'); });
    const paused = await register(receiver.url);
    expect((await h.request('POST', `/v1/webhooks/${paused.id}/pause`)).body.status).toBe('paused');
    const gone = await register(receiver.url);
    await mint('Paused and gone');
    const delivery = await finishedDelivery(gone.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, history: [{ statusCode: 410 }] });
    const endpoint = await h.request('GET', `/v1/webhooks/${gone.id}`);
    expect(endpoint.body).toMatchObject({ status: 'disabled', disabledReason: 'the receiver answered 410 Gone' });
    expect((await deliveriesOf(paused.id)).map((d: { status: string }) => d.status)).toEqual(['skipped']);
    expect(receiver.received).toHaveLength(1);
    await receiver.close();
  });

  test("project A's endpoints never receive project B's events", async () => {
    const receiver = await startReceiver();
    const mine = await register(receiver.url);
    const other = await h.newProject();
    const theirCollection = await h.deployCollection('erc721', {}, other.apiKey);
    await mint('Theirs', other.apiKey, theirCollection.id);
    await mint('Mine');
    await finishedDelivery(mine.id);
    const events = receiver.received.map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.data.collection.id)).toEqual([collection.id]);
    expect((await h.request('GET', `/v1/webhooks/${mine.id}`, undefined, {}, other.apiKey)).status).toBe(404);
    await receiver.close();
  });

  test('a receiver that never recovers ends failed; replaying it after it recovers succeeds, continuing the history', async () => {
    let up = false;
    const receiver = await startReceiver((_r, _c, res) => { res.statusCode = up ? 200 : 500; res.end(); });
    const endpoint = await register(receiver.url);
    await mint('Outage');
    const failed = await finishedDelivery(endpoint.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });
    up = true;
    const replay = await h.request('POST', `/v1/webhooks/deliveries/${failed.id}/replay`);
    expect(replay.status).toBe(202);
    const replayed = await until('the replay', async () => {
      const [d] = await deliveriesOf(endpoint.id);
      return d.status === 'succeeded' ? d : undefined;
    });
    expect(replayed.history.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([[1, 500], [2, 500], [3, 500], [4, 500], [5, 200]]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('a paused endpoint gets its backlog on resume only through a replay since the outage', async () => {
    const receiver = await startReceiver();
    const endpoint = await register(receiver.url);
    const since = new Date().toISOString();
    await h.request('POST', `/v1/webhooks/${endpoint.id}/pause`);
    await mint('While paused');
    const skipped = await finishedDelivery(endpoint.id);
    expect(skipped).toMatchObject({ status: 'skipped', attempts: 0, lastError: 'endpoint paused' });
    await h.request('POST', `/v1/webhooks/${endpoint.id}/resume`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.received).toHaveLength(0);
    const replay = await h.request('POST', `/v1/webhooks/${endpoint.id}/replay`, { since });
    expect(replay.body.replayed).toEqual([skipped.id]);
    await until('the backlog', async () => ((await deliveriesOf(endpoint.id))[0].status === 'succeeded' ? true : undefined));
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0].body).type).toBe('nfts.create.succeeded');
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('a rotated secret signs beside the old one during the grace period', async () => {
    const receiver = await startReceiver();
    const endpoint = await register(receiver.url);
    const rotated = await h.request('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    const test = await h.request('POST', `/v1/webhooks/${endpoint.id}/test`, { eventType: 'nfts.update.succeeded' });
    expect(test.status).toBe(202);
    await finishedDelivery(endpoint.id);
    const [req] = receiver.received;
    for (const secret of [endpoint.secret, rotated.body.secret]) {
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ type: 'nfts.update.succeeded', test: true });
    }
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('an endpoint can be changed: event types, filters and URL', async () => {
    const receiver = await startReceiver();
    const endpoint = await register('http://127.0.0.1:9/unused');
    const patched = await h.request('PATCH', `/v1/webhooks/${endpoint.id}`, { url: receiver.url, eventTypes: ['nfts.update.succeeded'], filters: { collectionId: collection.id } });
    expect(patched.body).toMatchObject({ url: receiver.url, eventTypes: ['nfts.update.succeeded'], filters: { collectionId: collection.id } });
    const action = await mint('Filtered');
    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${action.resource.id}`, { metadata: { name: 'Filtered v2' } });
    await h.waitForAction(update.body.actionId);
    const delivery = await finishedDelivery(endpoint.id);
    expect(delivery.eventType).toBe('nfts.update.succeeded');
    expect(receiver.received).toHaveLength(1);
    await receiver.close();
    await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
  });

  test('an endpoint whose deliveries keep failing past WEBHOOK_DISABLE_AFTER is disabled, and says since when', async () => {
    const receiver = await startReceiver((_r, _c, res) => { res.statusCode = 500; res.end(); });
    const endpoint = await register(receiver.url);
    await mint('Streak 1');
    const first = await finishedDelivery(endpoint.id);
    expect(first.status).toBe('failed');
    expect((await h.request('GET', `/v1/webhooks/${endpoint.id}`)).body).toMatchObject({ status: 'active', failingSince: first.createdAt });
    // The same activity the delivery workflow runs, with the streak limit at zero: the next failure disables.
    const chains = new ChainRegistry([]);
    const activities = createWebhookActivities({
      db: h.db, chains, urls: apiUrls(h.baseUrl), signerTimeoutMs: 1000, confirmationWaitSlots: 1, secrets: h.secrets,
      wakeDispatcher: () => undefined, webhooks: { ...h.webhooks, disableAfterMs: 0 }, metrics: h.metrics,
    });
    await activities.completeDelivery(first.id, 'failed');
    const disabled = (await h.request('GET', `/v1/webhooks/${endpoint.id}`)).body;
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: `every delivery failed since ${first.createdAt.replace(/\.\d+Z$/, 'Z')}` });
    await receiver.close();
  });

  test('bad endpoint registrations are refused with the field named', async () => {
    for (const [body, field] of [
      [{ url: 'ftp://example.com/x' }, 'body.url'],
      [{ url: 'http://127.0.0.1/x', eventTypes: ['nfts.burned'] }, 'body.eventTypes.0'],
      [{ url: 'http://127.0.0.1/x', auth: { type: 'header', name: 'webhook-signature', value: 'x' } }, 'body.auth.name'],
    ] as const) {
      const res = await h.request('POST', '/v1/webhooks', body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});

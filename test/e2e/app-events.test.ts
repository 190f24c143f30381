import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ALICE, BOB } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { openApiValidator } from '../support/openapi';
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

describe('application events', () => {
  let h: Harness;
  let collection: { id: string; address: string };
  let nft: { id: string; tokenId: string };
  let v: ReturnType<typeof openApiValidator>;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    collection = await h.deployCollection('erc721');
    const minted = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Liked' } });
    const action = await h.waitForAction(minted.body.actionId);
    nft = { id: action.resource.id, tokenId: action.resource.tokenId };
    v = openApiValidator(await (await fetch(`${h.baseUrl}/openapi.json`)).json() as Record<string, unknown>);
  });
  afterAll(() => h?.stop());

  const deliveriesOf = async (endpointId: string) => (await h.request('GET', `/v1/webhooks/deliveries?endpointId=${endpointId}`)).body.data;

  test('an event is recorded, listed, and delivered signed to the endpoints naming its type, within their filters', async () => {
    const named = await startReceiver();
    const unnamed = await startReceiver();
    const filtered = await startReceiver();
    const endpoints: string[] = [];
    try {
      const register = async (url: string, extra: Record<string, unknown>) => {
        const res = await h.request('POST', '/v1/webhooks', { url, ...extra });
        expect(res.status).toBe(201);
        endpoints.push(res.body.id);
        return res.body as { id: string; secret: string };
      };
      const creator = await register(named.url, { eventTypes: ['nft.sale', 'nft.like'], filters: { collectionId: collection.id } });
      const everyAction = await register(unnamed.url, {});
      const elsewhere = await register(filtered.url, { eventTypes: ['nft.sale'], filters: { collectionId: randomUUID() } });

      const sale = await h.request('POST', '/v1/events', { type: 'nft.sale', nftId: nft.id, actor: BOB.toLowerCase(), data: { price: '1000', currency: 'ETH' } });
      expect(sale.status).toBe(201);
      v.response('POST', '/v1/events', 201, sale.body);
      expect(sale.body).toMatchObject({
        id: expect.stringMatching(/^evt_/), type: 'nft.sale', actor: BOB, data: { price: '1000', currency: 'ETH' },
        nft: { id: nft.id, collectionId: collection.id, chain: 'anvil', contractAddress: collection.address, tokenId: nft.tokenId },
      });
      const comment = await h.request('POST', '/v1/events', { type: 'nft.comment', chain: 'anvil', contractAddress: collection.address, tokenId: nft.tokenId, data: { text: 'nice' } });
      expect(comment.status).toBe(201);
      expect(comment.body).toMatchObject({ type: 'nft.comment', actor: null, nft: { id: nft.id } });

      const delivery = await until('the sale delivered', async () => {
        const [d] = await deliveriesOf(creator.id);
        return d && d.status !== 'pending' ? d : undefined;
      });
      expect(delivery).toMatchObject({ status: 'succeeded', eventType: 'nft.sale', eventId: sale.body.id });
      expect(named.received).toHaveLength(1);
      const [req] = named.received;
      const event = new Webhook(creator.secret).verify(req.body, req.headers as Record<string, string>) as Record<string, unknown>;
      expect(event).toEqual(sale.body);
      expect(req.headers['webhook-id']).toBe(sale.body.id);
      v.webhook(event);

      // Both events were dispatched by now (in order): neither went to the endpoint naming no type, nor outside the filter.
      await until('both events dispatched', async () => {
        const rows = await h.db.query<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM outbox_events WHERE id = ANY($1)', [[sale.body.id, comment.body.id]]);
        return rows.length === 2 && rows.every((r) => r.dispatched_at) ? true : undefined;
      });
      expect(await deliveriesOf(everyAction.id)).toEqual([]);
      expect(await deliveriesOf(elsewhere.id)).toEqual([]);
      expect(unnamed.received).toHaveLength(0);
      expect(filtered.received).toHaveLength(0);

      const listed = await h.request('GET', '/v1/events');
      v.response('GET', '/v1/events', 200, listed.body);
      expect(listed.body.data.map((e: { id: string }) => e.id)).toEqual([comment.body.id, sale.body.id]);
      const sales = await h.request('GET', `/v1/events?type=nft.sale&nftId=${nft.id}`);
      expect(sales.body.data.map((e: { id: string }) => e.id)).toEqual([sale.body.id]);
    } finally {
      for (const id of endpoints) await h.request('DELETE', `/v1/webhooks/${id}`);
      await Promise.all([named.close(), unnamed.close(), filtered.close()]);
    }
  });

  test('Idempotency-Key: the same request returns the same event, another request with the key is refused', async () => {
    const key = `like-${randomUUID()}`;
    const body = { type: 'nft.like', nftId: nft.id, actor: BOB };
    const first = await h.request('POST', '/v1/events', body, { 'Idempotency-Key': key });
    const again = await h.request('POST', '/v1/events', body, { 'Idempotency-Key': key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await h.request('POST', '/v1/events', { ...body, type: 'nft.gift' }, { 'Idempotency-Key': key });
    expect([other.status, other.body.code]).toEqual([422, 'idempotency_key_reused']);
    const likes = await h.request('GET', `/v1/events?type=nft.like`);
    expect(likes.body.data.filter((e: { id: string }) => e.id === first.body.id)).toHaveLength(1);
  });

  test('bad input is a problem naming the field, and nothing is recorded', async () => {
    const before = (await h.request('GET', '/v1/events?limit=100')).body.data.length;
    for (const [body, field] of [
      [{ type: 'nft.dance', nftId: nft.id }, 'body.type'],
      [{ type: 'nft.like' }, 'body.chain'],
      [{ type: 'nft.like', chain: 'anvil', contractAddress: collection.address }, 'body.tokenId'],
      [{ type: 'nft.like', nftId: nft.id, tokenId: '1' }, 'body.nftId'],
      [{ type: 'nft.like', nftId: nft.id, actor: '0x1234' }, 'body.actor'],
      [{ type: 'nft.like', nftId: nft.id, data: { blob: 'x'.repeat(17 * 1024) } }, 'body.data'],
      [{ type: 'nft.like', nftId: nft.id, extra: true }, 'body'],
      [{ type: 'nft.like', chain: 'anvil', contractAddress: collection.address, tokenId: '999999' }, 'body.tokenId'],
    ] as const) {
      const res = await h.request('POST', '/v1/events', body);
      expect([JSON.stringify(body).slice(0, 80), res.status, res.headers.get('content-type')]).toEqual([JSON.stringify(body).slice(0, 80), 400, expect.stringContaining('application/problem+json')]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await h.request('GET', '/v1/events?type=nft.nope')).body.errors[0].field).toBe('query.type');
    expect((await h.request('GET', '/v1/events?limit=100')).body.data.length).toBe(before);
  });

  test("projects are isolated: another project's NFT is not found, and its events are its own", async () => {
    const other = await h.newProject();
    const res = await h.request('POST', '/v1/events', { type: 'nft.like', nftId: nft.id }, {}, other.apiKey);
    expect([res.status, res.body.code]).toEqual([404, 'not_found']);
    const byToken = await h.request('POST', '/v1/events', { type: 'nft.like', chain: 'anvil', contractAddress: collection.address, tokenId: nft.tokenId }, {}, other.apiKey);
    expect(byToken.status).toBe(400);
    expect((await h.request('GET', '/v1/events', undefined, {}, other.apiKey)).body.data).toEqual([]);
  });
});

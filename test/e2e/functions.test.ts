import { Webhook } from 'standardwebhooks';
import { freePort } from '../../src/stack/ports';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { openApiValidator } from '../support/openapi';
import { startReceiver } from '../support/receiver';

const MINT_ROUTE = '/v1/collections/{collectionId}/nfts';

describe('functions before and after API calls', () => {
  let h: Harness;
  let collection: { id: string };
  let v: ReturnType<typeof openApiValidator>;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    collection = await h.deployCollection('erc721');
    v = openApiValidator(await (await fetch(`${h.baseUrl}/openapi.json`)).json() as Record<string, unknown>);
  });
  afterAll(() => h?.stop());

  const addFunction = async (body: Record<string, unknown>, key = h.apiKey) => {
    const res = await h.request('POST', '/v1/functions', body, {}, key);
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
    v.response('POST', '/v1/functions', 201, res.body);
    return res.body as { id: string; secret: string; route: string };
  };
  const removeFunction = (id: string, key = h.apiKey) => h.request('DELETE', `/v1/functions/${id}`, undefined, {}, key);
  const mint = (name: string, key = h.apiKey) =>
    h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name } }, {}, key);
  const actionCount = async () => (await h.request('GET', `/v1/actions?collectionId=${collection.id}&limit=100`)).body.data.length;

  test('functions are created, listed, changed and deleted; the secret is shown once; bad input names the field', async () => {
    const created = await addFunction({ route: 'POST /v1/collections/:id/nfts', phase: 'pre', url: 'http://127.0.0.1:9/fn' });
    try {
      expect(created).toMatchObject({ route: 'POST /v1/collections/:collectionId/nfts', phase: 'pre', timeoutMs: 3000, enabled: true, order: 0, secret: expect.stringMatching(/^whsec_/) });
      const shown = await h.request('GET', `/v1/functions/${created.id}`);
      v.response('GET', '/v1/functions/{functionId}', 200, shown.body);
      expect(JSON.stringify(shown.body)).not.toContain(created.secret);
      const listed = await h.request('GET', '/v1/functions');
      v.response('GET', '/v1/functions', 200, listed.body);
      expect(listed.body.data.map((f: { id: string }) => f.id)).toContain(created.id);
      expect(JSON.stringify(listed.body)).not.toContain(created.secret);
      const changed = await h.request('PATCH', `/v1/functions/${created.id}`, { enabled: false, timeoutMs: 10_000, route: '*' });
      expect(changed.body).toMatchObject({ enabled: false, timeoutMs: 10_000, route: '*' });

      for (const [body, field] of [
        [{ route: 'POST /v1/nowhere', phase: 'pre', url: 'http://127.0.0.1:9/fn' }, 'body.route'],
        [{ route: 'GET /v1/collections', phase: 'pre', url: 'http://127.0.0.1:9/fn' }, 'body.route'],
        [{ route: 'POST /v1/functions', phase: 'pre', url: 'http://127.0.0.1:9/fn' }, 'body.route'],
        [{ route: '*', phase: 'during', url: 'http://127.0.0.1:9/fn' }, 'body.phase'],
        [{ route: '*', phase: 'post', url: 'ftp://127.0.0.1/fn' }, 'body.url'],
        [{ route: '*', phase: 'post', url: 'http://127.0.0.1:9/fn', timeoutMs: 10_001 }, 'body.timeoutMs'],
        [{ route: '*', phase: 'post', url: 'http://127.0.0.1:9/fn', secret: 'mine' }, 'body'],
      ] as const) {
        const res = await h.request('POST', '/v1/functions', body);
        expect([res.status, res.headers.get('content-type')]).toEqual([400, expect.stringContaining('application/problem+json')]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        v.response('POST', '/v1/functions', 400, res.body, 'application/problem+json');
      }
    } finally {
      expect((await removeFunction(created.id)).status).toBe(204);
    }
    expect((await h.request('GET', `/v1/functions/${created.id}`)).status).toBe(404);
    expect((await removeFunction(created.id)).status).toBe(404);
  });

  test('a pre-function answering 402 refuses the mint with its status and body; nothing is stored; the call is signed', async () => {
    const receiver = await startReceiver((_r, _c, res) => res.writeHead(402, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'insufficient credits' })));
    const fn = await addFunction({ route: 'POST /v1/collections/:collectionId/nfts', phase: 'pre', url: receiver.url });
    try {
      const before = await actionCount();
      const res = await mint('Refused');
      expect(res.status).toBe(402);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'function_rejected', status: 402, functionId: fn.id, functionBody: { reason: 'insufficient credits' } });
      v.response('POST', MINT_ROUTE, 402, res.body, 'application/problem+json');
      expect(await actionCount()).toBe(before);

      expect(receiver.received).toHaveLength(1);
      const [call] = receiver.received;
      const payload = new Webhook(fn.secret).verify(call.body, call.headers as Record<string, string>) as any;
      expect(payload).toMatchObject({
        type: 'function.pre', functionId: fn.id, method: 'POST', route: 'POST /v1/collections/:collectionId/nfts',
        path: `/v1/collections/${collection.id}/nfts`, params: { collectionId: collection.id }, projectId: h.projectId,
        body: { recipient: ALICE, metadata: { name: 'Refused' } },
      });
      expect(payload.response).toBeUndefined();
      expect(() => new Webhook(`whsec_${Buffer.from('another secret, 24 bytes!').toString('base64')}`).verify(call.body, call.headers as Record<string, string>)).toThrow();
    } finally {
      await removeFunction(fn.id);
      await receiver.close();
    }
  });

  test('a pre-function that times out, or cannot be reached, gives 503 function_unavailable and nothing is stored', async () => {
    const hanging = await startReceiver(() => undefined);
    const slow = await addFunction({ route: '*', phase: 'pre', url: hanging.url, timeoutMs: 300 });
    try {
      const before = await actionCount();
      const started = Date.now();
      const res = await mint('Timed out');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'function_unavailable', functionId: slow.id, detail: expect.stringContaining('timed out after 300 ms') });
      v.response('POST', MINT_ROUTE, 503, res.body, 'application/problem+json');
      expect(hanging.received).toHaveLength(1);
      expect(await actionCount()).toBe(before);
    } finally {
      await removeFunction(slow.id);
      await hanging.close();
    }
    const closedPort = await freePort();
    const unreachable = await addFunction({ route: '*', phase: 'pre', url: `http://127.0.0.1:${closedPort}/fn` });
    try {
      const before = await actionCount();
      const res = await mint('Unreachable');
      expect(res.body).toMatchObject({ status: 503, code: 'function_unavailable', functionId: unreachable.id });
      expect(await actionCount()).toBe(before);
    } finally {
      await removeFunction(unreachable.id);
    }
  });

  test('pre-functions run in order; a failing post-function gives 207 with the normal answer, and the mint still completes', async () => {
    const calls: string[] = [];
    const ok = (name: string) => startReceiver((r, _c, res) => {
      calls.push(`${name}:${JSON.parse(r.body).type}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const second = await ok('second');
    const first = await ok('first');
    const broken = await startReceiver((r, _c, res) => {
      calls.push(`broken:${JSON.parse(r.body).type}`);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"ledger down"}');
    });
    const fns = [
      await addFunction({ route: 'POST /v1/collections/:collectionId/nfts', phase: 'pre', url: second.url, order: 2 }),
      await addFunction({ route: '*', phase: 'pre', url: first.url, order: 1 }),
      await addFunction({ route: 'POST /v1/collections/:collectionId/nfts', phase: 'post', url: first.url }),
      await addFunction({ route: 'POST /v1/collections/:collectionId/nfts', phase: 'post', url: broken.url }),
    ];
    try {
      const res = await mint('Post-failed');
      expect(res.status).toBe(207);
      v.response('POST', MINT_ROUTE, 207, res.body);
      expect(calls).toEqual(['first:function.pre', 'second:function.pre', 'first:function.post', 'broken:function.post']);
      expect(res.body.result).toMatchObject({ actionId: expect.any(String), type: 'nfts.create', status: 'pending' });
      v.response('POST', MINT_ROUTE, 202, res.body.result);
      expect(res.body.functions).toEqual([
        { id: fns[2].id, url: first.url, status: 200, body: { ok: true }, durationMs: expect.any(Number) },
        { id: fns[3].id, url: broken.url, status: 500, body: { error: 'ledger down' }, durationMs: expect.any(Number) },
      ]);
      const posted = JSON.parse(broken.received[0].body);
      expect(posted).toMatchObject({ type: 'function.post', response: { status: 202, body: { actionId: res.body.result.actionId } } });
      const action = await h.waitForAction(res.body.result.actionId);
      expect(action).toMatchObject({ status: 'succeeded', resource: { tokenId: expect.any(String) } });

      // Without the failing one, the answer is the route's own.
      await removeFunction(fns[3].id);
      const fine = await mint('Post-ok');
      expect(fine.status).toBe(202);
      expect(fine.body).toMatchObject({ type: 'nfts.create', status: 'pending' });
      await h.waitForAction(fine.body.actionId);
    } finally {
      for (const fn of fns) await removeFunction(fn.id);
      await Promise.all([first.close(), second.close(), broken.close()]);
    }
  });

  test('a post-function failing after a 204 answers 207 with a null result; the deletion stands', async () => {
    const receiver = await startReceiver((_r, _c, res) => res.writeHead(503).end());
    const fn = await addFunction({ route: 'DELETE /v1/subscriptions/:id', phase: 'post', url: receiver.url });
    try {
      const sub = await h.request('POST', '/v1/subscriptions', { kind: 'chain', chain: 'anvil' });
      expect(sub.status).toBe(201);
      const res = await h.request('DELETE', `/v1/subscriptions/${sub.body.id}`);
      expect(res.status).toBe(207);
      expect(res.body).toEqual({ result: null, functions: [{ id: fn.id, url: receiver.url, status: 503, body: null, durationMs: expect.any(Number) }] });
      expect((await h.request('GET', `/v1/subscriptions/${sub.body.id}`)).status).toBe(404);
    } finally {
      await removeFunction(fn.id);
      await receiver.close();
    }
  });

  test("projects are isolated: another project's functions neither show nor run", async () => {
    const other = await h.newProject();
    const receiver = await startReceiver((_r, _c, res) => res.writeHead(403).end('no'));
    const theirs = await addFunction({ route: '*', phase: 'pre', url: receiver.url }, other.apiKey);
    try {
      expect((await h.request('GET', `/v1/functions/${theirs.id}`)).status).toBe(404);
      expect((await h.request('PATCH', `/v1/functions/${theirs.id}`, { enabled: false })).status).toBe(404);
      expect((await removeFunction(theirs.id)).status).toBe(404);
      expect((await h.request('GET', '/v1/functions')).body.data.map((f: { id: string }) => f.id)).not.toContain(theirs.id);
      const res = await mint('Mine');
      expect(res.status).toBe(202);
      expect(receiver.received).toHaveLength(0);
      await h.waitForAction(res.body.actionId);
      // Their own call is refused by their function: the collection is not theirs either way, so nothing is stored.
      expect((await h.request('POST', '/v1/subscriptions', { kind: 'chain', chain: 'anvil' }, {}, other.apiKey)).status).toBe(403);
      expect(receiver.received).toHaveLength(1);
    } finally {
      await removeFunction(theirs.id, other.apiKey);
      await receiver.close();
    }
  });
});

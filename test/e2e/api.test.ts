import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { apiUrls } from '../../src/api/urls';
import { ChainRegistry } from '../../src/chain/chains';
import { createActionCanceller } from '../../src/temporal/cancel-action';
import { resumeQueuedActions } from '../../src/temporal/resume-queued';
import { createActionStarter } from '../../src/temporal/start-action';
import { createDeliveryStarter } from '../../src/temporal/start-delivery';
import { webhookTaskQueue } from '../../src/temporal/task-queues';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';

describe('API contract: bad input, idempotency, project isolation', () => {
  let h: Harness;
  let erc721: { id: string };
  let erc1155: { id: string };
  let tinyType: string;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    erc721 = await h.deployCollection('erc721', { maxSupply: 100 });
    erc1155 = await h.deployCollection('erc1155');
    const type = await h.request('POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'Tiny' }, maxSupply: 1, fungible: true });
    tinyType = (await h.waitForAction(type.body.actionId)).resource.id;
  });
  afterAll(() => h?.stop());

  const countActions = async () => Number((await h.db.query<{ n: string }>('SELECT count(*) AS n FROM actions WHERE project_id = $1', [h.projectId]))[0].n);

  /** A JSON text of arrays nested `depth` levels, built without JSON.stringify (which overflows the stack on it). */
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const mintWithX = (x: string) => `{"recipient":"${ALICE}","metadata":{"name":"x","x":${x}}}`;

  type Case = [name: string, make: () => [string, string, unknown, Record<string, string>?], status: number, code: string, field?: string, message?: RegExp];
  const cases: Case[] = [
    ['invalid recipient address', () => ['POST', `/v1/collections/${erc721.id}/nfts`, { recipient: '0x1234', metadata: { name: 'x' } }], 400, 'invalid_request', 'body.recipient'],
    ['recipient address with a wrong checksum', () => ['POST', `/v1/collections/${erc721.id}/nfts`, { recipient: ALICE.replace('C51812dc', 'c51812dc'), metadata: { name: 'x' } }], 400, 'invalid_request', 'body.recipient', /checksum/],
    ['missing recipient', () => ['POST', `/v1/collections/${erc721.id}/nfts`, { metadata: { name: 'x' } }], 400, 'invalid_request', 'body.recipient', /^required$/],
    ['ERC-1155 mint naming the on-chain type id', () => ['POST', `/v1/collections/${erc1155.id}/nfts`, { recipient: ALICE, tokenTypeId: '1' }], 400, 'invalid_request', 'body.tokenTypeId', /onChainTypeId/],
    ['zero address recipient', () => ['POST', `/v1/collections/${erc721.id}/nfts`, { recipient: '0x0000000000000000000000000000000000000000', metadata: { name: 'x' } }], 400, 'invalid_request', 'body.recipient'],
    ['unknown chain', () => ['POST', '/v1/collections', { chain: 'dogechain', name: 'A', symbol: 'A' }], 400, 'invalid_request', 'body.chain'],
    ['missing name', () => ['POST', '/v1/collections', { chain: 'anvil', symbol: 'A' }], 400, 'invalid_request', 'body.name'],
    ['wrong type', () => ['POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'x' }, maxSupply: 'lots' }], 400, 'invalid_request', 'body.maxSupply'],
    ['unknown field', () => ['POST', '/v1/collections', { chain: 'anvil', name: 'A', symbol: 'A', owner: 'me' }], 400, 'invalid_request', 'body'],
    ['metadata without a name', () => ['POST', `/v1/collections/${erc721.id}/nfts`, { recipient: ALICE, metadata: { image: 'https://x.io/1.png' } }], 400, 'invalid_request', 'body.metadata.name'],
    ['ERC-1155 mint without token type', () => ['POST', `/v1/collections/${erc1155.id}/nfts`, { recipient: ALICE }], 400, 'invalid_request', 'body.tokenTypeId'],
    ['malformed JSON', () => ['POST', '/v1/collections', '{"chain": "anvil",'], 400, 'malformed_json'],
    ['oversized body', () => ['POST', '/v1/collections', { chain: 'anvil', name: 'A', symbol: 'A', metadata: { description: 'x'.repeat(200_000) } }], 413, 'body_too_large'],
    ['collection that does not exist', () => ['POST', '/v1/collections/8a6b2c1e-3f4d-4e5f-9a0b-1c2d3e4f5a6b/nfts', { recipient: ALICE, metadata: { name: 'x' } }], 404, 'not_found'],
    ['collection id that is not a UUID', () => ['POST', '/v1/collections/abc/nfts', { recipient: ALICE, metadata: { name: 'x' } }], 400, 'invalid_request', 'path.collectionId'],
    ['token type over maxSupply', () => ['POST', `/v1/collections/${erc1155.id}/nfts`, { recipient: ALICE, tokenTypeId: tinyType, amount: 2 }], 409, 'max_supply_exceeded'],
    ['token type maxSupply beyond what the contract holds', () => ['POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'x' }, maxSupply: (2n ** 120n).toString() }], 400, 'invalid_request', 'body.maxSupply'],
    ['oversized batch body', () => ['POST', `/v1/collections/${erc721.id}/nfts/batch`, { items: [{ recipient: ALICE, metadata: { name: 'x', description: 'x'.repeat(10_000) } }], pad: 'x'.repeat(11 * 2 ** 20) }], 413, 'body_too_large'],
    ['token types on an ERC-721 collection', () => ['POST', `/v1/collections/${erc721.id}/token-types`, { metadata: { name: 'x' }, maxSupply: 1 }], 409, 'not_erc1155'],
    ['bad Idempotency-Key', () => ['POST', '/v1/collections', { chain: 'anvil', name: 'A', symbol: 'A' }, { 'idempotency-key': 'has spaces in it' }], 400, 'invalid_request', 'header.Idempotency-Key'],
    ['bad list filter', () => ['GET', '/v1/actions?status=lost', undefined], 400, 'invalid_request', 'query.status'],
    ['metadata nested 4,500 levels', () => ['POST', `/v1/collections/${erc721.id}/nfts`, mintWithX(nested(4_500))], 400, 'invalid_request', 'body.metadata.x'],
    ['metadata nested 100 levels', () => ['POST', `/v1/collections/${erc721.id}/nfts`, mintWithX(nested(100))], 400, 'invalid_request', 'body.metadata.x'],
    ['batch item metadata nested 100,000 levels', () => ['POST', `/v1/collections/${erc721.id}/nfts/batch`, `{"items":[${mintWithX(nested(100_000))}]}`], 400, 'invalid_request', 'body.items.0.metadata.x'],
    ['collection metadata nested 100 levels', () => ['POST', '/v1/collections', `{"chain":"anvil","name":"A","symbol":"A","metadata":{"x":${nested(100)}}}`], 400, 'invalid_request', 'body.metadata.x'],
    ['batch item metadata over 100 KiB', () => ['POST', `/v1/collections/${erc721.id}/nfts/batch`, { items: [{ recipient: ALICE, metadata: { name: 'x', x: 'x'.repeat(110_000) } }] }], 400, 'invalid_request', 'body.items.0.metadata'],
  ];

  // Rows as one argument: jest reads a callback with more parameters than a row has as one that takes `done`.
  test.each(cases.map((c) => ({ name: c[0], row: c })))('$name is refused and writes nothing', async ({ row: [, make, status, code, field, message] }) => {
    const before = await countActions();
    const [method, path, body, headers] = make();
    const res = await h.request(method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code, status });
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    if (message) expect(res.body.errors.find((e: { field: string }) => e.field === field).message).toMatch(message);
    expect(await countActions()).toBe(before);
  });

  test('an action stored but never started (the API died in between) is started by the resumer', async () => {
    const chains = new ChainRegistry([{ name: 'anvil', chainId: h.stack.chainId, rpcUrl: h.stack.rpcUrl, confirmations: 1, pollIntervalMs: 500 }]);
    const startAction = createActionStarter(h.client, h.taskQueue, chains);
    // An app whose workflow start never returns stands for a process that stopped right after storing the action.
    const neverStarts = createApp({
      db: h.db, urls: apiUrls(h.baseUrl), chains, bodyLimit: '100kb', batchBodyLimit: '10mb', log: () => undefined, secrets: h.secrets, webhooks: h.webhooks, metrics: h.metrics, readiness: [],
      startAction: () => new Promise(() => undefined),
      startDelivery: createDeliveryStarter(h.client, webhookTaskQueue(h.taskQueue), h.webhooks.retryScheduleMs),
      cancelAction: createActionCanceller(h.client),
    });
    const server = neverStarts.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const post = fetch(`http://127.0.0.1:${port}/v1/collections/${erc721.id}/nfts`, {
      method: 'POST', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: ALICE, metadata: { name: 'Orphan' } }), signal: AbortSignal.timeout(2000),
    }).catch(() => undefined);
    await post;
    server.closeAllConnections();
    server.close();
    const [orphan] = await h.db.query<{ id: string; stage: string }>(
      `SELECT a.id, a.stage FROM actions a JOIN nfts n ON n.action_id = a.id WHERE a.project_id = $1 AND n.recipient = $2 AND a.status = 'pending' ORDER BY a.started_at DESC LIMIT 1`,
      [h.projectId, ALICE],
    );
    expect(orphan.stage).toBe('queued');

    expect(await resumeQueuedActions(h.db, startAction, 0)).toBeGreaterThanOrEqual(1);
    expect((await h.waitForAction(orphan.id)).status).toBe('succeeded');
    // Resuming again finds nothing left to start.
    const [{ n }] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE project_id = $1 AND stage = 'queued'`, [h.projectId]);
    expect(n).toBe(0);
    chains.destroy();
  });

  test('an operator creates a project with the admin token; its key is shown once and works', async () => {
    const chains = new ChainRegistry([]);
    const adminToken = `admin-${'x'.repeat(30)}`;
    const app = createApp({
      db: h.db, urls: apiUrls(h.baseUrl), chains, bodyLimit: '100kb', batchBodyLimit: '10mb', log: () => undefined, secrets: h.secrets, webhooks: h.webhooks, metrics: h.metrics, readiness: [], adminToken,
      startAction: createActionStarter(h.client, h.taskQueue, chains),
      startDelivery: createDeliveryStarter(h.client, webhookTaskQueue(h.taskQueue), h.webhooks.retryScheduleMs),
      cancelAction: createActionCanceller(h.client),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body = JSON.stringify({ name: 'Acme', signer: { url: 'https://signer.acme.example/sign', address: ALICE, secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}` } });
    const post = (authorization?: string) => fetch(`${base}/v1/admin/projects`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    });
    try {
      expect((await post()).status).toBe(401);
      expect((await post('Bearer wrong-token-wrong-token-wrong')).status).toBe(401);
      const created = await post(`Bearer ${adminToken}`);
      expect(created.status).toBe(201);
      const project = (await created.json()) as { projectId: string; apiKey: string };
      expect(project.apiKey).toMatch(/^nfte_/);
      const [row] = await h.db.query<{ signer_secret_sealed: string }>('SELECT signer_secret_sealed FROM projects WHERE id = $1', [project.projectId]);
      expect(row.signer_secret_sealed).not.toContain('whsec_');
      // The operator's list of projects names it, without any key.
      expect((await fetch(`${base}/v1/admin/projects`)).status).toBe(401);
      const projects = await fetch(`${base}/v1/admin/projects`, { headers: { authorization: `Bearer ${adminToken}` } });
      const listed = ((await projects.json()) as { data: any[] }).data;
      expect(listed.find((p) => p.projectId === project.projectId)).toEqual({
        projectId: project.projectId, name: 'Acme', signer: { url: 'https://signer.acme.example/sign', address: ALICE },
        createdAt: expect.any(String), actions: 0, lastActionAt: null,
      });
      expect(listed.find((p) => p.projectId === h.projectId).actions).toBeGreaterThan(0);
      expect(JSON.stringify(listed)).not.toMatch(/nfte_|whsec_/);
      const list = await fetch(`${base}/v1/actions`, { headers: { 'x-api-key': project.apiKey } });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
    } finally {
      server.close();
      chains.destroy();
    }
  });

  test('without ADMIN_TOKEN the admin API answers that it is disabled and how to enable it', async () => {
    const res = await fetch(`${h.baseUrl}/v1/admin/projects`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer some-token-some-token-some-token' }, body: JSON.stringify({ name: 'Acme' }),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('admin_api_disabled');
    expect(problem.detail).toContain('ADMIN_TOKEN');
  });

  test('a token type created without maxSupply has none (0)', async () => {
    const type = await h.request('POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'Unbounded' } });
    expect(type.status).toBe(202);
    const created = await h.request('GET', `/v1/collections/${erc1155.id}/token-types/${type.body.resource.id}`);
    expect(created.body).toMatchObject({ maxSupply: '0', onChainTypeId: null });
    expect((await h.waitForAction(type.body.actionId)).status).toBe('succeeded');
  });

  test('requests are timed under their full route template, whatever their status', async () => {
    const missing = '8a6b2c1e-3f4d-4e5f-9a0b-1c2d3e4f5a6b';
    expect((await h.request('POST', `/v1/collections/${erc721.id}/nfts`, { recipient: '0x1234', metadata: { name: 'x' } })).status).toBe(400);
    expect((await h.request('POST', `/v1/collections/${missing}/nfts`, { recipient: ALICE, metadata: { name: 'x' } })).status).toBe(404);
    expect((await h.request('POST', '/v1/collections', { chain: 'dogechain', name: 'A', symbol: 'A' })).status).toBe(400);
    expect((await h.request('GET', `/v1/actions/${missing}`)).status).toBe(404);
    expect((await h.request('GET', '/v1/no-such-route')).status).toBe(404);
    const timed = (await (await fetch(`${h.baseUrl}/metrics`)).text()).split('\n')
      .filter((line) => line.startsWith('nft_engine_http_request_duration_seconds_count{'));
    const labelled = (method: string, route: string, status: number) =>
      timed.some((line) => [`method="${method}"`, `route="${route}"`, `status="${status}"`].every((label) => line.includes(label)));
    expect(labelled('POST', '/v1/collections/:collectionId/nfts', 400)).toBe(true);
    expect(labelled('POST', '/v1/collections/:collectionId/nfts', 404)).toBe(true);
    expect(labelled('POST', '/v1/collections', 400)).toBe(true);
    expect(labelled('GET', '/v1/actions/:actionId', 404)).toBe(true);
    expect(labelled('GET', 'unmatched', 404)).toBe(true);
    expect(timed.filter((line) => !/route="(\/v1\/|\/metrics"|unmatched")/.test(line))).toEqual([]);
  });

  test('requests without a valid API key get 401', async () => {
    const res = await h.request('GET', '/v1/actions', undefined, {}, 'nfte_not-a-key');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('the same Idempotency-Key returns the same action; reused with another body it is refused', async () => {
    const body = { recipient: ALICE, metadata: { name: 'Once' } };
    const headers = { 'idempotency-key': `mint-${Date.now()}` };
    const supplyUsed = async () => BigInt((await h.request('GET', `/v1/collections/${erc721.id}`)).body.supplyUsed);
    const usedBefore = await supplyUsed();
    const first = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, body, headers);
    const second = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, body, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.actionId).toBe(first.body.actionId);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    // The replay took no supply of its own.
    expect(await supplyUsed()).toBe(usedBefore + 1n);
    const done = await h.waitForAction(first.body.actionId);
    expect(done.status).toBe('succeeded');
    const third = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, body, headers);
    expect(third.body).toMatchObject({ actionId: first.body.actionId, status: 'succeeded' });
    const rows = await h.db.query('SELECT id FROM nfts WHERE action_id = $1', [first.body.actionId]);
    expect(rows).toHaveLength(1);

    const other = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, { ...body, metadata: { name: 'Twice' } }, headers);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused', actionId: first.body.actionId });
  });

  test('concurrent mints beyond maxSupply: exactly as many as it allows are accepted, the rest refused with nothing stored', async () => {
    const type = await h.request('POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'Three' }, maxSupply: 3, fungible: false });
    const tokenTypeId = (await h.waitForAction(type.body.actionId)).resource.id;
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.request('POST', `/v1/collections/${erc1155.id}/nfts`, { recipient: ALICE, tokenTypeId })));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 202, 409, 409, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'max_supply_exceeded')).toBe(true);
    expect((await h.request('GET', `/v1/collections/${erc1155.id}/token-types/${tokenTypeId}`)).body.supplyUsed).toBe('3');
    expect(await h.db.query('SELECT id FROM nfts WHERE token_type_id = $1', [tokenTypeId])).toHaveLength(3);
  });

  test("a project never sees or writes another project's actions and collections", async () => {
    const other = await h.newProject();
    const mine = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, { recipient: ALICE, metadata: { name: 'Mine' } });
    expect((await h.request('GET', `/v1/actions/${mine.body.actionId}`, undefined, {}, other.apiKey)).status).toBe(404);
    expect((await h.request('GET', `/v1/collections/${erc721.id}`, undefined, {}, other.apiKey)).status).toBe(404);
    const list = await h.request('GET', '/v1/actions?limit=100', undefined, {}, other.apiKey);
    expect(list.body.data).toEqual([]);
    const intrude = await h.request('POST', `/v1/collections/${erc721.id}/nfts`, { recipient: ALICE, metadata: { name: 'Theirs' } }, {}, other.apiKey);
    expect(intrude.status).toBe(404);
    const nft = await h.waitForAction(mine.body.actionId);
    const patch = await h.request('PATCH', `/v1/collections/${erc721.id}/nfts/${nft.resource.id}`, { metadata: { name: 'Hijack' } }, {}, other.apiKey);
    expect(patch.status).toBe(404);
  });
});

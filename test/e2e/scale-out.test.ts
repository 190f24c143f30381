import { request as httpRequest } from 'node:http';
import { Contract } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { actionWorkflowId } from '../../src/workflows/ids';
import { ALICE } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

const MINTS = 200;

/** The production shape on one machine: API and worker processes of their own on one Temporal server and PostgreSQL. */
describe('scale-out: separate API and worker processes', () => {
  let h: Harness;
  let collection: { id: string; address: string };
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  const post = async (base: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json', ...headers },
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const opsPortOf = (worker: EngineProcess) => Number(/"opsPort":(\d+)/.exec(worker.output())![1]);
  const metricSum = (text: string, name: string, labels: string) =>
    text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(labels)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  const statusCounts = async (ids: string[]) => Object.fromEntries((await h.db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM actions WHERE id = ANY($1) GROUP BY status', [ids])).map((r) => [r.status, r.n]));

  test(`${MINTS} mints spread over two APIs complete exactly once while one of two workers is SIGKILLed`, async () => {
    const apis = await Promise.all([h.startApi(), h.startApi()]);
    const workers = [await h.startWorker(), await h.startWorker()];
    for (const api of apis) {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { status: 'ok' }, temporal: { status: 'ok' } } });
    }
    const collection = await h.deployCollection('erc721');
    const ids: string[] = [];
    let next = 0;
    const submit = Promise.all(Array.from({ length: 20 }, async () => {
      while (next < MINTS) {
        const i = next++;
        const res = await post(apis[i % 2].url, `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: `Scale ${i}` } },
          { 'idempotency-key': `scale-${i}` });
        expect(res.status).toBe(202);
        ids[i] = res.body.actionId;
      }
    }));
    // Kill a worker once some actions are done and many are at every other stage.
    let killedAt: Record<string, number> = {};
    for (;;) {
      const counts = await statusCounts(ids.filter(Boolean));
      if ((counts.succeeded ?? 0) >= 30) {
        await workers[0].kill();
        killedAt = counts;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    workers.push(await h.startWorker());
    await submit;
    expect(killedAt.pending).toBeGreaterThan(0);

    // A retried request through the other API finds the same action, never a second one.
    const retried = await post(apis[1].url, `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Scale 0' } }, { 'idempotency-key': 'scale-0' });
    expect(retried.body.actionId).toBe(ids[0]);

    const deadline = Date.now() + 300_000;
    let counts = await statusCounts(ids);
    while ((counts.pending ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      counts = await statusCounts(ids);
    }
    expect(counts).toEqual({ succeeded: MINTS });
    const minted = await h.db.query<{ token_id: string; nonce: number; tx_hash: string }>(
      `SELECT n.token_id, a.nonce, a.tx_hash FROM nfts n JOIN actions a ON a.id = n.action_id WHERE a.id = ANY($1)`, [ids]);
    expect(new Set(minted.map((m) => m.token_id)).size).toBe(MINTS);
    expect(new Set(minted.map((m) => m.nonce)).size).toBe(MINTS);
    expect(new Set(minted.map((m) => m.tx_hash)).size).toBe(MINTS);
    const contract = new Contract(collection.address, ARTIFACTS[2].erc721.abi, h.provider);
    expect(Number(await contract.totalSupply())).toBe(MINTS);

    const apiMetrics = await Promise.all(apis.map(async (api) => (await fetch(`${api.url}/metrics`)).text()));
    expect(apiMetrics.reduce((sum, text) => sum + metricSum(text, 'nft_engine_actions_started_total', 'type="nfts.create"'), 0)).toBe(MINTS);
    expect(apiMetrics.every((text) => metricSum(text, 'nft_engine_http_request_duration_seconds_count', 'route="/v1/collections/:collectionId/nfts"') > 0)).toBe(true);
    const survivor = await (await fetch(`http://127.0.0.1:${opsPortOf(workers[2])}/metrics`)).text();
    expect(metricSum(survivor, 'nft_engine_actions_finished_total', 'status="succeeded"')).toBeGreaterThan(0);
    const workerReady = await fetch(`http://127.0.0.1:${opsPortOf(workers[2])}/readyz`);
    expect(workerReady.status).toBe(200);

    // One JSON object per line; each line about an action names it.
    const jsonLines = (proc: EngineProcess) => proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const finished = jsonLines(workers[2]).filter((l) => l.msg === 'action finished');
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.every((l) => ids.includes(l.actionId) && l.workflowId === `action-${l.actionId}`)).toBe(true);
    const accepted = jsonLines(apis[0]).filter((l) => l.msg === 'request' && l.method === 'POST' && l.status === 202);
    expect(accepted.length).toBe(MINTS / 2);
    expect(accepted.every((l) => ids.includes(l.actionId) && l.projectId === h.projectId)).toBe(true);
    expect(apis[0].output()).not.toContain(h.apiKey);

    expect(await Promise.all(apis.map((api) => api.stop()))).toEqual([0, 0]);
    expect(await Promise.all(workers.slice(1).map((w) => w.stop()))).toEqual([0, 0]);
  });

  test('a SIGTERMed worker finishes the signing call it is in, then exits; the call is not retried', async () => {
    let worker = await h.startWorker();
    collection = await h.deployCollection('erc721');
    let signingStarted!: () => void;
    const inSigning = new Promise<void>((resolve) => (signingStarted = resolve));
    // Forwards to the real signer after 3 s, so the signing activity is in flight when the worker is told to stop.
    const slowSigner = await startReceiver((req, _count, res) => {
      signingStarted();
      setTimeout(async () => {
        const headers = Object.fromEntries(['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'].map((k) => [k, String(req.headers[k])]));
        const answer = await fetch(h.stack.signerUrl, { method: 'POST', body: req.body, headers });
        res.statusCode = answer.status;
        res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
        res.end(await answer.text());
      }, 3000);
    });
    await h.db.query('UPDATE projects SET signer_url = $2 WHERE id = $1', [h.projectId, slowSigner.url]);
    try {
      const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Drained' } });
      await inSigning;
      const stoppingAt = Date.now();
      expect(await worker.stop()).toBe(0);
      expect(Date.now() - stoppingAt).toBeGreaterThan(2000);
      expect(worker.output()).toContain('"msg":"drained"');

      worker = await h.startWorker();
      expect((await h.waitForAction(mint.body.actionId)).status).toBe('succeeded');
      expect(slowSigner.received).toHaveLength(1);
      // The signing call is a local activity: its one recorded result says which attempt it was.
      const events = (await h.client.workflow.getHandle(actionWorkflowId(mint.body.actionId)).fetchHistory()).events ?? [];
      const localActivities = events
        .map((e) => e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data)
        .filter((data): data is Uint8Array => !!data)
        .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; attempt: number });
      expect(localActivities.filter((m) => m.activity_type === 'requestSignature').map((m) => m.attempt)).toEqual([1]);
    } finally {
      await h.db.query('UPDATE projects SET signer_url = $2 WHERE id = $1', [h.projectId, h.stack.signerUrl]);
      await slowSigner.close();
    }
  });

  test('a SIGTERMed API answers the request in flight, refuses new connections, and exits', async () => {
    const api = await h.startApi();
    const body = JSON.stringify({ recipient: ALICE, metadata: { name: 'In flight' } });
    let sendRest!: () => void;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/v1/collections/${collection.id}/nfts`, {
        method: 'POST', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      sendRest = () => req.end(body.slice(10));
    });
    await new Promise((r) => setTimeout(r, 300));
    const exit = api.stop();
    await new Promise((r) => setTimeout(r, 500));
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    sendRest();
    const { status, body: text } = await answer;
    expect(status).toBe(202);
    expect(await exit).toBe(0);
    expect((await h.waitForAction(JSON.parse(text).actionId)).status).toBe('succeeded');
  });
});

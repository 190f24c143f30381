import { request as httpRequest } from 'node:http';
import { Contract, Transaction, ZeroAddress, type EventLog } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { startThrowawayCluster } from '../../src/stack/temporal-cluster/throwaway';
import { actionWorkflowId } from '../../src/workflows/ids';
import { ALICE } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';
import { askSigner, answerJson } from '../support/stand-in-signer';

const MINTS = 200;
/** Mints posted just before each of the faults after the worker's (history, frontend, matching). */
const FAULT_WAVE = 20;
/** Posted while the frontend is down: accepted at once, started once it is back. */
const OUTAGE_MINTS = 10;
const TOTAL = MINTS + OUTAGE_MINTS;
const FRONTEND_OUTAGE_MS = 10_000;

/**
 * The production shape on one machine: API and worker processes of their own on a Temporal cluster of the
 * test's own (frontend, history, matching and worker as separate processes, on PostgreSQL) and PostgreSQL.
 */
describe('scale-out: separate API and worker processes on a Temporal cluster', () => {
  let h: Harness;
  let cluster: Awaited<ReturnType<typeof startThrowawayCluster>>;
  let collection: { id: string; address: string };
  beforeAll(async () => {
    cluster = await startThrowawayCluster({ adminUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', name: 'test' });
    console.log(`Temporal cluster ${cluster.version} ready in ${cluster.startSeconds.toFixed(1)} s`);
    h = await startHarness({}, [], { temporalAddress: cluster.address });
  }, 300_000);
  /** Processes a test started and leaves running when it fails, stopped before the next test. */
  const leftovers: EngineProcess[] = [];
  afterEach(async () => {
    for (const p of leftovers.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill();
  });
  let recordingSigner: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterAll(async () => {
    await recordingSigner?.close();
    await h?.stop();
    await cluster?.stop();
  });

  const post = async (base: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const opsPortOf = (worker: EngineProcess) => Number(/"opsPort":(\d+)/.exec(worker.output())![1]);
  const metricSum = (text: string, name: string, labels: string) =>
    text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(labels)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  const statusCounts = async (ids: string[]) => Object.fromEntries((await h.db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM actions WHERE id = ANY($1) GROUP BY status', [ids])).map((r) => [r.status, r.n]));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Waits until `n` of the actions succeeded, then returns the counts by status at that moment. */
  const whenSucceeded = async (ids: string[], n: number, timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await statusCounts(ids.filter(Boolean));
      if ((counts.succeeded ?? 0) >= n) return counts;
      if (Date.now() > deadline) throw new Error(`${counts.succeeded ?? 0} of ${n} succeeded after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      await sleep(200);
    }
  };

  /** Every transaction the signer signed, by hash: which action asked for it, for what and at which nonce. */
  const signedBy = new Map<string, { actionId: string; purpose: string; nonce: number; at: number }>();
  /** Mints on chain whose transaction no action records as its own: who had them signed, what the engine knows of their nonces. */
  const unrecordedMints = async (contract: Contract, minted: { tx_hash: string }[]) => {
    const known = new Set(minted.map((m) => m.tx_hash.toLowerCase()));
    const transfers = (await contract.queryFilter(contract.filters.Transfer(ZeroAddress), 0)) as EventLog[];
    return Promise.all(transfers.filter((t) => !known.has(t.transactionHash.toLowerCase())).map(async (t) => {
      const tx = await h.provider.getTransaction(t.transactionHash);
      const signing = signedBy.get(t.transactionHash.toLowerCase());
      return {
        hash: t.transactionHash, block: t.blockNumber, nonce: tx?.nonce, tokenId: String(t.args[2]), signing,
        action: signing && await h.db.query('SELECT status, nonce, tx_hash, stage, updated_at FROM actions WHERE id = $1', [signing.actionId]),
        otherSignings: signing && [...signedBy.entries()].filter(([, s]) => s.actionId === signing.actionId),
        sentBy: await h.db.query('SELECT action_id, purpose, nonce FROM action_transactions WHERE hash = $1', [t.transactionHash]),
        lease: await h.db.query('SELECT holder, state FROM nonce_leases WHERE address = $1 AND nonce = $2', [h.signerAddress.toLowerCase(), tx?.nonce]),
      };
    }));
  };

  test(`${MINTS} mints over two APIs complete exactly once, webhooks once per endpoint, through a worker SIGKILL, a history SIGKILL, a frontend down for 10 s and a matching restart`, async () => {
    // In front of the signer, so a mint on chain that no action records names the action that had it signed.
    recordingSigner = await startReceiver((req, _count, res) => void askSigner(h, req).then((answer) => {
      const request = JSON.parse(req.body);
      const signed = answer.status === 200 ? JSON.parse(answer.body).signedTransaction : undefined;
      if (signed) signedBy.set(Transaction.from(signed).hash!.toLowerCase(), { actionId: request.actionId, purpose: request.purpose, nonce: request.transaction.nonce, at: Date.now() });
      answerJson(res, answer.status, answer.body);
    }));
    await h.db.query('UPDATE projects SET signer_url = $2 WHERE id = $1', [h.projectId, recordingSigner.url]);
    const receivers = await Promise.all([startReceiver(), startReceiver()]);
    for (const receiver of receivers) {
      expect((await h.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['nfts.create.succeeded', 'nfts.create.failed'] })).status).toBe(201);
    }
    const apis = await Promise.all([h.startApi(), h.startApi()]);
    const workers = [await h.startWorker(), await h.startWorker()];
    leftovers.push(...apis, ...workers);
    for (const api of apis) {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { status: 'ok' }, temporal: { status: 'ok' } } });
    }
    const collection = await h.deployCollection('erc721');
    const mintPath = `/v1/collections/${collection.id}/nfts`;
    const ids: string[] = [];
    let next = 0;
    /** Posts mints, 20 at a time over both APIs in turn, until `total` were accepted. */
    const submitUpTo = (total: number) => Promise.all(Array.from({ length: 20 }, async () => {
      while (next < total) {
        const i = next++;
        const res = await post(apis[i % 2].url, mintPath, { recipient: ALICE, metadata: { name: `Scale ${i}` } }, { 'idempotency-key': `scale-${i}` });
        expect(res.status).toBe(202);
        ids[i] = res.body.actionId;
      }
    }));
    /**
     * Once `succeeded` mints are done, a wave of new ones accepted just before the fault, so that it meets
     * mints in flight however far the earlier ones got by then (each waits for blocks); the counts then.
     */
    const beforeFault = async (succeeded: number) => {
      await whenSucceeded(ids, succeeded);
      await submitUpTo(next + FAULT_WAVE);
      return statusCounts(ids.filter(Boolean));
    };
    const submit = submitUpTo(MINTS - 3 * FAULT_WAVE);
    const faults: Record<string, Record<string, number>> = {};

    // A worker SIGKILLed once some actions are done and many are at every other stage; a third one started.
    faults.worker = await whenSucceeded(ids, 30);
    await workers[0].kill();
    workers.push(await h.startWorker());
    leftovers.push(workers[2]);
    await submit;

    // The history service SIGKILLed mid-run (its shards unowned until it is back), restarted 2 s later.
    console.log(`worker SIGKILLed at ${JSON.stringify(faults.worker)}`);
    faults.history = await beforeFault(60);
    await cluster.kill('history');
    await sleep(2_000);
    await cluster.start('history');

    // The frontend SIGKILLed for 10 s: the APIs still accept mints at once (stored, started once it is back).
    console.log(`history SIGKILLed at ${JSON.stringify(faults.history)}`);
    faults.frontend = await beforeFault(100);
    await cluster.kill('frontend');
    const downSince = Date.now();
    const outageAnswers: { status: number; ms: number }[] = [];
    for (let i = 0; i < OUTAGE_MINTS; i++) {
      const t0 = Date.now();
      const res = await post(apis[i % 2].url, mintPath, { recipient: ALICE, metadata: { name: `Outage ${i}` } }, { 'idempotency-key': `outage-${i}` });
      outageAnswers.push({ status: res.status, ms: Date.now() - t0 });
      ids[MINTS + i] = res.body.actionId;
      await sleep(Math.max(0, ((i + 1) * (FRONTEND_OUTAGE_MS - 2_000)) / OUTAGE_MINTS - (Date.now() - downSince)));
    }
    const notReady = await fetch(`${apis[0].url}/readyz`, { signal: AbortSignal.timeout(15_000) });
    expect(notReady.status).toBe(503);
    expect(Date.now() - downSince).toBeLessThan(FRONTEND_OUTAGE_MS + 5_000);
    await sleep(Math.max(0, FRONTEND_OUTAGE_MS - (Date.now() - downSince)));
    await cluster.start('frontend');
    expect(outageAnswers.map((a) => a.status)).toEqual(Array(OUTAGE_MINTS).fill(202));
    expect(Math.max(...outageAnswers.map((a) => a.ms))).toBeLessThan(2_000);

    // Matching restarted (SIGTERM, then started again): task queues move to the new process.
    console.log(`frontend SIGKILLed at ${JSON.stringify(faults.frontend)}`);
    faults.matching = await beforeFault(140);
    await cluster.start('matching');
    for (const [fault, counts] of Object.entries(faults)) expect([fault, counts.pending ?? 0]).not.toEqual([fault, 0]);

    // A retried request through the other API finds the same action, never a second one.
    const retried = await post(apis[1].url, mintPath, { recipient: ALICE, metadata: { name: 'Scale 0' } }, { 'idempotency-key': 'scale-0' });
    expect(retried.body.actionId).toBe(ids[0]);

    // The outage's mints wait for the APIs' resumer when their starts ran out of retries: up to two minutes.
    await whenSucceeded(ids, TOTAL, 300_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}; faults at ${JSON.stringify(faults)}`);
    });
    expect(await statusCounts(ids)).toEqual({ succeeded: TOTAL });
    const minted = await h.db.query<{ token_id: string; nonce: number; tx_hash: string }>(
      `SELECT n.token_id, a.nonce, a.tx_hash FROM nfts n JOIN actions a ON a.id = n.action_id WHERE a.id = ANY($1)`, [ids]);
    expect(minted).toHaveLength(TOTAL);
    expect(new Set(minted.map((m) => m.token_id)).size).toBe(TOTAL);
    expect(new Set(minted.map((m) => m.nonce)).size).toBe(TOTAL);
    expect(new Set(minted.map((m) => m.tx_hash)).size).toBe(TOTAL);
    const contract = new Contract(collection.address, ARTIFACTS[2].erc721.abi, h.provider);
    const supply = Number(await contract.totalSupply());
    if (supply !== TOTAL) throw new Error(`totalSupply ${supply} after ${TOTAL} mints; on chain, not recorded: ${JSON.stringify(await unrecordedMints(contract, minted))}`);

    // Each endpoint got each mint's event: one delivery per pair, every repeat (if any) with the same webhook-id.
    const deadline = Date.now() + 120_000;
    let deliveries: { endpoint_id: string; status: string; n: number }[] = [];
    for (;;) {
      deliveries = await h.db.query(`SELECT endpoint_id, status, count(*)::int AS n FROM webhook_deliveries
        WHERE payload->>'actionId' = ANY($1) GROUP BY 1, 2`, [ids]);
      if (deliveries.length === 2 && deliveries.every((d) => d.status === 'succeeded' && d.n === TOTAL)) break;
      if (Date.now() > deadline) throw new Error(`deliveries not done: ${JSON.stringify(deliveries)}`);
      await sleep(500);
    }
    for (const receiver of receivers) {
      const events = receiver.received.map((r) => ({ id: String(r.headers['webhook-id']), actionId: JSON.parse(r.body).actionId as string }));
      expect(new Set(events.map((e) => e.id)).size).toBe(TOTAL);
      expect(new Set(events.map((e) => e.actionId))).toEqual(new Set(ids));
      await receiver.close();
    }

    const apiMetrics = await Promise.all(apis.map(async (api) => (await fetch(`${api.url}/metrics`)).text()));
    expect(apiMetrics.reduce((sum, text) => sum + metricSum(text, 'nft_engine_actions_started_total', 'type="nfts.create"'), 0)).toBe(TOTAL);
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
    expect(accepted.length).toBe(TOTAL / 2);
    expect(accepted.every((l) => ids.includes(l.actionId) && l.projectId === h.projectId)).toBe(true);
    expect(apis[0].output()).not.toContain(h.apiKey);

    expect(await Promise.all(apis.map((api) => api.stop()))).toEqual([0, 0]);
    expect(await Promise.all(workers.slice(1).map((w) => w.stop()))).toEqual([0, 0]);
    console.log(`faults at (statuses): ${JSON.stringify(faults)}; frontend outage answers (ms): ${outageAnswers.map((a) => a.ms).join(', ')}`);
  }, 600_000);

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
      // The signing call runs in the send step, a local activity: its one recorded result says which attempt it was.
      const events = (await h.client.workflow.getHandle(actionWorkflowId(mint.body.actionId)).fetchHistory()).events ?? [];
      const localActivities = events
        .map((e) => e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data)
        .filter((data): data is Uint8Array => !!data)
        .map((data) => JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; attempt: number });
      expect(localActivities.filter((m) => m.activity_type === 'sendTransaction').map((m) => m.attempt)).toEqual([1]);
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

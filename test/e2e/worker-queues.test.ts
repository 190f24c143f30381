import { ALICE } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

/** WORKER_TASK_QUEUES splits the workers into pools: actions on one, the webhook dispatcher and delivery workflows on another. */
describe('worker pools per task queue', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  const metricsOf = async (worker: EngineProcess) =>
    (await fetch(`http://127.0.0.1:${/"opsPort":(\d+)/.exec(worker.output())![1]}/metrics`)).text();

  test('an actions-only worker runs actions; their webhooks wait for a webhooks-only worker', async () => {
    const actionsWorker = await h.startWorker({ WORKER_TASK_QUEUES: 'actions' });
    const receiver = await startReceiver();
    const endpoint = await h.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['nfts.create.succeeded'] });
    expect(endpoint.status).toBe(201);
    const collection = await h.deployCollection('erc721');
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Pooled' } });
    expect((await h.waitForAction(mint.body.actionId)).status).toBe('succeeded');

    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received).toHaveLength(0);
    // The event waits in the outbox: only a process polling the webhook queue runs the dispatcher.
    expect((await h.request('GET', `/v1/webhooks/deliveries?endpointId=${endpoint.body.id}`)).body.data).toEqual([]);
    const [event] = await h.db.query<{ dispatched_at: Date | null }>('SELECT dispatched_at FROM outbox_events WHERE action_id = $1', [mint.body.actionId]);
    expect(event.dispatched_at).toBeNull();

    const webhooksWorker = await h.startWorker({ WORKER_TASK_QUEUES: 'webhooks' });
    const deadline = Date.now() + 30_000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['nfts.create.succeeded']);

    expect(await metricsOf(webhooksWorker)).toMatch(/^nft_engine_webhook_attempts_total\{[^}]*outcome="succeeded"[^}]*\} 1$/m);
    expect(await metricsOf(actionsWorker)).not.toMatch(/^nft_engine_webhook_attempts_total\{/m);
    expect(await metricsOf(actionsWorker)).toMatch(/^nft_engine_actions_finished_total\{type="nfts.create",status="succeeded"[^}]*\} 1$/m);
    await receiver.close();
  });
});

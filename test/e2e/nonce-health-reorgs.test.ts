import { randomUUID } from 'node:crypto';
import { ALICE } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

/** The worker's periodic checks, at short intervals: reorgs after completion, and nonce health. */
describe('reorgs after completion and nonce health', () => {
  let h: Harness;
  let worker: EngineProcess;
  beforeAll(async () => {
    h = await startHarness();
    worker = await h.startWorker({ REORG_CHECK_INTERVAL: '300ms', NONCE_HEALTH_INTERVAL: '300ms' });
  });
  afterAll(() => h?.stop());

  const until = async <T>(what: string, look: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await look();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const metrics = async () => {
    const port = /"opsPort":(\d+)/.exec(worker.output())![1];
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  };
  const mint = async (collectionId: string) => {
    const res = await h.request('POST', `/v1/collections/${collectionId}/nfts`, { recipient: ALICE, metadata: { name: `Reorg ${randomUUID()}` } });
    expect(res.status).toBe(202);
    return res.body.actionId as string;
  };
  /** Read past ethers' cache, which may still hold what a reorg changed. */
  const receiptOf = async (hash: string) => {
    const r = await h.provider.send('eth_getTransactionReceipt', [hash]);
    return { blockNumber: Number(r.blockNumber), blockHash: r.blockHash as string, status: Number(r.status) };
  };
  const storedBlock = async (actionId: string) => {
    const [row] = await h.db.query<{ block_number: number | null; block_hash: string | null; signed_transaction: string | null }>(
      'SELECT block_number, block_hash, signed_transaction FROM actions WHERE id = $1', [actionId]);
    return row;
  };

  /**
   * Mints, then replaces the blocks from the mint's on with `reorg` while the chain stands still (at least 2
   * blocks: deeper than the harness's one confirmation), with an endpoint subscribed to actions.reorged.
   */
  async function reorgAfterCompletion(reorg: (depth: number, raw: string) => Promise<void>, check: (r: { actionId: string; minedIn: { number: number; hash: string }; events: any[] }) => Promise<void>) {
    const receiver = await startReceiver();
    const endpoint = await h.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['actions.reorged'] });
    expect(endpoint.status).toBe(201);
    try {
      const collection = await h.deployCollection();
      const actionId = await mint(collection.id);
      const done = await h.waitForAction(actionId);
      expect(done.status).toBe('succeeded');
      const stored = await storedBlock(actionId);
      const receipt = await receiptOf(done.txId);
      expect(stored).toMatchObject({ block_number: receipt.blockNumber, block_hash: receipt.blockHash });
      expect(stored.signed_transaction).toMatch(/^0x02/);
      await h.provider.send('evm_setIntervalMining', [0]);
      try {
        const head = async () => Number(await h.provider.send('eth_blockNumber', []));
        if ((await head()) === receipt.blockNumber) await h.provider.send('evm_mine', []);
        await reorg((await head()) - receipt.blockNumber + 1, stored.signed_transaction!);
        await until('the reorg event', async () => receiver.received.length > 0);
      } finally {
        await h.provider.send('evm_setIntervalMining', [1]);
      }
      await check({ actionId, minedIn: { number: receipt.blockNumber, hash: receipt.blockHash }, events: receiver.received.map((r) => JSON.parse(r.body)) });
      // Many more rounds of the check: the reorg is still reported once.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].headers['webhook-id']).toBe(JSON.parse(receiver.received[0].body).id);
    } finally {
      await h.request('DELETE', `/v1/webhooks/${endpoint.body.id}`);
      await receiver.close();
    }
  }

  test('a reorg deeper than the confirmations moves a completed mint to another block: actions.reorged once, the block updated', async () => {
    await reorgAfterCompletion(
      // The mint's transaction goes into the second of the new blocks.
      async (depth, raw) => h.provider.send('anvil_reorg', [depth, [[raw, 1]]]),
      async ({ actionId, minedIn, events }) => {
        const receipt = await receiptOf(events[0].data.txId);
        const moved = { number: receipt.blockNumber, hash: receipt.blockHash };
        expect(moved.number).toBe(minedIn.number + 1);
        expect(events[0]).toMatchObject({
          type: 'actions.reorged', actionId,
          data: { chain: 'anvil', actionType: 'nfts.create', previousBlock: minedIn, block: moved },
        });
        const action = await h.waitForAction(actionId, (a) => a.resource.blockNumber === moved.number, 10_000);
        expect(action.status).toBe('succeeded');
        expect(await storedBlock(actionId)).toMatchObject({ block_number: moved.number, block_hash: moved.hash });
      },
    );
  });

  test('a completed mint reorged out is sent again and recorded where it is mined again', async () => {
    await reorgAfterCompletion(
      async (depth) => h.provider.send('anvil_reorg', [depth, []]),
      async ({ actionId, minedIn, events }) => {
        expect(events[0]).toMatchObject({ type: 'actions.reorged', actionId, data: { previousBlock: minedIn, block: null } });
        const stored = await until('the mint mined again', async () => {
          const row = await storedBlock(actionId);
          return row.block_hash !== null && row;
        });
        const receipt = await receiptOf(events[0].data.txId);
        expect(receipt.status).toBe(1);
        expect(stored).toMatchObject({ block_number: receipt.blockNumber, block_hash: receipt.blockHash });
        expect(receipt.blockHash).not.toBe(minedIn.hash);
        expect((await h.request('GET', `/v1/actions/${actionId}`)).body.resource.blockNumber).toBe(receipt.blockNumber);
      },
    );
  });

  /** Holds the next nonce of the signer outside any action, so the next mint is sent above a gap. */
  async function mintAboveGap(hold: (nonce: number) => Promise<void>) {
    const collection = await h.deployCollection();
    const address = h.signerAddress.toLowerCase();
    const gapNonce = await h.provider.getTransactionCount(h.signerAddress, 'pending');
    await hold(gapNonce);
    await h.db.query('UPDATE signer_nonces SET next_nonce = GREATEST(next_nonce, $3::bigint + 1) WHERE chain_id = $1 AND address = $2', [h.stack.chainId, address, gapNonce]);
    const actionId = await mint(collection.id);
    const sent = await h.waitForAction(actionId, (a) => a.stage === 'submitted', 30_000);
    expect(sent.nonce).toBe(gapNonce + 1);
    return { actionId, gapNonce, address };
  }

  const fillerAt = async (address: string, nonce: number) => {
    const [lease] = await h.db.query<{ holder: string; tx_hash: string }>('SELECT holder, tx_hash FROM nonce_leases WHERE chain_id = $1 AND address = $2 AND nonce = $3', [h.stack.chainId, address, nonce]);
    return lease;
  };

  test('a released nonce below a sent transaction is filled by the health check, and the later transaction mines; the drift is on /metrics', async () => {
    const holder = `test-hold-${randomUUID()}`;
    const { actionId, gapNonce, address } = await mintAboveGap(async (nonce) => {
      await h.db.query(`INSERT INTO nonce_leases (chain_id, address, nonce, holder, state) VALUES ($1, $2, $3, $4, 'reserved')`,
        [h.stack.chainId, h.signerAddress.toLowerCase(), nonce, holder]);
    });
    // Held by no action, recently: left alone, so the mint waits behind the gap and the drift shows.
    const drift = new RegExp(`nft_engine_nonce_drift\\{[^}]*address="${address}"[^}]*\\} 2\\n`);
    await until('the drift on /metrics', async () => drift.test(await metrics()));
    expect((await h.request('GET', `/v1/actions/${actionId}`)).body.stage).toBe('submitted');

    await h.db.query(`UPDATE nonce_leases SET state = 'released', holder = NULL, updated_at = now() WHERE holder = $1`, [holder]);
    const done = await h.waitForAction(actionId, undefined, 30_000);
    expect(done.status).toBe('succeeded');
    const filler = await fillerAt(address, gapNonce);
    expect(filler.holder).toBe(`gap-filler:${h.stack.chainId}:${address}:${gapNonce}`);
    const tx = (await h.provider.getTransaction(filler.tx_hash))!;
    expect(tx).toMatchObject({ nonce: gapNonce, from: h.signerAddress, to: h.signerAddress, value: 0n, data: '0x' });
    expect(tx.blockNumber).not.toBeNull();
    const settled = new RegExp(`nft_engine_nonce_drift\\{[^}]*address="${address}"[^}]*\\} 0\\n`);
    await until('no drift on /metrics', async () => settled.test(await metrics()));
    expect(await metrics()).toMatch(/nft_engine_nonce_gaps_filled_total\{[^}]*how="filled"[^}]*\} 1\n/);
  });

  test('a nonce never given out below a sent transaction is filled too', async () => {
    const { actionId, gapNonce, address } = await mintAboveGap(async () => undefined);
    expect((await h.waitForAction(actionId, undefined, 30_000)).status).toBe('succeeded');
    const filler = await fillerAt(address, gapNonce);
    expect((await h.provider.getTransaction(filler.tx_hash))).toMatchObject({ nonce: gapNonce, to: h.signerAddress, data: '0x' });
  });
});

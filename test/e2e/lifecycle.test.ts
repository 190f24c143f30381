import type { ServerResponse } from 'node:http';
import { Contract, Wallet } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import type { Received } from '../support/receiver';
import { answerJson, askSigner, withStandInSigner, type SignerAnswer } from '../support/stand-in-signer';
import { startTcpProxy } from '../support/tcp-proxy';

/** A transaction not mined 8 s after it was sent counts as stuck here (2 minutes by default). */
const STUCK_AFTER_MS = 8_000;

describe('transaction lifecycle', () => {
  let h: Harness;
  let worker: EngineProcess;
  let collection: { id: string; address: string };
  let nft: Contract;
  beforeAll(async () => {
    h = await startHarness({ stuckAfterMs: STUCK_AFTER_MS });
    worker = await h.startWorker();
    collection = await h.deployCollection('erc721');
    nft = new Contract(collection.address, ARTIFACTS[2].erc721.abi, h.provider);
  });
  afterAll(() => h?.stop());

  const mint = async (recipient: string) => {
    const res = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient, metadata: { name: 'Lifecycle' } });
    expect(res.status).toBe(202);
    return res.body.actionId as string;
  };
  const submitted = (actionId: string) => h.waitForAction(actionId, (a) => a.stage === 'submitted', 30_000);
  const sentFor = async (actionId: string) =>
    (await h.db.query<{ hash: string; purpose: string }>('SELECT hash, purpose FROM action_transactions WHERE action_id = $1 ORDER BY sent_at', [actionId]));

  /** Runs `body` with the chain mining nothing; mining every second again afterwards. */
  async function withMiningPaused(body: () => Promise<void>) {
    await h.provider.send('evm_setIntervalMining', [0]);
    try {
      await body();
    } finally {
      await h.provider.send('evm_setIntervalMining', [1]);
    }
  }

  const withSigner = (respond: SignerAnswer, body: () => Promise<void>) => withStandInSigner(h, respond, body);

  test('a transaction priced under the base fee is replaced with higher fees and mined once', async () => {
    const recipient = Wallet.createRandom().address;
    let actionId = '';
    let first = '';
    await withMiningPaused(async () => {
      actionId = await mint(recipient);
      first = (await submitted(actionId)).txId;
      const tx = (await h.provider.getTransaction(first))!;
      // The next blocks' base fee is far over what the transaction offers: it cannot be mined.
      await h.provider.send('anvil_setNextBlockBaseFeePerGas', [`0x${(tx.maxFeePerGas! * 20n).toString(16)}`]);
      await h.provider.send('evm_mine', []);
    });
    const done = await h.waitForAction(actionId, undefined, 90_000);
    expect(done.status).toBe('succeeded');
    expect(done.txId).not.toBe(first);
    expect(await h.provider.getTransactionReceipt(first)).toBeNull();
    const sent = await sentFor(actionId);
    expect(sent.map((s) => s.purpose)).toContain('replacement');
    expect(sent.map((s) => s.hash)).toContain(done.txId);
    const mined = (await h.provider.getTransaction(done.txId))!;
    expect(mined.maxFeePerGas! * 1000n).toBeGreaterThanOrEqual(((await h.provider.getTransaction(first))?.maxFeePerGas ?? 0n) * 1125n);
    expect(await nft.balanceOf(recipient)).toBe(1n);
    await h.recordHistory('mint-replaced-when-stuck', actionId);
  });

  test('a transaction the node dropped is sent again, the same one', async () => {
    const recipient = Wallet.createRandom().address;
    let actionId = '';
    let hash = '';
    await withMiningPaused(async () => {
      actionId = await mint(recipient);
      hash = (await submitted(actionId)).txId;
      await h.provider.send('anvil_dropTransaction', [hash]);
      expect(await h.provider.getTransaction(hash)).toBeNull();
    });
    const done = await h.waitForAction(actionId);
    expect(done.status).toBe('succeeded');
    expect(done.txId).toBe(hash);
    expect(await nft.balanceOf(recipient)).toBe(1n);
  });

  test('a signer that sends transactions itself: one the node dropped is replaced through the signer', async () => {
    const recipient = Wallet.createRandom().address;
    const purposes: string[] = [];
    const signAndSend = async (request: Received, res: ServerResponse) => {
      purposes.push(JSON.parse(request.body).purpose);
      const signed = await askSigner(h, request);
      const tx = await h.provider.broadcastTransaction(JSON.parse(signed.body).signedTransaction);
      answerJson(res, 200, JSON.stringify({ transactionHash: tx.hash }));
    };
    await withSigner(signAndSend, async () => {
      let actionId = '';
      let dropped = '';
      await withMiningPaused(async () => {
        actionId = await mint(recipient);
        dropped = (await submitted(actionId)).txId;
        await h.provider.send('anvil_dropTransaction', [dropped]);
      });
      const done = await h.waitForAction(actionId, undefined, 60_000);
      expect(done.status).toBe('succeeded');
      expect(done.txId).not.toBe(dropped);
      expect(purposes).toEqual(['action', 'replacement']);
      await h.recordHistory('mint-replaced-through-signer', actionId);
    });
    expect(await nft.balanceOf(recipient)).toBe(1n);
  });

  test('a stuck mint cancelled: its transaction is replaced by a transfer to self, the action ends cancelled', async () => {
    const recipient = Wallet.createRandom().address;
    let actionId = '';
    await withMiningPaused(async () => {
      actionId = await mint(recipient);
      await submitted(actionId);
      const cancel = await h.request('POST', `/v1/actions/${actionId}/cancel`);
      expect(cancel.status).toBe(202);
      expect(cancel.body.status).toBe('pending');
      expect(cancel.body.cancelRequestedAt).toEqual(expect.any(String));
      await h.waitForAction(actionId, (a) => a.stage === 'cancelling', 30_000);
    });
    const done = await h.waitForAction(actionId);
    expect(done.status).toBe('cancelled');
    const cancellation = (await h.provider.getTransaction(done.txId))!;
    expect(cancellation.to).toBe(h.signerAddress);
    expect(cancellation.value).toBe(0n);
    expect(cancellation.data).toBe('0x');
    expect(await nft.balanceOf(recipient)).toBe(0n);
    const [event] = await h.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE action_id = $1', [actionId]);
    expect(event.type).toBe('nfts.create.cancelled');
    const nftRow = await h.request('GET', done.resource.url.replace(h.baseUrl, ''));
    expect(nftRow.body.status).toBe('failed');
    const again = await h.request('POST', `/v1/actions/${actionId}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('action_finished');
    await h.recordHistory('mint-cancelled', actionId);
  });

  test('a cancel that loses the race: the original transaction was mined first, the action succeeds', async () => {
    const recipient = Wallet.createRandom().address;
    const minesFirst = async (request: Received, res: ServerResponse) => {
      // The original is mined while the cancellation is being signed.
      if (JSON.parse(request.body).purpose === 'cancel') await h.provider.send('evm_mine', []);
      const signed = await askSigner(h, request);
      answerJson(res, signed.status, signed.body);
    };
    await withSigner(minesFirst, async () => {
      let actionId = '';
      await withMiningPaused(async () => {
        actionId = await mint(recipient);
        const first = (await submitted(actionId)).txId;
        expect((await h.request('POST', `/v1/actions/${actionId}/cancel`)).status).toBe(202);
        const done = await h.waitForAction(actionId, undefined, 60_000);
        expect(done.status).toBe('succeeded');
        expect(done.txId).toBe(first);
        await h.recordHistory('mint-cancel-lost-race', actionId);
      });
    });
    expect(await nft.balanceOf(recipient)).toBe(1n);
  });

  test('cancelled while the signer is down: nothing is sent, the nonce goes to the next action', async () => {
    const recipient = Wallet.createRandom().address;
    await withSigner(async (_request, res) => answerJson(res, 503, '{"reason":"down"}'), async () => {
      const actionId = await mint(recipient);
      await h.waitForAction(actionId, (a) => a.stage === 'awaiting_signature', 30_000);
      expect((await h.request('POST', `/v1/actions/${actionId}/cancel`)).status).toBe(202);
      const done = await h.waitForAction(actionId, undefined, 30_000);
      expect(done.status).toBe('cancelled');
      expect(done.txId).toBeNull();
      await h.recordHistory('mint-cancelled-before-sent', actionId);
    });
    const next = await h.waitForAction(await mint(recipient));
    expect(next.status).toBe('succeeded');
    expect(await nft.balanceOf(recipient)).toBe(1n);
  });

  test('the nonce used by another transaction of the address: the action fails as nonce_conflict once that is confirmed', async () => {
    const recipient = Wallet.createRandom().address;
    let actionId = '';
    await withMiningPaused(async () => {
      actionId = await mint(recipient);
      const sent = (await h.provider.getTransaction((await submitted(actionId)).txId))!;
      // The signer's key used outside the engine, at the same nonce, paying more: the node keeps this one.
      const outside = new Wallet(h.stack.signerKey, h.provider);
      await outside.sendTransaction({
        to: outside.address, value: 0n, nonce: sent.nonce, maxFeePerGas: sent.maxFeePerGas! * 2n, maxPriorityFeePerGas: sent.maxPriorityFeePerGas! * 2n,
      });
      await h.provider.send('evm_mine', []);
    });
    const done = await h.waitForAction(actionId);
    expect(done.status).toBe('failed');
    expect(done.error.reason).toBe('nonce_conflict');
    expect(await nft.balanceOf(recipient)).toBe(0n);
    await h.recordHistory('mint-nonce-used-elsewhere', actionId);
  });

  test('the node unreachable after the transaction was sent: the action stays pending as chain_unreachable, then succeeds', async () => {
    const rpc = new URL(h.stack.rpcUrl);
    const proxy = await startTcpProxy({ host: rpc.hostname, port: Number(rpc.port) });
    await worker.stop();
    const viaProxy = await h.startWorker({ CHAINS: JSON.stringify([{ ...h.chains[0], rpcUrl: proxy.url }]) });
    try {
      const recipient = Wallet.createRandom().address;
      let actionId = '';
      await withMiningPaused(async () => {
        actionId = await mint(recipient);
        await submitted(actionId);
        await proxy.cut();
      });
      await h.waitForAction(actionId, (a) => a.stage === 'chain_unreachable', 60_000);
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await h.waitForAction(actionId, () => true)).status).toBe('pending');
      await proxy.restore();
      const done = await h.waitForAction(actionId, undefined, 90_000);
      expect(done.status).toBe('succeeded');
      expect(await nft.balanceOf(recipient)).toBe(1n);
      await h.recordHistory('mint-chain-unreachable', actionId);
    } finally {
      await viaProxy.stop();
      await proxy.close();
      worker = await h.startWorker();
    }
  });
});

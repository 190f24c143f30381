import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { ChainReader } from '../../src/chain/chain-reader';
import { ChainFollower } from '../../src/chain/follower';
import { startAnvil } from '../../src/stack/anvil';
import { freePort } from '../../src/stack/ports';
import { BOB } from '../support/accounts';

/** anvil's fourth development account: apart from the engine's signer and the shared chain. */
const KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const CHAIN_ID = 31337;

/** A chain of its own, mined by hand, so the test decides what each block holds and when a reorg happens. */
describe('chain follower', () => {
  let dir: string;
  let anvil: Awaited<ReturnType<typeof startAnvil>>;
  let provider: JsonRpcProvider;
  let wallet: Wallet;
  /** A follower on a reader of its own; the reader owns its provider (and destroys it when stopped). */
  const follower = (provider = connect(), pollMs = 25) => {
    const reader = new ChainReader(provider, pollMs);
    const following = new ChainFollower(reader);
    return Object.assign(following, { stop: () => { ChainFollower.prototype.stop.call(following); reader.stop(); } });
  };
  const connect = () => new JsonRpcProvider(anvil.rpcUrl, CHAIN_ID, { staticNetwork: Network.from(CHAIN_ID), batchMaxCount: 1, cacheTimeout: -1 });
  const mine = (blocks = 1) => provider.send('anvil_mine', [`0x${blocks.toString(16)}`]);
  const settled = <T>(promise: Promise<T>) => {
    const state = { done: false, value: undefined as T | undefined };
    void promise.then((value) => Object.assign(state, { done: true, value }));
    return state;
  };
  const until = async (check: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-follower-'));
    anvil = await startAnvil({ port: await freePort(), chainId: CHAIN_ID, logFile: path.join(dir, 'anvil.log') });
    provider = connect();
    await provider.send('evm_setAutomine', [false]);
    wallet = new Wallet(KEY, provider);
  });
  afterAll(async () => {
    provider.destroy();
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a transaction a reorg moves to another block is confirmed on the block that now holds it, never on the replaced one', async () => {
    const following = follower();
    await mine();
    const raw = await wallet.signTransaction(await wallet.populateTransaction({ to: BOB, value: 1n }));
    const tx = await provider.broadcastTransaction(raw);
    let inclusions = 0;
    const confirmed = settled(following.waitForConfirmations(tx.hash, 4, 30_000, () => inclusions++));
    await mine();
    await until(() => inclusions === 1);
    const first = await provider.send('eth_getTransactionReceipt', [tx.hash]);

    // The last two blocks are replaced; the transaction is now in the first of them, one block earlier, so it is
    // 4 deep (counted from where it is now) after two more blocks, and would have been only 3 deep where it was.
    await provider.send('anvil_reorg', [2, [[raw, 0]]]);
    const moved = await provider.send('eth_getTransactionReceipt', [tx.hash]);
    expect(Number(moved.blockNumber)).toBe(Number(first.blockNumber) - 1);
    await mine();
    await new Promise((r) => setTimeout(r, 300));
    expect(confirmed.done).toBe(false);
    await mine();
    await until(() => confirmed.done);
    const receipt = confirmed.value!;
    expect(receipt.hash).toBe(tx.hash);
    expect(receipt.blockHash).toBe(moved.blockHash);
    expect(receipt.blockHash).not.toBe(first.blockHash);
    expect(Number(await provider.send('eth_blockNumber', []))).toBe(receipt.blockNumber + 3);
    following.stop();
  });

  test('a transaction reorged out is not confirmed until it is mined again', async () => {
    const following = follower();
    const raw = await wallet.signTransaction(await wallet.populateTransaction({ to: BOB, value: 1n }));
    const tx = await provider.broadcastTransaction(raw);
    const confirmed = settled(following.waitForConfirmations(tx.hash, 2, 30_000));
    await mine();
    await provider.send('anvil_reorg', [1, []]);
    expect(await provider.send('eth_getTransactionReceipt', [tx.hash])).toBeNull();
    await mine(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(confirmed.done).toBe(false);
    // Sent again, as the engine does with a transaction the node no longer knows.
    await provider.broadcastTransaction(raw);
    await mine(2);
    await until(() => confirmed.done);
    expect((await provider.getBlock(confirmed.value!.blockNumber))!.hash).toBe(confirmed.value!.blockHash);
    following.stop();
  });

  test('many waiters share one read of each block; a transaction mined before anyone waited is found by its receipt', async () => {
    const reads: Record<string, number> = {};
    const counting = connect();
    const send = counting.send.bind(counting);
    counting.send = (method, params) => {
      // The head is polled as 'latest'; blocks read by number are the ones scanned.
      const key = method === 'eth_getBlockByNumber' && (params as unknown[])[0] === 'latest' ? 'head' : method;
      reads[key] = (reads[key] ?? 0) + 1;
      return send(method, params);
    };
    const following = follower(counting);
    let nonce = await provider.getTransactionCount(wallet.address, 'pending');
    const early = await wallet.sendTransaction({ to: BOB, value: 1n, nonce: nonce++ });
    await mine();
    const txs = [];
    for (let i = 0; i < 20; i++) txs.push(await wallet.sendTransaction({ to: BOB, value: 1n, nonce: nonce++ }));
    const waits = [early, ...txs].map((tx) => following.waitForConfirmations(tx.hash, 2, 30_000));
    const start = await provider.getBlockNumber();
    await new Promise((r) => setTimeout(r, 100));
    await mine();
    await new Promise((r) => setTimeout(r, 100));
    await mine();
    const receipts = await Promise.all(waits);
    expect(receipts.every((r) => r !== undefined && r.status === 1)).toBe(true);
    const end = Number(await provider.send('eth_blockNumber', []));
    // Each block from the first look to the head read once, however many wait.
    expect(reads.eth_getBlockByNumber ?? 0).toBeLessThanOrEqual(end - start + 1);
    expect(reads.eth_getTransactionReceipt).toBeLessThanOrEqual(21 + 21);
    following.stop();
  });
});

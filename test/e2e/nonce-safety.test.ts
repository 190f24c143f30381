import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { JsonRpcProvider, Network, Wallet } from 'ethers';
import { createSigningActivities } from '../../src/activities/signing';
import type { PreparedAction } from '../../src/activities/prepare';
import type { ChainConfig } from '../../src/config';
import { startSigner } from '../../src/signer/server';
import { startAnvil } from '../../src/stack/anvil';
import { freePort } from '../../src/stack/ports';
import { ACTION_FINISHED } from '../../src/shared/failures';
import { startHarness, type Harness } from '../support/harness';

/** anvil's sixth development account: a second signer, funded on both chains. */
const SECOND_SIGNER_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';
const SECOND_CHAIN_ID = 31_338;
const MANY = 500;
const ACROSS = 200;
/** Hundreds of mints: minutes on a loaded machine, well under a minute on a quiet one. */
const LOAD_TIMEOUT_MS = 600_000;

/** Runs `count` jobs, `concurrency` at a time. */
async function pool<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await job(i);
    }
  }));
  return results;
}

describe('nonces under load', () => {
  let h: Harness;
  let secondChain: Awaited<ReturnType<typeof startAnvil>>;
  /** Reference signers of the two keys that know both chains (the run's own signer knows only the first). */
  const signers: Awaited<ReturnType<typeof startSigner>>[] = [];
  const signerSecret = `whsec_${randomBytes(32).toString('base64')}`;
  let providers: Map<number, JsonRpcProvider>;

  beforeAll(async () => {
    secondChain = await startAnvil({ port: await freePort(), chainId: SECOND_CHAIN_ID, blockTimeSeconds: 1, logFile: path.join(os.tmpdir(), `anvil-${SECOND_CHAIN_ID}-${process.pid}.log`) });
    const other: ChainConfig = { name: 'anvil-two', chainId: SECOND_CHAIN_ID, rpcUrl: secondChain.rpcUrl, confirmations: 1, pollIntervalMs: 200 };
    h = await startHarness({}, [other]);
    for (const privateKey of [h.stack.signerKey, SECOND_SIGNER_KEY]) {
      signers.push(await startSigner({ privateKey, secret: signerSecret, chains: h.chains, host: '127.0.0.1', port: 0, log: () => undefined }));
    }
    providers = new Map(h.chains.map((c) => [c.chainId, new JsonRpcProvider(c.rpcUrl, c.chainId, { staticNetwork: Network.from(c.chainId), cacheTimeout: -1 })]));
    await h.startWorker();
  });
  afterAll(async () => {
    for (const p of providers?.values() ?? []) p.destroy();
    await h?.stop();
    for (const signer of signers) await signer.close();
    await secondChain?.stop();
  });

  /** Posts mints to a collection, `concurrency` at a time, and waits until every one has ended. */
  async function mintAll(collectionId: string, count: number, key: string, concurrency: number) {
    const ids = await pool(count, concurrency, async () => {
      const res = await h.request('POST', `/v1/collections/${collectionId}/nfts`, { recipient: Wallet.createRandom().address, metadata: { name: 'Load' } }, {}, key);
      expect(res.status).toBe(202);
      return res.body.actionId as string;
    });
    return pool(ids.length, 25, (i) => h.waitForAction(ids[i], undefined, 600_000, key));
  }

  /** Every nonce used once, and nothing left waiting: the chain's mined and pending counts agree. */
  async function expectNoCollisionNorGap(chainId: number, address: string, actions: { nonce: number; txId: string }[]) {
    expect(new Set(actions.map((a) => a.nonce)).size).toBe(actions.length);
    expect(new Set(actions.map((a) => a.txId)).size).toBe(actions.length);
    const provider = providers.get(chainId)!;
    for (const a of actions) expect((await provider.getTransaction(a.txId))?.from).toBe(address);
    expect(await provider.getTransactionCount(address, 'pending')).toBe(await provider.getTransactionCount(address, 'latest'));
  }

  test("an action's steps run again after it finished (a workflow task run again) get no nonce and sign nothing", async () => {
    const collection = await h.deployCollection('erc721');
    const [finished] = await mintAll(collection.id, 1, h.apiKey, 1);
    // A later mint of the signer prunes the finished action's settled lease, as it does in production.
    await mintAll(collection.id, 1, h.apiKey, 1);
    const [row] = await h.db.query<{ prepared_transaction: PreparedAction; nonce: number }>(
      'SELECT prepared_transaction, nonce FROM actions WHERE id = $1', [finished.actionId]);
    expect(await h.db.query('SELECT nonce FROM nonce_leases WHERE holder = $1', [finished.actionId])).toEqual([]);
    const counter = () => h.db.query('SELECT next_nonce FROM signer_nonces WHERE address = $1', [h.signerAddress.toLowerCase()]);
    const before = await counter();

    const steps = createSigningActivities({
      db: h.db, chains: h.chainRegistry, urls: h.urls, signerTimeoutMs: 5_000, confirmationWaitSlots: 1, wakeDispatcher: () => undefined,
      secrets: h.secrets, webhooks: h.webhooks, metrics: h.metrics,
    });
    await expect(steps.reserveNonce(row.prepared_transaction)).rejects.toMatchObject({ type: ACTION_FINISHED });
    await expect(steps.requestSignature(row.prepared_transaction, row.nonce)).rejects.toMatchObject({ type: ACTION_FINISHED });
    expect(await counter()).toEqual(before);
    expect(await h.db.query('SELECT nonce FROM nonce_leases WHERE holder = $1', [finished.actionId])).toEqual([]);
  });

  test(`${MANY} concurrent mints from one signer: each its own nonce, no gap, every action succeeded`, async () => {
    const collection = await h.deployCollection('erc721');
    const done = await mintAll(collection.id, MANY, h.apiKey, 50);
    expect(done.filter((a) => a.status !== 'succeeded').map((a) => [a.status, a.error?.reason])).toEqual([]);
    expect(new Set(done.map((a) => a.resource.tokenId)).size).toBe(MANY);
    await expectNoCollisionNorGap(h.stack.chainId, h.signerAddress, done);
  }, LOAD_TIMEOUT_MS);

  test(`${ACROSS} mints across two signers on two chains: no collision, no gap, every action succeeded`, async () => {
    const projects = await Promise.all(signers.map(async (signer) => ({
      key: (await h.newProject({ url: signer.url, secret: signerSecret, address: signer.address })).apiKey, address: signer.address,
    })));
    const groups = await Promise.all(projects.flatMap((signer) => h.chains.map(async (chain) => ({
      ...signer, chainId: chain.chainId, collection: await h.deployCollection('erc721', { chain: chain.name }, signer.key),
    }))));
    const perGroup = ACROSS / groups.length;
    const ended = await Promise.all(groups.map((g) => mintAll(g.collection.id, perGroup, g.key, 15)));
    for (const [i, done] of ended.entries()) {
      expect(done.filter((a) => a.status !== 'succeeded').map((a) => [a.status, a.error?.reason])).toEqual([]);
      expect(done.every((a) => a.chainId === groups[i].chainId)).toBe(true);
      await expectNoCollisionNorGap(groups[i].chainId, groups[i].address, done);
    }
  }, LOAD_TIMEOUT_MS);
});

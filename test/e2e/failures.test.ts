import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Contract, Wallet } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { startSigner } from '../../src/signer/server';
import { toEthersTransaction } from '../../src/signing/transaction';
import { freePort } from '../../src/stack/ports';
import { ALICE, BOB } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import type { Received } from '../support/receiver';
import { answerJson, askSigner, withStandInSigner, type SignerAnswer } from '../support/stand-in-signer';

describe('failures', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.stop());

  const withSigner = (respond: SignerAnswer, body: () => Promise<void>) => withStandInSigner(h, respond, body);
  const forwardToSigner = async (request: Received, res: ServerResponse) => {
    const answer = await askSigner(h, request);
    answerJson(res, answer.status, answer.body);
  };

  /**
   * Posts the requests together and has their transactions mined in one block, each estimated before any was
   * sent: the signer answers once all of them asked, and the chain mines nothing until all are sent.
   */
  async function minedInOneBlock(path: string, bodies: unknown[]): Promise<string[]> {
    let asked = 0;
    let allAsked!: () => void;
    const everyoneAsked = new Promise<void>((resolve) => (allAsked = resolve));
    const signOnceAllAsked = async (request: Received, res: ServerResponse) => {
      if (++asked === bodies.length) allAsked();
      await everyoneAsked;
      await forwardToSigner(request, res);
    };
    await h.provider.send('evm_setIntervalMining', [0]);
    try {
      let actionIds: string[] = [];
      await withSigner(signOnceAllAsked, async () => {
        actionIds = (await Promise.all(bodies.map((body) => h.request('POST', path, body)))).map((r) => r.body.actionId);
        await Promise.all(actionIds.map((id) => h.waitForAction(id, (a) => a.stage === 'submitted', 30_000)));
      });
      await h.provider.send('evm_mine', []);
      return actionIds;
    } finally {
      await h.provider.send('evm_setIntervalMining', [1]);
    }
  }

  test('a call that reverts on chain fails with revertReason and callInfo, and gives its supply back', async () => {
    const collection = await h.deployCollection('erc1155');
    const type = await h.request('POST', `/v1/collections/${collection.id}/token-types`, { metadata: { name: 'Rare' }, maxSupply: 2, fungible: true });
    const typeDone = await h.waitForAction(type.body.actionId);
    // The contract owner mints the whole supply outside the engine, so only the chain knows it is gone.
    const owner = new Wallet(h.stack.signerKey, h.provider);
    const contract = new Contract(collection.address, ARTIFACTS[2].erc1155.abi, owner);
    await (await contract.mint(ALICE, BigInt(typeDone.resource.tokenTypeId), 2)).wait();

    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, tokenTypeId: typeDone.resource.id, amount: 1 });
    expect(mint.status).toBe(202);
    const failed = await h.waitForAction(mint.body.actionId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({
      reason: 'execution_reverted',
      revertReason: `execution reverted: MaxSupplyExceeded(${typeDone.resource.tokenTypeId}, 2, 2, 1)`,
      callInfo: { functionName: 'mint', arguments: { recipient: ALICE, tokenTypeId: typeDone.resource.tokenTypeId, amount: '1' } },
    });
    expect(failed.error.callInfo.calldata).toMatch(/^0x156e29f6/);
    await h.recordHistory('mint-reverted', mint.body.actionId);
    const [row] = await h.db.query<{ reserved_supply: string }>('SELECT reserved_supply FROM token_types WHERE id = $1', [typeDone.resource.id]);
    expect(row.reserved_supply).toBe('0');
    const nft = await h.request('GET', `/v1/collections/${collection.id}/nfts/${failed.resource.id}`);
    expect(nft.body.status).toBe('failed');
  });

  test('a mint whose estimate passed but that reverts when mined fails with the revert of its place in the block', async () => {
    const collection = await h.deployCollection('erc721', { maxSupply: 1 });
    // Only the chain holds the collection to one token, so the engine takes two mints.
    await h.db.query('UPDATE collections SET max_supply = 0 WHERE id = $1', [collection.id]);
    const mints = await minedInOneBlock(`/v1/collections/${collection.id}/nfts`, [{ recipient: ALICE, metadata: { name: 'First' } }, { recipient: BOB, metadata: { name: 'Second' } }]);
    const done = await Promise.all(mints.map((id) => h.waitForAction(id)));
    const minted = done.find((a) => a.status === 'succeeded');
    const reverted = done.find((a) => a.status === 'failed');
    expect(minted.resource.tokenId).toBe('1');
    expect(reverted.error).toMatchObject({ reason: 'execution_reverted', revertReason: 'execution reverted: MaxSupplyExceeded(1, 1, 1)' });
    expect((await h.provider.getTransactionReceipt(reverted.txId))!.blockNumber).toBe(minted.resource.blockNumber);
  });

  test('a batch chunk whose estimate passed but that reverts when mined fails the batch with the contract error', async () => {
    const collection = await h.deployCollection('erc721', { maxSupply: 2 });
    // Room for one of the two batches, on the chain only.
    await h.db.query('UPDATE collections SET max_supply = 0 WHERE id = $1', [collection.id]);
    const items = [{ recipient: ALICE, metadata: { name: 'a' } }, { recipient: BOB, metadata: { name: 'b' } }];
    const batches = await minedInOneBlock(`/v1/collections/${collection.id}/nfts/batch`, [{ items }, { items }]);
    const done = await Promise.all(batches.map((id) => h.waitForAction(id)));
    expect(done.map((a) => a.status).sort()).toEqual(['failed', 'succeeded']);
    expect(done.find((a) => a.status === 'failed')).toMatchObject({
      error: { reason: 'execution_reverted', revertReason: 'execution reverted: MaxSupplyExceeded(2, 2, 2)' },
      resource: { items: { total: 2, minted: 0, failed: 2 }, transactions: [{ status: 'reverted' }] },
    });
  });

  test('the signer rejecting fails the action as signer_rejected and leaves no nonce gap', async () => {
    const collection = await h.deployCollection('erc721');
    const before = await h.provider.getTransactionCount(h.signerAddress, 'latest');
    const rejected = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: h.stack.blockedRecipient, metadata: { name: 'No' } });
    const failed = await h.waitForAction(rejected.body.actionId);
    expect(failed.status).toBe('failed');
    expect(failed.error.reason).toBe('signer_rejected');
    expect(failed.error.message).toContain('HTTP 403');
    expect(failed.error.message).toContain('is blocked');
    expect(failed.txId).toBeNull();
    await h.recordHistory('mint-signer-rejected', rejected.body.actionId);

    const next = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Yes' } });
    const done = await h.waitForAction(next.body.actionId);
    expect(done.status).toBe('succeeded');
    expect(done.nonce).toBe(before);
  });

  test('a nonce left by a rejected action while later ones are in flight is filled, so they confirm', async () => {
    const collection = await h.deployCollection('erc721');
    // A signing endpoint that takes its time to refuse: later actions reserve and broadcast higher nonces meanwhile.
    const slowToRefuse = async (request: Received, res: ServerResponse) => {
      if (request.body.toLowerCase().includes(h.stack.blockedRecipient.toLowerCase())) await new Promise((r) => setTimeout(r, 4000));
      await forwardToSigner(request, res);
    };
    await withSigner(slowToRefuse, async () => {
      const gapNonce = await h.provider.getTransactionCount(h.signerAddress, 'pending');
      const blocked = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: h.stack.blockedRecipient, metadata: { name: 'No' } });
      await h.waitForAction(blocked.body.actionId, (a) => a.stage === 'awaiting_signature', 30_000);
      const later = await Promise.all([1, 2, 3].map((i) =>
        h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: `Later ${i}` } })));
      const submitted = await Promise.all(later.map((r) => h.waitForAction(r.body.actionId, (a) => a.stage !== 'queued' && a.stage !== 'building' && a.stage !== 'awaiting_signature', 30_000)));
      expect(submitted.every((a) => a.nonce > gapNonce)).toBe(true);

      expect((await h.waitForAction(blocked.body.actionId)).error.reason).toBe('signer_rejected');
      await h.recordHistory('mint-rejected-gap-filled', blocked.body.actionId);
      const done = await Promise.all(later.map((r) => h.waitForAction(r.body.actionId, undefined, 60_000)));
      expect(done.map((a) => a.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      // The gap was filled by an empty transfer to self at the rejected action's nonce.
      const block = await h.provider.getBlock(Number(done[0].resource.blockNumber), true);
      const filler = block!.prefetchedTransactions.find((tx) => tx.nonce === gapNonce && tx.from === h.signerAddress);
      expect(filler).toMatchObject({ to: h.signerAddress, value: 0n, data: '0x' });
    });
  });

  test('a signer that broadcasts the transaction itself and answers with its hash', async () => {
    const key = new Wallet(h.stack.signerKey, h.provider);
    const collection = await h.deployCollection('erc721');
    const signAndSend = async (request: Received, res: ServerResponse) => {
      const sent = await h.provider.broadcastTransaction(await key.signTransaction(toEthersTransaction(JSON.parse(request.body).transaction)));
      answerJson(res, 200, JSON.stringify({ transactionHash: sent.hash }));
    };
    await withSigner(signAndSend, async () => {
      const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Self-sent' } });
      const done = await h.waitForAction(mint.body.actionId);
      expect(done.status).toBe('succeeded');
      const tx = await h.provider.getTransaction(done.txId);
      expect(tx).toMatchObject({ from: h.signerAddress, to: collection.address, nonce: done.nonce });
    });
  });

  test('a signer that returns another transaction fails the action as invalid_signature', async () => {
    const rogueKey = Wallet.createRandom();
    const collection = await h.deployCollection('erc721');
    const forge = async (request: Received, res: ServerResponse) =>
      answerJson(res, 200, JSON.stringify({ signedTransaction: await rogueKey.signTransaction(toEthersTransaction(JSON.parse(request.body).transaction)) }));
    await withSigner(forge, async () => {
      const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Forged' } });
      const failed = await h.waitForAction(mint.body.actionId);
      expect(failed.error.reason).toBe('invalid_signature');
      expect(failed.error.message).toContain(`signed by ${rogueKey.address}`);
    });
  });

  test('the signer down, then back: the action waits with backoff and completes', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const port = await freePort();
    const chains = [{ name: 'anvil', chainId: h.stack.chainId, rpcUrl: h.stack.rpcUrl, confirmations: 1, pollIntervalMs: 500 }];
    const start = () => startSigner({ privateKey: h.stack.signerKey, secret, chains, host: '127.0.0.1', port, log: () => undefined });
    let signer = await start();
    const project = await h.newProject({ url: signer.url, secret });
    const collection = await h.deployCollection('erc721', {}, project.apiKey);
    await signer.close();

    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Patient' } }, {}, project.apiKey);
    await h.waitForAction(mint.body.actionId, (a) => a.stage === 'awaiting_signature', 30_000, project.apiKey);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await h.request('GET', `/v1/actions/${mint.body.actionId}`, undefined, {}, project.apiKey)).body.status).toBe('pending');
    signer = await start();
    try {
      const done = await h.waitForAction(mint.body.actionId, undefined, 60_000, project.apiKey);
      expect(done.status).toBe('succeeded');
      await h.recordHistory('mint-signer-down-then-back', mint.body.actionId);
    } finally {
      await signer.close();
    }
  });
});

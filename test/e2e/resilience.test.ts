import { Contract } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness, type EngineProcess } from '../support/harness';

describe('concurrency and crashes', () => {
  let h: Harness;
  let worker: EngineProcess;
  beforeAll(async () => {
    h = await startHarness();
    worker = await h.startWorker();
  });
  afterAll(() => h?.stop());

  async function tokenUris(address: string) {
    const contract = new Contract(address, ARTIFACTS[2].erc721.abi, h.provider);
    const supply = Number(await contract.totalSupply());
    return Promise.all(Array.from({ length: supply }, (_, i) => contract.tokenURI(i + 1) as Promise<string>));
  }

  test('50 concurrent mints from one signer all succeed with distinct nonces', async () => {
    const collection = await h.deployCollection('erc721');
    const posts = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: `Concurrent ${i}` } })));
    expect(posts.map((p) => p.status)).toEqual(Array(50).fill(202));
    const done = await Promise.all(posts.map((p) => h.waitForAction(p.body.actionId, undefined, 150_000)));
    expect(done.filter((a) => a.status === 'succeeded')).toHaveLength(50);
    expect(new Set(done.map((a) => a.nonce)).size).toBe(50);
    expect(new Set(done.map((a) => a.txId)).size).toBe(50);
    const uris = await tokenUris(collection.address);
    expect(uris).toHaveLength(50);
    expect(new Set(uris).size).toBe(50);
  });

  test('the worker killed in the middle of actions: after a restart each completes with exactly one token', async () => {
    const collection = await h.deployCollection('erc721');
    const posts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: `Crash ${i}` } })));
    // Kill as soon as one transaction is on its way, while the others are at earlier stages.
    await h.waitForAction(posts[0].body.actionId, (a) => ['submitted', 'confirming', 'completed'].includes(a.stage), 60_000);
    await worker.kill();
    const stagesAtKill = await Promise.all(posts.map(async (p) => (await h.request('GET', `/v1/actions/${p.body.actionId}`)).body.stage));
    expect(stagesAtKill.some((s) => s !== 'completed')).toBe(true);

    worker = await h.startWorker();
    const done = await Promise.all(posts.map((p) => h.waitForAction(p.body.actionId, undefined, 150_000)));
    expect(done.map((a) => a.status)).toEqual(Array(8).fill('succeeded'));
    const uris = await tokenUris(collection.address);
    expect(uris).toHaveLength(8);
    const expected = done.map((a) => `${h.baseUrl}/v1/metadata/collections/${collection.id}/tokens/${a.resource.tokenId}`);
    expect([...uris].sort()).toEqual([...expected].sort());
  });
});

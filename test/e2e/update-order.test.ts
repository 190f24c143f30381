import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';
import { versionOneCollection } from '../support/version-one';

describe('concurrent metadata updates of one NFT', () => {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof startReceiver>>;
  /** The worker's chain calls that carry this (hex) text wait until `release` is called. */
  let hold: { text: string; seen: () => void; released: Promise<void> } | undefined;

  beforeAll(async () => {
    h = await startHarness();
    // The worker reaches the chain through this proxy, so a test can hold one action's calls back.
    proxy = await startReceiver(async (req, _count, res) => {
      if (hold && req.body.includes(hold.text)) {
        hold.seen();
        await hold.released;
      }
      const answer = await fetch(h.stack.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: req.body });
      res.setHeader('content-type', 'application/json');
      res.end(await answer.text());
    });
    const chains = [{ name: 'anvil', chainId: h.stack.chainId, rpcUrl: proxy.url, confirmations: 1, pollIntervalMs: 200 }];
    await h.startWorker({ CHAINS: JSON.stringify(chains) });
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  test('version 1: the older update preparing last is not sent after the newer; chain and API agree on the newest', async () => {
    const collection = await versionOneCollection(h, 'erc721');
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'One' } });
    const minted = await h.waitForAction(mint.body.actionId);
    expect(minted.status).toBe('succeeded');
    const nftPath = `/v1/collections/${collection.id}/nfts/${minted.resource.id}`;

    // Version 2's simulation waits until version 3 has its nonce: version 2 then takes a nonce after it.
    let seen!: () => void;
    const olderHeld = new Promise<void>((resolve) => (seen = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    hold = { text: Buffer.from(`/v1/metadata/nfts/${minted.resource.id}/2`).toString('hex'), seen, released };
    try {
      const older = await h.request('PATCH', nftPath, { metadata: { name: 'Two' } });
      await olderHeld;
      const newer = await h.request('PATCH', nftPath, { metadata: { name: 'Three' } });
      await h.waitForAction(newer.body.actionId, (a) => ['submitted', 'confirming', 'completed'].includes(a.stage));
      release();
      const [olderDone, newerDone] = await Promise.all([h.waitForAction(older.body.actionId), h.waitForAction(newer.body.actionId)]);

      expect(newerDone.status).toBe('succeeded');
      const nft = (await h.request('GET', nftPath)).body;
      expect(nft).toMatchObject({ metadataVersion: 3, metadata: { name: 'Three' } });
      expect(await collection.contract.tokenURI(minted.resource.tokenId)).toBe(nft.tokenURI);
      expect(olderDone).toMatchObject({ status: 'failed', error: { reason: 'superseded' } });
    } finally {
      release();
      hold = undefined;
    }
  });
});

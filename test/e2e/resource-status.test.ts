import { Contract, Wallet } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { ALICE, BOB } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { openApiValidator } from '../support/openapi';

describe("Venly's per-resource status: transactionHash, errorMessage and mintNumber on GET", () => {
  let h: Harness;
  let v: ReturnType<typeof openApiValidator>;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    v = openApiValidator(await (await fetch(`${h.baseUrl}/openapi.json`)).json() as Record<string, unknown>);
  });
  afterAll(() => h?.stop());

  const get = async (path: string, template: string) => {
    const res = await h.request('GET', path);
    expect(res.status).toBe(200);
    v.response('GET', template, 200, res.body);
    return res.body;
  };
  const getNft = (collectionId: string, nftId: string) => get(`/v1/collections/${collectionId}/nfts/${nftId}`, '/v1/collections/{collectionId}/nfts/{nftId}');

  test('a collection, a token type and its NFTs carry their last action’s transaction and error, and NFTs their mint number', async () => {
    const collection = await h.deployCollection('erc1155');
    const deployed = await h.waitForAction(collection.actionId);
    expect(await get(`/v1/collections/${collection.id}`, '/v1/collections/{collectionId}'))
      .toMatchObject({ transactionHash: deployed.txId, errorMessage: null });
    const listed = await get('/v1/collections', '/v1/collections');
    expect(listed.data.find((c: { id: string }) => c.id === collection.id)).toMatchObject({ transactionHash: deployed.txId, errorMessage: null });

    const type = await h.request('POST', `/v1/collections/${collection.id}/token-types`, { metadata: { name: 'Card' }, maxSupply: 3, fungible: false });
    const typeDone = await h.waitForAction(type.body.actionId);
    expect(typeDone.status).toBe('succeeded');
    expect(await get(`/v1/collections/${collection.id}/token-types/${typeDone.resource.id}`, '/v1/collections/{collectionId}/token-types/{tokenTypeId}'))
      .toMatchObject({ transactionHash: typeDone.txId, errorMessage: null });

    const mint = async (recipient: string) => {
      const res = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient, tokenTypeId: typeDone.resource.id });
      expect(res.status).toBe(202);
      return h.waitForAction(res.body.actionId);
    };
    const first = await mint(ALICE);
    const second = await mint(BOB);
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    expect(await getNft(collection.id, first.resource.id)).toMatchObject({ status: 'minted', transactionHash: first.txId, errorMessage: null, mintNumber: 1 });
    expect(await getNft(collection.id, second.resource.id)).toMatchObject({ status: 'minted', transactionHash: second.txId, errorMessage: null, mintNumber: 2 });

    // The contract owner mints the type's last token outside the engine: the engine's next mint reverts.
    const owner = new Wallet(h.stack.signerKey, h.provider);
    const contract = new Contract(collection.address, ARTIFACTS[2].erc1155.abi, owner);
    await (await contract.mint(ALICE, BigInt(typeDone.resource.tokenTypeId), 1)).wait();
    const third = await mint(ALICE);
    expect(third.status).toBe('failed');
    expect(third.error.message).toEqual(expect.any(String));
    expect(await getNft(collection.id, third.resource.id))
      .toMatchObject({ status: 'failed', transactionHash: third.txId ?? null, errorMessage: third.error.message, mintNumber: null });

    // A metadata update is the NFT's last action now; its mint number stays.
    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${first.resource.id}`, { metadata: { name: 'Card, signed' } });
    expect(update.status).toBe(202);
    const updated = await h.waitForAction(update.body.actionId);
    expect(updated.status).toBe('succeeded');
    expect(updated.txId).not.toBe(first.txId);
    expect(await getNft(collection.id, first.resource.id)).toMatchObject({ transactionHash: updated.txId, errorMessage: null, mintNumber: 1 });
  });

  test('an ERC-721 NFT has no mint number; one of a batch carries its chunk’s transaction; another project sees none of it', async () => {
    const collection = await h.deployCollection('erc721');
    const res = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'One' } });
    const minted = await h.waitForAction(res.body.actionId);
    expect(await getNft(collection.id, minted.resource.id)).toMatchObject({ status: 'minted', transactionHash: minted.txId, errorMessage: null, mintNumber: null });

    const batch = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, { items: [{ recipient: ALICE, metadata: { name: 'Two' } }, { recipient: BOB, metadata: { name: 'Three' } }] });
    expect((await h.waitForAction(batch.body.actionId)).status).toBe('succeeded');
    const items = (await h.request('GET', `/v1/actions/${batch.body.actionId}/items`)).body.data;
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item.txHash).toMatch(/^0x[0-9a-f]{64}$/);
      expect(await getNft(collection.id, item.nftId)).toMatchObject({ status: 'minted', transactionHash: item.txHash, errorMessage: null, mintNumber: null });
    }
    const other = await h.newProject();
    expect((await h.request('GET', `/v1/collections/${collection.id}/nfts/${minted.resource.id}`, undefined, {}, other.apiKey)).status).toBe(404);
  });
});

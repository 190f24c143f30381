import { Contract } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { ALICE, BOB } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { openApiValidator } from '../support/openapi';
import { startReceiver } from '../support/receiver';
import { versionOneCollection } from '../support/version-one';

/** What a wallet reads for an ERC-1155 token: uri(id) with every `{id}` replaced by the id as 64 lowercase hex digits (EIP-1155). */
async function erc1155MetadataUrl(contract: Contract, tokenId: bigint): Promise<string> {
  return (await contract.uri(tokenId)).replaceAll('{id}', tokenId.toString(16).padStart(64, '0'));
}

describe('every action type, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.stop());

  test('ERC-721: create collection, mint, update metadata', async () => {
    const collection = await h.deployCollection('erc721', { metadata: { description: 'a test collection' } });
    const contract = new Contract(collection.address, ARTIFACTS[2].erc721.abi, h.provider);
    expect(await contract.owner()).toBe(h.signerAddress);
    await h.recordHistory('erc721-collection', collection.actionId);
    expect(await contract.contractURI()).toBe(`${h.baseUrl}/v1/metadata/collections/${collection.id}`);

    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'Token One', image: 'https://example.com/1.png' } });
    expect(mint.status).toBe(202);
    expect(mint.body).toMatchObject({ type: 'nfts.create', status: 'pending', stage: 'queued' });
    const minted = await h.waitForAction(mint.body.actionId);
    expect(minted).toMatchObject({ status: 'succeeded', stage: 'completed', resource: { owner: ALICE, tokenId: '1' } });
    expect(minted.txId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(new Date(minted.completedAt).getTime()).toBeGreaterThanOrEqual(new Date(minted.startedAt).getTime());
    expect(await contract.ownerOf(1)).toBe(ALICE);
    // The same action in Crossmint's action status shape, `data` as in its webhook event.
    const crossmint = await h.request('GET', `/api/2022-06-09/actions/${mint.body.actionId}`);
    expect(crossmint.body).toEqual({
      actionId: mint.body.actionId, action: 'nfts.create', status: 'succeeded', startedAt: minted.startedAt, completedAt: minted.completedAt,
      resource: minted.resource.url,
      data: {
        chain: 'anvil', txId: minted.txId, collection: { id: collection.id, contractAddress: collection.address },
        recipient: { walletAddress: ALICE }, token: { id: minted.resource.id, tokenId: '1', amount: '1', owner: { walletAddress: ALICE } },
      },
    });
    expect((await h.request('GET', `/api/2022-06-09/actions/${mint.body.actionId}`, undefined, {}, (await h.newProject()).apiKey)).status).toBe(404);
    const nftId = minted.resource.id;
    const tokenURI = await contract.tokenURI(1);
    expect(tokenURI).toBe(`${h.baseUrl}/v1/metadata/collections/${collection.id}/tokens/1`);
    expect(await (await fetch(tokenURI)).json()).toEqual({ name: 'Token One', image: 'https://example.com/1.png' });
    expect(await contract.supportsInterface('0x49064906')).toBe(true);

    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${nftId}`, { metadata: { name: 'Token One, revised' } });
    expect(update.status).toBe(202);
    const updated = await h.waitForAction(update.body.actionId);
    expect(updated).toMatchObject({ type: 'nfts.update', status: 'succeeded', resource: { tokenId: '1' } });
    // The URI stays; what it serves changes, and the chain only announces it (EIP-4906).
    expect(await contract.tokenURI(1)).toBe(tokenURI);
    expect(await (await fetch(tokenURI)).json()).toEqual({ name: 'Token One, revised' });
    const receipt = await h.provider.getTransactionReceipt(updated.txId);
    const events = receipt!.logs.map((log) => contract.interface.parseLog(log)?.name);
    expect(events).toEqual(['MetadataUpdate']);
    await h.recordHistory('erc721-mint', mint.body.actionId);
    await h.recordHistory('erc721-update', update.body.actionId);
    const nft = await h.request('GET', `/v1/collections/${collection.id}/nfts/${nftId}`);
    expect(nft.body).toMatchObject({ tokenId: '1', status: 'minted', metadataVersion: 2, metadata: { name: 'Token One, revised' }, tokenURI });
    // The first version stays where the chain pointed at it.
    expect(await (await fetch(`${h.baseUrl}/v1/metadata/nfts/${nftId}/1`)).json()).toMatchObject({ name: 'Token One' });
  });

  test('ERC-1155: create collection, token types, fungible and non-fungible mints', async () => {
    const collection = await h.deployCollection('erc1155');
    const contract = new Contract(collection.address, ARTIFACTS[2].erc1155.abi, h.provider);

    const type = await h.request('POST', `/v1/collections/${collection.id}/token-types`, { metadata: { name: 'Gold' }, maxSupply: 1000, fungible: true });
    expect(type.status).toBe(202);
    const typeDone = await h.waitForAction(type.body.actionId);
    // The contract's type id is onChainTypeId (and, as before, tokenTypeId); mints name the type by its id.
    expect(typeDone).toMatchObject({ type: 'tokenTypes.create', status: 'succeeded', resource: { onChainTypeId: '1', tokenTypeId: '1' } });
    const goldId = typeDone.resource.id;
    expect((await h.request('GET', `/v1/collections/${collection.id}/token-types/${goldId}`)).body).toMatchObject({ id: goldId, onChainTypeId: '1', maxSupply: '1000' });
    await h.recordHistory('erc1155-token-type', type.body.actionId);
    expect(await contract.uri(1)).toBe(`${h.baseUrl}/v1/metadata/collections/${collection.id}/tokens/1`);
    expect(await (await fetch(await contract.uri(1))).json()).toEqual({ name: 'Gold' });

    const fungible = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: BOB, tokenTypeId: goldId, amount: 25 });
    expect(fungible.status).toBe(202);
    expect(await h.waitForAction(fungible.body.actionId)).toMatchObject({ status: 'succeeded', resource: { tokenId: '1', amount: '25', owner: BOB } });
    expect(await contract.balanceOf(BOB, 1)).toBe(25n);

    const sword = await h.request('POST', `/v1/collections/${collection.id}/token-types`, { metadata: { name: 'Sword' }, maxSupply: 10 });
    const swordDone = await h.waitForAction(sword.body.actionId);
    expect(swordDone.status).toBe('succeeded');
    const unique = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, tokenTypeId: swordDone.resource.id });
    const uniqueDone = await h.waitForAction(unique.body.actionId);
    expect(uniqueDone.status).toBe('succeeded');
    const tokenId = BigInt(uniqueDone.resource.tokenId);
    expect(tokenId).toBe(3n);
    expect(await contract.balanceOf(ALICE, tokenId)).toBe(1n);
    expect(await (await fetch(await contract.uri(tokenId))).json()).toEqual({ name: 'Sword' });

    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${uniqueDone.resource.id}`, { metadata: { name: 'Sword +1' } });
    expect(await h.waitForAction(update.body.actionId)).toMatchObject({ status: 'succeeded', resource: { tokenId: '3' } });
    expect(await (await fetch(await contract.uri(tokenId))).json()).toEqual({ name: 'Sword +1' });

    const unknown = await fetch(`${h.baseUrl}/v1/metadata/collections/${collection.id}/tokens/99`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('actions are listed, filtered and paged, and searchable in Temporal', async () => {
    const page1 = await h.request('GET', '/v1/actions?type=nfts.create&limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.data.every((a: any) => a.type === 'nfts.create')).toBe(true);
    const page2 = await h.request('GET', `/v1/actions?type=nfts.create&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.length).toBeGreaterThan(0);
    const ids = new Set([...page1.body.data, ...page2.body.data].map((a: any) => a.actionId));
    expect(ids.size).toBe(page1.body.data.length + page2.body.data.length);

    const query = `ActionType = 'nfts.create' AND ActionStatus = 'succeeded' AND ProjectId = '${h.projectId}' AND ChainId = ${h.stack.chainId}`;
    let found = 0;
    for (let i = 0; i < 40 && found < 3; i++) {
      found = 0;
      for await (const _ of h.client.workflow.list({ query })) found++;
      if (found < 3) await new Promise((r) => setTimeout(r, 500));
    }
    expect(found).toBe(3);
  });

  test("the console's queries: search by id, tx hash or Idempotency-Key, stage and time filters, timeline, per minute, token types and NFTs, endpoints' success rate", async () => {
    const v = openApiValidator(await (await fetch(`${h.baseUrl}/openapi.json`)).json() as Record<string, any>);
    const get = async (path: string, documented: string, key = h.apiKey) => {
      const res = await h.request('GET', path, undefined, {}, key);
      v.response('GET', documented, res.status, res.body, res.headers.get('content-type')!.split(';')[0]);
      return res;
    };
    const startedBefore = new Date(Date.now() - 1000).toISOString();
    const answering = await startReceiver();
    const failing = await startReceiver((_req, _count, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    const endpointTo = async (url: string) => (await h.request('POST', '/v1/webhooks', { url, eventTypes: ['collections.create.succeeded', 'tokenTypes.create.succeeded', 'nfts.create.succeeded'] })).body.id as string;
    const [answeringId, failingId] = [await endpointTo(answering.url), await endpointTo(failing.url)];
    const collection = await h.deployCollection('erc1155');
    const type = await h.request('POST', `/v1/collections/${collection.id}/token-types`, { metadata: { name: 'Kind' }, maxSupply: 5 });
    const typeDone = await h.waitForAction(type.body.actionId);
    const key = `console-query-${Date.now()}`;
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, tokenTypeId: typeDone.resource.id }, { 'Idempotency-Key': key });
    const minted = await h.waitForAction(mint.body.actionId);
    expect(minted.status).toBe('succeeded');

    const ids = (res: { body: any }) => res.body.data.map((a: any) => a.actionId);
    expect(ids(await get(`/v1/actions?q=${key}`, '/v1/actions'))).toEqual([minted.actionId]);
    expect(ids(await get(`/v1/actions?q=${minted.txId.toUpperCase().replace('0X', '0x')}`, '/v1/actions'))).toEqual([minted.actionId]);
    expect(ids(await get(`/v1/actions?q=${minted.actionId}`, '/v1/actions'))).toEqual([minted.actionId]);
    expect(ids(await get('/v1/actions?q=no-such-thing', '/v1/actions'))).toEqual([]);
    const inCollection = await get(`/v1/actions?collectionId=${collection.id}&stage=completed&since=${startedBefore}`, '/v1/actions');
    expect(ids(inCollection)).toEqual([minted.actionId, typeDone.actionId, collection.actionId]);
    expect(ids(await get(`/v1/actions?collectionId=${collection.id}&until=${startedBefore}`, '/v1/actions'))).toEqual([]);
    expect(ids(await get(`/v1/actions?collectionId=${collection.id}&stage=queued`, '/v1/actions'))).toEqual([]);

    const stages = await get(`/v1/actions/${minted.actionId}/stages`, '/v1/actions/{actionId}/stages');
    expect(stages.body.data.map((s: any) => s.stage)).toEqual(['building', 'awaiting_signature', 'submitted', 'confirming', 'completed']);
    const times = stages.body.data.map((s: any) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(Date.parse(minted.startedAt));

    const perMinute = await get('/v1/actions/per-minute?minutes=5', '/v1/actions/per-minute');
    const succeeded = perMinute.body.data.filter((r: any) => r.status === 'succeeded').reduce((sum: number, r: any) => sum + r.count, 0);
    expect(succeeded).toBeGreaterThanOrEqual(3);

    const types = await get(`/v1/collections/${collection.id}/token-types`, '/v1/collections/{collectionId}/token-types');
    expect(types.body.data).toEqual([expect.objectContaining({ id: typeDone.resource.id, maxSupply: '5', supplyUsed: '1', status: 'created' })]);
    const nfts = await get(`/v1/collections/${collection.id}/nfts?limit=1`, '/v1/collections/{collectionId}/nfts');
    expect(nfts.body.data).toEqual([expect.objectContaining({ id: minted.resource.id, status: 'minted', metadataVersion: 1, metadata: { name: 'Kind' } })]);
    expect(nfts.body.nextCursor).not.toBeNull();
    expect((await get(`/v1/collections/${collection.id}/nfts?cursor=${nfts.body.nextCursor}`, '/v1/collections/{collectionId}/nfts')).body.data).toEqual([]);

    const bad = await get('/v1/actions?stage=flying&since=yesterday&q=', '/v1/actions');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['query.q', 'query.since', 'query.stage']);
    expect((await get('/v1/actions/per-minute?minutes=100000', '/v1/actions/per-minute')).body.errors[0].field).toBe('query.minutes');

    // Each endpoint was sent the three events: one took them all, the other none, through all its retries.
    const successRate = async (endpointId: string, until: (hours: any[]) => boolean) => {
      for (let i = 0; ; i++) {
        const res = await get(`/v1/webhooks/${endpointId}/success-rate`, '/v1/webhooks/{endpointId}/success-rate');
        if (until(res.body.data) || i === 100) return res.body.data;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const total = (hours: any[], field: 'succeeded' | 'failed') => hours.reduce((sum, hour) => sum + hour[field], 0);
    const answered = await successRate(answeringId, (hours) => total(hours, 'succeeded') === 3);
    expect([total(answered, 'succeeded'), total(answered, 'failed'), answered.at(-1).rate]).toEqual([3, 0, 1]);
    const refused = await successRate(failingId, (hours) => total(hours, 'failed') === 3);
    expect([total(refused, 'succeeded'), total(refused, 'failed'), refused.at(-1).rate]).toEqual([0, 3, 0]);
    expect((await get(`/v1/webhooks/${answeringId}/success-rate?hours=1000`, '/v1/webhooks/{endpointId}/success-rate')).body.errors[0].field).toBe('query.hours');
    for (const id of [answeringId, failingId]) await h.request('DELETE', `/v1/webhooks/${id}`);
    await Promise.all([answering.close(), failing.close()]);

    const other = await h.newProject();
    expect((await get(`/v1/webhooks/${answeringId}/success-rate`, '/v1/webhooks/{endpointId}/success-rate', other.apiKey)).status).toBe(404);
    expect((await get(`/v1/actions?q=${key}`, '/v1/actions', other.apiKey)).body.data).toEqual([]);
    expect((await get(`/v1/actions/${minted.actionId}/stages`, '/v1/actions/{actionId}/stages', other.apiKey)).status).toBe(404);
    expect((await get(`/v1/collections/${collection.id}/token-types`, '/v1/collections/{collectionId}/token-types', other.apiKey)).status).toBe(404);
    expect((await get(`/v1/collections/${collection.id}/nfts`, '/v1/collections/{collectionId}/nfts', other.apiKey)).status).toBe(404);
    const otherMinutes = await get('/v1/actions/per-minute', '/v1/actions/per-minute', other.apiKey);
    expect(otherMinutes.body.data).toEqual([]);
  });

  test('collections deployed with contract version 1 keep working: mint and update build the version 1 calls', async () => {
    const { id: collectionId, contract } = await versionOneCollection(h, 'erc721');
    expect((await h.request('GET', `/v1/collections/${collectionId}`)).body.contractVersion).toBe(1);

    const mint = await h.request('POST', `/v1/collections/${collectionId}/nfts`, { recipient: ALICE, metadata: { name: 'Old One' } });
    const minted = await h.waitForAction(mint.body.actionId);
    expect(minted).toMatchObject({ status: 'succeeded', resource: { tokenId: '1', owner: ALICE } });
    const nftId = minted.resource.id;
    expect(await contract.tokenURI(1)).toBe(`${h.baseUrl}/v1/metadata/nfts/${nftId}/1`);

    const update = await h.request('PATCH', `/v1/collections/${collectionId}/nfts/${nftId}`, { metadata: { name: 'Old One, revised' } });
    expect(await h.waitForAction(update.body.actionId)).toMatchObject({ status: 'succeeded', resource: { tokenId: '1' } });
    expect(await contract.tokenURI(1)).toBe(`${h.baseUrl}/v1/metadata/nfts/${nftId}/2`);
    expect((await h.request('GET', `/v1/collections/${collectionId}/nfts/${nftId}`)).body.tokenURI).toBe(`${h.baseUrl}/v1/metadata/nfts/${nftId}/2`);
    const batch = await h.request('POST', `/v1/collections/${collectionId}/nfts/batch`, { items: [{ recipient: ALICE, metadata: { name: 'Old Two' } }] });
    expect([batch.status, batch.body.code]).toEqual([409, 'batch_mint_unsupported']);
  });

  test('ERC-1155, contract versions 2 and 1: the API reports the URI the contract returns, and it serves the metadata the mint sent', async () => {
    /** The NFT as the API shows it, after checking its tokenURI is what the chain says and serves its metadata. */
    const agreedNft = async (collectionId: string, nftId: string, contract: Contract) => {
      const nft = (await h.request('GET', `/v1/collections/${collectionId}/nfts/${nftId}`)).body;
      const url = await erc1155MetadataUrl(contract, BigInt(nft.tokenId));
      expect(nft.tokenURI).toBe(url);
      expect(await (await fetch(url)).json()).toEqual(nft.metadata);
      return nft;
    };
    const mint = async (collectionId: string, body: object) =>
      h.waitForAction((await h.request('POST', `/v1/collections/${collectionId}/nfts`, body)).body.actionId);
    const createType = async (collectionId: string, body: object) =>
      h.waitForAction((await h.request('POST', `/v1/collections/${collectionId}/token-types`, body)).body.actionId);

    const collection = await h.deployCollection('erc1155');
    const contract = new Contract(collection.address, ARTIFACTS[2].erc1155.abi, h.provider);
    const shield = await createType(collection.id, { metadata: { name: 'Shield' }, maxSupply: 0 });
    const named = await mint(collection.id, { recipient: ALICE, tokenTypeId: shield.resource.id, metadata: { name: 'Shield of Dawn', image: 'https://example.com/dawn.png' } });
    expect(named.status).toBe('succeeded');
    expect(await agreedNft(collection.id, named.resource.id, contract)).toMatchObject({ metadata: { name: 'Shield of Dawn', image: 'https://example.com/dawn.png' } });
    // Every holder of a fungible type shares its token id, so its URI can only serve the type's metadata.
    const silver = await createType(collection.id, { metadata: { name: 'Silver' }, maxSupply: 0, fungible: true });
    const withMetadata = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: BOB, tokenTypeId: silver.resource.id, amount: 3, metadata: { name: 'Mine' } });
    expect([withMetadata.status, withMetadata.body.errors?.[0]?.field]).toEqual([400, 'body.metadata']);
    const batch = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, { tokenTypeId: silver.resource.id, items: [{ recipient: BOB, metadata: { name: 'Mine' } }] });
    expect([batch.status, batch.body.errors?.[0]?.field]).toEqual([400, 'body.items.0.metadata']);
    const coins = await mint(collection.id, { recipient: BOB, tokenTypeId: silver.resource.id, amount: 3 });
    expect(await agreedNft(collection.id, coins.resource.id, contract)).toMatchObject({ metadata: { name: 'Silver' } });

    // A version 1 contract sets no URI when it mints: a new token reads its type's until an update sets its own.
    const { id: v1CollectionId, contract: v1Contract } = await versionOneCollection(h, 'erc1155');
    const helm = await createType(v1CollectionId, { metadata: { name: 'Helm' }, maxSupply: 0 });
    const refused = await h.request('POST', `/v1/collections/${v1CollectionId}/nfts`, { recipient: ALICE, tokenTypeId: helm.resource.id, metadata: { name: 'Helm of Dusk' } });
    expect([refused.status, refused.body.errors?.[0]?.field]).toEqual([400, 'body.metadata']);
    const oldHelm = await mint(v1CollectionId, { recipient: ALICE, tokenTypeId: helm.resource.id });
    expect(await agreedNft(v1CollectionId, oldHelm.resource.id, v1Contract)).toMatchObject({ metadata: { name: 'Helm' } });
    const update = await h.request('PATCH', `/v1/collections/${v1CollectionId}/nfts/${oldHelm.resource.id}`, { metadata: { name: 'Helm of Dusk' } });
    expect((await h.waitForAction(update.body.actionId)).status).toBe('succeeded');
    expect(await agreedNft(v1CollectionId, oldHelm.resource.id, v1Contract)).toMatchObject({ metadataVersion: 2, metadata: { name: 'Helm of Dusk' } });
    const gold = await createType(v1CollectionId, { metadata: { name: 'Old gold' }, maxSupply: 0, fungible: true });
    const oldCoins = await mint(v1CollectionId, { recipient: BOB, tokenTypeId: gold.resource.id, amount: 2 });
    expect(await agreedNft(v1CollectionId, oldCoins.resource.id, v1Contract)).toMatchObject({ metadata: { name: 'Old gold' } });
  });
});

import { Contract, getAddress, toBeHex, zeroPadValue } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { ALICE, BOB } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';

/** Distinct recipients that hold nothing yet. */
const recipients = (n: number, salt: number) => Array.from({ length: n }, (_, i) => getAddress(zeroPadValue(toBeHex(salt * 1_000_000 + i + 1), 20)));

describe('batch mints', () => {
  let h: Harness;
  let worker: EngineProcess;
  beforeAll(async () => {
    h = await startHarness();
    worker = await h.startWorker();
  });
  afterAll(() => h?.stop());

  async function allItems(actionId: string) {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await h.request('GET', `/v1/actions/${actionId}/items?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      items.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }

  const stagesOf = async (actionId: string) =>
    (await h.db.query<{ stage: string }>('SELECT stage FROM action_stages WHERE action_id = $1 ORDER BY at', [actionId])).map((r) => r.stage);

  /** Every transaction sent to the contract since it was deployed, read from the chain's blocks. */
  async function transactionsTo(address: string, deployTx: string) {
    const from = (await h.provider.getTransactionReceipt(deployTx))!.blockNumber;
    const latest = await h.provider.getBlockNumber();
    const hashes: string[] = [];
    for (let n = from; n <= latest; n++) {
      const block = await h.provider.getBlock(n, true);
      for (const tx of block!.prefetchedTransactions) if (tx.to?.toLowerCase() === address.toLowerCase()) hashes.push(tx.hash);
    }
    return hashes;
  }

  test('500 ERC-721 recipients with the worker killed mid-batch: exactly 500 tokens, one transaction per chunk', async () => {
    const collection = await h.deployCollection('erc721');
    const deployment = await h.request('GET', `/v1/actions/${collection.actionId}`);
    const to = recipients(500, 1);
    const body = { items: to.map((recipient, i) => ({ recipient, metadata: { name: `Batch ${i}` } })) };
    const post = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, body, { 'Idempotency-Key': 'batch-721' });
    expect(post.status).toBe(202);
    expect(post.body).toMatchObject({ type: 'nfts.createBatch', status: 'pending', stage: 'queued' });
    const { actionId } = post.body;

    // Kill as soon as the first chunk is on its way, while later chunks are still to be signed, sent or recorded.
    await h.waitForAction(actionId, (a) => ['submitted', 'confirming', 'completed'].includes(a.stage), 60_000);
    await worker.kill();
    expect((await h.request('GET', `/v1/actions/${actionId}`)).body.status).toBe('pending');
    worker = await h.startWorker();

    const done = await h.waitForAction(actionId, undefined, 90_000);
    // Planned while the request stored its items: the workflow went straight to signing.
    expect(await stagesOf(actionId)).not.toContain('building');
    expect(done).toMatchObject({ status: 'succeeded', resource: { items: { total: 500, minted: 500, failed: 0 }, itemsUrl: `${h.baseUrl}/v1/actions/${actionId}/items` } });
    const transactions: { txId: string; nonce: number; status: string }[] = done.resource.transactions;
    expect(transactions.length).toBeGreaterThan(1);
    expect(transactions.every((t) => t.status === 'mined')).toBe(true);
    expect(new Set(transactions.map((t) => t.nonce)).size).toBe(transactions.length);
    // No chunk was sent twice: the chain holds exactly one transaction to the contract per chunk.
    expect((await transactionsTo(collection.address, deployment.body.txId)).sort()).toEqual(transactions.map((t) => t.txId).sort());

    const contract = new Contract(collection.address, ARTIFACTS[2].erc721.abi, h.provider);
    expect(await contract.totalSupply()).toBe(500n);
    const items = await allItems(actionId);
    expect(items.map((i) => i.index)).toEqual(to.map((_, i) => i));
    expect(items.map((i) => i.recipient)).toEqual(to);
    expect(items.every((i) => i.status === 'minted' && i.amount === '1' && transactions.some((t) => t.txId === i.txHash))).toBe(true);
    expect(new Set(items.map((i) => i.tokenId)).size).toBe(500);
    for (const i of [0, 137, 499]) {
      expect(await contract.ownerOf(BigInt(items[i].tokenId))).toBe(to[i]);
      expect(await (await fetch(await contract.tokenURI(BigInt(items[i].tokenId)))).json()).toEqual({ name: `Batch ${i}` });
      expect((await h.request('GET', `/v1/collections/${collection.id}/nfts/${items[i].nftId}`)).body).toMatchObject({ status: 'minted', tokenId: items[i].tokenId });
    }

    const [event] = await h.db.query<{ type: string; payload: any }>('SELECT type, payload FROM outbox_events WHERE action_id = $1', [actionId]);
    expect(event.type).toBe('nfts.createBatch.succeeded');
    expect(event.payload.data).toMatchObject({ items: { total: 500, minted: 500, failed: 0 }, itemsUrl: `${h.baseUrl}/v1/actions/${actionId}/items` });
    expect(JSON.stringify(event.payload).length).toBeLessThan(5_000);

    const replay = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, body, { 'Idempotency-Key': 'batch-721' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.actionId).toBe(actionId);
    const reused = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, { items: body.items.slice(1) }, { 'Idempotency-Key': 'batch-721' });
    expect(reused.status).toBe(422);
    expect(await contract.totalSupply()).toBe(500n);
  }, 150_000);

  test('ERC-1155: a non-fungible type gets a fresh id per recipient, a fungible one any amounts; maxSupply is checked up front', async () => {
    const collection = await h.deployCollection('erc1155');
    const contract = new Contract(collection.address, ARTIFACTS[2].erc1155.abi, h.provider);
    const createType = async (body: object) => h.waitForAction((await h.request('POST', `/v1/collections/${collection.id}/token-types`, body)).body.actionId);
    const sword = await createType({ metadata: { name: 'Sword' }, maxSupply: 5 });
    const gold = await createType({ metadata: { name: 'Gold' }, maxSupply: 0, fungible: true });

    const swords = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      tokenTypeId: sword.resource.id, items: [{ recipient: ALICE }, { recipient: BOB, amount: '1' }, { recipient: ALICE, metadata: { name: 'Named sword' } }],
    });
    expect(swords.status).toBe(202);
    expect(await h.waitForAction(swords.body.actionId)).toMatchObject({ status: 'succeeded', resource: { items: { total: 3, minted: 3, failed: 0 } } });
    await h.recordHistory('batch-mint-erc1155', swords.body.actionId);
    const swordItems = await allItems(swords.body.actionId);
    expect(new Set(swordItems.map((i) => i.tokenId)).size).toBe(3);
    expect(await contract.balanceOf(BOB, BigInt(swordItems[1].tokenId))).toBe(1n);
    expect(await (await fetch(await contract.uri(BigInt(swordItems[2].tokenId)))).json()).toEqual({ name: 'Named sword' });
    expect(await (await fetch(await contract.uri(BigInt(swordItems[0].tokenId)))).json()).toEqual({ name: 'Sword' });

    const over = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      tokenTypeId: sword.resource.id, items: [{ recipient: ALICE }, { recipient: BOB }, { recipient: ALICE }],
    });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('max_supply_exceeded');

    const coins = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      tokenTypeId: gold.resource.id, items: [{ recipient: ALICE, amount: 10 }, { recipient: BOB, amount: '25' }, { recipient: ALICE, amount: 5 }],
    });
    expect(coins.status).toBe(202);
    expect(await h.waitForAction(coins.body.actionId)).toMatchObject({ status: 'succeeded', resource: { items: { total: 3, minted: 3, failed: 0 } } });
    const goldId = BigInt(gold.resource.tokenTypeId);
    expect(await contract.balanceOf(ALICE, goldId)).toBe(15n);
    expect(await contract.balanceOf(BOB, goldId)).toBe(25n);
    expect((await allItems(coins.body.actionId)).map((i) => [i.tokenId, i.amount])).toEqual([[String(goldId), '10'], [String(goldId), '25'], [String(goldId), '5']]);
  }, 120_000);

  test('a batch the signer refuses fails as signer_rejected: its items fail and give their supply back', async () => {
    const collection = await h.deployCollection('erc721', { maxSupply: 2 });
    const refused = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      items: [{ recipient: ALICE, metadata: { name: 'a' } }, { recipient: h.stack.blockedRecipient, metadata: { name: 'b' } }],
    });
    expect(refused.status).toBe(202);
    const failed = await h.waitForAction(refused.body.actionId);
    expect(failed).toMatchObject({ status: 'failed', error: { reason: 'signer_rejected' }, resource: { items: { total: 2, minted: 0, failed: 2 }, transactions: [] } });
    expect((await allItems(refused.body.actionId)).map((i) => [i.status, i.tokenId, i.txHash])).toEqual([['failed', null, null], ['failed', null, null]]);
    await h.recordHistory('batch-mint-signer-rejected', refused.body.actionId);
    const [event] = await h.db.query<{ type: string }>('SELECT type FROM outbox_events WHERE action_id = $1', [refused.body.actionId]);
    expect(event.type).toBe('nfts.createBatch.failed');

    const accepted = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      items: [{ recipient: ALICE, metadata: { name: 'a' } }, { recipient: BOB, metadata: { name: 'b' } }],
    });
    expect(accepted.status).toBe(202);
    expect(await h.waitForAction(accepted.body.actionId)).toMatchObject({ status: 'succeeded', resource: { items: { total: 2, minted: 2, failed: 0 } } });
  }, 60_000);

  test('a chunk the signer refuses mid-batch stops it: earlier chunks mint; it and the chunks signed ahead of it are not sent, and leave no nonce gap', async () => {
    const collection = await h.deployCollection('erc721');
    const deployment = await h.request('GET', `/v1/actions/${collection.actionId}`);
    const to = recipients(600, 2);
    to[450] = h.stack.blockedRecipient;
    const post = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, { items: to.map((recipient, i) => ({ recipient, metadata: { name: `Batch ${i}` } })) });
    expect(post.status).toBe(202);
    const failed = await h.waitForAction(post.body.actionId, undefined, 90_000);
    expect(failed).toMatchObject({ status: 'failed', error: { reason: 'signer_rejected' } });
    await h.recordHistory('batch-mint-refused-mid-batch', post.body.actionId);

    const chunks = await h.db.query<{ chunk_index: number; first_item: number; item_count: number; status: string; tx_hash: string | null }>(
      'SELECT chunk_index, first_item, item_count, status, tx_hash FROM batch_mint_chunks WHERE action_id = $1 ORDER BY chunk_index', [post.body.actionId]);
    const refused = chunks.find((c) => c.first_item <= 450 && 450 < c.first_item + c.item_count)!;
    // The refused chunk is neither the first nor the last: chunks before it were sent, one after it was signed ahead.
    expect([refused.chunk_index > 0, refused.chunk_index < chunks.length - 1]).toEqual([true, true]);
    expect(chunks.map((c) => c.status)).toEqual(chunks.map((c) => (c.chunk_index < refused.chunk_index ? 'mined' : 'planned')));
    expect(chunks[refused.chunk_index + 1].tx_hash).toMatch(/^0x/);
    const transactions: { txId: string; status: string }[] = failed.resource.transactions;
    expect(transactions.map((t) => t.status)).toEqual(Array(refused.chunk_index).fill('mined'));
    expect((await transactionsTo(collection.address, deployment.body.txId)).sort()).toEqual(transactions.map((t) => t.txId).sort());
    const items = await allItems(post.body.actionId);
    expect(items.filter((i) => i.status === 'minted').map((i) => i.index)).toEqual(to.slice(0, refused.first_item).map((_, i) => i));
    expect(failed.resource.items).toEqual({ total: 600, minted: refused.first_item, failed: 600 - refused.first_item });

    // The nonces reserved for the refused chunk and those after it were given back: the next mint goes through.
    const next = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: ALICE, metadata: { name: 'After' } });
    expect(await h.waitForAction(next.body.actionId)).toMatchObject({ status: 'succeeded' });
    expect(await h.provider.getTransactionCount(h.signerAddress, 'pending')).toBe(await h.provider.getTransactionCount(h.signerAddress, 'latest'));
  }, 120_000);

  test('a plan made with the request is made again when its workflow starts too late to sign it as it is', async () => {
    const collection = await h.deployCollection('erc721');
    // No worker: the batch's workflow waits in its task queue, as through an outage, once its plan is stored.
    await worker.kill();
    const post = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      items: recipients(3, 3).map((recipient, i) => ({ recipient, metadata: { name: `Late ${i}` } })),
    });
    expect(post.status).toBe(202);
    const { actionId } = post.body;
    const chunks = () => h.db.query<{ fee: string }>('SELECT max_fee_per_gas::text AS fee FROM batch_mint_chunks WHERE action_id = $1', [actionId]);
    expect(await chunks()).toHaveLength(1);
    // An hour old, with a fee cap the chain no longer takes: signed as it is, it could not be sent.
    await h.db.query(`UPDATE batch_mint_chunks SET planned_at = planned_at - interval '1 hour', max_fee_per_gas = 1 WHERE action_id = $1`, [actionId]);
    worker = await h.startWorker();
    expect(await h.waitForAction(actionId, undefined, 60_000)).toMatchObject({ status: 'succeeded', resource: { items: { total: 3, minted: 3, failed: 0 } } });
    expect(await stagesOf(actionId)).toContain('building');
    expect((await chunks()).map((c) => c.fee)).not.toContain('1');
  }, 90_000);

  test('a batch whose simulation reverts is planned again by its workflow, which fails it with the revert; nothing is sent', async () => {
    const collection = await h.deployCollection('erc721', { maxSupply: 1 });
    // Only the chain holds the collection to one token, so the API takes the batch and its simulation reverts.
    await h.db.query('UPDATE collections SET max_supply = 0 WHERE id = $1', [collection.id]);
    const nonce = await h.provider.getTransactionCount(h.signerAddress, 'pending');
    const post = await h.request('POST', `/v1/collections/${collection.id}/nfts/batch`, {
      items: [{ recipient: ALICE, metadata: { name: 'a' } }, { recipient: BOB, metadata: { name: 'b' } }],
    });
    expect(post.status).toBe(202);
    const failed = await h.waitForAction(post.body.actionId);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { reason: 'execution_reverted', revertReason: expect.stringMatching(/^execution reverted: MaxSupplyExceeded\(/) },
    });
    expect((await allItems(post.body.actionId)).map((i) => i.status)).toEqual(['failed', 'failed']);
    expect(await stagesOf(post.body.actionId)).toContain('building');
    expect(await h.provider.getTransactionCount(h.signerAddress, 'pending')).toBe(nonce);
  }, 60_000);

  test('bad input is refused naming the field, and nothing is written', async () => {
    const erc721 = await h.deployCollection('erc721');
    const erc1155 = await h.deployCollection('erc1155');
    const sword = await h.waitForAction((await h.request('POST', `/v1/collections/${erc1155.id}/token-types`, { metadata: { name: 'Sword' }, maxSupply: 0 })).body.actionId);
    const countActions = async () => (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions WHERE project_id = $1', [h.projectId]))[0].n;
    const before = await countActions();
    const cases: [string, unknown, string][] = [
      [erc721.id, { items: [] }, 'body.items'],
      [erc721.id, {}, 'body.items'],
      [erc721.id, { items: [{ recipient: ALICE, metadata: { name: 'a' } }, { recipient: '0x123', metadata: { name: 'b' } }] }, 'body.items.1.recipient'],
      [erc721.id, { items: [{ recipient: ALICE }] }, 'body.items.0.metadata'],
      [erc721.id, { items: [{ recipient: ALICE, metadata: { name: 'a' }, amount: 2 }] }, 'body.items.0.amount'],
      [erc721.id, { items: [{ recipient: ALICE, metadata: { name: 'a' }, color: 'red' }] }, 'body.items.0'],
      [erc721.id, { items: Array.from({ length: 10_001 }, () => ({ recipient: ALICE, metadata: { name: 'a' } })) }, 'body.items'],
      [erc1155.id, { items: [{ recipient: ALICE }] }, 'body.tokenTypeId'],
      [erc1155.id, { tokenTypeId: sword.resource.id, items: [{ recipient: ALICE, amount: 2 }] }, 'body.items.0.amount'],
    ];
    for (const [collectionId, body, field] of cases) {
      const res = await h.request('POST', `/v1/collections/${collectionId}/nfts/batch`, body);
      expect([res.status, res.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await countActions()).toBe(before);

    const unknownCollection = await h.request('POST', '/v1/collections/00000000-0000-4000-8000-000000000000/nfts/batch', { items: [{ recipient: ALICE, metadata: { name: 'a' } }] });
    expect(unknownCollection.status).toBe(404);
    const notABatch = await h.request('GET', `/v1/actions/${erc721.actionId}/items`);
    expect(notABatch.status).toBe(404);
    const badCursor = await h.request('GET', `/v1/actions/${erc721.actionId}/items?cursor=%%%`);
    expect(badCursor.status).toBe(400);
  }, 120_000);
});

import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Contract, ContractFactory, JsonRpcProvider, Network, parseEther, Wallet, type TransactionReceipt } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { compileContracts, type ContractArtifact } from '../../src/contracts/compile';
import { CHAIN_EVENT_TYPES } from '../../src/webhooks/chain-event-types';
import { DEPLOYER_KEY } from '../support/accounts';
import { startHarness, type EngineProcess, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

const CHAIN_EVENT_TYPE_NAMES = CHAIN_EVENT_TYPES.map((t) => t.type);
const ZERO = '0x0000000000000000000000000000000000000000';

interface ChainEvent {
  id: string;
  type: string;
  subscriptionId: string | null;
  removed: boolean;
  owner?: string;
  data: Record<string, any>;
  nfts?: Record<string, any>[];
}

describe('chain events', () => {
  let h: Harness;
  let worker: EngineProcess;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let deployer: Wallet;
  /** The test's wallets send through a provider without ethers' short cache, which could answer a stale nonce. */
  let chain: JsonRpcProvider;
  let artifacts: Record<string, ContractArtifact>;
  let market: Contract;
  let marketAddress: string;

  const deploy = async (name: string, from: Wallet = deployer) => {
    const { abi, bytecode } = artifacts[name];
    const contract = await new ContractFactory(abi as never, bytecode, from).deploy();
    await contract.waitForDeployment();
    return contract as Contract;
  };

  /** A fresh wallet with some ETH, so each test reads only its own events. */
  const fundedWallet = async () => {
    const wallet = Wallet.createRandom().connect(chain);
    await (await deployer.sendTransaction({ to: wallet.address, value: parseEther('1') })).wait();
    return wallet;
  };

  const subscribe = async (body: Record<string, unknown>) => {
    const res = await h.request('POST', '/v1/subscriptions', { chain: 'anvil', confirmations: 1, ...body });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const received = (): ChainEvent[] => receiver.received.map((r) => JSON.parse(r.body));
  async function eventsFor(subscriptionId: string | null, count: number, where: (e: ChainEvent) => boolean = () => true, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = received().filter((e) => e.subscriptionId === subscriptionId && where(e));
      if (found.length >= count || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The Transfer Model SimpleHash sends, built from the receipt the test saw. */
  const transferModel = async (receipt: TransactionReceipt, logIndex: number, fields: Record<string, unknown>) => {
    const block = (await h.provider.getBlock(receipt.blockHash))!;
    return {
      chain: 'anvil', timestamp: new Date(block.timestamp * 1000).toISOString().replace('.000Z', 'Z'),
      block_number: receipt.blockNumber, block_hash: receipt.blockHash, transaction: receipt.hash, log_index: logIndex,
      batch_transfer_index: 0, quantity: 1, sale_details: null, ...fields,
    };
  };

  beforeAll(async () => {
    artifacts = Object.fromEntries(compileContracts(path.join(__dirname, '../fixtures/contracts')).map((a) => [a.contractName, a]));
    h = await startHarness();
    chain = new JsonRpcProvider(h.stack.rpcUrl, h.stack.chainId, { staticNetwork: Network.from(h.stack.chainId), cacheTimeout: -1 });
    deployer = new Wallet(DEPLOYER_KEY, chain);
    market = await deploy('TestMarket');
    marketAddress = await market.getAddress();
    const chains = [{ ...h.chains[0], marketplaces: { [marketAddress]: 'Test Market' } }];
    worker = await h.startWorker({ CHAIN_EVENTS: 'on', CHAINS: JSON.stringify(chains) });
    receiver = await startReceiver();
    const endpoint = await h.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes: [...CHAIN_EVENT_TYPE_NAMES, 'nft.like'] });
    expect(endpoint.status).toBe(201);
  });
  afterAll(async () => {
    chain?.destroy();
    await receiver?.close();
    await h?.stop();
  });

  test('an ERC-721 transfer between two wallets: outbound and inbound events in the Transfer Model', async () => {
    const [alice, bob] = [await fundedWallet(), await fundedWallet()];
    const outbound = await subscribe({ kind: 'wallet', address: alice.address, direction: 'outbound' });
    const inbound = await subscribe({ kind: 'wallet', address: bob.address, direction: 'inbound' });
    const nft = await deploy('TestNft');
    const contract = await nft.getAddress();
    await (await nft.mint(alice.address, 7n)).wait();
    const receipt = (await (await (nft.connect(alice) as Contract).transferFrom(alice.address, bob.address, 7n)).wait())!;

    const model = await transferModel(receipt, receipt.logs[0].index, {
      nft_id: `anvil.${contract.toLowerCase()}.7`, contract_address: contract, token_id: '7', from_address: alice.address, to_address: bob.address,
    });
    const [sent] = await eventsFor(outbound, 1);
    expect(sent).toMatchObject({ type: 'wallet.outbound_transfer', removed: false, data: model });
    const [got] = await eventsFor(inbound, 1);
    expect(got).toMatchObject({ type: 'wallet.inbound_transfer', removed: false, data: model });
    // Alice's mint was inbound, not outbound; Bob sent nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received().filter((e) => e.subscriptionId === outbound || e.subscriptionId === inbound)).toHaveLength(2);
  });

  test('a contract subscription hears mints and burns; an ERC-1155 TransferBatch carries each item\'s index', async () => {
    const holder = await fundedWallet();
    const nft = await deploy('TestNft');
    const multi = await deploy('TestMulti');
    const nftSub = await subscribe({ kind: 'contract', contractAddress: await nft.getAddress() });
    const multiSub = await subscribe({ kind: 'contract', contractAddress: await multi.getAddress() });
    await (await nft.mint(holder.address, 1n)).wait();
    await (await (nft.connect(holder) as Contract).burn(1n)).wait();
    const batch = (await (await multi.mintBatch(holder.address, [5n, 9n], [3n, 4n])).wait())!;

    const transfers = await eventsFor(nftSub, 2);
    expect(transfers.map((e) => [e.type, e.data.from_address, e.data.to_address])).toEqual([
      ['contract.transfer', '0x0000000000000000000000000000000000000000', holder.address],
      ['contract.transfer', holder.address, '0x0000000000000000000000000000000000000000'],
    ]);
    const items = (await eventsFor(multiSub, 2)).sort((a, b) => a.data.batch_transfer_index - b.data.batch_transfer_index);
    expect(items.map((e) => [e.data.token_id, e.data.quantity, e.data.batch_transfer_index, e.data.log_index, e.data.transaction])).toEqual([
      ['5', 3, 0, batch.logs[0].index, batch.hash],
      ['9', 4, 1, batch.logs[0].index, batch.hash],
    ]);
  });

  test('a sale through a marketplace, paid in ETH and in an ERC-20: sale_details', async () => {
    const [seller, buyer] = [await fundedWallet(), await fundedWallet()];
    const nft = await deploy('TestNft');
    const dollar = await deploy('TestDollar');
    const contract = await nft.getAddress();
    const forEth = await subscribe({ kind: 'nft', contractAddress: contract, tokenId: '1' });
    const forDollars = await subscribe({ kind: 'nft', contractAddress: contract, tokenId: 2 });
    await (await nft.mint(seller.address, 1n)).wait();
    await (await nft.mint(seller.address, 2n)).wait();
    await (await (nft.connect(seller) as Contract).setApprovalForAll(marketAddress, true)).wait();
    await (await (market.connect(buyer) as Contract).buy(contract, 1n, seller.address, { value: parseEther('0.03') })).wait();
    await (await dollar.transfer(buyer.address, 100_000_000n)).wait();
    await (await (dollar.connect(buyer) as Contract).approve(marketAddress, 25_000_000n)).wait();
    await (await (market.connect(buyer) as Contract).buyWithToken(contract, 2n, seller.address, await dollar.getAddress(), 25_000_000n)).wait();

    const sales = [...await eventsFor(forEth, 2), ...await eventsFor(forDollars, 2)].filter((e) => e.data.from_address === seller.address);
    expect(sales.map((e) => e.data.sale_details)).toEqual([
      {
        marketplace_name: 'Test Market', is_bundle_sale: false,
        payment_token: { payment_token_id: 'anvil.native', name: 'Ether', symbol: 'ETH', address: null, decimals: 18 },
        unit_price: parseEther('0.03').toString(), total_price: parseEther('0.03').toString(),
      },
      {
        marketplace_name: 'Test Market', is_bundle_sale: false,
        payment_token: { payment_token_id: `anvil.${(await dollar.getAddress()).toLowerCase()}`, name: 'Test Dollar', symbol: 'TUSD', address: await dollar.getAddress(), decimals: 6 },
        unit_price: '25000000', total_price: '25000000',
      },
    ]);
    // The mints paid no one.
    expect(received().filter((e) => (e.subscriptionId === forEth || e.subscriptionId === forDollars) && e.data.from_address !== seller.address)
      .every((e) => e.data.sale_details === null)).toBe(true);
  });

  test('the project\'s own collection: transfers, a new member and a metadata update with the new metadata, without a subscription', async () => {
    const [first, second] = [await fundedWallet(), await fundedWallet()];
    const collection = await h.deployCollection('erc721');
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: first.address, metadata: { name: 'Before', image: 'https://example.com/before.png' } });
    const minted = await h.waitForAction(mint.body.actionId);
    const tokenId = minted.resource.tokenId as string;
    const own = new Contract(collection.address, ARTIFACTS[2].erc721.abi, first);
    await (await own.transferFrom(first.address, second.address, BigInt(tokenId))).wait();
    await (await (own.connect(second) as Contract).transferFrom(second.address, first.address, BigInt(tokenId))).wait();
    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${mint.body.resource.id}`, { metadata: { name: 'After', image: 'https://example.com/after.png' } });
    expect((await h.waitForAction(update.body.actionId)).status).toBe('succeeded');

    const ofCollection = (e: ChainEvent) => e.data?.contract_address === collection.address || (e as any).contract_address === collection.address;
    const transfers = await eventsFor(null, 3, (e) => ofCollection(e) && e.type === 'contract.transfer');
    expect(transfers.map((e) => [e.data.from_address, e.data.to_address])).toEqual([
      ['0x0000000000000000000000000000000000000000', first.address], [first.address, second.address], [second.address, first.address],
    ]);
    const members = await eventsFor(null, 1, (e) => ofCollection(e) && e.type === 'nft.new_member');
    expect(members.map((e) => e.data.to_address)).toEqual([second.address]);
    const [updated] = await eventsFor(null, 1, (e) => ofCollection(e) && e.type === 'contract.nft_metadata_update');
    expect(updated.nfts).toEqual([expect.objectContaining({
      nft_id: `anvil.${collection.address.toLowerCase()}.${tokenId}`, name: 'After', image_url: 'https://example.com/after.png',
    })]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received().filter((e) => ofCollection(e) && e.type === 'nft.new_member')).toHaveLength(1);
  });

  test('a reorg: re-sent with removed: true at confirmations 0, nothing at confirmations 2', async () => {
    const holder = await fundedWallet();
    const nft = await deploy('TestNft');
    const atOnce = await subscribe({ kind: 'contract', contractAddress: await nft.getAddress(), confirmations: 0 });
    const deep = await subscribe({ kind: 'contract', contractAddress: await nft.getAddress(), confirmations: 2 });
    await h.provider.send('evm_setIntervalMining', [0]);
    let orphaned: string;
    try {
      const sent = await nft.mint(holder.address, 3n);
      await h.provider.send('evm_mine', []);
      orphaned = (await sent.wait())!.blockHash;
      const [first] = await eventsFor(atOnce, 1);
      expect(first).toMatchObject({ removed: false, data: { block_hash: orphaned, token_id: '3' } });
      await h.provider.send('anvil_reorg', [1, []]);
      const [removed] = await eventsFor(atOnce, 1, (e) => e.removed);
      expect(removed).toMatchObject({ removed: true, type: 'contract.transfer', data: first.data });
      expect(removed.id).not.toBe(first.id);
    } finally {
      await h.provider.send('evm_setIntervalMining', [1]);
    }
    // Blocks go on; whatever the confirmations-2 subscription hears, it is never the orphaned block.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(received().filter((e) => e.subscriptionId === deep && e.data.block_hash === orphaned)).toEqual([]);
  });

  /** Transfer events in chain order: what they say. */
  const transfers = (events: ChainEvent[]) => [...events]
    .sort((a, b) => a.data.block_number - b.data.block_number || a.data.log_index - b.data.log_index)
    .map((e) => [e.type, e.data.token_id, e.data.from_address, e.data.to_address]);
  const heldBy = async (subscriptionId: string) =>
    (await h.db.query<{ n: string }>('SELECT coalesce(sum(delta), 0)::text AS n FROM owner_holdings WHERE subscription_id = $1', [subscriptionId]))[0].n;

  test('an owner subscription follows an NFT from the transfer that brings it to the one that takes it away, the last', async () => {
    const [alice, bob, carol] = [await fundedWallet(), await fundedWallet(), await fundedWallet()];
    const nft = await deploy('TestNft');
    const bobs = await subscribe({ kind: 'owner', address: bob.address });
    await (await nft.mint(alice.address, 1n)).wait();
    await (await nft.mint(alice.address, 2n)).wait();
    await (await (nft.connect(alice) as Contract).transferFrom(alice.address, bob.address, 1n)).wait();
    await (await (nft.connect(bob) as Contract).transferFrom(bob.address, alice.address, 1n)).wait();
    await (await (nft.connect(alice) as Contract).transferFrom(alice.address, carol.address, 1n)).wait();
    await (await (nft.connect(alice) as Contract).transferFrom(alice.address, carol.address, 2n)).wait();

    const events = await eventsFor(bobs, 2);
    expect(transfers(events)).toEqual([['nft.transfer', '1', alice.address, bob.address], ['nft.transfer', '1', bob.address, alice.address]]);
    // Nothing of token 1 before it came or after it left, nothing of token 2 Bob never held.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(received().filter((e) => e.subscriptionId === bobs)).toHaveLength(2);
    expect(await heldBy(bobs)).toBe('0');
  });

  test('an owner subscription hears of a held NFT\'s metadata updates and application events; another project\'s does not', async () => {
    const [alice, bob] = [await fundedWallet(), await fundedWallet()];
    const alices = await subscribe({ kind: 'owner', address: alice.address });
    const other = await h.newProject();
    const theirs = await h.request('POST', '/v1/subscriptions', { chain: 'anvil', kind: 'owner', address: alice.address, confirmations: 1 }, {}, other.apiKey);
    expect(theirs.status).toBe(201);
    const collection = await h.deployCollection('erc721');
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: alice.address, metadata: { name: 'Before', image: 'https://example.com/before.png' } });
    const tokenId = (await h.waitForAction(mint.body.actionId)).resource.tokenId as string;
    const nftId = mint.body.resource.id as string;
    const [arrival] = await eventsFor(alices, 1);
    expect(arrival).toMatchObject({ type: 'nft.transfer', data: { token_id: tokenId, from_address: ZERO, to_address: alice.address } });

    const like = await h.request('POST', '/v1/events', { type: 'nft.like', nftId, actor: bob.address, data: { note: 'nice' } });
    expect(like.status).toBe(201);
    const [liked] = await eventsFor(alices, 1, (e) => e.type === 'nft.like');
    expect(liked).toMatchObject({ type: 'nft.like', owner: alice.address.toLowerCase(), actor: bob.address, data: { note: 'nice' }, nft: { id: nftId, tokenId } });
    expect(liked.id).not.toBe(like.body.id);

    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${nftId}`, { metadata: { name: 'After', image: 'https://example.com/after.png' } });
    expect((await h.waitForAction(update.body.actionId)).status).toBe('succeeded');
    const [updated] = await eventsFor(alices, 1, (e) => e.type === 'nft.metadata_update');
    expect(updated.nfts).toEqual([expect.objectContaining({ nft_id: `anvil.${collection.address.toLowerCase()}.${tokenId}`, name: 'After' })]);

    const own = new Contract(collection.address, ARTIFACTS[2].erc721.abi, alice);
    await (await own.transferFrom(alice.address, bob.address, BigInt(tokenId))).wait();
    const [left] = await eventsFor(alices, 1, (e) => e.type === 'nft.transfer' && e.data.from_address === alice.address);
    expect(left.data.to_address).toBe(bob.address);
    expect(await heldBy(alices)).toBe('0');
    expect((await h.request('POST', '/v1/events', { type: 'nft.like', nftId, data: {} })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(received().filter((e) => e.subscriptionId === alices).map((e) => e.type)).toEqual(['nft.transfer', 'nft.like', 'nft.metadata_update', 'nft.transfer']);
    // The other project's subscription saw the NFT come and go on chain, but none of this project's application events.
    const theirEvents = await h.db.query<{ type: string }>(`SELECT type FROM outbox_events WHERE payload->>'subscriptionId' = $1 ORDER BY created_at`, [theirs.body.id]);
    expect(theirEvents.map((e) => e.type)).toEqual(['nft.transfer', 'nft.metadata_update', 'nft.transfer']);
  });

  test('a reorg takes back what an owner subscription was given: removed: true, and the holding undone', async () => {
    const bob = await fundedWallet();
    const nft = await deploy('TestNft');
    const bobs = await subscribe({ kind: 'owner', address: bob.address, confirmations: 0 });
    await h.provider.send('evm_setIntervalMining', [0]);
    try {
      await nft.mint(bob.address, 4n);
      await h.provider.send('evm_mine', []);
      await eventsFor(bobs, 1);
      expect(await heldBy(bobs)).toBe('1');
      await h.provider.send('anvil_reorg', [1, []]);
      const [removed] = await eventsFor(bobs, 1, (e) => e.removed);
      expect(removed).toMatchObject({ type: 'nft.transfer', data: { token_id: '4', to_address: bob.address } });
      expect(await heldBy(bobs)).toBe('0');
    } finally {
      await h.provider.send('evm_setIntervalMining', [1]);
    }
  });

  test('fromBlock back-fills past blocks once, then follows live; an owner\'s past arrivals count', async () => {
    const [alice, bob] = [await fundedWallet(), await fundedWallet()];
    const nft = await deploy('TestNft');
    const first = (await (await nft.mint(alice.address, 1n)).wait())!;
    await (await nft.mint(alice.address, 2n)).wait();
    await (await nft.mint(bob.address, 3n)).wait();
    const contractSub = await subscribe({ kind: 'contract', contractAddress: await nft.getAddress(), fromBlock: first.blockNumber });
    const alices = await subscribe({ kind: 'owner', address: alice.address, fromBlock: first.blockNumber });
    expect((await h.request('GET', `/v1/subscriptions/${alices}`)).body).toMatchObject({ fromBlock: first.blockNumber });

    const past = await eventsFor(contractSub, 3);
    expect(transfers(past)).toEqual([['contract.transfer', '1', ZERO, alice.address], ['contract.transfer', '2', ZERO, alice.address], ['contract.transfer', '3', ZERO, bob.address]]);
    expect(past[0]).toMatchObject({ removed: false, data: { block_hash: first.blockHash, block_number: first.blockNumber, transaction: first.hash } });
    await (await (nft.connect(alice) as Contract).transferFrom(alice.address, bob.address, 2n)).wait();
    const ownerEvents = await eventsFor(alices, 3);
    expect(transfers(ownerEvents)).toEqual([['nft.transfer', '1', ZERO, alice.address], ['nft.transfer', '2', ZERO, alice.address], ['nft.transfer', '2', alice.address, bob.address]]);
    await eventsFor(contractSub, 4);
    await new Promise((r) => setTimeout(r, 2_000));
    for (const [sub, count] of [[contractSub, 4], [alices, 3]] as const) {
      expect(received().filter((e) => e.subscriptionId === sub)).toHaveLength(count);
      const [{ n }] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE payload->>'subscriptionId' = $1`, [sub]);
      expect(n).toBe(count);
      expect((await h.request('GET', `/v1/subscriptions/${sub}`)).body.backfilling).toBe(false);
    }
    expect(await heldBy(alices)).toBe('1');
  });

  test('a Tokenview endpoint: Tokenview\'s body, X-Tokenview-Signature, received only on a 200 with a body, its history fields', async () => {
    const okReceiver = await startReceiver();
    const silentReceiver = await startReceiver((_r, _c, res) => res.end());
    try {
      const tokenview = (url: string) => h.request('POST', '/v1/webhooks', { url, format: 'tokenview', eventTypes: ['wallet.inbound_transfer'] });
      const [ok, silent] = [await tokenview(okReceiver.url), await tokenview(silentReceiver.url)];
      expect([ok.status, ok.body.format, silent.status]).toEqual([201, 'tokenview', 201]);
      const [alice, bob] = [await fundedWallet(), await fundedWallet()];
      await subscribe({ kind: 'wallet', address: bob.address, direction: 'inbound' });
      const nft = await deploy('TestNft');
      await (await nft.mint(alice.address, 7n)).wait();
      const receipt = (await (await (nft.connect(alice) as Contract).transferFrom(alice.address, bob.address, 7n)).wait())!;
      const block = (await h.provider.getBlock(receipt.blockHash))!;

      const deadline = Date.now() + 30_000;
      const ours = () => okReceiver.received.find((r) => JSON.parse(r.body).txid === receipt.hash);
      while (!ours() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const sent = ours()!;
      // As Tokenview's document computes it: hmac.new(key, body, sha256).hexdigest(), the key the signing secret as text.
      expect(sent.headers['x-tokenview-signature']).toBe(createHmac('sha256', Buffer.from(ok.body.secret, 'utf8')).update(sent.body).digest('hex'));
      expect(sent.headers['webhook-signature']).toBeUndefined();
      expect(JSON.parse(sent.body)).toEqual({
        address: bob.address.toLowerCase(), amount: '1', height: String(receipt.blockNumber), network: 'ANVIL', nftid: '7',
        time: String(block.timestamp), tokenAddress: (await nft.getAddress()).toLowerCase(), tokenSymbol: 'TNFT', txType: 'Receive',
        txid: receipt.hash, type: 'rc721',
      });

      const history = await h.request('GET', `/v1/webhooks/deliveries?endpointId=${ok.body.id}&limit=100`);
      const delivered = history.body.data.find((d: { request: string }) => d.request === sent.body);
      expect(delivered).toMatchObject({ status: 'succeeded', url: okReceiver.url, tryTimes: 0, statusCode: 200, response: 'ok' });
      expect(history.body.total).toBeGreaterThanOrEqual(1);
      // A 200 with nothing in it is not a delivery to Tokenview's receivers.
      let unheard: { status: string; lastStatusCode: number; lastError: string } | undefined;
      while (!unheard && Date.now() < deadline) {
        const list = await h.request('GET', `/v1/webhooks/deliveries?endpointId=${silent.body.id}&eventId=${delivered.eventId}`);
        unheard = list.body.data.find((d: { attempts: number }) => d.attempts > 0);
        if (!unheard) await new Promise((r) => setTimeout(r, 200));
      }
      expect(unheard).toMatchObject({ lastStatusCode: 200, lastError: expect.stringContaining('empty body') });
      expect(unheard!.status).not.toBe('succeeded');

      const bad = await h.request('POST', '/v1/webhooks', { url: okReceiver.url, format: 'tokenview', eventTypes: ['nft.transfer', 'nfts.create.succeeded'] });
      expect([bad.status, bad.body.errors[0].field, bad.body.errors[0].message]).toEqual([400, 'body.eventTypes', expect.stringContaining('not nfts.create.succeeded')]);
      expect((await h.request('POST', '/v1/webhooks', { url: okReceiver.url, format: 'tokenview' })).body.errors[0].field).toBe('body.eventTypes');
      expect((await h.request('PATCH', `/v1/webhooks/${ok.body.id}`, { eventTypes: ['contract.nft_metadata_update'] })).status).toBe(400);
    } finally {
      for (const endpoint of (await h.request('GET', '/v1/webhooks')).body.data as { id: string; url: string }[]) {
        if (endpoint.url === okReceiver.url || endpoint.url === silentReceiver.url) await h.request('DELETE', `/v1/webhooks/${endpoint.id}`);
      }
      await okReceiver.close();
      await silentReceiver.close();
    }
  });

  test('the worker killed while following: after a restart, no transfer missed and none recorded twice', async () => {
    const holder = await fundedWallet();
    const nft = await deploy('TestNft');
    const sub = await subscribe({ kind: 'contract', contractAddress: await nft.getAddress() });
    for (let id = 1n; id <= 6n; id++) await (await nft.mint(holder.address, id)).wait();
    await worker.kill();
    for (let id = 7n; id <= 12n; id++) await (await nft.mint(holder.address, id)).wait();
    worker = await h.startWorker({ CHAIN_EVENTS: 'on' });
    const events = await eventsFor(sub, 12, () => true, 60_000);
    const ids = new Set(events.map((e) => e.id));
    expect([...new Set(events.map((e) => e.data.token_id))].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(ids.size).toBe(12);
    const [{ n }] = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE payload->>'subscriptionId' = $1`, [sub]);
    expect(n).toBe(12);
  });

  test('subscriptions: validated, listed, paused and deleted; another project sees none of them', async () => {
    const bad = await h.request('POST', '/v1/subscriptions', { chain: 'anvil', kind: 'nft', contractAddress: '0x12' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.contractAddress', 'body.tokenId']));
    const unknownChain = await h.request('POST', '/v1/subscriptions', { chain: 'moon', kind: 'chain' });
    expect(unknownChain.body.errors[0].field).toBe('body.chain');
    const noOwner = await h.request('POST', '/v1/subscriptions', { chain: 'anvil', kind: 'owner', direction: 'inbound' });
    expect(noOwner.status).toBe(400);
    // An owner subscription follows what the wallet holds, whichever way it moves: no direction.
    expect(noOwner.body.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'body.address' }), expect.objectContaining({ field: 'body', message: expect.stringContaining('direction') }),
    ]));
    const head = await h.provider.getBlockNumber();
    for (const fromBlock of [head + 1_000, -1, 1.5]) {
      const res = await h.request('POST', '/v1/subscriptions', { chain: 'anvil', kind: 'chain', fromBlock });
      expect([res.status, res.body.errors[0].field]).toEqual([400, 'body.fromBlock']);
    }
    const id = await subscribe({ kind: 'chain' });
    expect((await h.request('PATCH', `/v1/subscriptions/${id}`, { status: 'paused' })).body.status).toBe('paused');
    expect((await h.request('GET', '/v1/subscriptions?limit=100')).body.data.map((s: { id: string }) => s.id)).toContain(id);
    const other = await h.newProject();
    expect((await h.request('GET', `/v1/subscriptions/${id}`, undefined, {}, other.apiKey)).status).toBe(404);
    expect((await h.request('DELETE', `/v1/subscriptions/${id}`, undefined, {}, other.apiKey)).status).toBe(404);
    expect((await h.request('DELETE', `/v1/subscriptions/${id}`)).status).toBe(204);
    expect((await h.request('GET', `/v1/subscriptions/${id}`)).status).toBe(404);
  });
});

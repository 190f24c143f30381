import type { MetadataUpdate, TokenTransfer } from '../../src/chain/token-logs';
import type { SubscriptionRow } from '../../src/store/subscriptions';
import { followOwners } from '../../src/subscriptions/owners';

const ZERO = '0x0000000000000000000000000000000000000000';
const [ALICE, BOB, CAROL] = ['0x' + 'a'.repeat(40), '0x' + 'b'.repeat(40), '0x' + 'c'.repeat(40)];
const NFT = '0x' + '1'.repeat(40);
const block = { number: 10, hash: '0xblock', parentHash: '0xparent', timestamp: 1 };

const owner = (id: string, wallet: string) => ({ id, kind: 'owner', wallet_address: wallet }) as SubscriptionRow;
let logIndex = 0;
const transfer = (from: string, to: string, tokenId: string, quantity = 1n): TokenTransfer =>
  ({ standard: 'erc1155', contract: NFT, tokenId, from, to, quantity, transaction: '0xtx', logIndex: logIndex++, batchIndex: 0 });
const update = (from: bigint, to: bigint): MetadataUpdate => ({ contract: NFT, fromTokenId: from, toTokenId: to, transaction: '0xtx', logIndex: logIndex++ });

describe('owner subscriptions follow what their wallet holds', () => {
  test('an NFT is followed from the transfer that brings it to the one that takes it away, in log order within a block', () => {
    const bob = owner('bob', BOB);
    const logs = [transfer(ALICE, CAROL, '7'), update(7n, 7n), transfer(ZERO, BOB, '7'), update(1n, 9n), transfer(BOB, CAROL, '7'), update(7n, 7n)];
    const { matched, changes } = followOwners(block, [bob], [], logs.filter((l): l is TokenTransfer => 'from' in l), logs.filter((l): l is MetadataUpdate => 'fromTokenId' in l));
    expect(matched.map((m) => [m.type, 'transfer' in m ? m.transfer.logIndex : m.update.logIndex])).toEqual([
      ['nft.transfer', logs[2].logIndex], ['nft.metadata_update', logs[3].logIndex], ['nft.transfer', logs[4].logIndex],
    ]);
    expect(matched[1]).toMatchObject({ tokenIds: ['7'] });
    expect(changes.map((c) => c.delta)).toEqual([1n, -1n]);
  });

  test('ERC-1155: other holders\' transfers of a held token id are the wallet\'s; it never sends more than it was seen to hold', () => {
    const alice = owner('alice', ALICE);
    const held = [{ subscriptionId: 'alice', contract: NFT, tokenId: '5', balance: 3n }];
    const transfers = [transfer(BOB, CAROL, '5', 2n), transfer(ALICE, BOB, '5', 2n), transfer(ALICE, CAROL, '5', 4n), transfer(BOB, CAROL, '5', 1n)];
    const { matched, changes } = followOwners(block, [alice], held, transfers, []);
    // Bob's transfer while she holds, her two sends (the second takes her last), and nothing after.
    expect(matched.map((m) => ('transfer' in m ? m.transfer.logIndex : -1))).toEqual(transfers.slice(0, 3).map((t) => t.logIndex));
    expect(changes.map((c) => c.delta)).toEqual([-2n, -1n]);
  });

  test('a wallet that was not seen to receive a token hears nothing of it', () => {
    const { matched, changes } = followOwners(block, [owner('bob', BOB)], [], [transfer(BOB, ALICE, '3')], [update(1n, 5n)]);
    expect(matched).toEqual([]);
    expect(changes).toEqual([]);
  });
});

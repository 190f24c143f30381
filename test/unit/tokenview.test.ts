import { bodyFor, tokenviewBody } from '../../src/webhooks/tokenview';

const ZERO = '0x0000000000000000000000000000000000000000';
const [ALICE, BOB] = ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'];

const event = (type: string, from: string, to: string, standard = 'erc1155') => ({
  id: 'evt_1', type, token: { standard, symbol: null },
  data: {
    chain: 'polygon', contract_address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', token_id: '9', from_address: from, to_address: to,
    quantity: 3, timestamp: '2026-01-01T12:00:04Z', block_number: 61, transaction: '0x06cf',
  },
});

describe('Tokenview body', () => {
  test('what the transfer did to the address it is about', () => {
    const read = (e: ReturnType<typeof event>) => JSON.parse(tokenviewBody(e));
    expect(read(event('contract.transfer', ZERO, ALICE))).toEqual({
      address: ALICE.toLowerCase(), amount: '3', height: '61', network: 'POLYGON', nftid: '9', time: '1767268804',
      tokenAddress: '0x5fbdb2315678afecb367f032d93f642f64180aa3', tokenSymbol: '', txType: 'Mint', txid: '0x06cf', type: 'rc1155',
    });
    expect(read(event('contract.transfer', ALICE, ZERO))).toMatchObject({ address: ALICE.toLowerCase(), txType: 'Burn' });
    expect(read(event('wallet.outbound_transfer', ALICE, BOB))).toMatchObject({ address: ALICE.toLowerCase(), txType: 'Send' });
    expect(read(event('nft.transfer', ALICE, BOB, 'erc721'))).toMatchObject({ address: BOB.toLowerCase(), txType: 'Receive', type: 'rc721' });
  });

  test('an event that is not a transfer goes as it is', () => {
    const action = { id: 'evt_2', type: 'nfts.create.succeeded', data: { chain: 'anvil' } };
    expect(bodyFor('tokenview', action)).toBe(JSON.stringify(action));
  });
});

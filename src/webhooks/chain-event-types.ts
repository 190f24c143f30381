const transfer = {
  nft_id: 'anvil.0x5fbdb2315678afecb367f032d93f642f64180aa3.7',
  chain: 'anvil',
  contract_address: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  token_id: '7',
  from_address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  to_address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  quantity: 1,
  timestamp: '2026-01-01T12:00:04Z',
  block_number: 61,
  block_hash: '0x935a…',
  transaction: '0x06cf…',
  log_index: 2,
  batch_transfer_index: 0,
  sale_details: {
    marketplace_name: 'Test Market',
    is_bundle_sale: false,
    payment_token: { payment_token_id: 'anvil.native', name: 'Ether', symbol: 'ETH', address: null, decimals: 18 },
    unit_price: '29900000000000000',
    total_price: '29900000000000000',
  },
};

const nft = {
  nft_id: 'anvil.0x5fbdb2315678afecb367f032d93f642f64180aa3.7',
  name: 'Sword #7',
  description: 'A sword',
  image_url: 'https://example.com/7.png',
  video_url: null,
  audio_url: null,
  model_url: null,
  previews: null,
  extra_metadata: { attributes: [{ trait_type: 'Edge', value: 'Sharp' }], image_original_url: 'https://example.com/7.png', animation_original_url: null },
};

const envelope = (type: string, subscriptionId: string | null) => ({
  id: 'evt_9c2e…', type, chain: 'anvil', subscriptionId, removed: false, timestamp: 1767268804000,
});

/** Beside the Transfer Model: the token's standard and its contract's symbol (null if it has none). */
const token = { standard: 'erc721', symbol: 'SWORD' };

const metadataExample = (type: string, subscriptionId: string | null) => ({
  ...envelope(type, subscriptionId),
  contract_address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', token_ids: { from: '7', to: '7' },
  block_number: 61, block_hash: '0x935a…', transaction: '0x06cf…', log_index: 0, nfts: [nft],
});

/**
 * Events the chain produces (SimpleHash's names, its Transfer Model and NFT model subset): for subscriptions,
 * and for the project's own collections without one (`subscriptionId` null). `removed: true` re-sends an
 * event a reorg took back.
 */
export const CHAIN_EVENT_TYPES = [
  { type: 'wallet.inbound_transfer', description: 'An NFT reached a subscribed wallet.', example: { ...envelope('wallet.inbound_transfer', 'sub…'), token, data: transfer } },
  { type: 'wallet.outbound_transfer', description: 'An NFT left a subscribed wallet.', example: { ...envelope('wallet.outbound_transfer', 'sub…'), token, data: transfer } },
  {
    type: 'nft.transfer',
    description: 'A subscribed NFT moved; or, for an owner subscription, an NFT of its wallet did: from the transfer that brought it to the one that took it away, the last.',
    example: { ...envelope('nft.transfer', 'sub…'), token, data: transfer },
  },
  {
    type: 'nft.metadata_update',
    description: 'An NFT an owner subscription\'s wallet holds announced new metadata (EIP-4906); `nfts` lists the tokens of the range it holds.',
    example: metadataExample('nft.metadata_update', 'sub…'),
  },
  {
    type: 'contract.transfer',
    description: 'An NFT of a subscribed contract, or of one of the project\'s collections, moved; mints and burns included.',
    example: { ...envelope('contract.transfer', null), token, data: transfer },
  },
  {
    type: 'nft.new_member',
    description: 'An NFT of one of the project\'s collections reached an address that never held it before (not by its mint).',
    example: { ...envelope('nft.new_member', null), token, data: transfer },
  },
  {
    type: 'contract.nft_metadata_update',
    description: 'A subscribed contract, or one of the project\'s collections, announced new metadata (EIP-4906), read through tokenURI.',
    example: metadataExample('contract.nft_metadata_update', null),
  },
  { type: 'chain.nft_metadata_update', description: 'Any contract on a subscribed chain announced new metadata (EIP-4906).', example: metadataExample('chain.nft_metadata_update', 'sub…') },
];

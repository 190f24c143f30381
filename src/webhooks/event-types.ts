import { ACTION_TYPES } from '../domain';
import { APP_EVENT_TYPES } from './app-event-types';
import { CHAIN_EVENT_TYPES } from './chain-event-types';
import { OPERATIONAL_EVENT_TYPES } from './operational-events';

const DESCRIPTIONS: Record<string, string> = {
  'collections.create': 'a collection contract deployment',
  'tokenTypes.create': 'an ERC-1155 token type creation',
  'nfts.create': 'a mint',
  'nfts.update': 'an NFT metadata update',
  'nfts.createBatch': 'a batch mint (every chunk confirmed; failed if any item was not minted)',
};

const exampleData: Record<string, Record<string, unknown>> = {
  'collections.create': { collection: { id: '0f6a…', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } },
  'tokenTypes.create': {
    collection: { id: '0f6a…', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    tokenType: { id: '9b1e…', onChainTypeId: '1', tokenTypeId: '1', maxSupply: '1000', fungible: true },
  },
  'nfts.create': {
    collection: { id: '0f6a…', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    recipient: { walletAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
    token: { id: 'a2b3…', tokenId: '1', amount: '1', owner: { walletAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' } },
  },
  'nfts.update': {
    collection: { id: '0f6a…', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    token: { id: 'a2b3…', tokenId: '1', metadataVersion: 2 },
    changes: ['metadata'],
  },
  'nfts.createBatch': {
    collection: { id: '0f6a…', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    items: { total: 500, minted: 500, failed: 0 },
    transactions: [
      { chunk: 0, txId: '0x4f0e…', nonce: 12, status: 'mined', blockNumber: 61, gasUsed: '7469518' },
      { chunk: 1, txId: '0x9a41…', nonce: 13, status: 'mined', blockNumber: 61, gasUsed: '7465262' },
    ],
    itemsUrl: 'https://nft-engine.example/v1/actions/4eada846-…/items',
  },
};

const FAILURE_EXAMPLE = {
  reason: 'execution_reverted',
  message: "The mint call reverted. Check 'revertReason' for details",
  revertReason: 'execution reverted: MaxSupplyExceeded(1, 2, 2, 1)',
  callInfo: { functionName: 'mint', arguments: { recipient: '0x7099…', tokenTypeId: '1', amount: '1' }, calldata: '0x156e29f6…' },
};

const OUTCOMES = {
  succeeded: 'is confirmed on chain',
  failed: 'fails (error says why)',
  cancelled: 'is cancelled: the transfer to self that replaced its transaction is confirmed (`txId`), or nothing had been sent',
} as const;

/** Events about an action after its outcome, from the worker's periodic checks (src/health). */
const ACTION_NOTICE_TYPES = [{
  type: 'actions.reorged',
  description: 'Sent when a reorg deeper than the confirmations replaced the block of a completed action\'s transaction: where it was, and where it is now (block null while the engine sends it again).',
  example: {
    id: 'evt_9c2d…',
    type: 'actions.reorged',
    actionId: '4eada846-…',
    timestamp: 1767268904000,
    data: {
      chain: 'anvil', actionType: 'nfts.create', txId: '0x4f0e…',
      previousBlock: { number: 61, hash: '0x1c9a…' }, block: { number: 62, hash: '0x77e0…' },
    },
    resource: 'https://nft-engine.example/v1/actions/4eada846-…',
  },
}];

/**
 * The actions' events, with a description and an example payload (a batch mint cannot be cancelled): their
 * outcomes, then what the worker's checks report about them later.
 */
const ACTION_EVENT_TYPES = [...ACTION_TYPES.flatMap((action) =>
  (Object.keys(OUTCOMES) as (keyof typeof OUTCOMES)[]).filter((o) => o !== 'cancelled' || action !== 'nfts.createBatch').map((outcome) => ({
    type: `${action}.${outcome}`,
    description: `Sent when ${DESCRIPTIONS[action]} ${OUTCOMES[outcome]}.`,
    example: {
      id: 'evt_3f1c…',
      type: `${action}.${outcome}`,
      actionId: '4eada846-…',
      startedAt: '2026-01-01T12:00:00.000Z',
      completedAt: '2026-01-01T12:00:04.000Z',
      timestamp: 1767268804000,
      data: {
        chain: 'anvil',
        ...(outcome === 'failed' ? {} : { txId: '0x4f0e…' }),
        ...exampleData[action],
        ...(outcome === 'failed' ? { error: FAILURE_EXAMPLE } : {}),
      },
      resource: 'https://nft-engine.example/v1/collections/0f6a…',
    },
  })),
), ...ACTION_NOTICE_TYPES];

export const ACTION_EVENT_TYPE_NAMES = ACTION_EVENT_TYPES.map((e) => e.type);

/**
 * What an endpoint can subscribe to: the action events, the chain events, the application events, then the
 * engine's operational events. An endpoint that names no event type gets the action events only.
 */
export const CATALOGUE = [...ACTION_EVENT_TYPES, ...CHAIN_EVENT_TYPES, ...APP_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES];

export const EVENT_TYPE_NAMES = CATALOGUE.map((e) => e.type);

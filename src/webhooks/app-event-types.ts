import { createHash } from 'node:crypto';

/**
 * Application events: what happens to a project's NFTs in its own application (NFT.Kred's notifications),
 * recorded through `POST /v1/events` and delivered like the engine's events. Subscribed to by name only.
 */
const DESCRIPTIONS = {
  'nft.sale': 'The NFT was sold (told to the seller\'s side).',
  'nft.purchase': 'The NFT was bought (told to the buyer\'s side).',
  'nft.bid': 'A bid was placed on the NFT in an auction.',
  'nft.auction_expired': 'An auction of the NFT ended without a sale.',
  'nft.like': 'Someone liked the NFT.',
  'nft.comment': 'Someone commented on the NFT.',
  'nft.reply': 'Someone replied to a comment on the NFT.',
  'nft.showcase': 'The NFT was added to a showcase.',
  'nft.listing': 'The NFT was listed on a market.',
  'nft.request': 'Someone requested the NFT.',
  'nft.claim': 'The NFT was claimed.',
  'nft.gift': 'The NFT was given as a gift.',
  'nft.ban': 'The NFT was banned from the application.',
} as const;

export type AppEventType = keyof typeof DESCRIPTIONS;

export const APP_EVENT_TYPE_NAMES = Object.keys(DESCRIPTIONS) as [AppEventType, ...AppEventType[]];

export interface AppEventNft {
  id: string;
  collectionId: string;
  chain: string;
  contractAddress: string | null;
  tokenId: string | null;
}

/** The envelope delivered to endpoints (and listed by `GET /v1/events`): `data` is the caller's own. */
export function appEventPayload(e: { id: string; type: string; createdAt: Date; nft: AppEventNft; actor: string | null; data: Record<string, unknown> }) {
  return { id: e.id, type: e.type, timestamp: e.createdAt.getTime(), nft: e.nft, actor: e.actor, data: e.data };
}

/** The event as an owner subscription of the wallet that holds the NFT receives it: its own id, with the subscription and the owner. */
export function ownerCopyOf(payload: Record<string, unknown>, subscriptionId: string, owner: string) {
  const id = `evt_${createHash('sha256').update(`${String(payload.id)}|owner|${subscriptionId}`).digest('hex').slice(0, 32)}`;
  return { id, payload: { ...payload, id, subscriptionId, owner } };
}

export const APP_EVENT_TYPES = APP_EVENT_TYPE_NAMES.map((type) => ({
  type,
  description: `${DESCRIPTIONS[type]} Recorded by the project with POST /v1/events.`,
  example: appEventPayload({
    id: 'evt_7a1f…',
    type,
    createdAt: new Date('2026-01-01T12:00:04.000Z'),
    nft: { id: 'a2b3…', collectionId: '0f6a…', chain: 'anvil', contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3', tokenId: '7' },
    actor: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    data: type === 'nft.sale' ? { price: '29900000000000000', currency: 'ETH' } : {},
  }),
}));

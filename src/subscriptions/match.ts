import type { MetadataUpdate, TokenTransfer } from '../chain/token-logs';
import type { SubscriptionRow } from '../store/subscriptions';

export type TransferEventType = 'wallet.inbound_transfer' | 'wallet.outbound_transfer' | 'nft.transfer' | 'contract.transfer';
export type MetadataEventType = 'contract.nft_metadata_update' | 'chain.nft_metadata_update';

export type Matched =
  | { subscription: SubscriptionRow; type: TransferEventType; transfer: TokenTransfer }
  | { subscription: SubscriptionRow; type: MetadataEventType; update: MetadataUpdate };

function indexBy(subscriptions: readonly SubscriptionRow[], key: (s: SubscriptionRow) => string | null) {
  const index = new Map<string, SubscriptionRow[]>();
  for (const s of subscriptions) {
    const k = key(s);
    if (k === null) continue;
    const list = index.get(k);
    if (list) list.push(s);
    else index.set(k, [s]);
  }
  return index;
}

/**
 * Pairs a block's token logs with the subscriptions they concern, through maps keyed by address (no scan of
 * the subscriptions per log): SimpleHash's event types, a wallet's inbound and outbound transfers, an NFT's,
 * a contract's (mints and burns included) and metadata updates of a contract or of the whole chain.
 */
export function matchSubscriptions(
  subscriptions: readonly SubscriptionRow[], transfers: readonly TokenTransfer[], updates: readonly MetadataUpdate[],
): Matched[] {
  const wallets = indexBy(subscriptions, (s) => (s.kind === 'wallet' ? s.wallet_address : null));
  const contracts = indexBy(subscriptions, (s) => (s.kind === 'contract' ? s.contract_address : null));
  const nfts = indexBy(subscriptions, (s) => (s.kind === 'nft' ? `${s.contract_address}:${s.token_id}` : null));
  const chainWide = subscriptions.filter((s) => s.kind === 'chain');
  const matched: Matched[] = [];
  for (const transfer of transfers) {
    const contract = transfer.contract.toLowerCase();
    for (const s of wallets.get(transfer.to.toLowerCase()) ?? []) {
      if (s.direction !== 'outbound') matched.push({ subscription: s, type: 'wallet.inbound_transfer', transfer });
    }
    for (const s of wallets.get(transfer.from.toLowerCase()) ?? []) {
      if (s.direction !== 'inbound') matched.push({ subscription: s, type: 'wallet.outbound_transfer', transfer });
    }
    for (const s of nfts.get(`${contract}:${transfer.tokenId}`) ?? []) matched.push({ subscription: s, type: 'nft.transfer', transfer });
    for (const s of contracts.get(contract) ?? []) matched.push({ subscription: s, type: 'contract.transfer', transfer });
  }
  for (const update of updates) {
    for (const s of contracts.get(update.contract.toLowerCase()) ?? []) matched.push({ subscription: s, type: 'contract.nft_metadata_update', update });
    for (const s of chainWide) matched.push({ subscription: s, type: 'chain.nft_metadata_update', update });
  }
  return matched;
}

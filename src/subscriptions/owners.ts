import type { MetadataUpdate, TokenTransfer } from '../chain/token-logs';
import type { BlockRef } from '../store/chain-events';
import type { Holding, HoldingChange, TokenRange } from '../store/owner-holdings';
import type { SubscriptionRow } from '../store/subscriptions';

export type OwnerMatched =
  | { subscription: SubscriptionRow; type: 'nft.transfer'; transfer: TokenTransfer }
  /** `tokenIds`: the tokens of the update's range the wallet holds. */
  | { subscription: SubscriptionRow; type: 'nft.metadata_update'; update: MetadataUpdate; tokenIds: string[] };

/** The tokens a block's logs are about: what owner subscriptions may hold among them is looked up by these. */
export function tokenRanges(transfers: readonly TokenTransfer[], updates: readonly MetadataUpdate[]): TokenRange[] {
  const ranges = new Map<string, TokenRange>();
  for (const t of transfers) ranges.set(`${t.contract.toLowerCase()}:${t.tokenId}:${t.tokenId}`, { contract: t.contract.toLowerCase(), from: t.tokenId, to: t.tokenId });
  for (const u of updates) {
    const [from, to] = [u.fromTokenId.toString(), u.toTokenId.toString()];
    ranges.set(`${u.contract.toLowerCase()}:${from}:${to}`, { contract: u.contract.toLowerCase(), from, to });
  }
  return [...ranges.values()];
}

const byPlace = (a: { logIndex: number; batchIndex?: number }, b: { logIndex: number; batchIndex?: number }) =>
  a.logIndex - b.logIndex || (a.batchIndex ?? 0) - (b.batchIndex ?? 0);

/**
 * Walks a block's transfers and metadata updates in log order for owner subscriptions, from what their
 * wallets held before it: a token is followed from the transfer that brings it (the first event) to the one
 * that takes the last of it away (the last event); while held, its other transfers (ERC-1155 holders share
 * a token id) and its metadata updates are the wallet's too. Answers the events and the holdings' changes.
 * A wallet never sends more than it was seen to receive: what it held before its subscription is unknown.
 */
export function followOwners(
  block: BlockRef, owners: readonly SubscriptionRow[], held: readonly Holding[], transfers: readonly TokenTransfer[], updates: readonly MetadataUpdate[],
): { matched: OwnerMatched[]; changes: HoldingChange[] } {
  const byId = new Map(owners.map((s) => [s.id, s]));
  const byWallet = new Map<string, SubscriptionRow[]>();
  for (const s of owners) {
    const list = byWallet.get(s.wallet_address!);
    if (list) list.push(s);
    else byWallet.set(s.wallet_address!, [s]);
  }
  // contract → token → subscription → balance: only the tokens this block is about.
  const balances = new Map<string, Map<string, Map<string, bigint>>>();
  const balancesOf = (contract: string, tokenId: string) => {
    let tokens = balances.get(contract);
    if (!tokens) balances.set(contract, (tokens = new Map()));
    let subs = tokens.get(tokenId);
    if (!subs) tokens.set(tokenId, (subs = new Map()));
    return subs;
  };
  for (const h of held) if (byId.has(h.subscriptionId)) balancesOf(h.contract, h.tokenId).set(h.subscriptionId, h.balance);

  const matched: OwnerMatched[] = [];
  const changes: HoldingChange[] = [];
  const items = [...transfers.map((transfer) => ({ transfer, logIndex: transfer.logIndex, batchIndex: transfer.batchIndex })),
    ...updates.map((update) => ({ update, logIndex: update.logIndex }))].sort(byPlace);
  for (const item of items) {
    if ('transfer' in item) {
      const t = item.transfer;
      const contract = t.contract.toLowerCase();
      const [from, to] = [t.from.toLowerCase(), t.to.toLowerCase()];
      const subs = balancesOf(contract, t.tokenId);
      const concerned = new Set([...(byWallet.get(to) ?? []), ...(byWallet.get(from) ?? []), ...[...subs.keys()].map((id) => byId.get(id)!)]);
      for (const s of concerned) {
        const before = subs.get(s.id) ?? 0n;
        const incoming = s.wallet_address === to ? t.quantity : 0n;
        let after = before + incoming;
        if (s.wallet_address === from) after -= after < t.quantity ? after : t.quantity;
        if (before === 0n && incoming === 0n) continue;
        matched.push({ subscription: s, type: 'nft.transfer', transfer: t });
        if (after !== before) {
          changes.push({ subscriptionId: s.id, contract, tokenId: t.tokenId, blockNumber: block.number, blockHash: block.hash, logIndex: t.logIndex, batchIndex: t.batchIndex, delta: after - before });
        }
        if (after > 0n) subs.set(s.id, after);
        else subs.delete(s.id);
      }
    } else {
      const u = item.update;
      const holders = new Map<string, string[]>();
      for (const [tokenId, subs] of balances.get(u.contract.toLowerCase()) ?? []) {
        const id = BigInt(tokenId);
        if (id < u.fromTokenId || id > u.toTokenId) continue;
        for (const [subscriptionId, balance] of subs) {
          if (balance > 0n) holders.set(subscriptionId, [...(holders.get(subscriptionId) ?? []), tokenId]);
        }
      }
      for (const [subscriptionId, tokenIds] of holders) {
        matched.push({ subscription: byId.get(subscriptionId)!, type: 'nft.metadata_update', update: u, tokenIds: tokenIds.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) });
      }
    }
  }
  return { matched, changes };
}

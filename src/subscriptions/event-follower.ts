import type { JsonRpcProvider } from 'ethers';
import type { ChainReader } from '../chain/chain-reader';
import { decodeTokenLogs, FOLLOWED_TOPICS, type DecodedLogs, type MetadataUpdate, type RawLog } from '../chain/token-logs';
import { rawRpc } from '../chain/raw-rpc';
import type { ChainConfig } from '../config';
import type { Database, Queryable } from '../db/database';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import {
  advanceChainCursor, collectionsByContract, holderKey, keptBlock, leaseChainCursor, recordBackfill, recordHolders, releaseChainCursor, resetChainCursor,
  unwindChainBlock, type BlockRef, type ChainEventRecord, type CollectionOnChain,
} from '../store/chain-events';
import { holdingsIn, recordHoldingChanges, type Holding, type HoldingChange } from '../store/owner-holdings';
import {
  activeConfirmationDepths, liveSubscriptionsByIds, nextBackfill, subscriptionsConcerned, type SubscriptionRow,
} from '../store/subscriptions';
import { matchSubscriptions } from './match';
import { followOwners, tokenRanges } from './owners';
import { metadataEvent, transferEvent, type EventTarget, type NftModel } from './payloads';
import { saleFinder, saleOf } from './sales';
import { metadataReader, symbolReader, type MetadataSettings } from './token-metadata';

/** Blocks kept to recognise a reorg, and the deepest confirmations a subscription may ask for. */
export const FOLLOW_WINDOW = 128;
/** A follower that stops renewing its hold on the chain (a crashed process) is replaced after this. */
const LEASE_MS = 15_000;
/** Blocks processed before the hold is renewed, so a long catch-up never outlives it. */
const BLOCKS_PER_ROUND = 50;
/** A `BatchMetadataUpdate` over more tokens than this reports the first ones only. */
const METADATA_TOKENS_PER_UPDATE = 100;
const LOGS_KEPT = 256;
const ZERO = '0x0000000000000000000000000000000000000000';
/** How far back `fromBlock` may reach from the chain's head. */
export const MAX_BACKFILL_BLOCKS = 10_000;
/** Past blocks a back-fill reads per round (one eth_getLogs), between rounds of live blocks. */
const BACKFILL_BLOCKS_PER_ROUND = 200;

/**
 * Live: the subscriptions at one depth (and creator notifications at the chain's), `owners` when an owner
 * subscription is among them; back-fill: one subscription.
 */
type Scope = { depth: number; owners: boolean } | { backfill: SubscriptionRow };

export interface EventFollowerDeps {
  db: Database;
  chain: ChainConfig;
  /** A provider of its own, without ethers' result cache (sale details, token metadata and symbols). */
  provider: JsonRpcProvider;
  /** The process's reader of the chain's blocks, shared with the confirmations of the actions. */
  reader: ChainReader;
  /** Who follows (the process): one holder per chain at a time. */
  holder: string;
  metadata: Omit<MetadataSettings, 'chain'>;
  metrics: Metrics;
  log: LogFn;
  /** Tells the webhook dispatcher that events were recorded. */
  wake(): void;
}

/**
 * Follows one chain for chain events: every block once, in order, from a durable cursor (a restart goes on
 * where the last process stopped; nothing between two positions is skipped), its parent hash checked against
 * the block before (a reorg steps back, and events of a replaced block are re-sent with `removed: true`).
 * Each block's token logs are read in one eth_getLogs and matched against subscriptions at each depth they
 * ask for, and against the engine's own collections (creator notifications, at the chain's confirmations).
 * Events and the cursor are written in one transaction, with ids derived from what they describe.
 * Blocks come from the process's `ChainReader` of the chain: while this process holds the chain, the reader
 * looks at the head on the chain's cadence and the follower goes on as soon as it shows a new one; a block the
 * reader read already (for this follower or the confirmations) is not read again.
 */
export class ChainEventFollower {
  private stopped = false;
  private loop?: Promise<void>;
  private readonly logs = new Map<string, DecodedLogs>();
  private readonly salesIn;
  private readonly readMetadata;
  private readonly symbolOf;
  /** Releases the reader's look at the head: held while this process holds the chain. */
  private unwatch?: () => void;
  /** The head of the last round, to wait for the next one. */
  private seenHead?: BlockRef;
  private wakeUp?: () => void;

  constructor(private readonly deps: EventFollowerDeps) {
    const { chain, provider } = deps;
    this.salesIn = saleFinder(provider, {
      chain: chain.name,
      marketplaces: new Map(Object.entries(chain.marketplaces ?? {}).map(([address, name]) => [address.toLowerCase(), name])),
      native: chain.nativeCurrency ?? { name: 'Ether', symbol: 'ETH', decimals: 18 },
    });
    this.readMetadata = metadataReader(provider, { ...deps.metadata, chain: chain.name });
    this.symbolOf = symbolReader(provider);
  }

  start() {
    this.loop ??= this.run();
  }

  async stop() {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    this.release();
    await releaseChainCursor(this.deps.db, this.deps.chain.chainId, this.deps.holder).catch(() => undefined);
  }

  private async run() {
    while (!this.stopped) {
      let behind = false;
      try {
        behind = await this.followToHead();
      } catch (err) {
        this.deps.log('chain events: could not follow the chain; trying again', { chain: this.deps.chain.name, error: (err as Error).message });
      }
      // Behind the head (a round's worth of blocks done), it goes on at once; at the head it goes on when the
      // reader sees a new one, or after the chain's poll interval (the lease is renewed by each round).
      if (!behind && !this.stopped) await this.pause();
    }
  }

  private pause() {
    const { reader, chain } = this.deps;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeUp?.(), chain.pollIntervalMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      if (this.unwatch && this.seenHead) void reader.nextHead(this.seenHead, chain.pollIntervalMs).then(() => this.wakeUp?.());
    });
  }

  /** Another process follows the chain (or this one stops): the reader need not look for this follower. */
  private release() {
    this.unwatch?.();
    this.unwatch = undefined;
  }

  /** Processes the blocks from the cursor towards the head, if this process holds the chain; true if it stopped short of the head. */
  async followToHead(): Promise<boolean> {
    const { db, chain, holder, reader } = this.deps;
    const head = await reader.latest();
    this.seenHead = head;
    // A chain followed for the first time starts at its head: subscriptions are about what happens from now.
    const held = await leaseChainCursor(db, chain.chainId, holder, LEASE_MS, { number: head.number - 1, hash: head.parentHash, parentHash: '', timestamp: 0 });
    if (!held) {
      this.release();
      return false;
    }
    this.unwatch ??= reader.watch();
    await this.backfill(held).catch((err) =>
      this.deps.log('chain events: a back-fill could not go on; trying again', { chain: chain.name, error: (err as Error).message }));
    let cursor: BlockRef = held;
    this.deps.metrics.chainEventsLag.set({ chain: chain.name }, head.number - cursor.number);
    for (let round = 0; round < BLOCKS_PER_ROUND && !this.stopped; round++) {
      if (cursor.number >= head.number) {
        // A reorg to a branch no longer than the one processed shows only in the hash at the cursor.
        const canonical = cursor.number === head.number ? head : await reader.block(cursor.number).catch(() => undefined);
        if (canonical?.hash.toLowerCase() === cursor.hash.toLowerCase()) return false;
      } else {
        const next: BlockRef = cursor.number + 1 === head.number ? head : await reader.block(cursor.number + 1);
        if (next.parentHash.toLowerCase() === cursor.hash.toLowerCase()) {
          if (!(await this.process(next))) return false;
          cursor = next;
          this.deps.metrics.chainEventsLag.set({ chain: chain.name }, head.number - cursor.number);
          continue;
        }
      }
      const previous = await this.stepBack(cursor, head);
      if (!previous) return false;
      cursor = previous;
    }
    return !this.stopped;
  }

  /** Unwinds the block at the cursor, which a reorg replaced; undefined when the follower must start over. */
  private async stepBack(cursor: BlockRef, head: BlockRef): Promise<BlockRef | undefined> {
    const { db, chain, holder } = this.deps;
    const previous = await keptBlock(db, chain.chainId, cursor.number - 1);
    if (!previous) {
      this.deps.log('chain events: a reorg deeper than the blocks kept; going on from the head', { chain: chain.name, block: head.number });
      await resetChainCursor(db, holder, chain.chainId, { number: head.number - 1, hash: head.parentHash, parentHash: '', timestamp: 0 });
      return undefined;
    }
    if (!(await unwindChainBlock(db, holder, chain.chainId, cursor, previous))) return undefined;
    this.deps.wake();
    return previous;
  }

  /**
   * Records what `block` makes deliverable: for each depth asked for, the events of the block that is that
   * deep now (the block itself for 0 and 1). False if another process took the chain meanwhile.
   */
  private async process(block: BlockRef): Promise<boolean> {
    const { db, chain, holder } = this.deps;
    // Each depth subscriptions ask for, and whether an owner subscription asks for it (else no holdings to read).
    const depths = new Map((await activeConfirmationDepths(db, chain.chainId)).map((d) => [d.confirmations, d.owners]));
    if (!depths.has(chain.confirmations)) depths.set(chain.confirmations, false);
    const events: ChainEventRecord[] = [];
    const changes: HoldingChange[] = [];
    const newMembers: ((tx: Queryable) => Promise<ChainEventRecord[]>)[] = [];
    for (const [depth, owners] of depths) {
      const target = depth <= 1 ? block : await keptBlock(db, chain.chainId, block.number - depth + 1);
      if (!target) continue;
      const logs = await this.logsOf(target.hash);
      if (logs.transfers.length === 0 && logs.metadataUpdates.length === 0) continue;
      const found = await this.eventsAt(target, logs, { depth, owners });
      events.push(...found.events);
      changes.push(...found.changes);
      if (found.newMembers) newMembers.push(found.newMembers);
    }
    const written = await advanceChainCursor(db, holder, chain.chainId, block, events, FOLLOW_WINDOW, async (tx) => {
      await recordHoldingChanges(tx, chain.chainId, changes);
      const extra: ChainEventRecord[] = [];
      for (const find of newMembers) extra.push(...(await find(tx)));
      for (const e of [...events, ...extra]) this.deps.metrics.chainEventsRecorded.inc({ type: e.type });
      return extra;
    });
    if (written && events.length + newMembers.length > 0) this.deps.wake();
    return written;
  }

  /** What a block's logs make deliverable in a scope: events, changes to owners' holdings, and a finder of new members. */
  private async eventsAt(block: BlockRef, logs: DecodedLogs, scope: Scope) {
    const { db, chain } = this.deps;
    const contracts = [...new Set([...logs.transfers, ...logs.metadataUpdates].map((l) => l.contract))];
    const wallets = [...new Set(logs.transfers.flatMap((t) => [t.from, t.to]))];
    const ranges = tokenRanges(logs.transfers, logs.metadataUpdates);
    let subscriptions: SubscriptionRow[];
    let held: Holding[];
    if ('depth' in scope) {
      subscriptions = await subscriptionsConcerned(db, chain.chainId, scope.depth, wallets, contracts, logs.metadataUpdates.length > 0);
      held = scope.owners ? await holdingsIn(db, chain.chainId, block.number, ranges, { confirmations: scope.depth }) : [];
      const known = new Set(subscriptions.map((s) => s.id));
      const holders = [...new Set(held.map((h) => h.subscriptionId))].filter((id) => !known.has(id));
      subscriptions.push(...(await liveSubscriptionsByIds(db, holders, scope.depth)));
    } else {
      subscriptions = [scope.backfill];
      held = scope.backfill.kind === 'owner' ? await holdingsIn(db, chain.chainId, block.number, ranges, { subscriptionId: scope.backfill.id }) : [];
    }
    const matched = matchSubscriptions(subscriptions, logs.transfers, logs.metadataUpdates);
    const owners = followOwners(block, subscriptions.filter((s) => s.kind === 'owner'), held, logs.transfers, logs.metadataUpdates);
    const collections = await collectionsByContract(db, chain.chainId, contracts);
    const creators = 'depth' in scope && scope.depth === chain.confirmations ? collections : [];
    const collectionOf = (projectId: string, contract: string) =>
      collections.find((c) => c.project_id === projectId && c.contract_address.toLowerCase() === contract.toLowerCase())?.id ?? null;

    const creatorTransfers = logs.transfers.filter((t) => creatorOf(creators, t.contract));
    const saleTransactions = new Set([...[...matched, ...owners.matched].flatMap((m) => ('transfer' in m ? [m.transfer.transaction] : [])),
      ...creatorTransfers.map((t) => t.transaction)]);
    const sales = await this.salesIn(logs, saleTransactions);
    const nftsOf = this.metadataOnce();
    const transferred = [...[...matched, ...owners.matched].flatMap((m) => ('transfer' in m ? [m.transfer.contract] : [])), ...creatorTransfers.map((t) => t.contract)];
    const symbols = new Map(await Promise.all([...new Set(transferred)].map(async (c) => [c, await this.symbolOf(c)] as const)));

    const events: ChainEventRecord[] = [];
    for (const m of [...matched, ...owners.matched]) {
      const target: EventTarget = { projectId: m.subscription.project_id, subscriptionId: m.subscription.id, collectionId: null };
      if ('transfer' in m) {
        target.collectionId = collectionOf(target.projectId, m.transfer.contract);
        events.push(transferEvent(chain.name, chain.chainId, block, m.type, m.transfer, target, saleOf(sales, m.transfer), symbols.get(m.transfer.contract)!));
      } else {
        target.collectionId = collectionOf(target.projectId, m.update.contract);
        // An owner hears of the tokens of the range it holds only.
        const nfts = 'tokenIds' in m ? await nftsOf.tokens(m.update.contract, m.tokenIds.map(BigInt)) : await nftsOf(m.update);
        events.push(metadataEvent(chain.name, chain.chainId, block, m.type, m.update, target, nfts));
      }
    }
    for (const t of creatorTransfers) {
      const collection = creatorOf(creators, t.contract)!;
      events.push(transferEvent(chain.name, chain.chainId, block, 'contract.transfer', t, creatorTarget(collection), saleOf(sales, t), symbols.get(t.contract)!));
    }
    for (const u of logs.metadataUpdates) {
      const collection = creatorOf(creators, u.contract);
      if (collection) events.push(metadataEvent(chain.name, chain.chainId, block, 'contract.nft_metadata_update', u, creatorTarget(collection), await nftsOf(u)));
    }
    const newMembers = creatorTransfers.length === 0 ? undefined : async (tx: Queryable) => {
      const received = creatorTransfers.filter((t) => t.to !== ZERO);
      const fresh = await recordHolders(tx, received.map((t) => ({ collectionId: creatorOf(creators, t.contract)!.id, tokenId: t.tokenId, address: t.to })));
      // A mint's recipient is the token's first holder, not a new member of its circle.
      return received
        .filter((t) => t.from !== ZERO && fresh.has(holderKey(creatorOf(creators, t.contract)!.id, t.tokenId, t.to)))
        .map((t) => transferEvent(chain.name, chain.chainId, block, 'nft.new_member', t, creatorTarget(creatorOf(creators, t.contract)!), saleOf(sales, t), symbols.get(t.contract)!));
    };
    return { events, changes: owners.changes, newMembers };
  }

  /**
   * One round of the oldest pending back-fill: the next past blocks' logs in one eth_getLogs, matched against
   * that subscription alone, up to the blocks as deep as it asks of those processed live (`cursor`); having
   * reached them, it follows the chain live from the next block on. Ids are the live ones, so a block read
   * both ways records nothing twice.
   */
  private async backfill(cursor: BlockRef) {
    const { db, chain, holder } = this.deps;
    const subscription = await nextBackfill(db, chain.chainId);
    if (!subscription) return;
    const last = cursor.number - Math.max(subscription.confirmations - 1, 0);
    const from = Number(subscription.backfill_next);
    const to = Math.min(from + BACKFILL_BLOCKS_PER_ROUND - 1, last);
    const raw = from > to ? [] : await rawRpc<(RawLog & { blockNumber: string; blockHash: string })[]>(chain.rpcUrl, 'eth_getLogs', [
      { fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, topics: [FOLLOWED_TOPICS] },
    ]);
    const byBlock = new Map<number, typeof raw>();
    for (const log of raw) {
      const number = Number(log.blockNumber);
      const logs = byBlock.get(number);
      if (logs) logs.push(log);
      else byBlock.set(number, [log]);
    }
    for (const number of [...byBlock.keys()].sort((a, b) => a - b)) {
      const logs = decodeTokenLogs(byBlock.get(number)!);
      if (logs.transfers.length === 0 && logs.metadataUpdates.length === 0) continue;
      // A block that cannot concern the subscription costs no header read (an owner's holdings are in the database).
      if (subscription.kind !== 'owner' && matchSubscriptions([subscription], logs.transfers, logs.metadataUpdates).length === 0) continue;
      const block = await this.deps.reader.block(number);
      const kept = await keptBlock(db, chain.chainId, number);
      const seen = byBlock.get(number)![0].blockHash.toLowerCase();
      // The chain moved under the reading: the live follower settles the reorg first.
      if (block.hash.toLowerCase() !== seen || (kept && kept.hash.toLowerCase() !== seen)) throw new Error(`block ${number} changed while it was back-filled`);
      const found = await this.eventsAt(block, logs, { backfill: subscription });
      if (found.events.length + found.changes.length === 0) continue;
      if (!(await recordBackfill(db, holder, chain.chainId, subscription.id, found.events, found.changes, number + 1))) return;
      for (const e of found.events) this.deps.metrics.chainEventsRecorded.inc({ type: e.type });
      this.deps.wake();
    }
    await recordBackfill(db, holder, chain.chainId, subscription.id, [], [], to >= last ? null : to + 1);
  }

  /** Metadata of an update's tokens (or of some of them), each read once per block however many subscriptions want it. */
  private metadataOnce() {
    const read = new Map<string, Promise<NftModel>>();
    const token = (contract: string, tokenId: bigint) => {
      const key = `${contract.toLowerCase()}:${tokenId}`;
      let nft = read.get(key);
      if (!nft) read.set(key, (nft = this.readMetadata(contract, tokenId)));
      return nft;
    };
    const tokens = (contract: string, ids: bigint[]) => Promise.all(ids.slice(0, METADATA_TOKENS_PER_UPDATE).map((id) => token(contract, id)));
    const ofUpdate = (u: MetadataUpdate) => {
      const count = Math.max(Math.min(Number(u.toTokenId - u.fromTokenId + 1n), METADATA_TOKENS_PER_UPDATE), 0);
      return tokens(u.contract, Array.from({ length: count }, (_, i) => u.fromTokenId + BigInt(i)));
    };
    return Object.assign(ofUpdate, { tokens });
  }

  private async logsOf(blockHash: string): Promise<DecodedLogs> {
    let logs = this.logs.get(blockHash);
    if (!logs) {
      const raw = await rawRpc<RawLog[]>(this.deps.chain.rpcUrl, 'eth_getLogs', [{ blockHash, topics: [FOLLOWED_TOPICS] }]);
      logs = decodeTokenLogs(raw);
      if (this.logs.size >= LOGS_KEPT) this.logs.delete(this.logs.keys().next().value!);
      this.logs.set(blockHash, logs);
    }
    return logs;
  }
}

const creatorOf = (collections: CollectionOnChain[], contract: string) => collections.find((c) => c.contract_address.toLowerCase() === contract.toLowerCase());
const creatorTarget = (c: CollectionOnChain): EventTarget => ({ projectId: c.project_id, subscriptionId: null, collectionId: c.id });


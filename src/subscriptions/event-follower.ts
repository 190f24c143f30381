import type { JsonRpcProvider } from 'ethers';
import { decodeTokenLogs, FOLLOWED_TOPICS, type DecodedLogs, type MetadataUpdate, type RawLog } from '../chain/token-logs';
import { rawRpc } from '../chain/raw-rpc';
import type { ChainConfig } from '../config';
import type { Database, Queryable } from '../db/database';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import {
  advanceChainCursor, collectionsByContract, holderKey, keptBlock, leaseChainCursor, recordHolders, releaseChainCursor, resetChainCursor, unwindChainBlock,
  type BlockRef, type ChainEventRecord, type CollectionOnChain,
} from '../store/chain-events';
import { activeConfirmationDepths, subscriptionsConcerned } from '../store/subscriptions';
import { matchSubscriptions } from './match';
import { metadataEvent, transferEvent, type EventTarget, type NftModel } from './payloads';
import { saleFinder, saleOf } from './sales';
import { metadataReader, type MetadataSettings } from './token-metadata';

/** Blocks kept to recognise a reorg, and the deepest confirmations a subscription may ask for. */
export const FOLLOW_WINDOW = 128;
/** A follower that stops renewing its hold on the chain (a crashed process) is replaced after this. */
const LEASE_MS = 15_000;
/** Blocks processed before the hold is renewed, so a long catch-up never outlives it. */
const BLOCKS_PER_ROUND = 50;
/** A `BatchMetadataUpdate` over more tokens than this reports the first ones only. */
const METADATA_TOKENS_PER_UPDATE = 100;
const LOGS_KEPT = 256;
/** How often a follower at the head asks for a new one: events at confirmations 0 leave within this of their block. */
const HEAD_POLL_MS = 200;
const ZERO = '0x0000000000000000000000000000000000000000';

export interface EventFollowerDeps {
  db: Database;
  chain: ChainConfig;
  /** A provider of its own, without ethers' result cache. */
  provider: JsonRpcProvider;
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
 */
export class ChainEventFollower {
  private stopped = false;
  private loop?: Promise<void>;
  private readonly logs = new Map<string, DecodedLogs>();
  private readonly salesIn;
  private readonly readMetadata;

  constructor(private readonly deps: EventFollowerDeps) {
    const { chain, provider } = deps;
    this.salesIn = saleFinder(provider, {
      chain: chain.name,
      marketplaces: new Map(Object.entries(chain.marketplaces ?? {}).map(([address, name]) => [address.toLowerCase(), name])),
      native: chain.nativeCurrency ?? { name: 'Ether', symbol: 'ETH', decimals: 18 },
    });
    this.readMetadata = metadataReader(provider, { ...deps.metadata, chain: chain.name });
  }

  start() {
    this.loop ??= this.run();
  }

  async stop() {
    this.stopped = true;
    await this.loop;
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
      // Behind the head (a round's worth of blocks done), it goes on at once; at the head it looks again shortly.
      if (!behind) await new Promise((r) => setTimeout(r, Math.min(this.deps.chain.pollIntervalMs, HEAD_POLL_MS)));
    }
  }

  /** Processes the blocks from the cursor towards the head, if this process holds the chain; true if it stopped short of the head. */
  async followToHead(): Promise<boolean> {
    const { db, chain, holder } = this.deps;
    const head = await this.readBlock('latest');
    // A chain followed for the first time starts at its head: subscriptions are about what happens from now.
    const held = await leaseChainCursor(db, chain.chainId, holder, LEASE_MS, { number: head.number - 1, hash: head.parentHash, parentHash: '', timestamp: 0 });
    if (!held) return false;
    let cursor: BlockRef = held;
    this.deps.metrics.chainEventsLag.set({ chain: chain.name }, head.number - cursor.number);
    for (let round = 0; round < BLOCKS_PER_ROUND && !this.stopped; round++) {
      if (cursor.number >= head.number) {
        // A reorg to a branch no longer than the one processed shows only in the hash at the cursor.
        const canonical = cursor.number === head.number ? head : await this.readBlock(cursor.number).catch(() => undefined);
        if (canonical?.hash.toLowerCase() === cursor.hash.toLowerCase()) return false;
      } else {
        const next: BlockRef = cursor.number + 1 === head.number ? head : await this.readBlock(cursor.number + 1);
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
    const depths = new Set(await activeConfirmationDepths(db, chain.chainId));
    depths.add(chain.confirmations);
    const events: ChainEventRecord[] = [];
    const newMembers: ((tx: Queryable) => Promise<ChainEventRecord[]>)[] = [];
    for (const depth of depths) {
      const target = depth <= 1 ? block : await keptBlock(db, chain.chainId, block.number - depth + 1);
      if (!target) continue;
      const logs = await this.logsOf(target.hash);
      if (logs.transfers.length === 0 && logs.metadataUpdates.length === 0) continue;
      const found = await this.eventsAt(target, depth, logs);
      events.push(...found.events);
      if (found.newMembers) newMembers.push(found.newMembers);
    }
    const written = await advanceChainCursor(db, holder, chain.chainId, block, events, FOLLOW_WINDOW, async (tx) => {
      const extra: ChainEventRecord[] = [];
      for (const find of newMembers) extra.push(...(await find(tx)));
      for (const e of [...events, ...extra]) this.deps.metrics.chainEventsRecorded.inc({ type: e.type });
      return extra;
    });
    if (written && events.length + newMembers.length > 0) this.deps.wake();
    return written;
  }

  private async eventsAt(block: BlockRef, depth: number, logs: DecodedLogs) {
    const { db, chain } = this.deps;
    const contracts = [...new Set([...logs.transfers, ...logs.metadataUpdates].map((l) => l.contract))];
    const wallets = [...new Set(logs.transfers.flatMap((t) => [t.from, t.to]))];
    const subscriptions = await subscriptionsConcerned(db, chain.chainId, depth, wallets, contracts, logs.metadataUpdates.length > 0);
    const matched = matchSubscriptions(subscriptions, logs.transfers, logs.metadataUpdates);
    const collections = await collectionsByContract(db, chain.chainId, contracts);
    const creators = depth === chain.confirmations ? collections : [];
    const collectionOf = (projectId: string, contract: string) =>
      collections.find((c) => c.project_id === projectId && c.contract_address.toLowerCase() === contract.toLowerCase())?.id ?? null;

    const creatorTransfers = logs.transfers.filter((t) => creatorOf(creators, t.contract));
    const saleTransactions = new Set([...matched.flatMap((m) => ('transfer' in m ? [m.transfer.transaction] : [])), ...creatorTransfers.map((t) => t.transaction)]);
    const sales = await this.salesIn(logs, saleTransactions);
    const nftsOf = this.metadataOnce();

    const events: ChainEventRecord[] = [];
    for (const m of matched) {
      const target: EventTarget = { projectId: m.subscription.project_id, subscriptionId: m.subscription.id, collectionId: null };
      if ('transfer' in m) {
        target.collectionId = collectionOf(target.projectId, m.transfer.contract);
        events.push(transferEvent(chain.name, chain.chainId, block, m.type, m.transfer, target, saleOf(sales, m.transfer)));
      } else {
        target.collectionId = collectionOf(target.projectId, m.update.contract);
        events.push(metadataEvent(chain.name, chain.chainId, block, m.type, m.update, target, await nftsOf(m.update)));
      }
    }
    for (const t of creatorTransfers) {
      const collection = creatorOf(creators, t.contract)!;
      events.push(transferEvent(chain.name, chain.chainId, block, 'contract.transfer', t, creatorTarget(collection), saleOf(sales, t)));
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
        .map((t) => transferEvent(chain.name, chain.chainId, block, 'nft.new_member', t, creatorTarget(creatorOf(creators, t.contract)!), saleOf(sales, t)));
    };
    return { events, newMembers };
  }

  /** Metadata of an update's tokens, read once per block however many subscriptions want it. */
  private metadataOnce() {
    const read = new Map<MetadataUpdate, Promise<NftModel[]>>();
    return (u: MetadataUpdate) => {
      let nfts = read.get(u);
      if (!nfts) {
        const count = Math.min(Number(u.toTokenId - u.fromTokenId + 1n), METADATA_TOKENS_PER_UPDATE);
        nfts = Promise.all(Array.from({ length: Math.max(count, 0) }, (_, i) => this.readMetadata(u.contract, u.fromTokenId + BigInt(i))));
        read.set(u, nfts);
      }
      return nfts;
    };
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

  private async readBlock(tag: number | 'latest'): Promise<BlockRef> {
    const raw = await this.deps.provider.send('eth_getBlockByNumber', [tag === 'latest' ? tag : `0x${tag.toString(16)}`, false]);
    if (!raw) throw new Error(`block ${tag} is not available yet`);
    return { number: Number(raw.number), hash: raw.hash, parentHash: raw.parentHash, timestamp: Number(raw.timestamp) };
  }
}

const creatorOf = (collections: CollectionOnChain[], contract: string) => collections.find((c) => c.contract_address.toLowerCase() === contract.toLowerCase());
const creatorTarget = (c: CollectionOnChain): EventTarget => ({ projectId: c.project_id, subscriptionId: null, collectionId: c.id });


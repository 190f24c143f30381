import type { TransactionReceipt } from 'ethers';
import type { BlockHeader, ChainReader } from './chain-reader';

interface Waiter {
  hash: string;
  confirmations: number;
  onIncluded?: () => void;
  notifiedInclusion: boolean;
  fetchingReceipt: boolean;
  resolve(receipt: TransactionReceipt | undefined): void;
}

/** Confirmed receipts kept for the step that records the outcome right after. */
const RECEIPTS_KEPT = 2_000;

/**
 * Answers, for everyone in the process waiting on one chain, when a transaction is deep enough on the
 * canonical chain. The blocks come from the chain's reader (`ChainReader`, shared with the chain event
 * follower): each new block read once, in order, a reorg's replaced blocks unwound before the new ones come,
 * so a transaction counts only where the canonical chain holds it. The reader looks at the head while anyone
 * here waits (and while the chain events are followed).
 */
export class ChainFollower {
  /** Transaction hash → number of the canonical block that holds it, for the blocks in the reader's window. */
  private readonly minedIn = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly receipts = new Map<string, TransactionReceipt>();
  /** Waited-for transactions a reorg took out of their block: they may be in a block before the window now. */
  private readonly displaced = new Set<string>();
  private lookingUpDisplaced = false;
  /** Releases the reader's look at the head, while anyone waits. */
  private unwatch?: () => void;
  private readonly unlisten: () => void;

  constructor(private readonly reader: ChainReader) {
    this.unlisten = reader.listen({
      added: (block) => this.remember(block),
      left: (block) => this.leave(block),
      replaced: (block) => this.forget(block),
      looked: () => this.afterLook(),
    });
  }

  /**
   * The receipt once the transaction has `confirmations` blocks on the canonical chain (its own included),
   * or undefined if that did not happen within `timeoutMs`. `onIncluded` runs when it is first seen mined.
   */
  async waitForConfirmations(hash: string, confirmations: number, timeoutMs: number, onIncluded?: () => void): Promise<TransactionReceipt | undefined> {
    hash = hash.toLowerCase();
    if (!this.minedIn.has(hash)) await this.lookUp(hash);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        hash, confirmations, onIncluded, notifiedInclusion: false, fetchingReceipt: false,
        resolve: (receipt) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          // An entry for a block already out of the window is kept only while someone waits for it.
          const minedAt = this.minedIn.get(hash);
          if (minedAt !== undefined && !this.reader.canonical(minedAt) && !this.waitedFor().has(hash)) this.minedIn.delete(hash);
          if (this.waiters.size === 0) {
            this.unwatch?.();
            this.unwatch = undefined;
          }
          resolve(receipt);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.waiters.add(waiter);
      this.settle(waiter);
      if (this.waiters.has(waiter)) this.unwatch ??= this.reader.watch();
    });
  }

  private waitedFor(): Set<string> {
    return new Set([...this.waiters].map((w) => w.hash));
  }

  /** A transaction's receipt: the one this follower confirmed, if it still has it, or the node's. */
  async receipt(hash: string): Promise<TransactionReceipt | null> {
    return this.receipts.get(hash.toLowerCase()) ?? this.reader.provider.getTransactionReceipt(hash);
  }

  /** Answers every waiter (undefined) and stops listening; the reader is stopped by its owner. */
  stop() {
    for (const waiter of this.waiters) waiter.resolve(undefined);
    this.unlisten();
  }

  /** A transaction mined before this process watched its block (a restarted worker): found by its receipt. */
  private async lookUp(hash: string) {
    const receipt = await this.reader.provider.getTransactionReceipt(hash);
    if (!receipt) return;
    const known = this.reader.canonical(receipt.blockNumber);
    if (!known || known.hash === receipt.blockHash) this.minedIn.set(hash, receipt.blockNumber);
  }

  /** After each look at the head: transactions a reorg displaced are looked up again, then waiters settled. */
  private afterLook() {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) this.settle(waiter);
    if (this.displaced.size === 0 || this.lookingUpDisplaced) return;
    this.lookingUpDisplaced = true;
    void (async () => {
      for (const hash of [...this.displaced]) {
        this.displaced.delete(hash);
        if (!this.minedIn.has(hash)) await this.lookUp(hash);
      }
    })().catch(() => undefined).finally(() => {
      this.lookingUpDisplaced = false;
      for (const waiter of [...this.waiters]) this.settle(waiter);
    });
  }

  private remember(block: BlockHeader) {
    for (const hash of block.transactions) this.minedIn.set(hash, block.number);
  }

  /** A block out of the window: kept past it only for transactions someone still waits for (they are deep enough by now). */
  private leave(block: BlockHeader) {
    const waitedFor = this.waitedFor();
    for (const hash of block.transactions) if (!waitedFor.has(hash)) this.minedIn.delete(hash);
  }

  /** Unwinds a block a reorg replaced: its transactions count as not mined until seen again. */
  private forget(block: BlockHeader) {
    const waitedFor = this.waitedFor();
    for (const hash of block.transactions) {
      if (this.minedIn.get(hash) === block.number) this.minedIn.delete(hash);
      this.receipts.delete(hash);
      if (waitedFor.has(hash)) this.displaced.add(hash);
    }
  }

  private settle(waiter: Waiter) {
    const minedAt = this.minedIn.get(waiter.hash);
    if (minedAt === undefined) return;
    if (!waiter.notifiedInclusion) {
      waiter.notifiedInclusion = true;
      waiter.onIncluded?.();
    }
    if (this.reader.newest - minedAt + 1 < waiter.confirmations || waiter.fetchingReceipt) return;
    waiter.fetchingReceipt = true;
    void this.receiptAt(waiter.hash, minedAt)
      .then((receipt) => receipt && waiter.resolve(receipt), () => undefined)
      .finally(() => (waiter.fetchingReceipt = false));
  }

  /** The receipt, provided it is still from the canonical block the follower saw the transaction in. */
  private async receiptAt(hash: string, blockNumber: number): Promise<TransactionReceipt | undefined> {
    const cached = this.receipts.get(hash);
    if (cached) return cached;
    const receipt = await this.reader.provider.getTransactionReceipt(hash);
    const block = this.reader.canonical(blockNumber);
    if (receipt && receipt.blockNumber !== blockNumber) {
      // Moved by a reorg the window did not cover (found by a look-up): count from where it is now.
      this.minedIn.delete(hash);
      this.displaced.add(hash);
      return undefined;
    }
    if (!receipt || (block && receipt.blockHash !== block.hash)) return undefined;
    if (this.receipts.size >= RECEIPTS_KEPT) this.receipts.delete(this.receipts.keys().next().value!);
    this.receipts.set(hash, receipt);
    return receipt;
  }
}

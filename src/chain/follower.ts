import type { JsonRpcProvider, TransactionReceipt } from 'ethers';
import { HeadCadence } from './head-cadence';

interface ScannedBlock {
  number: number;
  hash: string;
  parentHash: string;
  transactions: string[];
}

interface Waiter {
  hash: string;
  confirmations: number;
  onIncluded?: () => void;
  notifiedInclusion: boolean;
  fetchingReceipt: boolean;
  resolve(receipt: TransactionReceipt | undefined): void;
}

/** Blocks kept to detect reorgs and to find transactions mined shortly before someone waits for them. */
const WINDOW = 128;
/** Confirmed receipts kept for the step that records the outcome right after. */
const RECEIPTS_KEPT = 2_000;

/**
 * Follows one chain's canonical head for everyone in the process: each new block is read once (header and
 * transaction hashes), its parent hash checked against the block before it, so a reorg unwinds what it
 * replaced; callers waiting for a transaction are answered when it is deep enough on the canonical chain.
 * It polls only while someone waits, looking again when the chain's next block is due.
 */
export class ChainFollower {
  private readonly blocks = new Map<number, ScannedBlock>();
  /** Transaction hash → number of the canonical block that holds it, for the blocks in the window. */
  private readonly minedIn = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private readonly receipts = new Map<string, TransactionReceipt>();
  /** Waited-for transactions a reorg took out of their block: they may be in a block before the window now. */
  private readonly displaced = new Set<string>();
  private lastScanned = -1;
  private running?: Promise<void>;
  private stopped = false;
  private readonly cadence: HeadCadence;

  constructor(private readonly provider: JsonRpcProvider, pollIntervalMs: number) {
    this.cadence = new HeadCadence(pollIntervalMs);
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
          if (minedAt !== undefined && !this.blocks.has(minedAt) && !this.waitedFor().has(hash)) this.minedIn.delete(hash);
          resolve(receipt);
        },
      };
      const timer = setTimeout(() => waiter.resolve(undefined), timeoutMs);
      this.waiters.add(waiter);
      this.settle(waiter);
      this.startFollowing();
    });
  }

  private waitedFor(): Set<string> {
    return new Set([...this.waiters].map((w) => w.hash));
  }

  private startFollowing() {
    this.running ??= this.follow().finally(() => {
      this.running = undefined;
      // A waiter may have come in between the loop's last look and now.
      if (this.waiters.size > 0 && !this.stopped) this.startFollowing();
    });
  }

  /** A transaction's receipt: the one this follower confirmed, if it still has it, or the node's. */
  async receipt(hash: string): Promise<TransactionReceipt | null> {
    return this.receipts.get(hash.toLowerCase()) ?? this.provider.getTransactionReceipt(hash);
  }

  stop() {
    this.stopped = true;
    for (const waiter of this.waiters) waiter.resolve(undefined);
    this.provider.destroy();
  }

  /** A transaction mined before this process watched its block (a restarted worker): found by its receipt. */
  private async lookUp(hash: string) {
    const receipt = await this.provider.getTransactionReceipt(hash);
    if (!receipt) return;
    const known = this.blocks.get(receipt.blockNumber);
    if (!known || known.hash === receipt.blockHash) this.minedIn.set(hash, receipt.blockNumber);
  }

  private async follow() {
    while (!this.stopped && this.waiters.size > 0) {
      try {
        await this.scanToHead();
        for (const hash of this.displaced) {
          this.displaced.delete(hash);
          if (!this.minedIn.has(hash)) await this.lookUp(hash);
        }
      } catch {
        // The node is unreachable for now: the waiters' own time limits decide what happens meanwhile.
      }
      for (const waiter of [...this.waiters]) this.settle(waiter);
      await new Promise((r) => setTimeout(r, this.cadence.next(this.lastScanned, performance.now())));
    }
  }

  private async scanToHead() {
    const head = await this.readBlock('latest');
    // After a long pause (nobody waited), the blocks in between are not read one by one: the window restarts.
    if (this.lastScanned >= 0 && head.number - this.lastScanned > WINDOW) {
      this.blocks.clear();
      this.lastScanned = -1;
    }
    // A reorg to a chain no longer than the one read shows only in the head's own hash.
    while (this.lastScanned >= head.number) {
      const known = this.blocks.get(this.lastScanned);
      if (this.lastScanned === head.number && known?.hash === head.hash) return;
      if (!known) {
        this.lastScanned = head.number - 1;
        break;
      }
      this.forget(known);
    }
    let next = this.lastScanned < 0 ? head.number : this.lastScanned + 1;
    while (next <= head.number && !this.stopped) {
      const block = next === head.number ? head : await this.readBlock(next);
      const parent = this.blocks.get(next - 1);
      if (parent && parent.hash !== block.parentHash) {
        this.forget(parent);
        next -= 1;
        continue;
      }
      this.remember(block);
      next += 1;
    }
  }

  private async readBlock(tag: number | 'latest'): Promise<ScannedBlock> {
    const raw = await this.provider.send('eth_getBlockByNumber', [tag === 'latest' ? tag : `0x${tag.toString(16)}`, false]);
    if (!raw) throw new Error(`block ${tag} is not available yet`);
    return { number: Number(raw.number), hash: raw.hash, parentHash: raw.parentHash, transactions: raw.transactions.map((h: string) => h.toLowerCase()) };
  }

  private remember(block: ScannedBlock) {
    this.blocks.set(block.number, block);
    for (const hash of block.transactions) this.minedIn.set(hash, block.number);
    this.lastScanned = block.number;
    const old = this.blocks.get(block.number - WINDOW);
    if (old) {
      this.blocks.delete(old.number);
      // Kept past the window only for transactions someone still waits for (they are deep enough by now).
      const waitedFor = this.waitedFor();
      for (const hash of old.transactions) if (!waitedFor.has(hash)) this.minedIn.delete(hash);
    }
  }

  /** Unwinds a block a reorg replaced: its transactions count as not mined until seen again. */
  private forget(block: ScannedBlock) {
    this.blocks.delete(block.number);
    const waitedFor = this.waitedFor();
    for (const hash of block.transactions) {
      if (this.minedIn.get(hash) === block.number) this.minedIn.delete(hash);
      this.receipts.delete(hash);
      if (waitedFor.has(hash)) this.displaced.add(hash);
    }
    this.lastScanned = block.number - 1;
  }

  private settle(waiter: Waiter) {
    const minedAt = this.minedIn.get(waiter.hash);
    if (minedAt === undefined) return;
    if (!waiter.notifiedInclusion) {
      waiter.notifiedInclusion = true;
      waiter.onIncluded?.();
    }
    if (this.lastScanned - minedAt + 1 < waiter.confirmations || waiter.fetchingReceipt) return;
    waiter.fetchingReceipt = true;
    void this.receiptAt(waiter.hash, minedAt)
      .then((receipt) => receipt && waiter.resolve(receipt), () => undefined)
      .finally(() => (waiter.fetchingReceipt = false));
  }

  /** The receipt, provided it is still from the canonical block the follower saw the transaction in. */
  private async receiptAt(hash: string, blockNumber: number): Promise<TransactionReceipt | undefined> {
    const cached = this.receipts.get(hash);
    if (cached) return cached;
    const receipt = await this.provider.getTransactionReceipt(hash);
    const block = this.blocks.get(blockNumber);
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

import type { JsonRpcProvider } from 'ethers';
import { HeadCadence } from './head-cadence';

/** A block as the chain reader reads it (`eth_getBlockByNumber(n, false)`): what its users need of it. */
export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since the epoch, as the block header has it. */
  timestamp: number;
  /** Its transactions' hashes, lowercase. */
  transactions: string[];
}

/** What the reader tells those that follow the canonical chain block by block, in the order it happens. */
export interface CanonicalListener {
  /** A block joined the canonical chain as the reader knows it (blocks come in order, each once). */
  added?(block: BlockHeader): void;
  /** A block a reorg replaced (the newest first), before the blocks that replace it are added. */
  replaced?(block: BlockHeader): void;
  /** A block left the window: it is WINDOW blocks below the newest now. */
  left?(block: BlockHeader): void;
  /** A look at the head is done (whether it moved or not). */
  looked?(head: BlockHeader): void;
}

/** Canonical blocks kept, below and with the newest: reorgs within this are unwound block by block. */
export const READER_WINDOW = 128;

/**
 * The process's one reader of a chain's blocks, shared by the chain follower of the actions' confirmations
 * and the chain event follower. While anyone needs the head followed (`watch()`), one loop looks for a new
 * head on the chain's cadence (`HeadCadence`: just before the next block is due) and reads each new block
 * once (`eth_getBlockByNumber(n, false)`: header and transaction hashes), checking its parent hash against
 * the block before it: a reorg unwinds the blocks it replaced (`replaced`) before the new ones are added.
 * The last READER_WINDOW canonical blocks are kept, so a user asking for one of them (`block(n)`) reads
 * nothing; nobody looking, nothing is read.
 */
export class ChainReader {
  private readonly window = new Map<number, BlockHeader>();
  private newestScanned = -1;
  private head: BlockHeader | undefined;
  /** The window matches the chain as of the last look: the loop runs and has looked since it started. */
  private current = false;
  private readonly listeners = new Set<CanonicalListener>();
  private readonly headWaiters = new Set<() => void>();
  private readonly reading = new Map<number, Promise<BlockHeader>>();
  private watchers = 0;
  private loop?: Promise<void>;
  private looking?: Promise<BlockHeader>;
  private sleeping?: { timer: NodeJS.Timeout; wake(): void };
  private stopped = false;
  private readonly cadence: HeadCadence;
  /** When the last look asked for the head (performance.now()). */
  private lookedAt = 0;

  /** `provider`: its own, without ethers' result cache (a block looked for a moment ago may exist now). */
  constructor(readonly provider: JsonRpcProvider, pollIntervalMs: number) {
    this.cadence = new HeadCadence(pollIntervalMs);
  }

  /** The number of the newest block read in order (the head as of the last look), or -1. */
  get newest(): number {
    return this.newestScanned;
  }

  /** Follows the canonical chain's changes from now on; answers the unsubscription. */
  listen(listener: CanonicalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Someone needs the head followed until they call the answer (once). */
  watch(): () => void {
    this.watchers += 1;
    this.startLooking();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.watchers -= 1;
      if (this.watchers === 0) this.sleeping?.wake();
    };
  }

  /** The head: as of the last look while the head is followed; otherwise read now (and not kept). */
  async latest(): Promise<BlockHeader> {
    if (this.current && this.head) return this.head;
    if (this.watchers > 0) return this.look();
    return this.read('latest');
  }

  /** Block `number` of the canonical chain: kept (no call) while the head is followed, else read. */
  async block(number: number): Promise<BlockHeader> {
    const kept = this.current ? this.window.get(number) : undefined;
    return kept ?? this.readShared(number);
  }

  /** Block `number` read from the node, once for everyone asking while it is read. */
  private readShared(number: number): Promise<BlockHeader> {
    let reading = this.reading.get(number);
    if (!reading) {
      reading = this.read(number).finally(() => this.reading.delete(number));
      this.reading.set(number, reading);
    }
    return reading;
  }

  /** The block at `number` as the reader last saw it on the canonical chain, if it is in the window (no call). */
  canonical(number: number): BlockHeader | undefined {
    return this.window.get(number);
  }

  /** Resolves once a look finds a head other than `seen`, at once if it did already, or after `timeoutMs`. */
  nextHead(seen: { number: number; hash: string }, timeoutMs: number): Promise<void> {
    const moved = () => this.head !== undefined && (this.head.number !== seen.number || this.head.hash.toLowerCase() !== seen.hash.toLowerCase());
    if (moved() || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.headWaiters.delete(check);
        resolve();
      };
      const check = () => (moved() || this.stopped) && done();
      const timer = setTimeout(done, timeoutMs);
      this.headWaiters.add(check);
    });
  }

  stop() {
    this.stopped = true;
    this.sleeping?.wake();
    for (const check of [...this.headWaiters]) check();
    this.provider.destroy();
  }

  private startLooking() {
    this.loop ??= this.follow().finally(() => {
      this.loop = undefined;
      this.current = false;
      // Someone may have come in between the loop's last look and now.
      if (this.watchers > 0 && !this.stopped) this.startLooking();
    });
  }

  private async follow() {
    while (!this.stopped && this.watchers > 0) {
      try {
        await this.look();
      } catch {
        // The node is unreachable for now: those who wait decide by their own time limits meanwhile.
      }
      // The look's time is when it asked, not when its answer was handled (later, in a process busy with the
      // block before): the cadence reckons when blocks come from it, and the wait runs from it.
      const wait = this.cadence.next(this.newestScanned, this.lookedAt);
      await this.sleep(Math.max(0, wait - (performance.now() - this.lookedAt)));
    }
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping = { timer, wake };
    });
  }

  /** One look at the head, for everyone asking meanwhile. */
  private look(): Promise<BlockHeader> {
    this.looking ??= this.scanToHead().finally(() => (this.looking = undefined));
    return this.looking;
  }

  private async scanToHead(): Promise<BlockHeader> {
    this.lookedAt = performance.now();
    const head = await this.read('latest');
    // After a long pause (nobody looked), the blocks in between are not read one by one: the window restarts.
    if (this.newestScanned >= 0 && head.number - this.newestScanned > READER_WINDOW) {
      this.window.clear();
      this.newestScanned = -1;
    }
    // A reorg to a chain no longer than the one read shows only in the head's own hash.
    while (this.newestScanned >= head.number) {
      const known = this.window.get(this.newestScanned);
      if (this.newestScanned === head.number && known?.hash === head.hash) break;
      if (!known) {
        this.newestScanned = head.number - 1;
        break;
      }
      this.unwind(known);
    }
    let next = this.newestScanned < 0 ? head.number : this.newestScanned + 1;
    while (next <= head.number && !this.stopped) {
      const block = next === head.number ? head : await this.readShared(next);
      const parent = this.window.get(next - 1);
      if (parent && parent.hash !== block.parentHash) {
        this.unwind(parent);
        next -= 1;
        continue;
      }
      this.add(block);
      next += 1;
    }
    const moved = this.head?.number !== head.number || this.head?.hash !== head.hash;
    this.head = head;
    if (this.watchers > 0) this.current = true;
    for (const listener of this.listeners) listener.looked?.(head);
    if (moved) for (const check of [...this.headWaiters]) check();
    return head;
  }

  private add(block: BlockHeader) {
    this.window.set(block.number, block);
    this.newestScanned = block.number;
    for (const listener of this.listeners) listener.added?.(block);
    const old = this.window.get(block.number - READER_WINDOW);
    if (old) {
      this.window.delete(old.number);
      for (const listener of this.listeners) listener.left?.(old);
    }
  }

  private unwind(block: BlockHeader) {
    this.window.delete(block.number);
    this.newestScanned = block.number - 1;
    for (const listener of this.listeners) listener.replaced?.(block);
  }

  private async read(tag: number | 'latest'): Promise<BlockHeader> {
    const raw = await this.provider.send('eth_getBlockByNumber', [tag === 'latest' ? tag : `0x${tag.toString(16)}`, false]);
    if (!raw) throw new Error(`block ${tag} is not available yet`);
    return {
      number: Number(raw.number), hash: raw.hash, parentHash: raw.parentHash, timestamp: Number(raw.timestamp),
      transactions: raw.transactions.map((h: string) => h.toLowerCase()),
    };
  }
}

/** Blocks' spacing is learned as a moving average; each new interval moves it by this share. */
const SMOOTHING = 0.25;
/** Looks while a block is due come this often, as a share of the block interval. */
const DUE_LOOKS_PER_BLOCK = 20;
const SHORTEST_LOOK_MS = 20;

/** When a head came, as far as the looks tell: after the last look that did not see it, by the first that did. */
interface Came { after: number; by: number }

/**
 * When the chain follower looks for a new head next. A fixed poll interval adds up to that interval to every
 * confirmation (half of it on average: 0.5 s a mint at 1 s, on a chain with 1 s blocks). Instead the chain's
 * block interval is learned from the heads seen: looks come from just before the next block can be due, often,
 * until it shows; once one is seen that way, each block is seen about one such look after it comes, at two or
 * three looks a block. A chain whose blocks stop coming, or come irregularly, is looked at every `intervalMs`,
 * as before; never less often than that.
 */
export class HeadCadence {
  private head = -1;
  private lastLookAt: number | undefined;
  private came: Came | undefined;
  private blockMs: number | undefined;

  constructor(private readonly intervalMs: number) {}

  /** Records the head a look found at `now` (ms); answers the wait before the next look. */
  next(head: number, now: number): number {
    if (head !== this.head) {
      const came = this.lastLookAt === undefined ? undefined : { after: this.lastLookAt, by: now };
      // A head lower than before (a reorg to a shorter chain) teaches nothing about the spacing; nor do
      // looks too far apart to tell when blocks came, once a first spacing is known.
      if (came && this.came && head > this.head && (this.blockMs === undefined || (this.narrow(came) && this.narrow(this.came)))) {
        const perBlock = (middle(came) - middle(this.came)) / (head - this.head);
        this.blockMs = this.blockMs === undefined ? perBlock : this.blockMs + (perBlock - this.blockMs) * SMOOTHING;
      }
      this.head = head;
      this.came = came;
    }
    this.lastLookAt = now;
    if (this.blockMs === undefined || this.came === undefined) return this.intervalMs;
    if (now > this.came.by + 2 * this.blockMs) return this.intervalMs;
    const dueLookMs = this.dueLookMs();
    // After a pause in the looks, when the head came is not known: a few looks a block find out roughly first.
    if (this.came.by - this.came.after > this.blockMs) return Math.min(this.intervalMs, Math.max(dueLookMs, this.blockMs / 4));
    const from = this.came.after + this.blockMs - dueLookMs;
    if (now < from) return Math.min(this.intervalMs, Math.max(SHORTEST_LOOK_MS, from - now));
    return Math.min(this.intervalMs, dueLookMs);
  }

  private dueLookMs() {
    return Math.max(SHORTEST_LOOK_MS, (this.blockMs ?? 0) / DUE_LOOKS_PER_BLOCK);
  }

  private narrow(came: Came) {
    return came.by - came.after <= 2 * this.dueLookMs();
  }
}

const middle = (came: Came) => (came.after + came.by) / 2;

/**
 * Global accounting of out-of-order bytes buffered over all connections, with oldest-first
 * eviction: directions join a FIFO when they start buffering and leave it when their buffer
 * empties; when the total is over the cap, the direction at the head (the one that has been
 * buffering longest) gives up its first hole (a gap) until the total fits again.
 */
import type { ReassemblerStats } from './types.js';

/** Bytes charged per buffered segment on top of its payload, so that a flood of tiny segments
 * cannot exhaust memory under a byte cap (roughly the size of the bookkeeping object). */
export const SEGMENT_OVERHEAD = 64;

/** A direction that can hold buffered bytes (intrusive FIFO links live on the direction). */
export interface BudgetMember {
  budgetPrev: BudgetMember | null;
  budgetNext: BudgetMember | null;
  inBudget: boolean;
  /** Give up the first hole because the global cap is exceeded (reduces the charge). */
  evictForBudget(): void;
}

export class BufferBudget {
  /** Payload + per-segment overhead currently buffered. */
  charge = 0;
  private head: BudgetMember | null = null;
  private tail: BudgetMember | null = null;

  constructor(
    private readonly cap: number,
    private readonly stats: ReassemblerStats,
  ) {}

  /** Record a change of `bytes` payload bytes in `segments` segments held by `dir`;
   * `holding` says whether `dir` still holds anything afterwards. */
  account(dir: BudgetMember, bytes: number, segments: number, holding: boolean): void {
    this.charge += bytes + segments * SEGMENT_OVERHEAD;
    const s = this.stats;
    s.bufferedBytes += bytes;
    s.bufferedSegments += segments;
    if (s.bufferedBytes > s.maxBufferedBytes) s.maxBufferedBytes = s.bufferedBytes;
    if (holding && !dir.inBudget) this.link(dir);
    else if (!holding && dir.inBudget) this.unlink(dir);
  }

  overCap(): boolean {
    return this.charge > this.cap;
  }

  /** Evict oldest-first until the total fits under the cap. */
  enforce(): void {
    let guard = this.stats.bufferedSegments + 1;
    while (this.charge > this.cap && this.head !== null && guard-- > 0) this.head.evictForBudget();
  }

  private link(dir: BudgetMember): void {
    dir.inBudget = true;
    dir.budgetPrev = this.tail;
    dir.budgetNext = null;
    if (this.tail !== null) this.tail.budgetNext = dir;
    else this.head = dir;
    this.tail = dir;
  }

  private unlink(dir: BudgetMember): void {
    dir.inBudget = false;
    if (dir.budgetPrev !== null) dir.budgetPrev.budgetNext = dir.budgetNext;
    else this.head = dir.budgetNext;
    if (dir.budgetNext !== null) dir.budgetNext.budgetPrev = dir.budgetPrev;
    else this.tail = dir.budgetPrev;
    dir.budgetPrev = null;
    dir.budgetNext = null;
  }
}

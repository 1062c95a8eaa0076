/**
 * The global memory budget (--max-buffer-mb): out-of-order bytes buffered over all connections,
 * open-connection state (CONNECTION_COST each) and what later stages hold per connection (partial
 * handshake messages: `chargeState`). When the total is over the cap, first the direction that has
 * been buffering longest gives up its first hole (a gap), oldest first; if that is not enough, the
 * reassembler completes the least recently active connections ('memory', counted and warned).
 */
import type { ReassemblerStats } from './types.js';

/** Bytes charged per buffered segment on top of its payload, so that a flood of tiny segments
 * cannot exhaust memory under a byte cap (roughly the size of the bookkeeping object). */
export const SEGMENT_OVERHEAD = 64;

export { CONNECTION_COST } from './connection-cost.js';

/** What a later stage charges for memory it holds on behalf of a connection. */
export interface MemoryCharge {
  chargeState(bytes: number): void;
}

/** A direction that can hold buffered bytes (intrusive FIFO links live on the direction). */
export interface BudgetMember {
  budgetPrev: BudgetMember | null;
  budgetNext: BudgetMember | null;
  inBudget: boolean;
  /** Give up the first hole because the global cap is exceeded (reduces the charge). */
  evictForBudget(): void;
}

export class BufferBudget implements MemoryCharge {
  /** Payload + per-segment overhead currently buffered. */
  charge = 0;
  /** Highest value `charge` reached (--jobs: a worker's share of the budget is checked with it). */
  peak = 0;
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
    if (this.charge > this.peak) this.peak = this.charge;
    const s = this.stats;
    s.bufferedBytes += bytes;
    s.bufferedSegments += segments;
    if (s.bufferedBytes > s.maxBufferedBytes) s.maxBufferedBytes = s.bufferedBytes;
    if (holding && !dir.inBudget) this.link(dir);
    else if (!holding && dir.inBudget) this.unlink(dir);
  }

  /** Open-connection state and partial handshake messages (negative `bytes` releases). */
  chargeState(bytes: number): void {
    this.charge += bytes;
    if (this.charge > this.peak) this.peak = this.charge;
    this.stats.stateBytes += bytes;
  }

  overCap(): boolean {
    return this.charge > this.cap;
  }

  /** True while out-of-order segments are buffered (holes that can be given up). */
  get buffering(): boolean {
    return this.head !== null;
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

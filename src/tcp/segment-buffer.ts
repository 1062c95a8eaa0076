/**
 * Out-of-order bytes of one direction: copied segments sorted by stream offset, never
 * overlapping (the direction trims new data against them first), with byte/charge accounting
 * reported to the global BufferBudget.
 */
import { type BudgetMember, type BufferBudget, SEGMENT_OVERHEAD } from './buffer-budget.js';

export interface BufferedSegment {
  offset: number;
  /** A copy (the packet view is only valid during push). */
  bytes: Uint8Array;
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** Where the segment ended on the wire (> offset + bytes.length when snaplen-truncated). */
  wireEnd: number;
}

export class SegmentBuffer {
  readonly items: BufferedSegment[] = [];
  /** Payload bytes held. */
  bytes = 0;
  /** Payload + per-segment overhead held (what the limits count). */
  charge = 0;

  constructor(
    private readonly budget: BufferBudget,
    private readonly member: BudgetMember,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Offset of the first buffered byte, or `fallback` when empty. */
  firstOffset(fallback: number): number {
    return this.items.length > 0 ? this.items[0]!.offset : fallback;
  }

  insert(seg: BufferedSegment): void {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]!.offset < seg.offset) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, seg);
    const n = seg.bytes.length;
    this.bytes += n;
    this.charge += n + SEGMENT_OVERHEAD;
    this.budget.account(this.member, n, 1, true);
  }

  shift(): BufferedSegment {
    const seg = this.items.shift()!;
    const n = seg.bytes.length;
    this.bytes -= n;
    this.charge -= n + SEGMENT_OVERHEAD;
    this.budget.account(this.member, -n, -1, this.items.length > 0);
    return seg;
  }

  /** Index of the first segment that ends after offset `x`. */
  firstEndingAfter(x: number): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]!.offset <= x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) {
      const p = items[lo - 1]!;
      if (p.offset + p.bytes.length > x) return lo - 1;
    }
    return lo;
  }

  /** Drop every byte at or after offset `off`; returns how many were dropped. */
  truncateFrom(off: number): number {
    const items = this.items;
    let dropped = 0;
    while (items.length > 0) {
      const seg = items[items.length - 1]!;
      const n = seg.bytes.length;
      if (seg.offset + n <= off) break;
      if (seg.offset >= off) {
        items.pop();
        dropped += n;
        this.bytes -= n;
        this.charge -= n + SEGMENT_OVERHEAD;
        this.budget.account(this.member, -n, -1, items.length > 0);
        continue;
      }
      const cut = n - (off - seg.offset);
      seg.bytes = seg.bytes.subarray(0, n - cut);
      seg.wireEnd = off;
      dropped += cut;
      this.bytes -= cut;
      this.charge -= cut;
      this.budget.account(this.member, -cut, 0, true);
      break;
    }
    return dropped;
  }
}

/** How many bytes of [from, to) differ between `payload` (stream offset `s`) and buffered `b`. */
export function countDifferent(payload: Uint8Array, s: number, b: BufferedSegment, from: number, to: number): number {
  let diff = 0;
  for (let x = from; x < to; x++) if (payload[x - s] !== b.bytes[x - b.offset]) diff++;
  return diff;
}

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

/**
 * A sorted deque: segments live in `arr[head..]`. Taking the first segment and inserting before it
 * are O(1) (reverse-order arrival is a common adversarial pattern: 1-byte segments from the end),
 * lookups are binary searches, inserts elsewhere shift the shorter side.
 */
export class SegmentBuffer {
  private arr: BufferedSegment[] = [];
  private head = 0;
  /** Payload bytes held. */
  bytes = 0;
  /** Payload + per-segment overhead held (what the limits count). */
  charge = 0;

  constructor(
    private readonly budget: BufferBudget,
    private readonly member: BudgetMember,
  ) {}

  get length(): number {
    return this.arr.length - this.head;
  }

  /** The i-th buffered segment in offset order. */
  at(i: number): BufferedSegment | undefined {
    return this.arr[this.head + i];
  }

  /** Offset of the first buffered byte, or `fallback` when empty. */
  firstOffset(fallback: number): number {
    return this.length > 0 ? this.arr[this.head]!.offset : fallback;
  }

  insert(seg: BufferedSegment): void {
    const arr = this.arr;
    let lo = this.head;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]!.offset < seg.offset) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.head && this.head > 0) {
      arr[--this.head] = seg;
    } else if (lo === this.head && arr.length > 0) {
      // no room in front: re-centre, leaving as much room before the data as it holds
      const n = this.length;
      const room = Math.max(16, n);
      const next: BufferedSegment[] = new Array(room + n);
      for (let i = 0; i < n; i++) next[room + i] = arr[this.head + i]!;
      next[room - 1] = seg;
      this.arr = next;
      this.head = room - 1;
    } else {
      arr.splice(lo, 0, seg);
    }
    const n = seg.bytes.length;
    this.bytes += n;
    this.charge += n + SEGMENT_OVERHEAD;
    this.budget.account(this.member, n, 1, true);
  }

  shift(): BufferedSegment {
    const seg = this.arr[this.head]!;
    this.arr[this.head++] = undefined as unknown as BufferedSegment;
    if (this.head === this.arr.length) {
      this.arr = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.arr.length) {
      this.arr = this.arr.slice(this.head);
      this.head = 0;
    }
    const n = seg.bytes.length;
    this.bytes -= n;
    this.charge -= n + SEGMENT_OVERHEAD;
    this.budget.account(this.member, -n, -1, this.length > 0);
    return seg;
  }

  /** Index (in offset order) of the first segment that ends after offset `x`. */
  firstEndingAfter(x: number): number {
    const arr = this.arr;
    let lo = this.head;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]!.offset <= x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > this.head) {
      const p = arr[lo - 1]!;
      if (p.offset + p.bytes.length > x) return lo - 1 - this.head;
    }
    return lo - this.head;
  }

  /** Drop every byte at or after offset `off`; returns how many were dropped. */
  truncateFrom(off: number): number {
    const arr = this.arr;
    let dropped = 0;
    while (arr.length > this.head) {
      const seg = arr[arr.length - 1]!;
      const n = seg.bytes.length;
      if (seg.offset + n <= off) break;
      if (seg.offset >= off) {
        arr.pop();
        dropped += n;
        this.bytes -= n;
        this.charge -= n + SEGMENT_OVERHEAD;
        this.budget.account(this.member, -n, -1, arr.length > this.head);
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
    if (arr.length === this.head) {
      this.arr = [];
      this.head = 0;
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

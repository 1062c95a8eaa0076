/**
 * One direction of a TCP connection: turns segments into an in-order byte stream.
 *
 * Positions are stream offsets (JS numbers, exact up to 2^53): offset 0 is the first payload byte
 * after the SYN, or the first byte of the first data segment when no SYN was captured. Sequence
 * numbers are mapped to offsets relative to the next expected offset with a signed 32-bit
 * difference, so wrap-around past 2^32 is transparent.
 *
 * Policy:
 * - in-order bytes are delivered at once as views of the packet (no copy); out-of-order bytes are
 *   copied into a sorted list of non-overlapping segments until the hole before them fills;
 * - overlaps: the first data seen for a byte wins; later different bytes for a still-buffered byte
 *   are counted (conflictingBytes) and warned about; bytes already delivered are not kept, so
 *   later copies of them only count as retransmissions;
 * - a hole becomes exactly one StreamGap when the data is definitely missing: the peer ACKed
 *   beyond it ('lost'), the bytes were cut by the snaplen ('lost'), the buffer limits forced it
 *   ('evicted', oldest first), or the connection ends with it unfilled ('unfilled-at-close').
 */
import { type BufferBudget, SEGMENT_OVERHEAD, type BudgetMember } from './buffer-budget.js';
import { type BufferedSegment, SegmentBuffer, countDifferent } from './segment-buffer.js';

/** Out-of-order segments buffered per direction at most (oldest-first eviction beyond). */
export const MAX_SEGMENTS_PER_DIRECTION = 4096;
import type {
  DirectionStats, ReassemblerStats, ReassemblyLimits, Side, StreamChunk, StreamConsumer, StreamGap,
} from './types.js';
import { copyBytes } from '../net/bytes.js';
import type { WarningCode } from '../warning-codes.js';

/** Farther ahead than any TCP window can reach (RFC 7323: 2^30): such sequence numbers are bogus. */
const MAX_AHEAD = 0x40000000;

/** Objects shared by all directions of one reassembler (single-threaded, not reentrant). */
export interface DirectionContext {
  readonly chunk: StreamChunk;
  /** Scratch list of [start, end) pairs, reused for every segment. */
  readonly pieces: number[];
  readonly budget: BufferBudget;
  readonly limits: ReassemblyLimits;
  readonly stats: ReassemblerStats;
}

export interface DirectionOwner {
  readonly consumer: StreamConsumer;
  readonly ctx: DirectionContext;
  /** True when one more warning may be recorded (counts it as dropped otherwise). */
  admitWarning(): boolean;
  warn(code: WarningCode, message: string, frame?: number, offset?: number, side?: Side): void;
  /** Complete the connection if both directions have ended (used after a global eviction). */
  maybeFinish(): void;
}

export class Direction implements BudgetMember {
  started = false;
  /** Sequence number of stream offset 0. */
  baseSeq = 0;
  /** Next stream offset to deliver. */
  next = 0;
  /** Highest offset known to have been sent (data, FIN, or ACKed by the peer). */
  knownEnd = 0;
  finOffset = -1;
  ended = false;
  /** A RST was sent in this direction (only the first one counts). */
  resetSeen = false;
  /** Window last advertised by this direction's sender (-1 = none seen). */
  window = -1;
  /** Last ACK number the peer sent while this direction had not started (-1 = none). */
  peerAckBeforeStart = -1;
  budgetPrev: BudgetMember | null = null;
  budgetNext: BudgetMember | null = null;
  inBudget = false;
  private synCaptured = false;
  private finFrame = 0;
  private finTsSec = 0;
  private finTsNsec = 0;
  /** Frame of the last delivered byte (0 = none yet). */
  private lastFrame = 0;
  private readonly buf: SegmentBuffer;

  constructor(
    readonly side: Side,
    private readonly stats: DirectionStats,
    private readonly owner: DirectionOwner,
  ) {
    this.buf = new SegmentBuffer(owner.ctx.budget, this);
  }

  get name(): string { return this.side === 0 ? 'client-to-server' : 'server-to-client'; }

  startAt(seq: number): void {
    this.started = true;
    this.baseSeq = seq >>> 0;
    this.next = 0;
    this.knownEnd = 0;
  }

  /** Stream offset of a sequence number (relative to the next expected byte). */
  offsetOf(seq: number): number {
    return this.next + ((seq - ((this.baseSeq + this.next) >>> 0)) | 0);
  }

  onSyn(seq: number): void {
    const first = (seq + 1) >>> 0;
    if (!this.started) {
      this.startAt(first);
      this.synCaptured = true;
    } else if (first === this.baseSeq) {
      if (this.synCaptured) this.stats.retransmissions++;
      this.synCaptured = true;
    } else if (this.owner.admitWarning()) {
      this.owner.warn('tcp-syn-sequence-mismatch', `SYN with sequence ${seq >>> 0} in the ${this.name} direction differs from its ` +
        `initial sequence ${(this.baseSeq - 1) >>> 0}: ignored`, undefined, undefined, this.side);
    }
  }

  /** Payload (`payload` = captured bytes, `wireLen` = length on the wire) starting at `seq`. */
  onData(seq: number, payload: Uint8Array, wireLen: number, frame: number, tsSec: number,
    tsNsec: number, peerWindow: number): void {
    if (!this.started) {
      // Capture started mid-connection: bytes the peer already acknowledged are old (keep-alive
      // garbage byte, retransmission); start at the first segment carrying anything newer.
      if (this.peerAckBeforeStart >= 0 && (((seq + wireLen) - this.peerAckBeforeStart) | 0) <= 0) {
        this.stats.retransmissions++;
        return;
      }
      this.startAt(seq);
    }
    const s = this.offsetOf(seq);
    if (s - this.next > MAX_AHEAD) {
      if (this.owner.admitWarning()) {
        this.owner.warn('tcp-segment-far-ahead', `segment at sequence ${seq >>> 0} is ${s - this.next} bytes ahead of the ` +
          `${this.name} stream (offset ${this.next}): ignored`, frame, undefined, this.side);
      }
      return;
    }
    let wireEnd = s + wireLen;
    if (this.ended) {
      if (wireEnd <= this.next) this.stats.retransmissions++;
      else if (this.owner.admitWarning()) {
        this.owner.warn('tcp-data-after-stream-end', `${wireEnd - Math.max(s, this.next)} bytes after the end of the ${this.name} ` +
          `stream in frame ${frame}: ignored`, frame, Math.max(s, this.next), this.side);
      }
      return;
    }
    if (wireLen <= 1 && s === this.next - 1) {
      this.owner.ctx.stats.keepAlives++;
      return;
    }
    if (wireLen === 1 && s === this.next && peerWindow === 0) {
      this.owner.ctx.stats.zeroWindowProbes++;
      return;
    }
    if (this.finOffset >= 0 && wireEnd > this.finOffset) {
      if (this.owner.admitWarning()) {
        this.owner.warn('tcp-data-after-fin', `${wireEnd - Math.max(s, this.finOffset)} bytes after the FIN of the ` +
          `${this.name} stream in frame ${frame}: ignored`, frame, Math.max(s, this.finOffset), this.side);
      }
      wireEnd = Math.max(this.finOffset, s); // first data wins: the FIN came first
    }
    const e = Math.min(s + payload.length, wireEnd);
    if (e < wireEnd && payload.length < wireLen && this.owner.admitWarning()) {
      this.owner.warn('tcp-payload-truncated', `frame ${frame}: ${wireLen - payload.length} of ${wireLen} payload bytes not ` +
        `captured (snaplen)`, frame, e, this.side);
    }
    if (wireEnd > this.knownEnd) this.knownEnd = wireEnd;
    const from = s > this.next ? s : this.next;
    if (from < e) this.accept(payload, s, from, e, wireEnd, frame, tsSec, tsNsec);
    else if (wireEnd <= this.next) this.stats.retransmissions++;
    if (wireEnd > e && this.next === e) this.skipTruncated(wireEnd, frame);
  }

  onFin(finSeq: number, frame: number, tsSec: number, tsNsec: number): void {
    if (!this.started) this.startAt(finSeq);
    let off = this.offsetOf(finSeq);
    if (this.finOffset >= 0) {
      if (off !== this.finOffset && this.owner.admitWarning()) {
        this.owner.warn('tcp-fin-mismatch', `FIN in frame ${frame} at offset ${off} of the ${this.name} stream, earlier ` +
          `FIN at ${this.finOffset}: ignored`, frame, off, this.side);
      }
      return;
    }
    if (off - this.next > MAX_AHEAD) return;
    if (off < this.next) {
      if (this.owner.admitWarning()) {
        this.owner.warn('tcp-fin-before-delivered', `FIN in frame ${frame} at offset ${off} of the ${this.name} stream, before ` +
          `bytes already delivered (${this.next}): taken at ${this.next}`, frame, off, this.side);
      }
      off = this.next;
    }
    this.finOffset = off;
    this.finFrame = frame;
    this.finTsSec = tsSec;
    this.finTsNsec = tsNsec;
    this.knownEnd = off;
    this.dropBufferedFrom(off, frame);
    this.checkFin();
  }

  /** The peer acknowledged everything before `ack`: unfilled holes below it are capture loss. */
  onPeerAck(ack: number): void {
    if (!this.started) {
      this.peerAckBeforeStart = ack >>> 0;
      return;
    }
    if (this.ended) return;
    let a = this.offsetOf(ack);
    if (this.finOffset >= 0 && a > this.finOffset) a = this.finOffset;
    if (a <= this.next || a - this.next > MAX_AHEAD) return;
    if (a > this.knownEnd) this.knownEnd = a;
    this.fillHolesTo(a, 'lost');
  }

  /** Deliver what can be delivered and report every remaining hole; the direction is over. */
  closeOut(): void {
    if (this.ended) return;
    if (this.started) this.fillHolesTo(this.knownEnd, 'unfilled-at-close');
    this.ended = true;
  }

  evictForBudget(): void {
    this.evictFirstHole('total');
    this.owner.maybeFinish();
  }

  /** Split [from, e) into the parts not already buffered (first data wins), then deliver or store. */
  private accept(payload: Uint8Array, s: number, from: number, e: number, wireEnd: number,
    frame: number, tsSec: number, tsNsec: number): void {
    const buf = this.buf;
    if (buf.length === 0 && from === this.next) {
      // Common case: the whole payload, in order, handed over as is.
      const whole = from === s && e - s === payload.length;
      this.deliver(whole ? payload : payload.subarray(from - s, e - s), frame, tsSec, tsNsec);
      this.checkFin();
      return;
    }
    const pieces = this.owner.ctx.pieces;
    pieces.length = 0;
    let cur = from;
    for (let i = buf.firstEndingAfter(from); i < buf.length && cur < e; i++) {
      const b = buf.at(i)!;
      if (b.offset >= e) break;
      if (b.offset > cur) {
        pieces.push(cur, b.offset);
        cur = b.offset;
      }
      const bEnd = b.offset + b.bytes.length;
      const ovEnd = bEnd < e ? bEnd : e;
      if (ovEnd > cur) {
        this.countConflicts(payload, s, b, cur, ovEnd, frame);
        cur = ovEnd;
      }
    }
    if (cur < e) pieces.push(cur, e);
    if (pieces.length === 0) {
      this.stats.retransmissions++;
      return;
    }
    const n = pieces.length;
    for (let k = 0; k < n; k += 2) {
      let ps = pieces[k]!;
      const pe = pieces[k + 1]!;
      if (pe <= this.next) continue;
      if (ps < this.next) ps = this.next;
      const tail = pe === e ? wireEnd : pe;
      if (ps === this.next) {
        this.deliver(payload.subarray(ps - s, pe - s), frame, tsSec, tsNsec);
        this.drain();
      } else {
        this.store(payload, s, ps, pe, tail, frame, tsSec, tsNsec);
      }
    }
  }

  private store(payload: Uint8Array, s: number, ps: number, pe: number, wireEnd: number,
    frame: number, tsSec: number, tsNsec: number): void {
    const charge = pe - ps + SEGMENT_OVERHEAD;
    const cap = this.owner.ctx.limits.maxBufferedPerDirection;
    // also a cap on the number of segments, so sorted inserts stay cheap for tiny segments
    while ((this.buf.charge + charge > cap || this.buf.length >= MAX_SEGMENTS_PER_DIRECTION) && this.next < ps) {
      if (this.buf.firstOffset(ps) < ps) {
        this.evictFirstHole('per-direction');
      } else {
        // The new bytes are the oldest ones: skip the hole before them and deliver them.
        this.owner.ctx.stats.evictions++;
        this.warnEviction(ps - this.next, 'per-direction');
        this.advanceGap(ps - this.next, 'evicted', frame);
      }
    }
    if (ps <= this.next) {
      if (pe > this.next) {
        this.deliver(payload.subarray(this.next - s, pe - s), frame, tsSec, tsNsec);
        this.drain();
      }
      return;
    }
    this.buf.insert({ offset: ps, bytes: copyBytes(payload, ps - s, pe - s), frame, tsSec, tsNsec, wireEnd });
    if (this.buf.bytes > this.stats.maxBuffered) this.stats.maxBuffered = this.buf.bytes;
  }

  private countConflicts(payload: Uint8Array, s: number, b: BufferedSegment, from: number, to: number,
    frame: number): void {
    const diff = countDifferent(payload, s, b, from, to);
    if (diff === 0) return;
    this.stats.conflictingBytes += diff;
    if (this.owner.admitWarning()) {
      this.owner.warn('tcp-overlap-conflict', `frame ${frame} carries ${diff} bytes that differ from frame ${b.frame} at ` +
        `offsets ${from}-${to - 1} of the ${this.name} stream: kept the first`, frame, from, this.side);
    }
  }

  /** Deliver buffered segments that are now in order (and report snaplen-truncated tails). */
  private drain(): void {
    const buf = this.buf;
    while (buf.length > 0 && buf.firstOffset(0) <= this.next) {
      const b = buf.shift();
      const end = b.offset + b.bytes.length;
      if (end > this.next) {
        const bytes = b.offset === this.next ? b.bytes : b.bytes.subarray(this.next - b.offset);
        this.deliver(bytes, b.frame, b.tsSec, b.tsNsec);
      }
      if (b.wireEnd > end && this.next === end) this.skipTruncated(b.wireEnd, b.frame);
    }
    this.checkFin();
  }

  /** Bytes a segment had on the wire beyond the snaplen: missing from the capture for sure. */
  private skipTruncated(wireEnd: number, frame: number): void {
    const stop = Math.min(this.buf.firstOffset(wireEnd), wireEnd);
    if (stop > this.next) this.advanceGap(stop - this.next, 'lost', frame);
  }

  /** Report holes and deliver buffered data until `to` (or until the FIN). */
  private fillHolesTo(to: number, reason: StreamGap['reason']): void {
    while (this.next < to) {
      const buf = this.buf;
      if (buf.firstOffset(to) <= this.next) {
        this.drain();
        continue;
      }
      const holeEnd = Math.min(buf.firstOffset(to), to);
      this.advanceGap(holeEnd - this.next, reason, buf.length > 0 ? buf.at(0)!.frame : 0);
      this.drain();
      if (this.ended) break;
    }
    this.checkFin();
  }

  private evictFirstHole(which: 'per-direction' | 'total'): void {
    const b = this.buf.at(0);
    if (b === undefined) return;
    this.owner.ctx.stats.evictions++;
    this.warnEviction(b.offset - this.next, which);
    this.advanceGap(b.offset - this.next, 'evicted', b.frame);
    this.drain();
  }

  private warnEviction(holeLen: number, which: 'per-direction' | 'total'): void {
    if (!this.owner.admitWarning()) return;
    const limits = this.owner.ctx.limits;
    const cap = which === 'total' ? limits.maxBufferedTotal : limits.maxBufferedPerDirection;
    this.owner.warn('tcp-buffer-limit', `out-of-order buffer limit (${which}, ${cap} bytes) reached: skipped ${holeLen} ` +
      `missing bytes at offset ${this.next} of the ${this.name} stream`, undefined, this.next, this.side);
  }

  private advanceGap(length: number, reason: StreamGap['reason'], afterFrame: number): void {
    if (length <= 0) return;
    const frames: number[] = [];
    if (this.lastFrame > 0) frames.push(this.lastFrame);
    if (afterFrame > 0 && afterFrame !== this.lastFrame) frames.push(afterFrame);
    const gap: StreamGap = { streamOffset: this.next, length, frames, reason };
    this.stats.gaps++;
    this.stats.gapBytes += length;
    this.next += length;
    this.owner.consumer.gap(this.side, gap);
  }

  private deliver(bytes: Uint8Array, frame: number, tsSec: number, tsNsec: number): void {
    const chunk = this.owner.ctx.chunk;
    chunk.bytes = bytes;
    chunk.streamOffset = this.next;
    chunk.frame = frame;
    chunk.tsSec = tsSec;
    chunk.tsNsec = tsNsec;
    this.next += bytes.length;
    this.stats.bytes += bytes.length;
    this.lastFrame = frame;
    this.owner.consumer.data(this.side, chunk);
  }

  private checkFin(): void {
    if (this.ended || this.finOffset < 0 || this.next < this.finOffset) return;
    this.ended = true;
    this.owner.consumer.end(this.side, 'fin', this.finFrame, this.finTsSec, this.finTsNsec);
  }

  /** A FIN fixed the end of the stream: buffered bytes at or after it are bogus. */
  private dropBufferedFrom(off: number, frame: number): void {
    const dropped = this.buf.truncateFrom(off);
    if (dropped > 0 && this.owner.admitWarning()) {
      this.owner.warn('tcp-data-after-fin', `${dropped} buffered bytes after the FIN (frame ${frame}) of the ${this.name} ` +
        `stream: dropped`, frame, off, this.side);
    }
  }
}

/**
 * TcpReassembler: the TCP stage's entry point. Assigns Wireshark-compatible tcp.stream ids (see
 * stream-rules.ts), tracks connections and hands each direction's in-order bytes, gaps and ends
 * to a StreamConsumer created per connection (see direction.ts for the reassembly policy).
 *
 * Memory is bounded: out-of-order bytes per direction and in total (oldest evicted first, as
 * gaps), live connections (least recently used completed as 'evicted'), tombstones of closed
 * tuples (least recently used forgotten), warnings per connection. Not reentrant: consumers must
 * not call back into the reassembler from their callbacks.
 */
import { BufferBudget, type MemoryCharge } from './buffer-budget.js';
import { type ConnectionContext, ConnectionState } from './connection.js';
import { formatIp } from '../net/address.js';
import { EntryList, type FlowEntry, FlowTable } from './flow-table.js';
import { resetBaseSeqs, startsNewStream, updateBaseSeqs } from './stream-rules.js';
import type { PacketTime } from '../capture/types.js';
import { TcpFlag, type TcpSegment } from '../net/types.js';
import {
  type CloseReason, DEFAULT_LIMITS, type ReassemblerStats, type ReassemblyLimits, type StreamChunk,
  type StreamConsumerFactory,
} from './types.js';

const { SYN, ACK } = TcpFlag;

export interface TcpReassemblerOptions {
  /** Formats a raw 4- or 16-byte address for TcpConnection.endpoints (default: formatIp). */
  formatIp?: (addr: Uint8Array) => string;
}

function newStats(): ReassemblerStats {
  return {
    packets: 0, rejected: 0, connections: 0, open: 0, closed: 0, bufferedBytes: 0, bufferedSegments: 0,
    maxBufferedBytes: 0, evictions: 0, connectionEvictions: 0, memoryEvictions: 0, stateBytes: 0, idleClosed: 0, tombstoneEvictions: 0,
    packetsAfterClose: 0, keepAlives: 0, zeroWindowProbes: 0, warnings: 0, warningsDropped: 0,
  };
}

export class TcpReassembler {
  readonly stats: ReassemblerStats = newStats();
  readonly limits: ReassemblyLimits;
  private readonly table = new FlowTable();
  private readonly live = new EntryList();
  private readonly tombs = new EntryList();
  private readonly ctx: ConnectionContext;
  private readonly formatIp: (addr: Uint8Array) => string;
  private lastIdleCheck = -Infinity;
  /** Connections reset by one side, in RST order, waiting rstLingerSec for in-flight data. */
  private readonly resets: ConnectionState[] = [];
  private readonly resetTimes: number[] = [];
  private resetHead = 0;

  constructor(
    private readonly factory: StreamConsumerFactory,
    limits?: Partial<ReassemblyLimits>,
    options: TcpReassemblerOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS };
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ReassemblyLimits)[]) {
      const v = limits?.[key];
      // Anything but a finite number >= 0 keeps the default.
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) this.limits[key] = v;
    }
    this.formatIp = options.formatIp ?? formatIp;
    const chunk: StreamChunk = { bytes: new Uint8Array(0), streamOffset: 0, frame: 0, tsSec: 0, tsNsec: 0 };
    this.ctx = {
      chunk,
      pieces: [],
      budget: new BufferBudget(this.limits.maxBufferedTotal, this.stats),
      limits: this.limits,
      stats: this.stats,
      retire: (state, reason) => this.retire(state, reason),
      lingerAfterReset: (state, ts) => this.lingerAfterReset(state, ts),
    };
  }

  /** The global memory budget, for later stages to charge what they hold per connection. */
  get memory(): MemoryCharge {
    return this.ctx.budget;
  }

  /**
   * Feed one decoded TCP segment with its packet (frame number and capture time: the capture
   * stage's Packet fits). `at` and `seg` may be reused by the caller afterwards: nothing of them is
   * kept except copies. Returns the segment's tcp.stream id, or -1 when the segment was rejected
   * (addresses neither 4 nor 16 bytes).
   */
  push(at: PacketTime, seg: TcpSegment): number {
    const { frame, tsSec, tsNsec } = at;
    this.stats.packets++;
    if (this.resetHead < this.resets.length) this.expireResets(tsSec + tsNsec / 1e9);
    if (this.limits.idleTimeoutSec > 0 && tsSec > this.lastIdleCheck) {
      this.lastIdleCheck = tsSec;
      this.expireIdle(tsSec);
    }
    const table = this.table;
    if (!table.locate(seg)) {
      this.stats.rejected++;
      return -1;
    }
    const flags = seg.flags;
    const seq = seg.seq >>> 0;
    const hash = table.hash(seg.srcPort, seg.dstPort);
    let entry = table.find(hash, seg.srcPort, seg.dstPort);
    let fromA = table.fromA;
    if (entry === null) {
      entry = table.add(hash, seg.srcPort, seg.dstPort);
      fromA = true;
      this.open(entry, fromA, flags, at);
    } else if (startsNewStream(entry, fromA, flags, seq)) {
      if (entry.state !== null) {
        entry.state.finish('reused');
        this.ctx.budget.chargeState(-this.limits.connectionCost);
        this.stats.open--;
        this.live.remove(entry);
      } else {
        this.tombs.remove(entry);
        this.stats.closed--;
      }
      resetBaseSeqs(entry);
      this.open(entry, fromA, flags, at);
    }
    updateBaseSeqs(entry, fromA, flags, seq, seg.ack);
    entry.lastTsSec = tsSec;
    const state = entry.state;
    if (state === null) {
      this.stats.packetsAfterClose++;
      this.tombs.touch(entry);
      return entry.id;
    }
    this.live.touch(entry);
    state.process(fromA === entry.aIsClient ? 0 : 1, seg, at);
    state.maybeFinish();
    if (this.ctx.budget.overCap()) this.relieveMemory(entry);
    return entry.id;
  }

  /** End of input: report unfilled holes ('unfilled-at-close'), then complete every open
   * connection ('end-of-capture') in id order, and forget all state. */
  flush(): void {
    const open: ConnectionState[] = [];
    for (let e = this.live.head; e !== null; e = e.next) if (e.state !== null) open.push(e.state);
    open.sort((a, b) => a.conn.id - b.conn.id);
    // connections already closed both ways (lingering for their last ACKs) ended by FIN/RST
    for (const state of open) this.retire(state, state.lingering ? (state.wasReset() ? 'rst' : 'fin') : 'end-of-capture');
    this.resets.length = 0;
    this.resetTimes.length = 0;
    this.resetHead = 0;
    this.table.clear();
    this.tombs.clear();
    this.stats.closed = 0;
  }

  /** Complete connections idle for more than limits.idleTimeoutSec of capture time (and forget
   * tombstones as old), and reset connections whose rstLingerSec is over. push() does this
   * itself by capture time; call it from a timer during live captures. */
  expireIdle(nowSec: number): void {
    if (this.resetHead < this.resets.length) this.expireResets(nowSec);
    const idle = this.limits.idleTimeoutSec;
    if (idle <= 0) return;
    for (let e = this.live.head; e !== null && nowSec - e.lastTsSec > idle; e = this.live.head) {
      this.stats.idleClosed++;
      this.retire(e.state!, 'idle');
    }
    for (let e = this.tombs.head; e !== null && nowSec - e.lastTsSec > idle; e = this.tombs.head) {
      this.forgetTombstone(e);
    }
  }

  private lingerAfterReset(state: ConnectionState, tsSec: number): void {
    this.resets.push(state);
    this.resetTimes.push(tsSec);
    // Capture time may stand still: keep the queue bounded by dropping connections already over.
    if (this.resets.length - this.resetHead > 2 * this.limits.maxConnections + 1024) {
      let w = 0;
      for (let r = this.resetHead; r < this.resets.length; r++) {
        if (this.resets[r]!.done) continue;
        this.resets[w] = this.resets[r]!;
        this.resetTimes[w++] = this.resetTimes[r]!;
      }
      this.resets.length = w;
      this.resetTimes.length = w;
      this.resetHead = 0;
    }
  }

  /** Complete reset connections whose linger time is over. */
  private expireResets(nowSec: number): void {
    const linger = this.limits.rstLingerSec;
    while (this.resetHead < this.resets.length && nowSec - this.resetTimes[this.resetHead]! > linger) {
      const state = this.resets[this.resetHead]!;
      this.resetHead++;
      if (!state.done) this.retire(state, state.wasReset() ? 'rst' : 'fin');
    }
    if (this.resetHead === this.resets.length) {
      this.resets.length = 0;
      this.resetTimes.length = 0;
      this.resetHead = 0;
    } else if (this.resetHead > 1024 && this.resetHead * 2 > this.resets.length) {
      this.resets.splice(0, this.resetHead);
      this.resetTimes.splice(0, this.resetHead);
      this.resetHead = 0;
    }
  }

  /** Over the global budget: give up buffered holes first (oldest first), then complete the least
   * recently active connections other than `current` (the one whose packet is being handled). */
  private relieveMemory(current: FlowEntry): void {
    const budget = this.ctx.budget;
    budget.enforce();
    let guard = this.live.size;
    while (budget.overCap() && guard-- > 0) {
      const oldest = this.live.head;
      if (oldest === null || oldest === current || oldest.state === null) break;
      this.stats.memoryEvictions++;
      this.retire(oldest.state, 'memory');
    }
  }

  private open(entry: FlowEntry, fromA: boolean, flags: number, at: PacketTime): void {
    while (this.live.size >= this.limits.maxConnections && this.live.head !== null) {
      this.stats.connectionEvictions++;
      this.retire(this.live.head.state!, 'evicted');
    }
    // Side 0 is the SYN sender; a SYN/ACK's receiver; otherwise the first packet's sender.
    const synAck = (flags & (SYN | ACK)) === (SYN | ACK);
    entry.aIsClient = synAck ? !fromA : fromA;
    entry.id = this.stats.connections++;
    const a = { ip: this.formatIp(entry.addressA()), port: entry.portA };
    const b = { ip: this.formatIp(entry.addressB()), port: entry.portB };
    const [client, server] = entry.aIsClient ? [a, b] : [b, a];
    const pureSyn = (flags & (SYN | ACK)) === SYN;
    this.ctx.budget.chargeState(this.limits.connectionCost);
    const state = new ConnectionState(entry.id, client, server, pureSyn, at, this.factory, this.ctx);
    state.slot = entry;
    entry.state = state;
    this.live.append(entry);
    this.stats.open++;
  }

  /** Complete `state`; closed tuples ('fin', 'rst') become tombstones, others are forgotten. */
  private retire(state: ConnectionState, reason: CloseReason): void {
    if (state.done) return;
    const entry = state.slot as FlowEntry;
    state.finish(reason);
    if (entry.state !== state) return;
    this.ctx.budget.chargeState(-this.limits.connectionCost);
    this.stats.open--;
    this.live.remove(entry);
    entry.state = null;
    if (reason === 'fin' || reason === 'rst') {
      this.tombs.append(entry);
      this.stats.closed++;
      while (this.tombs.size > this.limits.maxTombstones && this.tombs.head !== null) {
        this.forgetTombstone(this.tombs.head);
      }
    } else {
      this.table.delete(entry);
    }
  }

  private forgetTombstone(entry: FlowEntry): void {
    this.tombs.remove(entry);
    this.table.delete(entry);
    this.stats.closed--;
    this.stats.tombstoneEvictions++;
  }
}

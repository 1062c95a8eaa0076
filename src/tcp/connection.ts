/**
 * One tracked TCP connection: the public TcpConnection record, its consumer and its two
 * directions. Applies a segment's flags in a fixed order: the ACK (it may prove capture loss in
 * the other direction), RST, SYN, payload, FIN.
 *
 * A RST ends the sender's direction at once (its holes become 'unfilled-at-close' gaps). If the RST
 * sender had sent something before and the other direction has started and not ended, that
 * direction stays open for data already in flight (tshark's Follow TCP Stream shows such bytes
 * too) until it ends as well or rstLingerSec of capture time have passed; otherwise (e.g. a RST
 * answering a SYN) the connection completes at once. A connection that saw a RST completes with closeReason 'rst' whatever
 * ended it last.
 */
import { type DirectionContext, type DirectionOwner, Direction } from './direction.js';
import type { PacketTime } from '../capture/types.js';
import { TcpFlag, type TcpSegment } from '../net/types.js';
import type {
  CloseReason, DirectionStats, Endpoint, Side, StreamConsumer, StreamConsumerFactory, TcpConnection,
} from './types.js';
import { warning, type WarningCode } from '../warning-codes.js';

const { FIN, SYN, RST, ACK } = TcpFlag;

/** What the reassembler provides to its connections. */
export interface ConnectionContext extends DirectionContext {
  /** Complete a connection and update the flow table (tombstone or forget it). */
  retire(state: ConnectionState, reason: CloseReason): void;
  /** Complete `state` with 'rst' once rstLingerSec of capture time has passed after `tsSec`. */
  lingerAfterReset(state: ConnectionState, tsSec: number): void;
}

function newDirectionStats(): DirectionStats {
  return { packets: 0, bytes: 0, retransmissions: 0, conflictingBytes: 0, gaps: 0, gapBytes: 0, maxBuffered: 0 };
}

export class ConnectionState implements DirectionOwner {
  readonly conn: TcpConnection;
  readonly consumer: StreamConsumer;
  readonly dirs: [Direction, Direction];
  done = false;
  /** Flow-table slot of this connection (owned by the reassembler). */
  slot: unknown = null;

  constructor(
    id: number,
    client: Endpoint,
    server: Endpoint,
    synSeen: boolean,
    { frame, tsSec, tsNsec }: PacketTime,
    factory: StreamConsumerFactory,
    readonly ctx: ConnectionContext,
  ) {
    const stats: [DirectionStats, DirectionStats] = [newDirectionStats(), newDirectionStats()];
    this.conn = {
      id,
      endpoints: [client, server],
      synSeen,
      firstFrame: frame,
      lastFrame: frame,
      firstTsSec: tsSec,
      firstTsNsec: tsNsec,
      lastTsSec: tsSec,
      lastTsNsec: tsNsec,
      stats,
      finFrame: [0, 0],
      rstFrame: [0, 0],
      warnings: [],
      warningsDropped: 0,
    };
    this.dirs = [new Direction(0, stats[0], this), new Direction(1, stats[1], this)];
    this.consumer = factory(this.conn);
  }

  admitWarning(): boolean {
    if (this.conn.warnings.length < this.ctx.limits.maxWarningsPerConnection) return true;
    this.conn.warningsDropped++;
    this.ctx.stats.warningsDropped++;
    return false;
  }

  warn(code: WarningCode, message: string, frame?: number, offset?: number, side?: Side): void {
    this.conn.warnings.push(warning(code, message, frame, offset, side));
    this.ctx.stats.warnings++;
  }

  /** Apply one segment sent by `side`. */
  process(side: Side, seg: TcpSegment, at: PacketTime): void {
    const { frame, tsSec, tsNsec } = at;
    const c = this.conn;
    c.lastFrame = frame;
    c.lastTsSec = tsSec;
    c.lastTsNsec = tsNsec;
    c.stats[side].packets++;
    const d = this.dirs[side];
    const peer = this.dirs[side ^ 1]!;
    const flags = seg.flags;
    if (flags & ACK) peer.onPeerAck(seg.ack);
    if (flags & RST) {
      if (c.rstFrame[side] === 0) c.rstFrame[side] = frame;
      this.reset(side, frame, tsSec, tsNsec);
      return;
    }
    let dataSeq = seg.seq >>> 0;
    if (flags & SYN) {
      if (!(flags & ACK) && side === 0) c.synSeen = true;
      else if (flags & ACK && side === 1) c.synAckSeen = true;
      d.onSyn(dataSeq);
      dataSeq = (dataSeq + 1) >>> 0;
      // The SYN/ACK acknowledges the peer's SYN: its ACK number is the peer's first data byte.
      if (flags & ACK && !peer.started) peer.startAt(seg.ack);
    }
    d.window = seg.window;
    if (seg.payloadLength > 0) {
      d.onData(dataSeq, seg.payload, seg.payloadLength, frame, tsSec, tsNsec, peer.window);
    }
    if (flags & FIN) {
      if (c.finFrame[side] === 0) c.finFrame[side] = frame;
      d.onFin((dataSeq + seg.payloadLength) >>> 0, frame, tsSec, tsNsec);
    }
  }

  /** Complete through the reassembler when both directions are over. */
  maybeFinish(): void {
    if (this.done || this.lingering || !this.dirs[0].ended || !this.dirs[1].ended) return;
    const linger = this.ctx.limits.closeLingerSec;
    if (linger > 0) {
      // both sides are done: keep counting the last ACKs for a moment, then complete
      this.lingering = true;
      // fractional seconds: whole-second deadlines would complete a second's connections in one burst
      this.ctx.lingerAfterReset(this, this.conn.lastTsSec + this.conn.lastTsNsec / 1e9 + linger - this.ctx.limits.rstLingerSec);
    } else {
      this.ctx.retire(this, this.wasReset() ? 'rst' : 'fin');
    }
  }

  /** Waiting for its close linger to end. */
  lingering = false;

  wasReset(): boolean {
    return this.conn.rstFrame[0] !== 0 || this.conn.rstFrame[1] !== 0;
  }

  /** Deliver what is left (holes -> 'unfilled-at-close' gaps), then complete(). Called by retire. */
  finish(reason: CloseReason): void {
    if (this.done) return;
    this.dirs[0].closeOut();
    this.dirs[1].closeOut();
    this.done = true;
    this.conn.closeReason = reason !== 'fin' && this.wasReset() ? 'rst' : reason;
    this.consumer.complete(this.conn);
  }

  private reset(side: Side, frame: number, tsSec: number, tsNsec: number): void {
    const d = this.dirs[side];
    if (d.resetSeen) return;
    d.resetSeen = true;
    const answered = d.started;
    d.closeOut();
    this.consumer.end(side, 'rst', frame, tsSec, tsNsec);
    const other = this.dirs[side ^ 1]!;
    if (this.lingering) return; // already closed both ways: the RST is one of the last packets
    if (!answered || other.ended || !other.started || this.ctx.limits.rstLingerSec <= 0) {
      const linger = this.ctx.limits.closeLingerSec;
      if (linger > 0) {
        // nothing more can come, but repeated RSTs / last ACKs still belong to this tcp.stream
        this.lingering = true;
        this.ctx.lingerAfterReset(this, tsSec + tsNsec / 1e9 + linger - this.ctx.limits.rstLingerSec);
      } else {
        this.ctx.retire(this, 'rst');
      }
    } else {
      this.ctx.lingerAfterReset(this, tsSec + tsNsec / 1e9);
    }
  }
}

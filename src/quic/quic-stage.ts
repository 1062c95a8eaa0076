/**
 * The QUIC stage (beside src/tcp, feeding src/tls's handshake parser): every UDP datagram gets
 * Wireshark's udp.stream number (UDP conversations in order of first packet); QUIC long headers
 * (v1, v2, drafts, a reserved version that triggers Version Negotiation) are recognised on any
 * port, and packets are matched to QUIC connections by connection ID (short headers by the
 * connections of their UDP conversation). Finished connections go to the same TlsObserver as TCP
 * ones, with a TcpConnection-shaped record (id = udp.stream) and TlsFacts.quic set.
 */
import type { DecodedTcpSegment } from '../net/segment.js';
import { computeFlowKey, newFlowKey } from '../net/flow-key.js';
import { formatIp } from '../net/address.js';
import { decodeUdp } from '../net/udp.js';
import type { Side, TcpConnection } from '../tcp/types.js';
import type { TlsObserver } from '../tls/events.js';
import { DEFAULT_TLS_OPTIONS, type TlsStageOptions } from '../tls/tls-stage.js';
import { DerInterner } from '../tls/der-interner.js';
import { copyBytes } from '../net/bytes.js';
import { parseLongHeader, type PacketHeader } from './packet.js';
import { quicVersion } from './protection.js';
import { QuicConnection } from './quic-connection.js';
import { cidHex } from './wire.js';
import { newKeptBudget } from './kept-packets.js';
import { warning, type Warning, type WarningCode } from '../warning-codes.js';

export interface QuicLimits {
  /** UDP conversations remembered for udp.stream numbering. */
  maxUdpStreams: number;
  /** QUIC connections open at once (the oldest is reported early beyond it). */
  maxConnections: number;
  /** Connection IDs remembered over all connections, and per connection. */
  maxCids: number;
  maxCidsPerConnection: number;
}

// 250,000 UDP conversations remembered cost about 40 MB (a key string and a small object each)
export const DEFAULT_QUIC_LIMITS: QuicLimits = { maxUdpStreams: 250_000, maxConnections: 10_000, maxCids: 100_000, maxCidsPerConnection: 16 };

interface UdpStream {
  id: number;
  /** computeFlowKey's `forward` of the stream's first packet. */
  firstForward: boolean;
  /** Its open QUIC connections, newest last (EMPTY_CONNS until it has one: most UDP is not QUIC). */
  conns: QuicConnection[];
}

const EMPTY_CONNS: QuicConnection[] = [];

/** Reserved versions that force Version Negotiation (RFC 9000 §15: 0x?a?a?a?a). */
function reservedVersion(v: number): boolean {
  return (v & 0x0f0f0f0f) === 0x0a0a0a0a;
}

export class QuicStage {
  private readonly streams = new Map<string, UdpStream>();
  private nextStream = 0;
  private readonly cids = new Map<string, QuicConnection>();
  private readonly open: QuicConnection[] = [];
  private readonly connCids = new WeakMap<QuicConnection, string[]>();
  private readonly sideOf = new WeakMap<QuicConnection, boolean>();
  private readonly streamOf = new WeakMap<QuicConnection, UdpStream>();
  private readonly fk = newFlowKey();
  private readonly keptBudget = newKeptBudget();
  private readonly opts: TlsStageOptions;
  private readonly limits: QuicLimits;
  /** Stage-level warnings (limits hit), shown with the capture warnings. */
  readonly warnings: Warning[] = [];
  datagrams = 0;
  quicDatagrams = 0;
  connections = 0;

  constructor(
    private readonly observer: TlsObserver,
    opts: Partial<TlsStageOptions> = {},
    limits: Partial<QuicLimits> = {},
  ) {
    this.opts = { ...DEFAULT_TLS_OPTIONS, ...opts };
    this.opts.derInterner ??= new DerInterner();
    this.limits = { ...DEFAULT_QUIC_LIMITS, ...limits };
  }

  /** Once per code (and frame, for a damaged header). */
  private stageWarn(code: WarningCode, msg: string, frame?: number): void {
    if (this.warnings.length < 20 && !this.warnings.some((w) => w.code === code && w.frame === frame)) this.warnings.push(warning(code, msg, frame));
  }

  /** A packet decodePacket called 'not-tcp': true when it was a QUIC datagram (consumed). */
  datagram(frame: number, tsSec: number, tsNsec: number, seg: DecodedTcpSegment): boolean {
    if (decodeUdp(seg) !== 'udp') return false;
    return this.push(frame, tsSec, tsNsec, seg);
  }

  /** One UDP datagram (`seg` filled by decodeUdp). True when it was QUIC. */
  push(frame: number, tsSec: number, tsNsec: number, seg: DecodedTcpSegment): boolean {
    this.datagrams++;
    const fk = computeFlowKey(seg, this.fk);
    let st = this.streams.get(fk.key);
    if (!st) {
      st = { id: this.nextStream++, firstForward: fk.forward, conns: EMPTY_CONNS };
      if (this.streams.size < this.limits.maxUdpStreams) this.streams.set(fk.key, st);
      else this.stageWarn('quic-udp-stream-limit', `more than ${this.limits.maxUdpStreams} UDP conversations: udp.stream numbers after that may differ from Wireshark's`);
    }
    const d = seg.payload;
    if (d.length < 1) return false;
    const first = d[0]!;
    if ((first & 0x80) === 0) {
      // (fixed bit 0x40 not required: grease_quic_bit, RFC 9287)
      if (st.conns.length === 0) return false;
      this.shortPacket(st, fk.forward, d, frame, tsSec, tsNsec, seg);
      return true;
    }
    if (d.length < 7) return false;
    const version = ((d[1]! << 24) | (d[2]! << 16) | (d[3]! << 8) | d[4]!) >>> 0;
    if (version !== 0 && !quicVersion(version) && !reservedVersion(version)) return false;
    if (version === 0 && st.conns.length === 0) return false;
    this.quicDatagrams++;
    let off = 0;
    let conn: QuicConnection | null = null;
    while (off < d.length) {
      if (off > 0 && (d[off]! & 0x80) === 0) {
        if (d[off] === 0) break; // padding after the last coalesced packet
        if (conn) this.shortAt(conn, this.side(conn, fk.forward), d, off, frame, tsSec, tsNsec);
        break;
      }
      const h = parseLongHeader(d, off);
      if (typeof h === 'string') {
        const owner = conn ?? st.conns[st.conns.length - 1]; // the conversation's connection, if any
        if (owner) owner.warn(this.side(owner, fk.forward), 'quic-header-malformed', `frame ${frame}: ${h}`, frame);
        else this.stageWarn('quic-header-malformed', `frame ${frame}: ${h}`, frame);
        break;
      }
      const found = this.connectionFor(st, fk.forward, h, frame, tsSec, tsNsec, seg);
      if (!found) break;
      const side = this.side(found, fk.forward);
      if (found !== conn) found.datagram(side, d.length);
      conn = found;
      conn.lastSec = tsSec;
      this.touch(conn, frame, tsSec, tsNsec);
      conn.count(side, h.type);
      if (h.type === 'VersionNegotiation') conn.versionNegotiation(frame, h.versions ?? []);
      else if (h.type === 'Retry') {
        conn.retry(frame, h.scid, h.token?.length ?? 0);
        this.addCid(conn, h.scid);
      } else {
        if (h.type === 'Initial' || h.type === 'Handshake') this.addCid(conn, h.scid);
        conn.packet(side, d, h, frame, tsSec, tsNsec);
      }
      off = h.end;
    }
    return true;
  }

  private side(conn: QuicConnection, forward: boolean): Side {
    return this.sideOf.get(conn) === forward ? 0 : 1;
  }

  private connectionFor(st: UdpStream, forward: boolean, h: PacketHeader, frame: number, tsSec: number, tsNsec: number, seg: DecodedTcpSegment): QuicConnection | null {
    if (h.form !== 'long') return null;
    const byDcid = h.dcid.length > 0 ? this.cids.get(cidHex(h.dcid)) : undefined;
    if (byDcid) return byDcid;
    // a client Initial with a new DCID is a new connection even if its SCID was used before
    const byScid = h.scid.length > 0 && h.type !== 'Initial' ? this.cids.get(cidHex(h.scid)) : undefined;
    if (byScid) return byScid;
    // zero-length CIDs or a capture that started mid-connection: the conversation's latest one
    if (h.type !== 'Initial' && st.conns.length > 0) return st.conns[st.conns.length - 1]!;
    if (h.type === 'VersionNegotiation') return null;
    return this.newConnection(st, forward, h, frame, tsSec, tsNsec, seg);
  }

  private newConnection(st: UdpStream, forward: boolean, h: PacketHeader & { form: 'long' }, frame: number, tsSec: number, tsNsec: number, seg: DecodedTcpSegment): QuicConnection {
    if (this.open.length >= this.limits.maxConnections) {
      this.stageWarn('quic-connection-limit', `more than ${this.limits.maxConnections} QUIC connections open at once: the oldest are reported early`);
      this.finish(this.open[0]!);
    }
    const src = { ip: formatIp(seg.src), port: seg.srcPort };
    const dst = { ip: formatIp(seg.dst), port: seg.dstPort };
    const zero = () => ({ packets: 0, bytes: 0, retransmissions: 0, conflictingBytes: 0, gaps: 0, gapBytes: 0, maxBuffered: 0 });
    // the sender of the first packet is the client (an Initial from the server means the capture
    // started mid-handshake: the TLS messages then say who is who)
    const conn: TcpConnection = {
      id: st.id, endpoints: [src, dst], synSeen: false, firstFrame: frame, lastFrame: frame,
      firstTsSec: tsSec, firstTsNsec: tsNsec, lastTsSec: tsSec, lastTsNsec: tsNsec,
      stats: [zero(), zero()], finFrame: [0, 0], rstFrame: [0, 0], warnings: [], warningsDropped: 0,
    };
    const c = new QuicConnection(conn, h.params, copyBytes(h.dcid), this.observer, this.opts);
    c.onNewCid = (cid) => this.addCid(c, cid);
    c.keptBudget = this.keptBudget;
    this.sideOf.set(c, forward);
    this.connCids.set(c, []);
    this.addCid(c, h.dcid);
    this.addCid(c, h.scid);
    if (st.conns === EMPTY_CONNS) st.conns = [];
    st.conns.push(c);
    if (st.conns.length > 64) st.conns.shift();
    this.streamOf.set(c, st);
    this.open.push(c);
    this.connections++;
    return c;
  }

  private addCid(c: QuicConnection, cid: Uint8Array): void {
    if (cid.length === 0) return;
    const key = cidHex(cid);
    const owner = this.cids.get(key);
    if (owner === c) return;
    const mine = this.connCids.get(c);
    if (!mine || mine.length >= this.limits.maxCidsPerConnection) return;
    if (this.cids.size >= this.limits.maxCids) {
      this.stageWarn('quic-cid-limit', `more than ${this.limits.maxCids} QUIC connection IDs: later packets are matched by UDP conversation only`);
      return;
    }
    this.cids.set(key, c);
    mine.push(key);
  }

  private touch(c: QuicConnection, frame: number, tsSec: number, tsNsec: number): void {
    const t = c.conn;
    t.lastFrame = frame;
    t.lastTsSec = tsSec;
    t.lastTsNsec = tsNsec;
  }

  private shortPacket(st: UdpStream, forward: boolean, d: Uint8Array, frame: number, tsSec: number, tsNsec: number, _seg: DecodedTcpSegment): void {
    // the DCID length is not on the wire: try the conversation's connections' CIDs, newest first
    for (let i = st.conns.length - 1; i >= 0; i--) {
      const c = st.conns[i]!;
      const cids = this.connCids.get(c) ?? [];
      for (const key of cids) {
        const n = key.length / 2;
        if (d.length > n && cidHex(d.subarray(1, 1 + n)) === key) {
          this.shortAt(c, this.side(c, forward), d, 0, frame, tsSec, tsNsec, n);
          return;
        }
      }
    }
    const c = st.conns[st.conns.length - 1]!;
    this.shortAt(c, this.side(c, forward), d, 0, frame, tsSec, tsNsec);
  }

  /** A short-header packet at `off` (it runs to the end of the datagram). */
  private shortAt(c: QuicConnection, side: Side, d: Uint8Array, off: number, frame: number, tsSec: number, tsNsec: number, dcidLen = -1): void {
    let n = dcidLen;
    if (n < 0) {
      n = 0;
      for (const key of this.connCids.get(c) ?? []) {
        const l = key.length / 2;
        if (d.length - off > l && cidHex(d.subarray(off + 1, off + 1 + l)) === key) {
          n = l;
          break;
        }
      }
    }
    this.touch(c, frame, tsSec, tsNsec);
    c.lastSec = tsSec;
    if (off === 0) c.datagram(side, d.length);
    c.count(side, '1-RTT');
    if (d.length - off < 1 + n + 20) {
      c.warn(side, 'quic-header-malformed', `frame ${frame}: short-header packet of ${d.length - off} bytes is too short`, frame);
      return;
    }
    c.packet(side, d, { form: 'short', type: '1-RTT', dcid: d.subarray(off + 1, off + 1 + n), pnOffset: off + 1 + n, start: off, end: d.length }, frame, tsSec, tsNsec);
  }

  private finish(c: QuicConnection): void {
    const i = this.open.indexOf(c);
    if (i >= 0) this.open.splice(i, 1);
    // reported connections are not kept: later packets of the conversation start a new one
    const st = this.streamOf.get(c);
    if (st) {
      const j = st.conns.indexOf(c);
      if (j >= 0) st.conns.splice(j, 1);
    }
    for (const key of this.connCids.get(c) ?? []) if (this.cids.get(key) === c) this.cids.delete(key);
    c.conn.closeReason ??= 'end-of-capture';
    c.complete();
  }

  /** Connections without a packet for `idleSec` of capture time are reported (live runs). */
  expireIdle(nowSec: number, idleSec: number): void {
    if (idleSec <= 0) return;
    for (const c of this.open.slice()) {
      if (nowSec - c.lastSec > idleSec) {
        c.conn.closeReason = 'idle';
        this.finish(c);
      }
    }
  }

  /** End of input: every open connection is reported, in order of first packet. */
  flush(): void {
    for (const c of this.open.slice()) this.finish(c);
  }
}

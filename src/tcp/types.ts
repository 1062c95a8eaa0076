/**
 * TCP stage: flow table (Wireshark tcp.stream ids) and per-direction reassembly into in-order byte
 * streams, handed to a consumer that knows nothing about TCP (gopacket's Stream /
 * ReassembledSG / ReassemblyComplete idea).
 *
 * Sides: 0 is the client candidate (the SYN sender or the SYN/ACK receiver; when neither was
 * captured, the first sender), 1 the server. Later stages decide otherwise from evidence: the tls
 * stage from who sent the ClientHello (or got the ServerHello), the analysis stage
 * (src/analysis/orientation.ts) from ports when no Hello was captured, labelled a guess.
 */
import { CONNECTION_COST } from './connection-cost.js';
import type { StageWarning } from '../warning-codes.js';

export type Side = 0 | 1;

export interface Endpoint {
  ip: string;
  port: number;
}

export type CloseReason = 'fin' | 'rst' | 'idle' | 'end-of-capture' | 'evicted' | 'memory' | 'reused';

export interface DirectionStats {
  packets: number;
  /** Payload bytes delivered in order (each byte once). */
  bytes: number;
  /** Segments that brought no new byte (data already delivered or buffered, repeated SYNs);
   * keep-alives and zero-window probes are not counted. */
  retransmissions: number;
  /** Bytes of segments that overlapped earlier data with different content (first data wins).
   * Detected against out-of-order bytes still buffered; delivered bytes are not kept, so a later
   * different copy of them only counts as a retransmission. */
  conflictingBytes: number;
  gaps: number;
  gapBytes: number;
  /** Highest number of out-of-order bytes buffered at once. */
  maxBuffered: number;
}

export interface TcpConnection {
  /** Wireshark's tcp.stream: 0-based in order of first packet over all TCP connections. */
  id: number;
  /** [client, server] per the side convention above. */
  endpoints: [Endpoint, Endpoint];
  /** A SYN (without ACK) was captured, so side 0 is known to be the client. */
  synSeen: boolean;
  /** A SYN/ACK was captured from side 1 (so side 0 is known to be the client). */
  synAckSeen?: boolean;
  firstFrame: number;
  lastFrame: number;
  firstTsSec: number;
  firstTsNsec: number;
  lastTsSec: number;
  lastTsNsec: number;
  stats: [DirectionStats, DirectionStats];
  /** Frame of the first FIN / RST from each side, 0 when none. */
  finFrame: [number, number];
  rstFrame: [number, number];
  /** Set just before complete(). 'rst' whenever a RST was seen, whatever ended the connection
   * last; 'fin' when both directions ended with a FIN; 'reused' when a new SYN took the 4-tuple
   * (Wireshark's rule, see stream-rules.ts). */
  closeReason?: CloseReason;
  /** Non-fatal oddities (capped; `warningsDropped` counts the rest). */
  warnings: StageWarning[];
  warningsDropped: number;
}

/** In-order bytes of one direction. `bytes` is a view valid during the call only: copy to keep.
 * The chunk object itself is reused for the next `data` call: copy the fields you keep. */
export interface StreamChunk {
  bytes: Uint8Array;
  /** Offset of bytes[0] in this direction's stream (0 = first payload byte after the SYN, or the
   * first byte seen when the capture started mid-connection). */
  streamOffset: number;
  frame: number;
  tsSec: number;
  tsNsec: number;
}

/** Bytes that are definitely missing from a direction; the stream continues after them. */
export interface StreamGap {
  streamOffset: number;
  length: number;
  /** Frames bordering the hole (last frame before it, first frame after it when known). */
  frames: number[];
  reason: 'lost' | 'evicted' | 'unfilled-at-close';
}

export interface StreamConsumer {
  data(side: Side, chunk: StreamChunk): void;
  gap(side: Side, gap: StreamGap): void;
  /** A FIN or RST arrived from `side` (in sequence order for FIN, i.e. after all data before it).
   * Called at most once per side and kind: a side that sent a FIN and later a RST gets both. */
  end(side: Side, how: 'fin' | 'rst', frame: number, tsSec: number, tsNsec: number): void;
  /** The connection is over (ReassemblyComplete): no more calls follow. */
  complete(conn: TcpConnection): void;
}

export type StreamConsumerFactory = (conn: TcpConnection) => StreamConsumer;

export interface ReassemblyLimits {
  /** Max out-of-order bytes buffered per direction (oldest evicted first → gap + warning). Each
   * buffered segment counts its payload plus SEGMENT_OVERHEAD (64) bytes, so that a flood of tiny
   * segments cannot exhaust memory under the byte cap. */
  maxBufferedPerDirection: number;
  /** Max out-of-order bytes buffered over all connections (same counting; the direction that
   * has been buffering longest gives up its oldest hole first). */
  maxBufferedTotal: number;
  /** Connections with no packet for this many seconds of capture time are completed ('idle');
   * 0 disables. */
  idleTimeoutSec: number;
  /** Max connections tracked at once (oldest idle evicted first). */
  maxConnections: number;
  /** Max closed 4-tuples remembered (so late packets of a closed connection keep its id, as in
   * Wireshark); least recently used forgotten first. Added by the tcp stage. */
  maxTombstones: number;
  /** Warnings kept per connection; the rest are counted in `warningsDropped`. */
  maxWarningsPerConnection: number;
  /** After a RST from one side, the other direction stays open this many seconds of capture time
   * for data already in flight (0 = complete at the RST). Added by the tcp stage. */
  rstLingerSec: number;
  /** After both directions ended, the connection stays this many seconds of capture time so the
   * final ACKs and late retransmissions are still counted in it (Wireshark counts them in the same
   * tcp.stream), then completes. 0 = complete at once. */
  closeLingerSec: number;
  /** Bytes charged to the global budget (maxBufferedTotal) per open connection: its TCP and TLS
   * state. 0 = the budget covers buffered bytes only. */
  connectionCost: number;
}

export const DEFAULT_LIMITS: ReassemblyLimits = {
  maxBufferedPerDirection: 4 * 1024 * 1024,
  maxBufferedTotal: 256 * 1024 * 1024,
  idleTimeoutSec: 0,
  maxConnections: 1_000_000,
  // 20,000 closed tuples: late packets up to that many closed connections later keep their id;
  // 100,000 cost ~45 MB more RSS on a 1 GB capture (README, Performance)
  maxTombstones: 20_000,
  maxWarningsPerConnection: 16,
  rstLingerSec: 2,
  closeLingerSec: 1,
  connectionCost: CONNECTION_COST,
};

/** Counters of a TcpReassembler (a live object, updated in place). */
export interface ReassemblerStats {
  /** Segments passed to push(). */
  packets: number;
  /** Segments rejected before flow lookup (e.g. address lengths that are not 4 or 16 bytes). */
  rejected: number;
  /** tcp.stream ids assigned so far (= connections created). */
  connections: number;
  /** Connections currently tracked (not yet completed). */
  open: number;
  /** Closed 4-tuples remembered as tombstones. */
  closed: number;
  /** Out-of-order payload bytes buffered now, over all connections. */
  bufferedBytes: number;
  /** Out-of-order segments buffered now. */
  bufferedSegments: number;
  /** Highest value bufferedBytes reached. */
  maxBufferedBytes: number;
  /** Out-of-order buffer evictions (each one reported as an 'evicted' gap + a warning). */
  evictions: number;
  /** Connections completed because maxConnections was reached ('evicted'). */
  connectionEvictions: number;
  /** Connections completed, oldest idle first, because the global memory budget was full ('memory'). */
  memoryEvictions: number;
  /** Bytes of open-connection state and partial handshake messages charged to the budget now. */
  stateBytes: number;
  /** Connections completed by the idle timeout. */
  idleClosed: number;
  /** Tombstones forgotten because maxTombstones was reached or they went idle. */
  tombstoneEvictions: number;
  /** Segments that arrived for a connection already completed (counted, not delivered). */
  packetsAfterClose: number;
  /** Keep-alives (0/1 byte at next-1) and zero-window probes (ignored). */
  keepAlives: number;
  zeroWindowProbes: number;
  /** Warnings recorded on connections / dropped because of the per-connection cap. */
  warnings: number;
  warningsDropped: number;
}

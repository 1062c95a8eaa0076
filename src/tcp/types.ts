/**
 * TCP stage: flow table (Wireshark tcp.stream ids) and per-direction reassembly into in-order byte
 * streams, handed to a consumer that knows nothing about TCP (gopacket's Stream /
 * ReassembledSG / ReassemblyComplete idea).
 *
 * Sides: 0 is the client (the SYN sender; when no SYN was captured, the first sender — a later
 * stage may decide otherwise from the application data, e.g. who sent the TLS ClientHello), 1 the
 * server.
 */

export type Side = 0 | 1;

export interface Endpoint {
  ip: string;
  port: number;
}

export type CloseReason = 'fin' | 'rst' | 'idle' | 'end-of-capture' | 'evicted' | 'reused';

export interface DirectionStats {
  packets: number;
  /** Payload bytes delivered in order (each byte once). */
  bytes: number;
  retransmissions: number;
  /** Bytes of segments that overlapped earlier data with different content (first data wins). */
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
  closeReason?: CloseReason;
  /** Non-fatal oddities (capped; `warningsDropped` counts the rest). */
  warnings: string[];
  warningsDropped: number;
}

/** In-order bytes of one direction. `bytes` is a view valid during the call only: copy to keep. */
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
  /** A FIN or RST arrived from `side` (in sequence order for FIN). */
  end(side: Side, how: 'fin' | 'rst', frame: number, tsSec: number, tsNsec: number): void;
  /** The connection is over (ReassemblyComplete): no more calls follow. */
  complete(conn: TcpConnection): void;
}

export type StreamConsumerFactory = (conn: TcpConnection) => StreamConsumer;

export interface ReassemblyLimits {
  /** Max out-of-order bytes buffered per direction (oldest evicted first → gap + warning). */
  maxBufferedPerDirection: number;
  /** Max out-of-order bytes buffered over all connections. */
  maxBufferedTotal: number;
  /** Connections with no packet for this many seconds of capture time are completed ('idle');
   * 0 disables. */
  idleTimeoutSec: number;
  /** Max connections tracked at once (oldest idle evicted first). */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ReassemblyLimits = {
  maxBufferedPerDirection: 4 * 1024 * 1024,
  maxBufferedTotal: 256 * 1024 * 1024,
  idleTimeoutSec: 0,
  maxConnections: 1_000_000,
};

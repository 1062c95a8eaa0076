/**
 * Net stage: link / IP / TCP header decoding. Input: one captured frame; output: a TCP segment
 * decoded into a caller-owned, reusable object (gopacket's DecodingLayer idea: no allocation per
 * packet beyond what is unavoidable). Payload and addresses are views into the frame bytes.
 */

export type DecodeStatus =
  | 'tcp' // `out` holds a TCP segment
  | 'not-tcp' // a well-formed packet of another protocol (UDP, ARP, ICMP ...): counted and skipped
  | 'unsupported-link' // link type we do not decode
  | 'fragment' // IPv4/IPv6 fragment (flagged, not reassembled)
  | 'malformed'; // damaged headers: `out.error` says what, in gopacket style

export interface TcpSegment {
  ipVersion: 4 | 6;
  /** Raw source / destination addresses: 4 bytes (IPv4) or 16 bytes (IPv6), views. */
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit sequence / acknowledgement numbers. */
  seq: number;
  ack: number;
  /** TCP flags byte (+ NS bit as 0x100). */
  flags: number;
  window: number;
  /** TCP payload, a view; trimmed to the IP length (Ethernet padding removed), and cut short when
   * the frame was snaplen-truncated (see payloadTruncated). */
  payload: Uint8Array;
  /** Payload length according to the IP header (>= payload.length). */
  payloadLength: number;
  payloadTruncated: boolean;
  /** Outermost VLAN id if any, else -1. */
  vlan: number;
  /** Set when status is 'malformed' (and for non-fatal oddities otherwise, else ''). */
  error: string;
}

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  NS: 0x100,
} as const;

/**
 * What `decodePacket` fills in: the TcpSegment plus where the layers start and what a skipped
 * packet carried (so counters can say "12 UDP, 3 ARP"). Create one with `newTcpSegment()` (a
 * DecodedTcpSegment, whose src/dst/payload views are made on first read) and reuse it for every
 * packet; every field is overwritten by each decode.
 */
export interface DecodedSegment extends TcpSegment {
  /** LINKTYPE_* the frame was decoded as. */
  linkType: number;
  /** Network-layer protocol as an EtherType (0x0800, 0x86dd, 0x0806 ...; values <= 1500 are an
   * 802.3 length field, i.e. LLC). Mapped from the address family for NULL/LOOP and from the
   * version nibble for raw IP; -1 when the link layer names no protocol we can map. */
  etherType: number;
  /** IPv4 protocol / last IPv6 next header reached (6 for TCP, 17 UDP ...); -1 before IP. */
  ipProtocol: number;
  /** Byte offsets in the frame of the IP header, TCP header and TCP payload; -1 if not reached. */
  ipOffset: number;
  tcpOffset: number;
  payloadOffset: number;
  /** TCP options (validated; a damaged option area sets `error` but keeps status 'tcp'):
   * MSS value or -1, window scale shift or -1, SACK permitted, timestamps (valid when
   * `hasTimestamps`). */
  mss: number;
  windowScale: number;
  sackPermitted: boolean;
  hasTimestamps: boolean;
  tsVal: number;
  tsEcr: number;
}

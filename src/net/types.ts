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

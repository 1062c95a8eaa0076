/**
 * UDP header (RFC 768) of a packet decodePacket returned as 'not-tcp' with IP protocol 17: fills
 * srcPort, dstPort and the payload view of the same reusable segment object. Allocates nothing.
 */
import type { DecodedTcpSegment } from './segment.js';

export const IPPROTO_UDP = 17;
const UDP_HEADER = 8;

export type UdpStatus = 'udp' | 'not-udp' | 'malformed';

/** Call after decodePacket(...) === 'not-tcp'. On 'malformed', `out.error` says why. */
export function decodeUdp(out: DecodedTcpSegment): UdpStatus {
  if (out.ipProtocol !== IPPROTO_UDP || out.l4Offset < 0) return 'not-udp';
  const d = out.frame;
  const o = out.l4Offset;
  const end = out.l4End; // end of the IP payload per the IP header (wire coordinates)
  const captured = Math.min(end, d.length);
  if (captured - o < UDP_HEADER) {
    out.error = `UDP header length ${UDP_HEADER} greater than ${end > d.length ? 'captured' : 'remaining'} ${Math.max(0, captured - o)} bytes`;
    return 'malformed';
  }
  out.srcPort = (d[o]! << 8) | d[o + 1]!;
  out.dstPort = (d[o + 2]! << 8) | d[o + 3]!;
  let len = (d[o + 4]! << 8) | d[o + 5]!;
  if (len === 0 && out.ipVersion === 6) len = end - o; // RFC 2675 jumbogram
  if (len < UDP_HEADER) {
    out.error = `UDP length ${len} less than the header length ${UDP_HEADER}`;
    return 'malformed';
  }
  if (len > end - o) {
    out.error = `UDP length ${len} greater than remaining ${end - o} bytes`;
    len = end - o;
  }
  out.payloadOffset = o + UDP_HEADER;
  out.payloadLength = len - UDP_HEADER;
  out.payloadEnd = Math.min(o + len, d.length);
  out.payloadTruncated = o + len > d.length;
  return 'udp';
}

/**
 * IPv4 and IPv6 headers (IPv6 with its extension-header chain). Internal to the net stage.
 *
 * Each decoder returns the length of the TCP segment according to the IP header (clipped to what
 * the frame could hold on the wire) with `out.tcpOffset` set, or a negative R_* code.
 */

import { R_FRAGMENT, R_MALFORMED, R_NOT_TCP, shortWord } from './link.js';
import type { DecodedTcpSegment } from './segment.js';

export const IPPROTO_TCP = 6;
/** At most this many IPv6 extension headers are walked before the packet is called malformed. */
export const MAX_IPV6_EXTENSION_HEADERS = 16;

const IPV4_MIN_HEADER = 20;
const IPV6_HEADER = 40;

/** Appends a non-fatal note to `out.error`. */
export function note(out: DecodedTcpSegment, message: string): void {
  out.error = out.error === '' ? message : `${out.error}; ${message}`;
}

/** `off`: start of the IPv4 header; `wire`: frame length on the wire (>= data.length). */
export function decodeIpv4(data: Uint8Array, off: number, wire: number, out: DecodedTcpSegment): number {
  const avail = data.length - off;
  out.ipVersion = 4;
  out.ipOffset = off;
  if (avail < IPV4_MIN_HEADER) {
    out.error = `IPv4 header length ${IPV4_MIN_HEADER} greater than ${shortWord(data, wire)} ${avail} bytes`;
    return R_MALFORMED;
  }
  const versionIhl = data[off]!;
  if (versionIhl >> 4 !== 4) {
    out.error = `IPv4 header has version ${versionIhl >> 4}`;
    return R_MALFORMED;
  }
  const hlen = (versionIhl & 0x0f) * 4;
  if (hlen < IPV4_MIN_HEADER) {
    out.error = `IPv4 header length ${hlen} less than ${IPV4_MIN_HEADER}`;
    return R_MALFORMED;
  }
  if (hlen > avail) {
    out.error = `IPv4 header length ${hlen} greater than ${shortWord(data, wire)} ${avail} bytes`;
    return R_MALFORMED;
  }
  const onWire = wire - off;
  let total = (data[off + 2]! << 8) | data[off + 3]!;
  if (total === 0) {
    // Captured on the sending host before segmentation offload split it (Wireshark does the same).
    total = onWire;
    note(out, 'IPv4 total length 0 (segmentation offload?): using the frame length');
  } else if (total < hlen) {
    out.error = `IPv4 total length ${total} less than header length ${hlen}`;
    return R_MALFORMED;
  } else if (total > onWire) {
    note(out, `IPv4 total length ${total} greater than remaining ${onWire} bytes`);
    total = onWire;
  }
  out.addrOffset = off + 12;
  out.addrLength = 4;
  const protocol = data[off + 9]!;
  out.ipProtocol = protocol;
  // More-fragments flag (0x2000) or a fragment offset: not reassembled.
  if ((((data[off + 6]! << 8) | data[off + 7]!) & 0x3fff) !== 0) return R_FRAGMENT;
  if (protocol !== IPPROTO_TCP) {
    out.l4Offset = off + hlen;
    out.l4End = off + total;
    return R_NOT_TCP;
  }
  out.tcpOffset = off + hlen;
  return total - hlen;
}

/** `off`: start of the IPv6 header; `wire`: frame length on the wire (>= data.length). */
export function decodeIpv6(data: Uint8Array, off: number, wire: number, out: DecodedTcpSegment): number {
  const avail = data.length - off;
  out.ipVersion = 6;
  out.ipOffset = off;
  if (avail < IPV6_HEADER) {
    out.error = `IPv6 header length ${IPV6_HEADER} greater than ${shortWord(data, wire)} ${avail} bytes`;
    return R_MALFORMED;
  }
  const version = data[off]! >> 4;
  if (version !== 6) {
    out.error = `IPv6 header has version ${version}`;
    return R_MALFORMED;
  }
  const onWire = wire - off - IPV6_HEADER;
  let payloadLength = (data[off + 4]! << 8) | data[off + 5]!;
  if (payloadLength === 0 && onWire > 0) {
    payloadLength = onWire;
    note(out, 'IPv6 payload length 0 (jumbogram or segmentation offload?): using the frame length');
  } else if (payloadLength > onWire) {
    note(out, `IPv6 payload length ${payloadLength} greater than remaining ${onWire} bytes`);
    payloadLength = onWire;
  }
  out.addrOffset = off + 8;
  out.addrLength = 16;
  const end = off + IPV6_HEADER + payloadLength; // end of the IPv6 packet, in frame coordinates
  let next = data[off + 6]!;
  let pos = off + IPV6_HEADER;
  for (let count = 0; ; count++) {
    let hlen: number;
    switch (next) {
      case IPPROTO_TCP:
        out.ipProtocol = IPPROTO_TCP;
        out.tcpOffset = pos;
        return end - pos;
      case 0: // hop-by-hop options
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: // shim6
      case 51: // AH: length in 4-byte units, minus 2
      case 44: {
        // fragment: fixed 8 bytes
        if (count === MAX_IPV6_EXTENSION_HEADERS) {
          out.error = `more than ${MAX_IPV6_EXTENSION_HEADERS} IPv6 extension headers`;
          return R_MALFORMED;
        }
        const need = next === 44 ? 8 : 2;
        if (end - pos < need) {
          out.error = `IPv6 extension header ${next} length ${need} greater than remaining ${end - pos} bytes`;
          return R_MALFORMED;
        }
        if (data.length - pos < need) {
          out.error = `IPv6 extension header ${next} length ${need} greater than captured ${data.length - pos} bytes`;
          return R_MALFORMED;
        }
        hlen = next === 44 ? 8 : next === 51 ? (data[pos + 1]! + 2) * 4 : (data[pos + 1]! + 1) * 8;
        if (hlen > end - pos) {
          out.error = `IPv6 extension header ${next} length ${hlen} greater than remaining ${end - pos} bytes`;
          return R_MALFORMED;
        }
        if (hlen > data.length - pos) {
          out.error = `IPv6 extension header ${next} length ${hlen} greater than captured ${data.length - pos} bytes`;
          return R_MALFORMED;
        }
        if (next === 44) {
          const offsetFlags = (data[pos + 2]! << 8) | data[pos + 3]!;
          // Fragment offset (upper 13 bits) or M flag (bit 0): a real fragment. Offset 0 and M=0
          // is an atomic fragment (RFC 6946): the whole packet, decode on.
          if ((offsetFlags & 0xfff9) !== 0) {
            out.ipProtocol = data[pos]!;
            return R_FRAGMENT;
          }
        }
        next = data[pos]!;
        pos += hlen;
        break;
      }
      default:
        // 59 (no next header), 50 (ESP: the rest is encrypted), UDP, ICMPv6, ...
        out.ipProtocol = next;
        out.l4Offset = pos;
        out.l4End = end;
        return R_NOT_TCP;
    }
  }
}

/** TCP header and options. Internal to the net stage. */

import { note } from './ip.js';
import type { DecodedTcpSegment } from './segment.js';
import type { DecodeStatus } from './types.js';

const TCP_MIN_HEADER = 20;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WINDOW_SCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_TIMESTAMPS = 8;

/**
 * Decodes the TCP header at `off`. `segLen` is the segment length according to the IP header
 * (already clipped to the frame's wire length); fewer bytes may have been captured.
 */
export function decodeTcp(data: Uint8Array, off: number, segLen: number, out: DecodedTcpSegment): DecodeStatus {
  const captured = data.length - off;
  if (segLen < TCP_MIN_HEADER) {
    out.error = `TCP header length ${TCP_MIN_HEADER} greater than remaining ${segLen} bytes`;
    return 'malformed';
  }
  if (captured < TCP_MIN_HEADER) {
    out.error = `TCP header length ${TCP_MIN_HEADER} greater than captured ${captured} bytes`;
    return 'malformed';
  }
  out.srcPort = (data[off]! << 8) | data[off + 1]!;
  out.dstPort = (data[off + 2]! << 8) | data[off + 3]!;
  out.seq = ((data[off + 4]! << 24) | (data[off + 5]! << 16) | (data[off + 6]! << 8) | data[off + 7]!) >>> 0;
  out.ack = ((data[off + 8]! << 24) | (data[off + 9]! << 16) | (data[off + 10]! << 8) | data[off + 11]!) >>> 0;
  const offsetByte = data[off + 12]!;
  out.flags = ((offsetByte & 0x01) << 8) | data[off + 13]!;
  out.window = (data[off + 14]! << 8) | data[off + 15]!;
  const hlen = (offsetByte >> 4) * 4;
  if (hlen < TCP_MIN_HEADER) {
    out.error = `TCP data offset ${hlen} less than ${TCP_MIN_HEADER}`;
    return 'malformed';
  }
  if (hlen > segLen) {
    out.error = `TCP data offset ${hlen} greater than remaining ${segLen} bytes`;
    return 'malformed';
  }
  out.tcpOffset = off;
  out.payloadOffset = off + hlen;
  if (hlen > captured) {
    // The wire frame held the options but the capture cut them (snaplen): the fixed header is
    // intact, so the segment still counts (a SYN stays a SYN); options are read as far as captured.
    note(out, `TCP data offset ${hlen} greater than captured ${captured} bytes (options cut by the capture)`);
    decodeOptions(data, off + TCP_MIN_HEADER, data.length, true, out);
    out.payloadEnd = out.payloadOffset;
    out.payloadLength = segLen - hlen;
    out.payloadTruncated = out.payloadLength > 0;
    return 'tcp';
  }
  if (hlen > TCP_MIN_HEADER) decodeOptions(data, off + TCP_MIN_HEADER, off + hlen, false, out);
  const start = off + hlen;
  const wireEnd = off + segLen;
  const end = wireEnd < data.length ? wireEnd : data.length;
  out.payloadEnd = end;
  out.payloadLength = segLen - hlen;
  out.payloadTruncated = end < wireEnd;
  return 'tcp';
}

/**
 * Walks the option area [p, end); damage is a note in `out.error`, never fatal. `cut`: the area
 * was cut short by the capture, so an option running past `end` is expected and not noted.
 */
function decodeOptions(data: Uint8Array, p: number, end: number, cut: boolean, out: DecodedTcpSegment): void {
  while (p < end) {
    const kind = data[p]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    if (cut && (end - p < 2 || data[p + 1]! > end - p)) return;
    if (end - p < 2) {
      note(out, `TCP option ${kind} has no length byte`);
      return;
    }
    const len = data[p + 1]!;
    if (len < 2) {
      note(out, `TCP option ${kind} length ${len} less than 2`);
      return;
    }
    if (len > end - p) {
      note(out, `TCP option ${kind} length ${len} greater than remaining ${end - p} bytes`);
      return;
    }
    switch (kind) {
      case OPT_MSS:
        if (len === 4) out.mss = (data[p + 2]! << 8) | data[p + 3]!;
        else badLength(out, kind, 'MSS', len, 4);
        break;
      case OPT_WINDOW_SCALE:
        if (len === 3) out.windowScale = data[p + 2]!;
        else badLength(out, kind, 'window scale', len, 3);
        break;
      case OPT_SACK_PERMITTED:
        if (len === 2) out.sackPermitted = true;
        else badLength(out, kind, 'SACK permitted', len, 2);
        break;
      case OPT_TIMESTAMPS:
        if (len === 10) {
          out.hasTimestamps = true;
          out.tsVal = ((data[p + 2]! << 24) | (data[p + 3]! << 16) | (data[p + 4]! << 8) | data[p + 5]!) >>> 0;
          out.tsEcr = ((data[p + 6]! << 24) | (data[p + 7]! << 16) | (data[p + 8]! << 8) | data[p + 9]!) >>> 0;
        } else badLength(out, kind, 'timestamps', len, 10);
        break;
      default:
        break; // SACK blocks, MD5, TCP-AO, MPTCP, Fast Open ...: skipped
    }
    p += len;
  }
}

function badLength(out: DecodedTcpSegment, kind: number, name: string, len: number, expected: number): void {
  note(out, `TCP option ${kind} (${name}) length ${len}, expected ${expected}`);
}

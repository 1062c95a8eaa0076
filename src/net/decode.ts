/**
 * decodePacket: one captured frame -> TCP segment, decoded into a caller-owned reusable object.
 * Allocates nothing per packet; the src, dst and payload views are made when first read.
 */

import { decodeIpv4, decodeIpv6 } from './ip.js';
import {
  decodeLink,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  R_FRAGMENT,
  R_MALFORMED,
  R_NOT_TCP,
} from './link.js';
import { decodeTcp } from './tcp-header.js';
import { DecodedTcpSegment } from './segment.js';
import type { Packet } from '../capture/types.js';
import type { DecodeStatus } from './types.js';

/** A fresh segment to pass to `decodePacket` again and again. */
export function newTcpSegment(): DecodedTcpSegment {
  return new DecodedTcpSegment();
}

function statusOf(code: number): DecodeStatus {
  if (code === R_MALFORMED) return 'malformed';
  if (code === R_NOT_TCP) return 'not-tcp';
  if (code === R_FRAGMENT) return 'fragment';
  return 'unsupported-link';
}

/**
 * Decodes one frame of LINKTYPE `linkType` into `out` (every field is overwritten).
 *
 * `wireLength` is the frame's length on the wire (Packet.originalLength). It tells snaplen
 * truncation (IP length fits the wire frame: payloadTruncated, payloadLength from the IP header)
 * from a bogus IP length (longer than the wire frame: a note in `out.error`, payloadLength clipped
 * to what the frame held). Defaults to `data.length`, i.e. the frame was captured whole.
 *
 * Never throws on any input. For statuses other than 'tcp' only `error`, `linkType`, `etherType`,
 * `ipProtocol`, `vlan`, the offsets and (once the IP header was read) `src`/`dst` are meaningful.
 */
export function decodePacket(
  linkType: number,
  data: Uint8Array,
  out: DecodedTcpSegment,
  wireLength: number = data.length,
): DecodeStatus {
  out.reset(data, linkType);
  const wire = wireLength > data.length ? wireLength : data.length;
  const net = decodeLink(linkType, data, wire, out);
  if (net < 0) return statusOf(net);
  let segLen: number;
  if (out.etherType === ETHERTYPE_IPV4) segLen = decodeIpv4(data, net, wire, out);
  else if (out.etherType === ETHERTYPE_IPV6) segLen = decodeIpv6(data, net, wire, out);
  else return 'not-tcp';
  if (segLen < 0) return statusOf(segLen);
  return decodeTcp(data, out.tcpOffset, segLen, out);
}

/** What the net stage reads of a captured packet. */
export type NetFrame = Pick<Packet, 'linkType' | 'data' | 'originalLength'>;

/**
 * decodePacket for a packet as the capture stage hands it over: link type, bytes and wire length
 * taken from the one value, so the wire length (snaplen truncation) is never left behind.
 */
export function decodeFrame(p: NetFrame, out: DecodedTcpSegment): DecodeStatus {
  return decodePacket(p.linkType, p.data, out, p.originalLength);
}

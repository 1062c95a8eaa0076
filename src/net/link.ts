/**
 * Link layer: finds where the network layer starts and which protocol it carries (as an EtherType).
 * Internal to the net stage; `decodePacket` in decode.ts is the public entry point.
 */

import { LinkType } from '../capture/types.js';
import type { DecodedTcpSegment } from './segment.js';

/** Internal result codes (negative numbers; a non-negative result is a byte offset or length). */
export const R_MALFORMED = -1;
export const R_NOT_TCP = -2;
export const R_FRAGMENT = -3;
export const R_UNSUPPORTED = -4;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ tag protocol identifiers still seen on some switches. */
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_QINQ_OLD2 = 0x9200;

/** At most this many stacked VLAN tags are walked before the frame is called malformed. */
export const MAX_VLAN_TAGS = 8;

/** BSD address families found in NULL/LOOP headers. */
const AF_INET = 2;
const AF_INET6_BSD = 24; // NetBSD, OpenBSD, BSD/OS
const AF_INET6_FREEBSD = 28; // FreeBSD, DragonFly BSD
const AF_INET6_DARWIN = 30; // macOS, iOS

/** ARPHRD_NETLINK: an SLL/SLL2 frame whose protocol field is a netlink family, not an EtherType. */
const ARPHRD_NETLINK = 824;

const ETH_HEADER = 14;
const SLL_HEADER = 16;
const SLL2_HEADER = 20;

let lastUnknownLinkType = Number.NaN; // NaN equals nothing, so the first unknown type (even -1) gets its message
let lastUnknownMessage = '';

/** "captured" when the capture cut the frame short, "remaining" when the frame itself was short. */
export function shortWord(data: Uint8Array, wire: number): string {
  return data.length < wire ? 'captured' : 'remaining';
}

/**
 * Decodes the link header of `data` as `linkType`. Returns the offset of the network layer (and
 * sets `out.etherType`, `out.vlan`), or a negative R_* code with `out.error` set when malformed.
 */
export function decodeLink(linkType: number, data: Uint8Array, wire: number, out: DecodedTcpSegment): number {
  const len = data.length;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (len < ETH_HEADER) {
        out.error = `Ethernet header length ${ETH_HEADER} greater than ${shortWord(data, wire)} ${len} bytes`;
        return R_MALFORMED;
      }
      return etherTypeChain(data, 12, ETH_HEADER, wire, out);
    case LinkType.LINUX_SLL:
      if (len < SLL_HEADER) {
        out.error = `Linux cooked (SLL) header length ${SLL_HEADER} greater than ${shortWord(data, wire)} ${len} bytes`;
        return R_MALFORMED;
      }
      if (((data[2]! << 8) | data[3]!) === ARPHRD_NETLINK) return R_NOT_TCP;
      return etherTypeChain(data, 14, SLL_HEADER, wire, out);
    case LinkType.LINUX_SLL2:
      if (len < SLL2_HEADER) {
        out.error = `Linux cooked (SLL2) header length ${SLL2_HEADER} greater than ${shortWord(data, wire)} ${len} bytes`;
        return R_MALFORMED;
      }
      if (((data[8]! << 8) | data[9]!) === ARPHRD_NETLINK) return R_NOT_TCP;
      return etherTypeChain(data, 0, SLL2_HEADER, wire, out);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (len < 4) {
        out.error = `BSD loopback header length 4 greater than ${shortWord(data, wire)} ${len} bytes`;
        return R_MALFORMED;
      }
      let family: number;
      if (linkType === LinkType.LOOP || (data[0]! | data[1]!) === 0) {
        family = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0; // network order
      } else {
        family = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0; // little-endian host
      }
      if (family === AF_INET) out.etherType = ETHERTYPE_IPV4;
      else if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) {
        out.etherType = ETHERTYPE_IPV6;
      } else return R_NOT_TCP;
      return 4;
    }
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14: {
      if (len < 1) {
        out.error = `raw IP header length 1 greater than ${shortWord(data, wire)} 0 bytes`;
        return R_MALFORMED;
      }
      const version = data[0]! >> 4;
      if (version === 4) out.etherType = ETHERTYPE_IPV4;
      else if (version === 6) out.etherType = ETHERTYPE_IPV6;
      else {
        out.error = `raw IP version ${version} is neither 4 nor 6`;
        return R_MALFORMED;
      }
      return 0;
    }
    case LinkType.IPV4:
      out.etherType = ETHERTYPE_IPV4;
      return 0;
    case LinkType.IPV6:
      out.etherType = ETHERTYPE_IPV6;
      return 0;
    default:
      if (linkType !== lastUnknownLinkType) {
        lastUnknownLinkType = linkType;
        lastUnknownMessage = `unknown link type ${linkType}`;
      }
      out.error = lastUnknownMessage;
      return R_UNSUPPORTED;
  }
}

function isVlanTag(type: number): boolean {
  return type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD || type === ETHERTYPE_QINQ_OLD2;
}

/**
 * Reads the EtherType at `typeOffset`, then walks stacked VLAN tags that start at `next` (each tag:
 * 2 bytes TCI, 2 bytes inner type). Returns the offset after the last tag.
 */
function etherTypeChain(data: Uint8Array, typeOffset: number, next: number, wire: number, out: DecodedTcpSegment): number {
  let type = (data[typeOffset]! << 8) | data[typeOffset + 1]!;
  let pos = next;
  let tags = 0;
  while (isVlanTag(type)) {
    if (tags === MAX_VLAN_TAGS) {
      out.error = `more than ${MAX_VLAN_TAGS} stacked VLAN tags`;
      return R_MALFORMED;
    }
    if (data.length - pos < 4) {
      out.error = `VLAN tag length 4 greater than ${shortWord(data, wire)} ${data.length - pos} bytes`;
      return R_MALFORMED;
    }
    if (tags === 0) out.vlan = ((data[pos]! << 8) | data[pos + 1]!) & 0x0fff;
    type = (data[pos + 2]! << 8) | data[pos + 3]!;
    pos += 4;
    tags++;
  }
  out.etherType = type;
  if (type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6) return R_NOT_TCP;
  return pos;
}

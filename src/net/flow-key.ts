/**
 * Connection keys: the same string for both directions of a TCP connection, cheap per packet.
 *
 * The key is the (address, port) of the lower endpoint followed by the higher one, each address
 * packed two bytes per UTF-16 code unit: 6 code units for IPv4, 18 for IPv6 (so the two families
 * never collide). It is opaque (it may hold lone surrogates): a Map key, not text to show or
 * serialise; use formatEndpoint for people. VLAN ids are not part of the key (Wireshark's tcp.stream
 * ignores them too).
 */

import { DecodedTcpSegment } from './segment.js';
import type { TcpSegment } from './types.js';

export interface FlowKey {
  key: string;
  /** True when the segment goes from the key's first endpoint (the lower one) to its second. */
  forward: boolean;
}

export function newFlowKey(): FlowKey {
  return { key: '', forward: true };
}

/**
 * Where the two addresses are read from: the frame itself for a decoded segment (no views made),
 * else seg.src / seg.dst. Module-level scratch, so computing a key allocates nothing but the string.
 */
let srcBytes: Uint8Array = new Uint8Array(0);
let dstBytes: Uint8Array = srcBytes;
let srcAt = 0;
let dstAt = 0;
let srcLen = 0;
let dstLen = 0;

function locate(seg: TcpSegment): void {
  if (seg instanceof DecodedTcpSegment && seg.addressesInFrame()) {
    srcBytes = dstBytes = seg.frame;
    srcAt = seg.addrOffset;
    srcLen = dstLen = seg.addrLength;
    dstAt = srcAt + srcLen;
  } else {
    srcBytes = seg.src;
    dstBytes = seg.dst;
    srcAt = dstAt = 0;
    srcLen = srcBytes.length;
    dstLen = dstBytes.length;
  }
}

/** (src, srcPort) compared with (dst, dstPort) after locate(): negative, zero or positive. */
function compareEndpoints(seg: TcpSegment): number {
  const n = srcLen < dstLen ? srcLen : dstLen;
  for (let i = 0; i < n; i++) {
    const d = srcBytes[srcAt + i]! - dstBytes[dstAt + i]!;
    if (d !== 0) return d;
  }
  if (srcLen !== dstLen) return srcLen - dstLen;
  return seg.srcPort - seg.dstPort;
}

function u16(a: Uint8Array, i: number): number {
  return (a[i]! << 8) | a[i + 1]!;
}

function pack(lo: Uint8Array, l: number, loLen: number, loPort: number, hi: Uint8Array, h: number, hiLen: number, hiPort: number): string {
  if (loLen === 4 && hiLen === 4) {
    return String.fromCharCode(u16(lo, l), u16(lo, l + 2), loPort, u16(hi, h), u16(hi, h + 2), hiPort);
  }
  if (loLen === 16 && hiLen === 16) {
    return String.fromCharCode(
      u16(lo, l), u16(lo, l + 2), u16(lo, l + 4), u16(lo, l + 6), u16(lo, l + 8), u16(lo, l + 10), u16(lo, l + 12), u16(lo, l + 14), loPort,
      u16(hi, h), u16(hi, h + 2), u16(hi, h + 4), u16(hi, h + 6), u16(hi, h + 8), u16(hi, h + 10), u16(hi, h + 12), u16(hi, h + 14), hiPort,
    );
  }
  // Not a decoded segment (mixed or odd address lengths): still a unique, symmetric key.
  let s = `${loLen}/${hiLen}:`;
  for (let i = 0; i < loLen; i++) s += String.fromCharCode(lo[l + i]!);
  s += String.fromCharCode(loPort);
  for (let i = 0; i < hiLen; i++) s += String.fromCharCode(hi[h + i]!);
  return s + String.fromCharCode(hiPort);
}

function keyOf(seg: TcpSegment, forward: boolean): string {
  return forward
    ? pack(srcBytes, srcAt, srcLen, seg.srcPort, dstBytes, dstAt, dstLen, seg.dstPort)
    : pack(dstBytes, dstAt, dstLen, seg.dstPort, srcBytes, srcAt, srcLen, seg.srcPort);
}

/** Fills `out` with the segment's connection key and direction; returns `out`. */
export function computeFlowKey(seg: TcpSegment, out: FlowKey): FlowKey {
  locate(seg);
  const forward = compareEndpoints(seg) <= 0;
  out.key = keyOf(seg, forward);
  out.forward = forward;
  return out;
}

/** The connection key alone (same for both directions). */
export function flowKey(seg: TcpSegment): string {
  locate(seg);
  return keyOf(seg, compareEndpoints(seg) <= 0);
}

/** True when `seg` goes from the key's first endpoint to its second (see FlowKey.forward). */
export function isForward(seg: TcpSegment): boolean {
  locate(seg);
  return compareEndpoints(seg) <= 0;
}

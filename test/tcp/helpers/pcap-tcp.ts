/**
 * Test-only reader: classic pcap (both byte orders, us/ns) + Ethernet (with 802.1Q/802.1ad tags),
 * Linux cooked (SLL), raw IPv4/IPv6, then IPv4/IPv6 (extension headers skipped) and TCP, giving
 * TcpSegment values. Deliberately minimal and independent of src/capture and src/net.
 */
import { readFileSync } from 'node:fs';
import type { TcpSegment } from '../../../src/net/types.js';

export interface PcapTcpPacket {
  frame: number;
  tsSec: number;
  tsNsec: number;
  seg: TcpSegment;
}

export interface PcapFrame {
  frame: number;
  tsSec: number;
  tsNsec: number;
  data: Uint8Array;
  originalLength: number;
}

/** Every record of a classic pcap file, frames numbered from 1. */
export function readPcapFrames(path: string): { linkType: number; frames: PcapFrame[] } {
  const buf = readFileSync(path);
  const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magicLE = dv.getUint32(0, true);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nano = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = dv.getUint32(0, false);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) throw new Error(`${path}: not a classic pcap file`);
    le = false;
    nano = magicBE === 0xa1b23c4d;
  }
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  const frames: PcapFrame[] = [];
  for (let off = 24; off + 16 <= b.length; ) {
    const tsSec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    const orig = dv.getUint32(off + 12, le);
    const data = b.subarray(off + 16, Math.min(b.length, off + 16 + incl));
    off += 16 + incl;
    frames.push({ frame: frames.length + 1, tsSec, tsNsec: nano ? frac : frac * 1000, data, originalLength: orig });
  }
  return { linkType, frames };
}

/** TCP segments of a classic pcap file, decoded by this helper's own minimal decoder. */
export function readPcapTcp(path: string): { packets: PcapTcpPacket[]; frames: number } {
  const { linkType, frames } = readPcapFrames(path);
  const packets: PcapTcpPacket[] = [];
  for (const f of frames) {
    const seg = decode(f.data, linkType);
    if (seg !== null) packets.push({ frame: f.frame, tsSec: f.tsSec, tsNsec: f.tsNsec, seg });
  }
  return { packets, frames: frames.length };
}

function decode(d: Uint8Array, linkType: number): TcpSegment | null {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let p = 0;
  let etherType: number;
  let vlan = -1;
  if (linkType === 1) {
    if (d.length < 14) return null;
    etherType = dv.getUint16(12);
    p = 14;
    while ((etherType === 0x8100 || etherType === 0x88a8) && p + 4 <= d.length) {
      if (vlan < 0) vlan = dv.getUint16(p) & 0xfff;
      etherType = dv.getUint16(p + 2);
      p += 4;
    }
  } else if (linkType === 113) {
    if (d.length < 16) return null;
    etherType = dv.getUint16(14);
    p = 16;
  } else if (linkType === 101 || linkType === 228 || linkType === 229) {
    etherType = d.length > 0 && d[0]! >> 4 === 6 ? 0x86dd : 0x0800;
  } else {
    return null;
  }
  let src: Uint8Array;
  let dst: Uint8Array;
  let ipEnd: number;
  let ipVersion: 4 | 6;
  if (etherType === 0x0800) {
    if (p + 20 > d.length) return null;
    const ihl = (d[p]! & 0x0f) * 4;
    const total = dv.getUint16(p + 2);
    const fragOff = dv.getUint16(p + 6) & 0x3fff;
    if (d[p + 9] !== 6 || fragOff !== 0) return null;
    src = d.subarray(p + 12, p + 16);
    dst = d.subarray(p + 16, p + 20);
    ipEnd = p + total;
    p += ihl;
    ipVersion = 4;
  } else if (etherType === 0x86dd) {
    if (p + 40 > d.length) return null;
    let next = d[p + 6]!;
    ipEnd = p + 40 + dv.getUint16(p + 4);
    src = d.subarray(p + 8, p + 24);
    dst = d.subarray(p + 24, p + 40);
    p += 40;
    while (next === 0 || next === 43 || next === 60) {
      if (p + 2 > d.length) return null;
      next = d[p]!;
      p += (d[p + 1]! + 1) * 8;
    }
    if (next !== 6) return null;
    ipVersion = 6;
  } else {
    return null;
  }
  if (p + 20 > d.length) return null;
  const dataOffset = (d[p + 12]! >> 4) * 4;
  const payloadStart = p + dataOffset;
  const wireLen = Math.max(0, ipEnd - payloadStart);
  const capEnd = Math.min(d.length, ipEnd);
  const payload = d.subarray(Math.min(payloadStart, capEnd), capEnd);
  return {
    ipVersion,
    src,
    dst,
    srcPort: dv.getUint16(p),
    dstPort: dv.getUint16(p + 2),
    seq: dv.getUint32(p + 4),
    ack: dv.getUint32(p + 8),
    flags: dv.getUint16(p + 12) & 0x1ff,
    window: dv.getUint16(p + 14),
    payload,
    payloadLength: wireLen,
    payloadTruncated: payload.length < wireLen,
    vlan,
    error: '',
  };
}

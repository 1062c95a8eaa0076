/**
 * QUIC packet headers (RFC 9000 §17; v2 type bits RFC 9369 §3.2): long headers (Initial, 0-RTT,
 * Handshake, Retry, Version Negotiation) and short (1-RTT) headers, coalesced packets in one UDP
 * datagram, header protection removal and payload decryption. Every length is checked against the
 * datagram; problems come back as a reason string, never as an exception.
 */
import { WireReader } from './wire.js';
import { copyBytes } from '../net/bytes.js';
import { assumedV1, quicVersion, type LongType, type PacketKeys, type QuicVersion } from './protection.js';

export const MAX_CID = 20;

export interface LongHeader {
  form: 'long';
  /** 'VersionNegotiation' when version is 0. */
  type: LongType | 'VersionNegotiation';
  version: number;
  /** Parameters used to read it (assumed v1 for an unknown version). */
  params: QuicVersion;
  known: boolean;
  dcid: Uint8Array;
  scid: Uint8Array;
  token?: Uint8Array;
  /** Offset of the (protected) packet number in the datagram; -1 for Retry / VN. */
  pnOffset: number;
  /** Offset of the packet's first byte and one past its last (coalesced packets follow). */
  start: number;
  end: number;
  /** Version Negotiation: the versions offered. */
  versions?: number[];
}

export interface ShortHeader {
  form: 'short';
  type: '1-RTT';
  dcid: Uint8Array;
  pnOffset: number;
  start: number;
  end: number;
}

export type PacketHeader = LongHeader | ShortHeader;

const MAX_VN_VERSIONS = 64;

/**
 * The long header at `off`, or a reason string. The datagram holds more packets when `end` is
 * below its length (coalesced, RFC 9000 §12.2).
 */
export function parseLongHeader(d: Uint8Array, off: number): LongHeader | string {
  const r = new WireReader(d, off);
  const first = r.u8();
  const version = r.u32('version');
  const dl = r.u8('DCID length');
  if (r.bad) return `long header: ${r.bad}`;
  if (dl > MAX_CID && version !== 0) return `long header: DCID length ${dl} greater than ${MAX_CID}`;
  const dcid = r.bytes(dl, 'DCID');
  const sl = r.u8('SCID length');
  if (sl > MAX_CID && version !== 0) return `long header: SCID length ${sl} greater than ${MAX_CID}`;
  const scid = r.bytes(sl, 'SCID');
  if (r.bad) return `long header: ${r.bad}`;
  const known = quicVersion(version);
  const params = known ?? assumedV1(version);
  if (version === 0) {
    const versions: number[] = [];
    while (r.left >= 4 && versions.length < MAX_VN_VERSIONS) versions.push(r.u32());
    return { form: 'long', type: 'VersionNegotiation', version, params, known: true, dcid, scid, pnOffset: -1, start: off, end: d.length, versions };
  }
  // the fixed bit may be 0 when the peer advertised grease_quic_bit (RFC 9287): not checked
  const type = params.types[(first >> 4) & 3]!;
  const h: LongHeader = { form: 'long', type, version, params, known: known !== undefined, dcid, scid, pnOffset: -1, start: off, end: d.length };
  if (type === 'Retry') {
    if (r.left < 16) return `Retry: ${r.left} bytes left for token and the 16-byte integrity tag`;
    h.token = d.subarray(r.pos, d.length - 16);
    return h;
  }
  if (type === 'Initial') {
    const tl = r.varint('token length');
    h.token = r.bytes(tl, 'token');
  }
  const len = r.varint('length');
  if (r.bad) return `${type} header: ${r.bad}`;
  if (len > r.left) return `${type} packet length ${len} greater than the ${r.left} bytes left in the datagram`;
  if (len < 20) return `${type} packet length ${len} too short for a packet number and the header protection sample`;
  h.pnOffset = r.pos;
  h.end = r.pos + len;
  return h;
}

export interface Unprotected {
  pn: number;
  /** Decrypted frames (a copy). */
  payload: Uint8Array;
  /** Short header: key phase bit. */
  keyPhase: number;
}

/**
 * Removes header protection and decrypts (RFC 9001 §5.3-5.4). `largest` is the highest packet
 * number decrypted so far in this packet number space (-1: none) for packet number recovery.
 * Returns a reason string when the packet does not decrypt with these keys.
 */
export function unprotect(d: Uint8Array, h: PacketHeader, keys: PacketKeys, largest: number): Unprotected | string {
  const pnOff = h.pnOffset;
  if (pnOff + 4 + 16 > h.end) return 'packet too short for the header protection sample';
  const mask = keys.mask(d.subarray(pnOff + 4, pnOff + 20));
  const first = d[h.start]! ^ (mask[0]! & (h.form === 'long' ? 0x0f : 0x1f));
  const pnLen = (first & 3) + 1;
  const header = copyBytes(d, h.start, pnOff + pnLen); // a copy: the frame bytes stay as captured
  header[0] = first;
  let truncated = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = d[pnOff + i]! ^ mask[1 + i]!;
    header[pnOff - h.start + i] = b;
    truncated = truncated * 256 + b;
  }
  const pn = decodePacketNumber(largest, truncated, pnLen * 8);
  const payload = keys.open(pn, header, d.subarray(pnOff + pnLen, h.end));
  if (!payload) return 'AEAD authentication failed';
  return { pn, payload, keyPhase: (first >> 2) & 1 };
}

/** RFC 9000 Appendix A.3. */
export function decodePacketNumber(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits;
  const hwin = win / 2;
  const candidate = expected - (expected % win) + truncated; // (expected & ~mask) | truncated
  if (candidate <= expected - hwin && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}

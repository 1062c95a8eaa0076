/**
 * Tiny byte builders for hand-made frames. Field layouts follow the RFCs / tcpdump.org link-type
 * pages directly (not the decoder); checksums are left zero since nothing checks them.
 */

export type Bytes = Uint8Array | number[];

export function cat(...parts: Bytes[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const le32 = (v: number): number[] => be32(v).reverse();

export interface TcpOpts {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  /** 9 bits: NS in bit 8. */
  flags?: number;
  window?: number;
  /** Option bytes; padded with EOL to a multiple of 4 unless `dataOffset` is forced. */
  options?: number[];
  payload?: Bytes;
  /** Data offset in 32-bit words, to forge a bogus one. */
  dataOffset?: number;
}

export function tcp(o: TcpOpts = {}): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const doff = o.dataOffset ?? 5 + opts.length / 4;
  const flags = o.flags ?? 0x18;
  return cat(
    be16(o.sport ?? 40000),
    be16(o.dport ?? 443),
    be32(o.seq ?? 1000),
    be32(o.ack ?? 2000),
    [(doff << 4) | ((flags >> 8) & 1), flags & 0xff],
    be16(o.window ?? 65535),
    [0, 0, 0, 0], // checksum, urgent pointer
    opts,
    o.payload ?? [],
  );
}

export interface Ipv4Opts {
  src?: number[];
  dst?: number[];
  protocol?: number;
  /** Option bytes (padded to a multiple of 4 with EOL). */
  options?: number[];
  /** Forged total length (default: the real one). */
  totalLength?: number;
  /** Flags (3 bits) << 13 | fragment offset (8-byte units). */
  flagsFragment?: number;
  /** Forged IHL in 32-bit words. */
  ihl?: number;
  version?: number;
}

export function ipv4(payload: Bytes, o: Ipv4Opts = {}): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const ihl = o.ihl ?? 5 + opts.length / 4;
  const total = o.totalLength ?? 20 + opts.length + payload.length;
  return cat(
    [((o.version ?? 4) << 4) | ihl, 0],
    be16(total),
    be16(0x1234), // identification
    be16(o.flagsFragment ?? 0x4000), // DF
    [64, o.protocol ?? 6],
    [0, 0], // checksum
    o.src ?? [192, 0, 2, 1],
    o.dst ?? [198, 51, 100, 2],
    opts,
    payload,
  );
}

export const V6_SRC = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
export const V6_DST = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

export interface Ipv6Opts {
  src?: number[];
  dst?: number[];
  /** Next header of the fixed header (default TCP, 6). */
  next?: number;
  payloadLength?: number;
  version?: number;
}

/** `payload` includes any extension headers. */
export function ipv6(payload: Bytes, o: Ipv6Opts = {}): Uint8Array {
  return cat(
    [(o.version ?? 6) << 4, 0, 0, 0],
    be16(o.payloadLength ?? payload.length),
    [o.next ?? 6, 64],
    o.src ?? V6_SRC,
    o.dst ?? V6_DST,
    payload,
  );
}

/** Generic extension header (hop-by-hop, routing, destination options, mobility, HIP, shim6):
 * next header, Hdr Ext Len in 8-octet units not counting the first 8. `body` is padded to fit. */
export function extHeader(next: number, body: number[] = []): number[] {
  const bytes = [next, 0, ...body];
  while (bytes.length % 8 !== 0) bytes.push(0);
  bytes[1] = bytes.length / 8 - 1;
  return bytes;
}

/** AH (RFC 4302): Payload Len in 4-octet units minus 2; 12 fixed bytes + ICV. */
export function authHeader(next: number, icvLength = 12): number[] {
  const bytes = [next, 0, 0, 0, ...be32(0x100), ...be32(1), ...new Array<number>(icvLength).fill(0xaa)];
  bytes[1] = bytes.length / 4 - 2;
  return bytes;
}

/** Fragment header (RFC 8200 4.5): offset in 8-octet units, M flag. */
export function fragmentHeader(next: number, offset: number, more: boolean, id = 0xdeadbeef): number[] {
  return [next, 0, ...be16((offset << 3) | (more ? 1 : 0)), ...be32(id)];
}

const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

/** Ethernet II; `tags` are [TPID, TCI] pairs, outermost first. */
export function ethernet(etherType: number, payload: Bytes, tags: [number, number][] = []): Uint8Array {
  const tagBytes = tags.flatMap(([tpid, tci]) => [...be16(tpid), ...be16(tci)]);
  return cat(MAC_B, MAC_A, tagBytes, be16(etherType), payload);
}

/** Linux cooked v1 (LINKTYPE_LINUX_SLL, 16 bytes). */
export function sll(protocol: number, payload: Bytes, arphrd = 1): Uint8Array {
  return cat(be16(0), be16(arphrd), be16(6), MAC_A, [0, 0], be16(protocol), payload);
}

/** Linux cooked v2 (LINKTYPE_LINUX_SLL2, 20 bytes). */
export function sll2(protocol: number, payload: Bytes, arphrd = 1): Uint8Array {
  return cat(be16(protocol), be16(0), be32(2), be16(arphrd), [0, 6], MAC_A, [0, 0], payload);
}

/** BSD NULL: 4-byte address family in the capturing host's byte order. */
export function nullLink(family: number, payload: Bytes, littleEndian: boolean): Uint8Array {
  return cat(littleEndian ? le32(family) : be32(family), payload);
}

/** OpenBSD LOOP: 4-byte address family in network byte order. */
export function loopLink(family: number, payload: Bytes): Uint8Array {
  return cat(be32(family), payload);
}

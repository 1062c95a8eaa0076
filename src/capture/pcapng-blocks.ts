/**
 * pcapng block-level helpers: block types, byte-order aware integer reads, block header checks and
 * Interface Description Block decoding. (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng)
 */
import { MICROSECONDS, resolutionFromOption, type TsResolution } from './timestamp.js';

export const BlockType = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  OPB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  DSB: 0x0000000a,
  CUSTOM_COPY: 0x00000bad,
  CUSTOM_NOCOPY: 0x40000bad,
} as const;

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Smallest block: type, total length, trailing total length. */
export const BLOCK_MIN = 12;
/** SHB: 12 + byte-order magic (4) + versions (4) + section length (8). */
export const SHB_MIN = 28;
/** Largest block accepted (bigger ones mean damage, not data). */
export const BLOCK_MAX = 16 * 1024 * 1024;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

export function readU32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function readU16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

/** Signed 64-bit integer as a Number (exact up to 2^53, which covers any real offset). */
export function readI64(b: Uint8Array, o: number, le: boolean): number {
  const hi = le ? readU32(b, o + 4, le) : readU32(b, o, le);
  const lo = le ? readU32(b, o, le) : readU32(b, o + 4, le);
  const signedHi = hi | 0;
  return signedHi * 4294967296 + lo;
}

/** The byte order a SHB declares (bytes 8..11 of the block), or null when the magic is wrong. */
export function shbByteOrder(b: Uint8Array, o: number): boolean | null {
  const be = readU32(b, o + 8, false);
  if (be === BYTE_ORDER_MAGIC) return false;
  if (readU32(b, o + 8, true) === BYTE_ORDER_MAGIC) return true;
  return null;
}

/** Outcome of reading the 12-byte block header: the block's length and byte order, or a problem. */
export interface BlockHeader {
  totalLength: number;
  littleEndian: boolean;
  problem: string | null;
}

/**
 * Reads and checks the first 12 bytes of a block at b[o..]. `sectionLe` is the current section's
 * byte order, or null before the first SHB.
 */
export function readBlockHeader(b: Uint8Array, o: number, sectionLe: boolean | null, out: BlockHeader): void {
  out.problem = null;
  const typeBe = readU32(b, o, false);
  let le: boolean;
  if (typeBe === BlockType.SHB) {
    const order = shbByteOrder(b, o);
    if (order === null) {
      out.problem = `section header block has no valid byte-order magic`;
      return;
    }
    le = order;
  } else if (sectionLe === null) {
    out.problem = `file does not start with a section header block (type 0x${hex8(typeBe)})`;
    return;
  } else {
    le = sectionLe;
  }
  const total = readU32(b, o + 4, le);
  out.totalLength = total;
  out.littleEndian = le;
  if (total % 4 !== 0) out.problem = `block total length ${total} is not a multiple of 4`;
  else if (total < BLOCK_MIN) out.problem = `block total length ${total} is below the minimum ${BLOCK_MIN}`;
  else if (total > BLOCK_MAX) out.problem = `block total length ${total} exceeds the maximum ${BLOCK_MAX}`;
  else if (typeBe === BlockType.SHB && total < SHB_MIN) {
    out.problem = `section header block total length ${total} is below the minimum ${SHB_MIN}`;
  }
}

export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** What the packet blocks need from an Interface Description Block. */
export interface PcapngInterface {
  linkType: number;
  snaplen: number;
  resolution: TsResolution;
  /** if_tsoffset: seconds added to every timestamp. */
  tsOffset: number;
}

/**
 * Decodes an IDB (block at b[o..o+len)). Option problems are returned as `problem` while the
 * interface itself stays usable with the options read so far.
 */
export function readInterface(
  b: Uint8Array,
  o: number,
  len: number,
  le: boolean,
): { iface: PcapngInterface | null; problem: string | null } {
  if (len < 20) return { iface: null, problem: `interface description block too short (${len} bytes)` };
  const iface: PcapngInterface = {
    linkType: readU16(b, o + 8, le),
    snaplen: readU32(b, o + 12, le),
    resolution: MICROSECONDS,
    tsOffset: 0,
  };
  const end = o + len - 4;
  let p = o + 16;
  while (p + 4 <= end) {
    const code = readU16(b, p, le);
    const optLen = readU16(b, p + 2, le);
    if (code === OPT_ENDOFOPT) break;
    const padded = (optLen + 3) & ~3;
    if (p + 4 + padded > end) {
      return { iface, problem: `interface option ${code} length ${optLen} exceeds the block (${end - p - 4} bytes left)` };
    }
    if (code === OPT_IF_TSRESOL) {
      if (optLen !== 1) return { iface, problem: `if_tsresol option length ${optLen}, expected 1` };
      const v = b[p + 4]!;
      if ((v & 0x7f) > 63 && (v & 0x80) !== 0) return { iface, problem: `if_tsresol 2^-${v & 0x7f} unsupported` };
      iface.resolution = resolutionFromOption(v);
    } else if (code === OPT_IF_TSOFFSET) {
      if (optLen !== 8) return { iface, problem: `if_tsoffset option length ${optLen}, expected 8` };
      iface.tsOffset = readI64(b, p + 4, le);
    }
    p += 4 + padded;
  }
  return { iface, problem: null };
}

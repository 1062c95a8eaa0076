/**
 * Test helpers: byte builders for pcap / pcapng files (written from the format specifications,
 * independently of the readers), chunked streams, and a sink that records copies of everything.
 */
import { Readable } from 'node:stream';
import type {
  CaptureSummary,
  CaptureWarning,
  DecryptionSecrets,
  PacketSink,
  PacketSource,
} from '../../src/capture/types.js';

// ---------- integers ----------

export function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

export function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

export function i64(v: bigint, le: boolean): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigInt64LE(v);
  else b.writeBigInt64BE(v);
  return b;
}

function pad4(b: Buffer): Buffer {
  const n = (4 - (b.length % 4)) % 4;
  return n === 0 ? b : Buffer.concat([b, Buffer.alloc(n)]);
}

// ---------- classic pcap ----------

export interface PcapRecordSpec {
  sec: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  frac: number;
  data: Buffer;
  /** Wire length (default data.length). */
  orig?: number;
  /** Captured length written in the header (default data.length): to forge damage. */
  caplen?: number;
}

export interface PcapSpec {
  le: boolean;
  nano?: boolean;
  linkType?: number;
  snaplen?: number;
  records: PcapRecordSpec[];
}

export function pcapHeader(spec: Omit<PcapSpec, 'records'>): Buffer {
  const { le } = spec;
  const magic = spec.nano === true ? 0xa1b23c4d : 0xa1b2c3d4;
  return Buffer.concat([
    u32(magic, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le),
    u32(spec.snaplen ?? 65535, le), u32(spec.linkType ?? 1, le),
  ]);
}

export function pcapRecord(r: PcapRecordSpec, le: boolean): Buffer {
  return Buffer.concat([
    u32(r.sec, le), u32(r.frac, le), u32(r.caplen ?? r.data.length, le), u32(r.orig ?? r.data.length, le), r.data,
  ]);
}

export function pcapFile(spec: PcapSpec): Buffer {
  return Buffer.concat([pcapHeader(spec), ...spec.records.map((r) => pcapRecord(r, spec.le))]);
}

// ---------- pcapng ----------

/** A generic block: type, body (padded to 4), lengths at both ends. */
export function block(type: number, body: Buffer, le: boolean): Buffer {
  const padded = pad4(body);
  const total = padded.length + 12;
  return Buffer.concat([u32(type, le), u32(total, le), padded, u32(total, le)]);
}

export function option(code: number, value: Buffer, le: boolean): Buffer {
  return Buffer.concat([u16(code, le), u16(value.length, le), pad4(value)]);
}

export function endOfOptions(le: boolean): Buffer {
  return Buffer.concat([u16(0, le), u16(0, le)]);
}

export function shb(le: boolean, options: Buffer[] = []): Buffer {
  const body = Buffer.concat([
    u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), i64(-1n, le),
    ...(options.length > 0 ? [...options, endOfOptions(le)] : []),
  ]);
  return block(0x0a0d0d0a, body, le);
}

export interface IdbSpec {
  linkType: number;
  snaplen?: number;
  /** if_tsresol byte. */
  tsresol?: number;
  /** if_tsoffset seconds. */
  tsoffset?: bigint;
}

export function idb(spec: IdbSpec, le: boolean): Buffer {
  const opts: Buffer[] = [];
  opts.push(option(2, Buffer.from('eth-test'), le)); // if_name, to be skipped
  if (spec.tsresol !== undefined) opts.push(option(9, Buffer.from([spec.tsresol]), le));
  if (spec.tsoffset !== undefined) opts.push(option(14, i64(spec.tsoffset, le), le));
  opts.push(endOfOptions(le));
  const body = Buffer.concat([u16(spec.linkType, le), u16(0, le), u32(spec.snaplen ?? 0, le), ...opts]);
  return block(1, body, le);
}

/** Splits a 64-bit unit count into the high/low words the packet blocks store. */
export function tsWords(units: bigint): [number, number] {
  return [Number(units >> 32n), Number(units & 0xffffffffn)];
}

export function epb(le: boolean, ifId: number, units: bigint, data: Buffer, orig = data.length): Buffer {
  const [hi, lo] = tsWords(units);
  const body = Buffer.concat([
    u32(ifId, le), u32(hi, le), u32(lo, le), u32(data.length, le), u32(orig, le), pad4(data),
    option(1, Buffer.from('a comment'), le), endOfOptions(le),
  ]);
  return block(6, body, le);
}

export function opb(le: boolean, ifId: number, units: bigint, data: Buffer, orig = data.length): Buffer {
  const [hi, lo] = tsWords(units);
  const body = Buffer.concat([
    u16(ifId, le), u16(0, le), u32(hi, le), u32(lo, le), u32(data.length, le), u32(orig, le), pad4(data),
  ]);
  return block(2, body, le);
}

export function spb(le: boolean, data: Buffer, orig = data.length): Buffer {
  return block(3, Buffer.concat([u32(orig, le), pad4(data)]), le);
}

export function dsb(le: boolean, secretsType: number, secrets: Buffer): Buffer {
  return block(0x0a, Buffer.concat([u32(secretsType, le), u32(secrets.length, le), pad4(secrets)]), le);
}

/** Name Resolution Block with one IPv4 record and the end record. */
export function nrb(le: boolean): Buffer {
  const rec = Buffer.concat([Buffer.from([127, 0, 0, 1]), Buffer.from('localhost\0')]);
  const body = Buffer.concat([u16(1, le), u16(rec.length, le), pad4(rec), u16(0, le), u16(0, le)]);
  return block(4, body, le);
}

/** Interface Statistics Block with if_recv / if_drop options. */
export function isb(le: boolean, ifId: number): Buffer {
  const body = Buffer.concat([
    u32(ifId, le), u32(0, le), u32(0, le),
    option(4, i64(100n, le), le), option(5, i64(3n, le), le), endOfOptions(le),
  ]);
  return block(5, body, le);
}

export function customBlock(le: boolean, copyable: boolean): Buffer {
  const body = Buffer.concat([u32(32473, le), Buffer.from('private data, 27 bytes long')]);
  return block(copyable ? 0x00000bad : 0x40000bad, body, le);
}

// ---------- streams and sinks ----------

/** A stream delivering `buf` in pieces of the given sizes (cycled). */
export function chunkedStream(buf: Buffer, sizes: number[]): Readable {
  const pieces: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < buf.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]!);
    pieces.push(Buffer.from(buf.subarray(pos, pos + n)));
    pos += n;
  }
  return Readable.from(pieces, { objectMode: false });
}

export interface RecordedPacket {
  frame: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  hex: string;
  length: number;
  originalLength: number;
  interfaceId: number;
}

export interface Recording {
  packets: RecordedPacket[];
  secrets: DecryptionSecrets[];
  warnings: CaptureWarning[];
  summary: CaptureSummary;
}

/** Runs a source to the end, copying everything it delivers. */
export async function record(src: PacketSource, onPacket?: (n: number) => void): Promise<Recording> {
  const packets: RecordedPacket[] = [];
  const secrets: DecryptionSecrets[] = [];
  const warnings: CaptureWarning[] = [];
  const sink: PacketSink = {
    packet(p) {
      // CaptureInfo invariant, checked for every source the tests read
      if (p.capturedLength !== p.data.length) throw new Error(`frame ${p.frame}: capturedLength ${p.capturedLength} but ${p.data.length} bytes`);
      packets.push({
        frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec, linkType: p.linkType,
        hex: Buffer.from(p.data).toString('hex'), length: p.data.length,
        originalLength: p.originalLength, interfaceId: p.interfaceId,
      });
      onPacket?.(packets.length);
    },
    secrets(s) {
      secrets.push({ ...s, data: new Uint8Array(s.data) });
    },
    warning(w) {
      warnings.push({ ...w });
    },
  };
  const summary = await src.run(sink);
  return { packets, secrets, warnings, summary };
}

/** Deterministic pseudo-random payload of n bytes. */
export function payload(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

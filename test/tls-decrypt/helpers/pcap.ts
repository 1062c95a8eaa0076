/**
 * Test-only reader for the clean loopback fixtures of test/fixtures/tls-decrypt: classic pcap,
 * Ethernet / IPv4 / TCP, one TCP connection, naive in-order concatenation per direction, then TLS
 * record splitting. Throws on anything unexpected: the fixtures are known-good, so a throw is a
 * broken fixture, not input to tolerate. (The real pipeline lives in src/capture, src/net, src/tcp.)
 */
import { readFileSync } from 'node:fs';

export interface TlsRecord {
  /** The 5-byte header. */
  header: Uint8Array;
  /** The bytes after the header (header length). */
  fragment: Uint8Array;
  contentType: number;
}

export interface Connection {
  clientPort: number;
  serverPort: number;
  /** In-order TCP payload, client -> server and server -> client. */
  client: Uint8Array;
  server: Uint8Array;
}

function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Raw frames of a classic pcap file with Ethernet link type. */
export function readPcapFrames(file: string): Uint8Array[] {
  const buf = new Uint8Array(readFileSync(file));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  let le: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error(`${file}: not a classic pcap file`);
  const linkType = dv.getUint32(20, le);
  if (linkType !== 1) throw new Error(`${file}: link type ${linkType}, expected 1 (Ethernet)`);
  const frames: Uint8Array[] = [];
  for (let off = 24; off + 16 <= buf.length;) {
    const incl = dv.getUint32(off + 8, le);
    const start = off + 16;
    if (start + incl > buf.length) throw new Error(`${file}: truncated record at ${off}`);
    frames.push(buf.subarray(start, start + incl));
    off = start + incl;
  }
  return frames;
}

interface Segment {
  srcPort: number;
  dstPort: number;
  seq: number;
  syn: boolean;
  payload: Uint8Array;
}

function tcpSegment(frame: Uint8Array): Segment | undefined {
  if (frame.length < 14 || u16(frame, 12) !== 0x0800) return undefined;
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[9] !== 6) return undefined;
  const total = u16(ip, 2);
  const tcp = ip.subarray(ihl, total);
  const dataOffset = (tcp[12]! >> 4) * 4;
  return {
    srcPort: u16(tcp, 0), dstPort: u16(tcp, 2), seq: u32(tcp, 4),
    syn: (tcp[13]! & 0x02) !== 0, payload: tcp.subarray(dataOffset),
  };
}

/** The single TCP connection of a fixture, each direction's payload concatenated in order. */
export function readConnection(file: string): Connection {
  const segments = readPcapFrames(file).map(tcpSegment).filter((s): s is Segment => s !== undefined);
  const syn = segments.find((s) => s.syn);
  if (!syn) throw new Error(`${file}: no SYN`);
  const clientPort = syn.srcPort;
  const serverPort = syn.dstPort;
  const next = new Map<number, number>();
  const parts = new Map<number, Uint8Array[]>([[clientPort, []], [serverPort, []]]);
  for (const s of segments) {
    if (s.syn) {
      next.set(s.srcPort, (s.seq + 1) >>> 0);
      continue;
    }
    if (s.payload.length === 0) continue;
    const expected = next.get(s.srcPort);
    if (expected === undefined) throw new Error(`${file}: data before SYN from port ${s.srcPort}`);
    const delta = (s.seq - expected) | 0;
    if (delta > 0) throw new Error(`${file}: gap of ${delta} bytes from port ${s.srcPort}`);
    if (-delta >= s.payload.length) continue; // retransmission
    parts.get(s.srcPort)!.push(s.payload.subarray(-delta));
    next.set(s.srcPort, (s.seq + s.payload.length) >>> 0);
  }
  return {
    clientPort, serverPort,
    client: Buffer.concat(parts.get(clientPort)!), server: Buffer.concat(parts.get(serverPort)!),
  };
}

/** Splits a direction's bytes into TLS records (the stream must end on a record boundary). */
export function splitRecords(stream: Uint8Array): TlsRecord[] {
  const records: TlsRecord[] = [];
  let off = 0;
  while (off < stream.length) {
    if (off + 5 > stream.length) throw new Error(`partial record header at ${off}`);
    const length = u16(stream, off + 3);
    const end = off + 5 + length;
    if (end > stream.length) throw new Error(`partial record at ${off}`);
    records.push({ header: stream.subarray(off, off + 5), fragment: stream.subarray(off + 5, end), contentType: stream[off]! });
    off = end;
  }
  return records;
}

/**
 * Minimal streaming pcapng writer for `live -w`: one Section Header Block, one Interface
 * Description Block, an Enhanced Packet Block per packet (nanosecond timestamps, if_tsresol=9),
 * and Decryption Secrets Blocks (TLS key log).
 *
 * Where the secrets go matters to Wireshark: tshark 4.0 (even with -2) uses a DSB only for the
 * handshakes whose ServerHello comes after it in the file (`tls-inspect file` takes DSBs anywhere).
 * A client writes its key log lines after it has received the ServerHello, so a live capture learns
 * them after the packets they are for. With `holdSec`, packets stay in memory that long (capture
 * time) before they are written, and writeSecrets() puts its DSB in front of every packet still
 * held: secrets that show up within `holdSec` land before the handshake they decrypt.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import type { Packet } from './types.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const DSB = 0x0000000a;
const TLS_KEY_LOG = 0x544c534b;
const CHUNK_SIZE = 1 << 20;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export interface PcapngWriterOptions {
  /** Keep packets this many seconds (of capture time) before writing them; 0 = write through. */
  holdSec?: number;
  /** Never hold more than this many bytes: the oldest are written first (default 64 MiB). */
  maxHeldBytes?: number;
}

/** Serialized EPBs, and the capture time (seconds) of the newest packet in them. */
interface Chunk {
  buf: Buffer;
  used: number;
  newest: number;
}

export class PcapngWriter {
  private fd: number;
  /** Chunks not written yet, oldest first; the last one is being filled. */
  private held: Chunk[] = [];
  private heldBytes = 0;
  private spare: Buffer | null = null;
  private readonly holdSec: number;
  private readonly maxHeldBytes: number;
  /** EPB header and trailer, reused for every packet. */
  private readonly epbHead = Buffer.alloc(28);
  private readonly epbTail = Buffer.alloc(8);
  packets = 0;

  constructor(
    readonly path: string,
    linkType: number,
    snaplen: number,
    opts: PcapngWriterOptions = {},
  ) {
    this.holdSec = Math.max(0, opts.holdSec ?? 0);
    this.maxHeldBytes = Math.max(CHUNK_SIZE, opts.maxHeldBytes ?? 64 * 1024 * 1024);
    this.fd = openSync(path, 'w');
    // SHB: type, length, byte-order magic, version 1.0, section length -1, no options
    const shb = Buffer.alloc(28);
    shb.writeUInt32LE(SHB, 0);
    shb.writeUInt32LE(28, 4);
    shb.writeUInt32LE(0x1a2b3c4d, 8);
    shb.writeUInt16LE(1, 12);
    shb.writeUInt16LE(0, 14);
    shb.writeBigInt64LE(-1n, 16);
    shb.writeUInt32LE(28, 24);
    // IDB with if_tsresol = 9 (nanoseconds)
    const idb = Buffer.alloc(32);
    idb.writeUInt32LE(IDB, 0);
    idb.writeUInt32LE(32, 4);
    idb.writeUInt16LE(linkType, 8);
    idb.writeUInt16LE(0, 10);
    idb.writeUInt32LE(snaplen, 12);
    idb.writeUInt16LE(9, 16); // if_tsresol
    idb.writeUInt16LE(1, 18);
    idb.writeUInt8(9, 20);
    idb.writeUInt16LE(0, 24); // opt_endofopt
    idb.writeUInt16LE(0, 26);
    idb.writeUInt32LE(32, 28);
    this.writeOut(Buffer.concat([shb, idb]));
  }

  /** Appends an EPB (copied at once: `p` and its data may be reused by the caller). */
  write(p: Packet): void {
    const capLen = p.data.length;
    const total = 32 + pad4(capLen);
    const ts = BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
    const h = this.epbHead;
    h.writeUInt32LE(EPB, 0);
    h.writeUInt32LE(total, 4);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(Number(ts >> 32n), 12);
    h.writeUInt32LE(Number(ts & 0xffffffffn), 16);
    h.writeUInt32LE(capLen, 20);
    h.writeUInt32LE(p.originalLength, 24);
    const padding = pad4(capLen) - capLen;
    const tail = this.epbTail;
    tail.fill(0, 0, padding);
    tail.writeUInt32LE(total, padding);
    const c = this.room(total);
    c.buf.set(h, c.used);
    c.buf.set(p.data, c.used + 28);
    c.buf.set(tail.subarray(0, padding + 4), c.used + 28 + capLen);
    c.used += total;
    c.newest = p.tsSec + p.tsNsec / 1e9;
    this.heldBytes += total;
    this.packets++;
    if (this.holdSec === 0) {
      if (c.used > CHUNK_SIZE - 64 * 1024) this.flush();
    } else {
      while (this.heldBytes > this.maxHeldBytes && this.held.length > 1) this.writeChunk();
    }
  }

  /** Writes a Decryption Secrets Block with NSS key log text ahead of every packet still held. */
  writeSecrets(keyLogText: string): void {
    if (this.holdSec === 0) this.flush(); // write-through: the DSB goes after the packets so far
    const data = Buffer.from(keyLogText, 'latin1');
    const total = 20 + pad4(data.length);
    const b = Buffer.alloc(total);
    b.writeUInt32LE(DSB, 0);
    b.writeUInt32LE(total, 4);
    b.writeUInt32LE(TLS_KEY_LOG, 8);
    b.writeUInt32LE(data.length, 12);
    data.copy(b, 16);
    b.writeUInt32LE(total, total - 4);
    this.writeOut(b);
  }

  /** Writes the held packets captured more than holdSec before `nowSec` (call it on a timer). */
  release(nowSec: number): void {
    const limit = nowSec - this.holdSec;
    while (this.held.length > 0 && this.held[0]!.newest <= limit) this.writeChunk();
  }

  /** Writes every held packet. */
  flush(): void {
    while (this.held.length > 0) this.writeChunk();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** The chunk to append `n` bytes to (a new one when the last is full). */
  private room(n: number): Chunk {
    const last = this.held[this.held.length - 1];
    if (last !== undefined && last.buf.length - last.used >= n) return last;
    let buf = this.spare !== null && this.spare.length >= n ? this.spare : null;
    this.spare = null;
    buf ??= Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n));
    const c: Chunk = { buf, used: 0, newest: 0 };
    this.held.push(c);
    return c;
  }

  private writeChunk(): void {
    const c = this.held.shift()!;
    if (c.used > 0) this.writeOut(c.buf.subarray(0, c.used));
    this.heldBytes -= c.used;
    if (c.buf.length === CHUNK_SIZE) this.spare = c.buf;
  }

  private writeOut(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
  }
}

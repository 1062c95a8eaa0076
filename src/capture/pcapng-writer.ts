/**
 * Minimal streaming pcapng writer for `live -w`: one Section Header Block, one Interface
 * Description Block, an Enhanced Packet Block per packet (nanosecond timestamps, if_tsresol=9),
 * and Decryption Secrets Blocks (TLS key log) — written at the end, where Wireshark and
 * `tls-inspect file` both read them.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import type { Packet } from './types.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const DSB = 0x0000000a;
const TLS_KEY_LOG = 0x544c534b;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class PcapngWriter {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  packets = 0;

  constructor(
    readonly path: string,
    linkType: number,
    snaplen: number,
  ) {
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
    this.append(shb);
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
    this.append(idb);
  }

  write(p: Packet): void {
    const capLen = p.data.length;
    const total = 32 + pad4(capLen);
    const ts = BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
    const h = Buffer.allocUnsafe(28);
    h.writeUInt32LE(EPB, 0);
    h.writeUInt32LE(total, 4);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(Number(ts >> 32n), 12);
    h.writeUInt32LE(Number(ts & 0xffffffffn), 16);
    h.writeUInt32LE(capLen, 20);
    h.writeUInt32LE(p.originalLength, 24);
    this.append(h);
    this.append(p.data);
    const padding = pad4(capLen) - capLen;
    const tail = Buffer.alloc(padding + 4);
    tail.writeUInt32LE(total, padding);
    this.append(tail);
    this.packets++;
  }

  /** Appends a Decryption Secrets Block with NSS key log text. */
  writeSecrets(keyLogText: string): void {
    const data = Buffer.from(keyLogText, 'latin1');
    const total = 20 + pad4(data.length);
    const b = Buffer.alloc(total);
    b.writeUInt32LE(DSB, 0);
    b.writeUInt32LE(total, 4);
    b.writeUInt32LE(TLS_KEY_LOG, 8);
    b.writeUInt32LE(data.length, 12);
    data.copy(b, 16);
    b.writeUInt32LE(total, total - 4);
    this.append(b);
  }

  flush(): void {
    if (this.used > 0) {
      writeSync(this.fd, this.buf, 0, this.used);
      this.used = 0;
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private append(b: Uint8Array): void {
    if (b.length > this.buf.length - this.used) this.flush();
    if (b.length > this.buf.length) {
      writeSync(this.fd, b);
      return;
    }
    this.buf.set(b, this.used);
    this.used += b.length;
  }
}

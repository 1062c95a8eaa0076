/**
 * Generators of hostile captures that target memory and output size (issue: hostile input at scale).
 * Each writes a classic pcap straight to a file, frame by frame, so a million connections need no
 * more memory in the generator than one frame. Built from the format specifications (test/fuzz/wire.ts).
 *
 * - synFlood: connections that send one SYN and nothing else.
 * - helloFlood: connections that complete the TCP handshake and send only a ClientHello.
 * - partialCertificateFlood: the server sends `fraction` of a Certificate message that claims
 *   `claimed` bytes, and the rest never comes.
 * - junkCertificateList: the client Certificate lists `entries` four-byte junk "certificates".
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { cat, certificate12, clientHello, handshake, record, serverHello, tcpFrame, u24, type Endpoint } from '../fuzz/wire.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

/** Streams pcap records to a file (little-endian, microseconds, Ethernet). */
export class PcapFileWriter {
  private readonly fd: number;
  private buf = Buffer.alloc(1 << 20);
  private used = 0;
  private usec = 0;
  frames = 0;
  bytes = 24;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(262144, 16);
    head.writeUInt32LE(1, 20);
    writeSync(this.fd, head);
  }

  frame(data: Uint8Array): void {
    if (this.used + 16 + data.length > this.buf.length) this.flush();
    if (16 + data.length > this.buf.length) this.buf = Buffer.alloc(16 + data.length);
    const t = this.usec++;
    this.buf.writeUInt32LE(1_700_000_000 + Math.floor(t / 1_000_000), this.used);
    this.buf.writeUInt32LE(t % 1_000_000, this.used + 4);
    this.buf.writeUInt32LE(data.length, this.used + 8);
    this.buf.writeUInt32LE(data.length, this.used + 12);
    this.buf.set(data, this.used + 16);
    this.used += 16 + data.length;
    this.frames++;
    this.bytes += 16 + data.length;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used);
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Client i: a distinct (address, port) pair for up to 2^24 connections. */
export function floodClient(i: number): Endpoint {
  return { ip: [10, (i >> 16) & 0xff, (i >> 8) & 0xff, 1 + (i % 250)], port: 1024 + (i % 60000) };
}
export const FLOOD_SERVER: Endpoint = { ip: [192, 0, 2, 1], port: 443 };

/** One connection's sender: frames with consistent sequence numbers, written as they are made. */
class Conn {
  private c = 1000;
  private s = 50_000;
  constructor(private readonly w: PcapFileWriter, private readonly cl: Endpoint, private readonly sv: Endpoint) {}
  open(): this {
    this.w.frame(tcpFrame(this.cl, this.sv, this.c, 0, SYN));
    this.w.frame(tcpFrame(this.sv, this.cl, this.s, this.c + 1, SYN | ACK));
    this.c++;
    this.s++;
    this.w.frame(tcpFrame(this.cl, this.sv, this.c, this.s, ACK));
    return this;
  }
  send(fromClient: boolean, bytes: Uint8Array, mss = 1448): this {
    for (let o = 0; o < bytes.length; o += mss) {
      const p = bytes.subarray(o, Math.min(bytes.length, o + mss));
      if (fromClient) {
        this.w.frame(tcpFrame(this.cl, this.sv, this.c, this.s, ACK | PSH, p));
        this.c += p.length;
      } else {
        this.w.frame(tcpFrame(this.sv, this.cl, this.s, this.c, ACK | PSH, p));
        this.s += p.length;
      }
    }
    return this;
  }
  close(): this {
    this.w.frame(tcpFrame(this.cl, this.sv, this.c, this.s, FIN | ACK));
    this.w.frame(tcpFrame(this.sv, this.cl, this.s, this.c + 1, FIN | ACK));
    return this;
  }
}

export function synFlood(path: string, n: number): PcapFileWriter {
  const w = new PcapFileWriter(path);
  for (let i = 0; i < n; i++) w.frame(tcpFrame(floodClient(i), FLOOD_SERVER, 1000 + i, 0, SYN));
  w.close();
  return w;
}

export function helloFlood(path: string, n: number): PcapFileWriter {
  const w = new PcapFileWriter(path);
  for (let i = 0; i < n; i++) {
    const random = new Uint8Array(32);
    new DataView(random.buffer).setUint32(0, i);
    new Conn(w, floodClient(i), FLOOD_SERVER).open().send(true, record(22, handshake(1, clientHello({ random }))));
  }
  w.close();
  return w;
}

/** Handshake records of at most 16,384 bytes carrying `msg` (a handshake message, maybe partial). */
function records(msg: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < msg.length; o += 16384) parts.push(record(22, msg.subarray(o, Math.min(msg.length, o + 16384))));
  return cat(...parts);
}

export function partialCertificateFlood(path: string, n: number, claimed = 1 << 20, fraction = 0.98): PcapFileWriter {
  const w = new PcapFileWriter(path);
  const sent = Math.floor(claimed * fraction);
  // Certificate header claiming `claimed` body bytes, then `sent` bytes of it
  const partial = cat(Uint8Array.of(11), u24(claimed), u24(claimed - 3), new Uint8Array(sent - 3).fill(0x30));
  const flight = cat(record(22, handshake(2, serverHello())), records(partial));
  for (let i = 0; i < n; i++) {
    const random = new Uint8Array(32);
    new DataView(random.buffer).setUint32(0, i);
    new Conn(w, floodClient(i), FLOOD_SERVER).open().send(true, record(22, handshake(1, clientHello({ random })))).send(false, flight);
  }
  w.close();
  return w;
}

/** One TLS 1.2 connection whose client Certificate declares a certificate_list of `declared` bytes
 * whose first entry claims 4,000 bytes, and carries 4: both lengths overrun the message. */
export function overrunCertificateList(path: string, declared = 5000): PcapFileWriter {
  const w = new PcapFileWriter(path);
  const body = cat(u24(declared), u24(4000), Uint8Array.of(0x30, 0x02, 0x01, 0x01));
  const serverFlight = cat(
    record(22, handshake(2, serverHello())),
    record(22, handshake(13, cat(Uint8Array.of(1, 1), Uint8Array.of(0, 2, 4, 1), Uint8Array.of(0, 0)))),
    record(22, handshake(14, new Uint8Array(0))),
  );
  new Conn(w, floodClient(0), FLOOD_SERVER)
    .open()
    .send(true, record(22, handshake(1, clientHello())))
    .send(false, serverFlight)
    .send(true, record(22, handshake(11, body)))
    .close();
  w.close();
  return w;
}

export function junkCertificateList(path: string, n: number, entries = 100_000): PcapFileWriter {
  const w = new PcapFileWriter(path);
  const junk = Array.from({ length: entries }, (_, i) => Uint8Array.of(0x30, 0x02, (i >> 8) & 0xff, i & 0xff));
  const clientFlight = records(handshake(11, certificate12(junk)));
  const serverFlight = cat(
    record(22, handshake(2, serverHello())),
    record(22, handshake(13, cat(Uint8Array.of(1, 1), Uint8Array.of(0, 2, 4, 1), Uint8Array.of(0, 0)))),
    record(22, handshake(14, new Uint8Array(0))),
  );
  for (let i = 0; i < n; i++) {
    const random = new Uint8Array(32);
    new DataView(random.buffer).setUint32(0, i);
    new Conn(w, floodClient(i), FLOOD_SERVER)
      .open()
      .send(true, record(22, handshake(1, clientHello({ random }))))
      .send(false, serverFlight)
      .send(true, clientFlight)
      .close();
  }
  w.close();
  return w;
}

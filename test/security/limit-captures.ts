/**
 * Captures that push one resource limit each, built byte by byte (test/fuzz/wire.ts):
 * - out-of-order data behind a hole (reassembly buffer, --max-buffer-mb),
 * - a Certificate message split over two records (handshake message size, --max-message-kb),
 * - several TLS connections open at once (--max-connections).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Flow, cat, certificate12, clientHello, handshake, pcapFile, record, serverHello, type Endpoint } from '../fuzz/wire.js';

const client = (i: number): Endpoint => ({ ip: [198, 51, 100, 1], port: 50000 + i });
const SERVER: Endpoint = { ip: [198, 51, 100, 2], port: 443 };

const file = (frames: Uint8Array[]) => pcapFile(frames.map((data, i) => ({ data, usec: i })));

/** A ClientHello, then `hole` bytes never sent, then `behind` bytes of application data records. */
export function outOfOrderCapture(hole: number, behind: number): Uint8Array {
  const f = new Flow(client(0), SERVER).handshake().send(true, record(22, handshake(1, clientHello())));
  const data = new Uint8Array(behind).fill(0x17);
  for (let o = 0; o < behind; o += 1400) f.sendAhead(true, hole + o, data.subarray(o, Math.min(behind, o + 1400)));
  return file(f.frames);
}

/** ClientHello / ServerHello, then a server Certificate message of `certs` copies of a DER
 * certificate, cut into two handshake records. Returns the capture and the message body length. */
export function splitCertificateCapture(certs = 3): { bytes: Uint8Array; bodyLength: number } {
  const pem = readFileSync(join(import.meta.dirname, 'fixtures', 'evil-ca.pem'), 'ascii');
  const der = new Uint8Array(Buffer.from(pem.split('-----')[2]!.replace(/\s+/g, ''), 'base64'));
  const body = certificate12(Array.from({ length: certs }, () => der));
  const msg = handshake(11, body);
  const half = msg.length >> 1;
  const f = new Flow(client(0), SERVER).handshake().send(true, record(22, handshake(1, clientHello())));
  f.send(false, cat(record(22, handshake(2, serverHello())), record(22, msg.subarray(0, half)), record(22, msg.subarray(half))));
  f.close();
  return { bytes: file(f.frames), bodyLength: body.length };
}

/** `n` TLS connections opened one after the other and all left open, then each sends a second
 * record, then all close. */
export function concurrentCapture(n: number): Uint8Array {
  const flows = Array.from({ length: n }, (_, i) => new Flow(client(i), SERVER, 1000 + i * 100_000));
  const frames: Uint8Array[] = [];
  const take = (f: Flow) => frames.push(...f.frames.splice(0));
  for (const f of flows) take(f.handshake().send(true, record(22, handshake(1, clientHello({ random: new Uint8Array(32).fill(f.client.port & 0xff) })))));
  for (const f of flows) take(f.send(false, record(22, handshake(2, serverHello()))));
  for (const f of flows) take(f.close());
  return file(frames);
}

/**
 * Throughput measurement (not part of `npm test`): npm run perf  (CAPTURE_BENCH_MB=N for the size)
 * Builds a big pcap (the zeek corpus records repeated) and its pcapng twin in the OS temp dir,
 * then reports packets/s for pcap through the capture stage, a plain reference loop over the same pcap
 * (to see what the reader costs), pcapng, and gzip of each.
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/capture/open.js';
import { epb, idb, shb } from '../capture/builders.js';

const TARGET_BYTES = Number(process.env.CAPTURE_BENCH_MB ?? 256) * 1024 * 1024;
const CORPUS = join(import.meta.dirname, '../fixtures/zeek');

interface Rec {
  sec: number;
  usec: number;
  data: Buffer;
  orig: number;
}

function corpusRecords(): Rec[] {
  const out: Rec[] = [];
  for (const f of readdirSync(CORPUS).filter((n) => n.endsWith('.pcap')).sort()) {
    const b = readFileSync(join(CORPUS, f));
    for (let o = 24; o + 16 <= b.length;) {
      const cap = b.readUInt32LE(o + 8);
      out.push({ sec: b.readUInt32LE(o), usec: b.readUInt32LE(o + 4), data: b.subarray(o + 16, o + 16 + cap), orig: b.readUInt32LE(o + 12) });
      o += 16 + cap;
    }
  }
  return out;
}

/** Writes pcap and pcapng files of about TARGET_BYTES; returns their paths and the packet count. */
function buildFiles(dir: string): { pcap: string; pcapng: string; packets: number } {
  const recs = corpusRecords();
  const pcapPath = join(dir, 'big.pcap');
  const ngPath = join(dir, 'big.pcapng');
  const fp = openSync(pcapPath, 'w');
  const fn = openSync(ngPath, 'w');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
  writeSync(fp, hdr);
  writeSync(fn, Buffer.concat([shb(true), idb({ linkType: 1 }, true)]));
  const pcapBlock = Buffer.concat(recs.map((r) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(r.sec, 0); h.writeUInt32LE(r.usec, 4); h.writeUInt32LE(r.data.length, 8); h.writeUInt32LE(r.orig, 12);
    return Buffer.concat([h, r.data]);
  }));
  const ngBlock = Buffer.concat(recs.map((r) => epb(true, 0, BigInt(r.sec) * 1_000_000n + BigInt(r.usec), r.data, r.orig)));
  let written = 24;
  let packets = 0;
  while (written < TARGET_BYTES) {
    writeSync(fp, pcapBlock);
    writeSync(fn, ngBlock);
    written += pcapBlock.length;
    packets += recs.length;
  }
  closeSync(fp);
  closeSync(fn);
  return { pcap: pcapPath, pcapng: ngPath, packets };
}

async function gzipFile(src: string): Promise<string> {
  await pipeline(createReadStream(src), createGzip({ level: 1 }), createWriteStream(`${src}.gz`));
  return `${src}.gz`;
}

async function timeSource(path: string): Promise<{ packets: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  const src = await openCaptureFile(path);
  let sum = 0;
  const s = await src.run({ packet: (p) => void (sum += p.data.length), secrets() {}, warning() {} });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  expect(sum).toBeGreaterThan(0);
  return { packets: s.packets, seconds };
}

/** A plain pcap loop (reference only: what the capture stage adds to reading the bytes). */
async function timeReferenceLoop(path: string): Promise<{ packets: number; seconds: number }> {
  const t0 = process.hrtime.bigint();
  let carry: Buffer | null = null;
  let packets = 0;
  let sum = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let buf: Buffer = carry !== null ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let o = first ? 24 : 0;
    first = false;
    while (o + 16 <= buf.length) {
      const cap = buf.readUInt32LE(o + 8);
      if (o + 16 + cap > buf.length) break;
      const view = buf.subarray(o + 16, o + 16 + cap);
      sum += view.length;
      packets++;
      o += 16 + cap;
    }
    carry = o < buf.length ? buf.subarray(o) : null;
    buf = Buffer.alloc(0);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  expect(sum).toBeGreaterThan(0);
  return { packets, seconds };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('capture throughput', () => {
  it('pcap, reference loop, pcapng, gzip', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-bench-'));
    dirs.push(dir);
    const { pcap, pcapng, packets } = buildFiles(dir);
    const pcapGz = await gzipFile(pcap);
    const ngGz = await gzipFile(pcapng);
    const rows: string[] = [];
    const report = (name: string, r: { packets: number; seconds: number }, path: string): void => {
      expect(r.packets).toBe(packets);
      const mb = statSync(path).size / 1048576;
      rows.push(`${name.padEnd(28)} ${r.packets} packets  ${r.seconds.toFixed(2)} s  ${(r.packets / r.seconds / 1e6).toFixed(2)} Mpkt/s  ${(mb / r.seconds).toFixed(0)} MiB/s`);
    };
    for (let round = 0; round < 2; round++) {
      rows.push(`round ${round + 1}`);
      report('pcap (in-place reader)', await timeSource(pcap), pcap);
      report('pcap reference loop', await timeReferenceLoop(pcap), pcap);
      report('pcapng', await timeSource(pcapng), pcapng);
      report('pcap.gz (in-place reader)', await timeSource(pcapGz), pcap);
      report('pcapng.gz', await timeSource(ngGz), pcapng);
    }
    console.log(rows.join('\n'));
  });
});

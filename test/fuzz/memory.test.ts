/**
 * No allocation beyond the bytes present: a header declaring a huge length (pcap record, pcapng
 * block, TLS record, handshake message) followed by 10 bytes must not make process memory grow by
 * anything like the declared length. (Findings that fail are in regressions.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { probePipeline, probeReader } from './memory-probe.js';
import { Flow, cat, clientHello, handshake, pcapFile, pcapngBlock, pcapngEpb, pcapngIdb, pcapngShb, record, u24 } from './wire.js';

const MB16 = 16 * 1024 * 1024;
const TEN = new Uint8Array(10).fill(0x41);
const CLIENT = { ip: [10, 0, 0, 1] as [number, number, number, number], port: 40000 };
const SERVER = { ip: [10, 0, 0, 2] as [number, number, number, number], port: 443 };

function pcapWithRecord(snaplen: number, caplen: number): Uint8Array {
  const file = pcapFile([], snaplen);
  const rec = Buffer.alloc(16);
  rec.writeUInt32LE(1_700_000_000, 0);
  rec.writeUInt32LE(caplen, 8);
  rec.writeUInt32LE(caplen, 12);
  return cat(file, rec, TEN);
}

/** A capture of one connection whose client sends `stream` (then nothing: the rest never comes). */
function oneConnection(stream: Uint8Array, port = 40000): Uint8Array[] {
  return new Flow({ ...CLIENT, port }, SERVER).handshake().send(true, stream).frames;
}

describe('declared lengths far beyond the data', () => {
  it('pcap record declaring 16 MiB (snaplen 16 MiB) with 10 bytes behind it', async () => {
    const p = await probeReader([pcapWithRecord(MB16, MB16)]);
    expect(p.warnings.join('\n')).toMatch(/truncated pcap record at offset 24: 10 of 16777216 captured bytes present/);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('pcap record declaring 16 MiB in a file with the usual snaplen: refused, nothing buffered', async () => {
    const p = await probeReader([pcapWithRecord(65535, MB16)]);
    expect(p.warnings.join('\n')).toMatch(/pcap record at offset 24: captured length 16777216 exceeds the maximum 262144/);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('pcap: 10 bytes trickling in 1-byte chunks after a 16 MiB record header', async () => {
    const bytes = pcapWithRecord(MB16, MB16);
    const pieces = [bytes.subarray(0, 40), ...Array.from(TEN, (_, i) => bytes.subarray(40 + i, 41 + i))];
    const p = await probeReader(pieces);
    expect(p.warnings.length).toBe(1);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('pcapng block declaring more than the 16 MiB maximum: refused before any allocation', async () => {
    const head = cat(pcapngShb(), pcapngIdb());
    const big = Buffer.alloc(8);
    big.writeUInt32LE(6, 0);
    big.writeUInt32LE(MB16 + 4, 4);
    const p = await probeReader([cat(head, big, TEN)]);
    expect(p.warnings.join('\n')).toMatch(/block total length 16777220 exceeds the maximum 16777216/);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('TLS record header declaring 65535 bytes (over the 18432 maximum) with 10 bytes behind it', async () => {
    const hello = record(22, handshake(1, clientHello()));
    const p = await probePipeline([pcapFile(oneConnection(cat(hello, Uint8Array.of(22, 3, 3, 0xff, 0xff), TEN)).map((data) => ({ data })))]);
    expect(p.warnings.join('\n')).toMatch(new RegExp(`record length 65535 exceeds the maximum 18432 at stream offset ${hello.length}`));
    expect(p.peakMb).toBeLessThan(8);
  });

  it('handshake header declaring 16 MiB - 1 (over the message limit) with 6 bytes behind it', async () => {
    const body = cat(Uint8Array.of(11), u24(0xffffff), TEN.subarray(0, 6));
    const p = await probePipeline([pcapFile(oneConnection(record(22, body)).map((data) => ({ data })))]);
    expect(p.warnings.join('\n')).toMatch(/handshake message type 11 length 16777215 exceeds the limit 1048576; skipped/);
    expect(p.peakMb).toBeLessThan(8);
  });

  it('a 16 MiB pcapng Decryption Secrets Block is bounded by its block, not by its declared secrets length', async () => {
    const body = cat(Uint8Array.of(0x4b, 0x53, 0x4c, 0x54), Uint8Array.of(0xff, 0xff, 0xff, 0x00), TEN, new Uint8Array(2));
    const p = await probeReader([cat(pcapngShb(), pcapngIdb(), pcapngBlock(0x0a, body), pcapngEpb(TEN))]);
    expect(p.warnings.join('\n')).toMatch(/decryption secrets block at offset \d+: secrets length 16777215 exceeds the block body \(12 bytes\); skipped/);
    expect(p.peakMb).toBeLessThan(4);
  });

  it('handshake messages split over records stay within --max-message-kb: a declared 1 MiB - 1 in one connection', async () => {
    // one connection may buffer one message of up to the limit (1 MiB by default): bounded
    const body = cat(Uint8Array.of(11), u24(0x0fffff), TEN.subarray(0, 6));
    const p = await probePipeline([pcapFile(oneConnection(record(22, body)).map((data) => ({ data })))]);
    expect(p.peakMb).toBeLessThan(8);
  });
});

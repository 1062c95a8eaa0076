import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openError } from '../../src/capture/input.js';
import { openCaptureFile } from '../../src/capture/open.js';
import { CaptureError } from '../../src/capture/types.js';
import { chunkedStream, epb, idb, payload, pcapFile, record, shb } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'tls-inspect-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const pcapBytes = pcapFile({
  le: true, records: [1, 2, 3].map((i) => ({ sec: 1000 + i, frac: i, data: payload(40 + i, i) })),
});
const pcapngBytes = Buffer.concat([
  shb(false), idb({ linkType: 1, tsresol: 9 }, false),
  ...[1, 2, 3].map((i) => epb(false, 0, 1_000_000_000_000n + BigInt(i), payload(40 + i, i))),
]);

async function rejection(p: Promise<unknown>): Promise<CaptureError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CaptureError);
  return err as CaptureError;
}

describe('openCaptureFile: format by magic number, never by name', () => {
  it('close() releases a capture that is never run (an error before the run): its descriptor is closed, a later run reads nothing', async () => {
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const src = await openCaptureFile(file('never-run.pcap', pcapBytes));
    expect(fds()).toBeGreaterThan(before);
    src.close();
    // the stream's destroy closes the descriptor on a later tick
    for (let i = 0; i < 50 && fds() > before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fds()).toBe(before);
    expect((await record(src)).summary.packets).toBe(0);
  });

  it('a pcapng file named .pcap and a pcap file named .pcapng', async () => {
    const a = await record(await openCaptureFile(file('really-pcapng.pcap', pcapngBytes)));
    const b = await record(await openCaptureFile(file('really-pcap.pcapng', pcapBytes)));
    expect([a.summary.kind, a.summary.packets, b.summary.kind, b.summary.packets]).toEqual(['pcapng', 3, 'pcap', 3]);
    expect(a.summary.path).toBe(join(dir, 'really-pcapng.pcap'));
  });

  it('gzip of pcap and of pcapng, whatever the name; bytes are counted decompressed', async () => {
    const a = await record(await openCaptureFile(file('pcap-gz.bin', gzipSync(pcapBytes))));
    const b = await record(await openCaptureFile(file('ng.pcapng', gzipSync(pcapngBytes)), { chunkSize: 64 }));
    expect(a.summary).toMatchObject({ kind: 'pcap', gzip: true, packets: 3, bytes: pcapBytes.length });
    expect(b.summary).toMatchObject({ kind: 'pcapng', gzip: true, packets: 3, bytes: pcapngBytes.length });
    expect(b.packets.map((p) => [p.tsSec, p.tsNsec])).toEqual([[1000, 1], [1000, 2], [1000, 3]]);
    expect(a.warnings).toEqual([]);
  });

  it('a truncated gzip file: packets before the damage, then warnings', async () => {
    const gz = gzipSync(pcapBytes);
    // Without the 8-byte trailer (CRC, size) the deflate data is complete: every packet is there.
    const a = await record(await openCaptureFile(file('cut-trailer.pcap.gz', gz.subarray(0, gz.length - 8))));
    expect(a.packets).toHaveLength(3);
    expect(a.warnings.map((w) => w.message)).toEqual([
      `gzip decompression failed after ${pcapBytes.length} bytes: unexpected end of file`,
    ]);
    // Cut in the middle: the packets decompressed so far, the gzip error, then the damaged record.
    const b = await record(await openCaptureFile(file('cut-middle.pcap.gz', gz.subarray(0, 100))));
    expect(b.packets.length).toBeLessThan(3);
    expect(b.warnings).toHaveLength(2);
    expect(b.warnings[0]!.message).toMatch(/^gzip decompression failed after \d+ bytes: unexpected end of file$/);
    expect(b.warnings[1]!.message).toMatch(/^truncated pcap record (header )?at offset \d+: /);
  });

  it('concatenated gzip members are read as one stream', async () => {
    const half = Math.floor(pcapBytes.length / 2);
    const gz = Buffer.concat([gzipSync(pcapBytes.subarray(0, half)), gzipSync(pcapBytes.subarray(half))]);
    const r = await record(await openCaptureFile(file('members.gz', gz)));
    expect(r.packets).toHaveLength(3);
    expect(r.warnings).toEqual([]);
  });

  it('stdin path: pcap, pcapng and gzip streams, in small chunks', async () => {
    for (const [bytes, kind] of [[pcapBytes, 'pcap'], [pcapngBytes, 'pcapng'], [gzipSync(pcapngBytes), 'pcapng']] as const) {
      const r = await record(await openCaptureFile('-', { stdin: chunkedStream(bytes, [3, 11]) }));
      expect(r.summary).toMatchObject({ kind, packets: 3 });
      expect(r.summary.path).toBeUndefined();
    }
  });

  it('yields to the event loop between chunks', async () => {
    const big = pcapFile({ le: true, records: Array.from({ length: 4000 }, (_, i) => ({ sec: i, frac: 0, data: payload(1000, i) })) });
    const src = await openCaptureFile(file('big.pcap', big), { chunkSize: 64 * 1024 });
    let ticks = 0;
    let running = true;
    const tick = (): void => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const r = await record(src);
    running = false;
    expect(r.packets).toHaveLength(4000);
    // ~62 chunks of 64 KiB: the loop must have turned at least once per few chunks.
    expect(ticks).toBeGreaterThan(30);
  });
});

describe('openCaptureFile: errors are one line for people', () => {
  it('missing file', async () => {
    const p = join(dir, 'nope.pcap');
    expect((await rejection(openCaptureFile(p))).message).toBe(`cannot open ${p}: no such file`);
  });

  it('a directory', async () => {
    expect((await rejection(openCaptureFile(dir))).message).toBe(`cannot open ${dir}: is a directory`);
  });

  it('an empty file, and an empty gzip stream', async () => {
    const p = file('empty.pcap', '');
    expect((await rejection(openCaptureFile(p))).message).toBe(`cannot open ${p}: empty file`);
    const g = file('empty.gz', gzipSync(Buffer.alloc(0)));
    expect((await rejection(openCaptureFile(g))).message).toBe(`cannot open ${g}: empty file (after gzip decompression)`);
  });

  it('garbage, short garbage, gzip of text, a pcapng magic without byte-order magic', async () => {
    const cases = [
      file('garbage.pcap', 'GET / HTTP/1.1\r\nHost: example\r\n\r\n'),
      file('short.pcap', Buffer.from([0xd4, 0xc3])),
      file('text.gz', gzipSync(Buffer.from('hello world, this is not a capture'))),
      file('fake.pcapng', Buffer.concat([Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]), Buffer.alloc(24)])),
    ];
    for (const p of cases) {
      expect((await rejection(openCaptureFile(p))).message).toBe(`not a pcap/pcapng file: ${p}`);
    }
    const err = await rejection(openCaptureFile('-', { stdin: chunkedStream(Buffer.from('plain text'), [4]) }));
    expect(err.message).toBe('not a pcap/pcapng file: stdin');
  });

  it('a gzip header followed by garbage', async () => {
    const p = file('broken.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('garbage that is not deflate')]));
    expect((await rejection(openCaptureFile(p))).message).toMatch(new RegExp(`^cannot decompress ${p}: [^\\n]+$`));
  });

  it('the modified (Kuznetzov) pcap format is named', async () => {
    const p = file('modified.pcap', Buffer.from('a1b2cd34000200040000000000000000', 'hex'));
    expect((await rejection(openCaptureFile(p))).message).toBe(`unsupported capture format (modified/Kuznetzov pcap): ${p}`);
  });

  it('fs error codes map to messages (permission cannot be provoked as root here)', () => {
    const e = (code: string) => Object.assign(new Error(`${code}: x`), { code });
    expect(openError('/x.pcap', e('EACCES')).message).toBe('cannot open /x.pcap: permission denied');
    expect(openError('/x.pcap', e('EPERM')).message).toBe('cannot open /x.pcap: permission denied');
    expect(openError('/x.pcap', e('EISDIR')).message).toBe('cannot open /x.pcap: is a directory');
    expect(openError('/x.pcap', e('ELOOP')).message).toBe('cannot open /x.pcap: ELOOP: x');
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openCaptureFile } from '../../src/capture/open.js';
import { chunkedStream, payload, pcapFile, pcapHeader, pcapRecord, record, type PcapSpec } from './builders.js';

/** Opens an in-memory file through the stdin path (the same code as files after the open). */
async function readBytes(buf: Buffer, sizes: number[] = [buf.length || 1]) {
  const src = await openCaptureFile('-', { stdin: chunkedStream(buf, sizes) });
  return record(src);
}

const threePackets = (nano: boolean): PcapSpec['records'] => [
  { sec: 1_700_000_000, frac: nano ? 123_456_789 : 123_456, data: payload(60, 1) },
  { sec: 1_700_000_001, frac: nano ? 999_999_999 : 999_999, data: payload(1514, 2) },
  { sec: 4_000_000_000, frac: 0, data: payload(1, 3) },
];

describe('classic pcap', () => {
  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`${le ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} file`, async () => {
        const file = pcapFile({ le, nano, linkType: 113, snaplen: 65535, records: threePackets(nano) });
        const r = await readBytes(file);
        expect(r.warnings).toEqual([]);
        expect(r.packets.map((p) => [p.frame, p.tsSec, p.tsNsec, p.linkType, p.length, p.interfaceId])).toEqual([
          [1, 1_700_000_000, 123_456_789 - (nano ? 0 : 789), 113, 60, 0],
          [2, 1_700_000_001, nano ? 999_999_999 : 999_999_000, 113, 1514, 0],
          [3, 4_000_000_000, 0, 113, 1, 0],
        ]);
        expect(r.packets[1]!.hex).toBe(payload(1514, 2).toString('hex'));
        expect(r.summary).toEqual({
          kind: 'pcap', packets: 3, linkTypes: [113], bytes: file.length, gzip: false, truncatedPackets: 0,
        });
      });
    }
  }

  it('nanosecond magic split over one-byte chunks is still recognised and rewritten', async () => {
    const file = pcapFile({ le: true, nano: true, records: threePackets(true) });
    const r = await readBytes(file, [1]);
    expect(r.warnings).toEqual([]);
    expect(r.packets.map((p) => p.tsNsec)).toEqual([123_456_789, 999_999_999, 0]);
  });

  it('counts snaplen-truncated packets and reports the wire length', async () => {
    const file = pcapFile({
      le: true, snaplen: 96,
      records: [
        { sec: 1, frac: 0, data: payload(96, 4), orig: 1500 },
        { sec: 2, frac: 0, data: payload(54, 5) },
        { sec: 3, frac: 0, data: payload(96, 6), orig: 97 },
      ],
    });
    const r = await readBytes(file);
    expect(r.packets.map((p) => [p.length, p.originalLength])).toEqual([[96, 1500], [54, 54], [96, 97]]);
    expect(r.summary.truncatedPackets).toBe(2);
  });

  it('stops at an absurd captured length with the offset of that record', async () => {
    const good = { sec: 1, frac: 0, data: payload(100, 7) };
    const bad = { sec: 2, frac: 0, data: payload(40, 8), caplen: 0x7fff0000 };
    const file = Buffer.concat([
      pcapHeader({ le: false }), pcapRecord(good, false), pcapRecord(good, false), pcapRecord(bad, false),
    ]);
    const r = await readBytes(file);
    expect(r.packets).toHaveLength(2);
    // 24 (file header) + 2 * (16 + 100)
    expect(r.warnings).toEqual([{
      code: 'capture-file-damaged',
      message: 'pcap record at offset 256: captured length 2147418112 exceeds the maximum 262144; the file is damaged, reading stopped',
      offset: 256,
    }]);
  });

  it('accepts packets up to a snaplen above 256 KiB, but not beyond it', async () => {
    const big = payload(300_000, 9);
    const ok = await readBytes(pcapFile({ le: true, snaplen: 300_000, records: [{ sec: 1, frac: 0, data: big }] }), [65536]);
    expect(ok.warnings).toEqual([]);
    expect(ok.packets[0]!.length).toBe(300_000);
    const bad = await readBytes(pcapFile({ le: true, snaplen: 65535, records: [{ sec: 1, frac: 0, data: big }] }));
    expect(bad.packets).toHaveLength(0);
    expect(bad.warnings[0]!.offset).toBe(24);
    expect(bad.warnings[0]!.code).toBe('capture-file-damaged');
  });

  it('carries an out-of-range microsecond fraction into the seconds, with one warning', async () => {
    const file = pcapFile({
      le: true,
      records: [{ sec: 10, frac: 2_500_000, data: payload(20, 1) }, { sec: 10, frac: 1_000_000, data: payload(20, 2) }],
    });
    const r = await readBytes(file);
    expect(r.packets.map((p) => [p.tsSec, p.tsNsec])).toEqual([[12, 500_000_000], [11, 0]]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'pcap-timestamp-fraction-overflow', offset: 24, frame: 1 });
  });

  describe('truncated files deliver every packet before the damage and name its offset', () => {
    const records = [60, 70, 80, 90].map((n, i) => ({ sec: 100 + i, frac: i, data: payload(n, i) }));
    const file = pcapFile({ le: true, records });
    // Record offsets: 24, 24+76=100, 100+86=186, 186+96=282; file ends at 282+106=388.
    const cases: Array<[number, number, string]> = [
      [10, 0, 'truncated pcap file header: 10 of 24 bytes'],
      [24 + 5, 0, 'truncated pcap record header at offset 24: 5 of 16 bytes present'],
      [100 + 16 + 3, 1, 'truncated pcap record at offset 100: 3 of 70 captured bytes present'],
      [282 + 16, 3, 'truncated pcap record at offset 282: 0 of 90 captured bytes present'],
      [387, 3, 'truncated pcap record at offset 282: 89 of 90 captured bytes present'],
    ];
    for (const [cut, packets, message] of cases) {
      it(`cut at byte ${cut}`, async () => {
        const r = await readBytes(file.subarray(0, cut), [7, 50]);
        expect(r.packets.map((p) => p.frame)).toEqual([1, 2, 3, 4].slice(0, packets));
        expect(r.warnings.map((w) => w.message)).toEqual([message]);
        expect(r.warnings.map((w) => w.code)).toEqual(['capture-truncated']);
        expect(r.summary.bytes).toBe(cut);
      });
    }
  });

  it('gives the same packets whatever the chunk boundaries (property)', async () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ sec: 1000 + i, frac: i * 7, data: payload(20 + i * 13, i) }));
    const file = pcapFile({ le: false, nano: true, records });
    const whole = await readBytes(file);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const r = await readBytes(file, sizes);
        expect(r.packets).toEqual(whole.packets);
        expect(r.warnings).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('stop() from inside the sink ends the run without further packets', async () => {
    const records = Array.from({ length: 50 }, (_, i) => ({ sec: i, frac: 0, data: payload(30, i) }));
    const src = await openCaptureFile('-', { stdin: chunkedStream(pcapFile({ le: true, records }), [64 * 1024]) });
    const r = await record(src, (n) => {
      if (n === 5) src.stop();
    });
    expect(r.packets).toHaveLength(5);
    expect(r.warnings).toEqual([]);
  });
});

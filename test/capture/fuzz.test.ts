/**
 * Damaged input never throws out of run() and never loops: random byte changes and every possible
 * truncation of valid files. Packets delivered before the damage are a prefix of the intact file's.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openCaptureFile } from '../../src/capture/open.js';
import { chunkedStream, dsb, epb, idb, opb, payload, pcapFile, record, shb, spb, type RecordedPacket } from './builders.js';

const pcapRecords = Array.from({ length: 6 }, (_, i) => ({ sec: i, frac: i, data: payload(30 + 17 * i, i) }));
const pcapBytes = pcapFile({ le: true, snaplen: 2000, records: pcapRecords });
const pcapngBlocks = [
  shb(false), idb({ linkType: 1, tsresol: 9, snaplen: 100 }, false), idb({ linkType: 101 }, false),
  epb(false, 0, 5n, payload(40, 1)), spb(false, payload(50, 2)), dsb(false, 0x544c534b, Buffer.from('CLIENT_RANDOM a b\n')),
  opb(false, 1, 7n, payload(60, 3)), epb(false, 1, 9n, payload(70, 4)),
];
const pcapngBytes = Buffer.concat(pcapngBlocks);

/** Offsets where a record/block ends: a file cut there is just a shorter valid file. */
function boundaries(first: number, lengths: number[]): Set<number> {
  const out = new Set<number>([first]);
  let at = first;
  for (const n of lengths) out.add((at += n));
  return out;
}
const ends = {
  pcap: boundaries(24, pcapRecords.map((r) => 16 + r.data.length)),
  pcapng: boundaries(pcapngBlocks[0]!.length, pcapngBlocks.slice(1).map((b) => b.length)),
};
const keep = { pcap: 4, pcapng: 12 }; // magic (+ byte-order magic): changing them makes open reject

async function read(bytes: Buffer, sizes: number[]) {
  const src = await openCaptureFile('-', { stdin: chunkedStream(bytes, sizes) });
  return record(src);
}

function samePrefix(got: RecordedPacket[], full: RecordedPacket[]): void {
  expect(got).toEqual(full.slice(0, got.length));
}

describe('damaged files', () => {
  for (const [name, bytes] of [['pcap', pcapBytes], ['pcapng', pcapngBytes]] as const) {
    it(`${name}: every truncation point gives a prefix of the packets and at most one warning`, async () => {
      const full = await read(bytes, [bytes.length]);
      expect(full.warnings).toEqual([]);
      for (let cut = keep[name]; cut < bytes.length; cut++) {
        const r = await read(bytes.subarray(0, cut), [cut]);
        samePrefix(r.packets, full.packets);
        expect(r.warnings.length).toBeLessThanOrEqual(1);
        expect(r.warnings.length).toBe(ends[name].has(cut) ? 0 : 1);
        for (const w of r.warnings) expect(w.offset).toBeLessThanOrEqual(cut);
      }
    });

    it(`${name}: random byte changes never throw`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 1, max: 97 }),
          async (edits, chunk) => {
            const bad = Buffer.from(bytes);
            for (const [at, v] of edits) if (at >= keep[name]) bad[at] = v;
            const r = await read(bad, [chunk]);
            expect(r.summary.packets).toBe(r.packets.length);
            for (const w of r.warnings) expect(typeof w.message).toBe('string');
            for (const p of r.packets) expect(p.length).toBeLessThanOrEqual(Math.max(p.originalLength, 262_144));
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

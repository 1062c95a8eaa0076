import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openCaptureFile } from '../../src/capture/open.js';
import {
  block, chunkedStream, customBlock, dsb, epb, idb, isb, nrb, opb, option, payload, record, shb, spb,
} from './builders.js';

async function readBytes(buf: Buffer, sizes: number[] = [buf.length || 1]) {
  const src = await openCaptureFile('-', { stdin: chunkedStream(buf, sizes) });
  return record(src);
}

const TLSK = 0x544c534b;
const keylog = Buffer.from('CLIENT_RANDOM 00112233 44556677\n'); // 32 bytes: DSB padding is 0

/**
 * One section, two interfaces: 0 = Ethernet, nanoseconds (if_tsresol 9), snaplen 128;
 * 1 = Linux SLL, 2^-20 s units (if_tsresol 0x94) and if_tsoffset 1000 s. Plus a DSB, an NRB, an ISB,
 * two custom blocks and an unknown block type between the packets.
 */
function twoInterfaceBlocks(le: boolean): Buffer[] {
  return [
    shb(le, [option(4, Buffer.from('tls-inspect tests'), le)]),
    idb({ linkType: 1, snaplen: 128, tsresol: 9 }, le),
    idb({ linkType: 113, tsresol: 0x80 | 20, tsoffset: 1000n }, le),
    nrb(le),
    epb(le, 0, 1_700_000_000_123_456_789n, payload(60, 1)),
    epb(le, 1, 1_700_000_000n * 1_048_576n + 524_288n, payload(61, 2)), // + 1/2 s
    dsb(le, TLSK, keylog),
    customBlock(le, true),
    epb(le, 1, 5n * 1_048_576n + 1n, payload(62, 3), 1500), // 1 unit = 953.67 ns
    block(0x00000123, Buffer.from('unknown block type'), le),
    isb(le, 0),
    customBlock(le, false),
    spb(le, payload(140, 4), 1514), // SPB: captured = min(original, IDB 0 snaplen 128)
    opb(le, 0, 42_000_000_001n, payload(63, 5)),
    spb(le, payload(61, 6)), // 61 bytes padded to 64 in the block: captured = original = 61
  ];
}

function twoInterfaceFile(le: boolean): Buffer {
  return Buffer.concat(twoInterfaceBlocks(le));
}

function expectTwoInterfaceResult(r: Awaited<ReturnType<typeof readBytes>>): void {
  expect(r.warnings).toEqual([]);
  expect(r.packets.map((p) => [p.frame, p.interfaceId, p.linkType, p.tsSec, p.tsNsec, p.length, p.originalLength])).toEqual([
    [1, 0, 1, 1_700_000_000, 123_456_789, 60, 60],
    [2, 1, 113, 1_700_001_000, 500_000_000, 61, 61],
    [3, 1, 113, 1005, 953, 62, 1500],
    [4, 0, 1, 0, 0, 128, 1514],
    [5, 0, 1, 42, 1, 63, 63],
    [6, 0, 1, 0, 0, 61, 61],
  ]);
  expect(r.packets[3]!.hex).toBe(payload(140, 4).subarray(0, 128).toString('hex'));
  expect(r.packets[5]!.hex).toBe(payload(61, 6).toString('hex'));
  expect(r.secrets).toHaveLength(1);
  expect(r.secrets[0]!.secretsType).toBe(TLSK);
  expect(Buffer.from(r.secrets[0]!.data).toString()).toBe(keylog.toString());
  expect(r.secrets[0]!.afterFrame).toBe(2);
  expect(r.summary).toMatchObject({ kind: 'pcapng', packets: 6, linkTypes: [1, 113], truncatedPackets: 2 });
}

describe('pcapng reader', () => {
  it('two IDBs with different link types and resolutions, DSB, NRB, ISB, custom and unknown blocks (LE)', async () => {
    const file = twoInterfaceFile(true);
    const r = await readBytes(file);
    expectTwoInterfaceResult(r);
    // The DSB is the 7th block: its offset is the sum of the lengths of the six before it.
    expect(r.secrets[0]!.offset).toBe(twoInterfaceBlocks(true).slice(0, 6).reduce((n, b) => n + b.length, 0));
    expect(r.summary.bytes).toBe(file.length);
  });

  it('the same file in big-endian', async () => {
    expectTwoInterfaceResult(await readBytes(twoInterfaceFile(false)));
  });

  it('gives the same result whatever the chunk boundaries (property)', async () => {
    const file = twoInterfaceFile(true);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 6 }), async (sizes) => {
        expectTwoInterfaceResult(await readBytes(file, sizes));
      }),
      { numRuns: 40 },
    );
  });

  it('two sections of different byte order: interfaces reset, frames keep counting', async () => {
    const file = Buffer.concat([
      shb(true), idb({ linkType: 1 }, true), epb(true, 0, 1_000_000n, payload(40, 1)),
      shb(false), idb({ linkType: 101, tsresol: 3 }, false), epb(false, 0, 2_500n, payload(41, 2)),
      epb(false, 0, 7n, payload(42, 3)),
    ]);
    const r = await readBytes(file, [33]);
    expect(r.warnings).toEqual([]);
    expect(r.packets.map((p) => [p.frame, p.linkType, p.tsSec, p.tsNsec, p.length])).toEqual([
      [1, 1, 1, 0, 40], [2, 101, 2, 500_000_000, 41], [3, 101, 0, 7_000_000, 42],
    ]);
    expect(r.summary.linkTypes).toEqual([1, 101]);
  });

  it('a packet for an interface of an earlier section is skipped with a warning', async () => {
    const file = Buffer.concat([
      shb(true), idb({ linkType: 1 }, true), idb({ linkType: 1 }, true), shb(false),
      idb({ linkType: 1 }, false), epb(false, 1, 0n, payload(40, 1)), epb(false, 0, 0n, payload(41, 2)),
    ]);
    const r = await readBytes(file);
    expect(r.packets.map((p) => [p.frame, p.length])).toEqual([[1, 41]]);
    const at = shb(true).length + 2 * idb({ linkType: 1 }, true).length + shb(false).length + idb({ linkType: 1 }, false).length;
    expect(r.warnings).toEqual([{
      code: 'pcapng-interface-undefined',
      message: `enhanced packet block at offset ${at}: interface id 1 not defined in this section (1 interfaces); skipped`,
      offset: at,
    }]);
  });

  it('decimal resolutions from seconds to picoseconds, and a negative if_tsoffset', async () => {
    const file = Buffer.concat([
      shb(true),
      idb({ linkType: 1, tsresol: 0 }, true),
      idb({ linkType: 1, tsresol: 12, tsoffset: -100n }, true),
      idb({ linkType: 1, tsresol: 0x80 | 30 }, true),
      epb(true, 0, 1_234n, payload(10, 1)),
      epb(true, 1, 12_345_987_654_321_999n, payload(10, 2)), // ps (fits 64 bits): truncated to ns
      epb(true, 2, 3n * 1_073_741_824n + 536_870_912n + 1n, payload(10, 3)), // 2^-30 units
      epb(true, 0, 0xffffffffn, payload(10, 4)),
    ]);
    const r = await readBytes(file);
    expect(r.warnings).toEqual([]);
    expect(r.packets.map((p) => [p.tsSec, p.tsNsec])).toEqual([
      [1234, 0], [12_245, 987_654_321], [3, 500_000_000], [4_294_967_295, 0],
    ]);
  });

  describe('damage', () => {
    const le = true;
    const head = Buffer.concat([shb(le), idb({ linkType: 1 }, le)]);
    const p1 = epb(le, 0, 1n, payload(50, 1));
    const p2 = epb(le, 0, 2n, payload(51, 2));
    const p3 = epb(le, 0, 3n, payload(52, 3));
    const file = Buffer.concat([head, p1, p2, p3]);
    const at2 = head.length + p1.length;
    const at3 = at2 + p2.length;

    const truncations: Array<[number, number, string]> = [
      [head.length + 5, 0, `truncated pcapng block header at offset ${head.length}: 5 of 12 bytes present`],
      [at2 + 12, 1, `truncated pcapng block at offset ${at2}: 12 of ${p2.length} bytes present`],
      [at3 + 40, 2, `truncated pcapng block at offset ${at3}: 40 of ${p3.length} bytes present`],
      [file.length - 1, 2, `truncated pcapng block at offset ${at3}: ${p3.length - 1} of ${p3.length} bytes present`],
      [20, 0, 'truncated pcapng block at offset 0: 20 of 28 bytes present'],
    ];
    for (const [cut, n, message] of truncations) {
      it(`truncated at byte ${cut}`, async () => {
        for (const sizes of [[cut], [1], [13, 64]]) {
          const r = await readBytes(file.subarray(0, cut), sizes);
          expect(r.packets.map((p) => p.frame)).toEqual([1, 2, 3].slice(0, n));
          expect(r.warnings).toEqual([{ code: 'capture-truncated', message, offset: Number(/offset (\d+)/.exec(message)?.[1] ?? 0) }]);
        }
      });
    }

    function corrupt(at: number, value: number): Buffer {
      const b = Buffer.from(file);
      b.writeUInt32LE(value, at);
      return b;
    }
    const corruptions: Array<[string, Buffer, string]> = [
      ['length not a multiple of 4', corrupt(at2 + 4, p2.length + 2), `block total length ${p2.length + 2} is not a multiple of 4`],
      ['length below 12', corrupt(at2 + 4, 8), 'block total length 8 is below the minimum 12'],
      ['length above 16 MiB', corrupt(at2 + 4, 0x7ffffff0), 'block total length 2147483632 exceeds the maximum 16777216'],
      ['trailing length differs', corrupt(at3 - 4, 4), `trailing length 4 differs from leading length ${p2.length}`],
    ];
    for (const [name, bad, problem] of corruptions) {
      it(`${name}: packets before it, then a warning with the offset`, async () => {
        for (const sizes of [[bad.length], [5]]) {
          const r = await readBytes(bad, sizes);
          expect(r.packets.map((p) => p.frame)).toEqual([1]);
          expect(r.warnings).toHaveLength(1);
          expect(r.warnings[0]!.offset).toBe(at2);
          expect(r.warnings[0]!.code).toBe('capture-file-damaged');
          expect(r.warnings[0]!.message).toContain(`offset ${at2}: ${problem}`);
        }
      });
    }

    it('an EPB whose captured length overruns its block is skipped, the next one is read', async () => {
      // Body after the fixed header: 52 (51 bytes padded) + comment option 16 + end of options 4.
      const bad = corrupt(at2 + 20, 5000);
      const r = await readBytes(bad);
      expect(r.packets.map((p) => [p.frame, p.length])).toEqual([[1, 50], [2, 52]]);
      expect(r.warnings).toEqual([{
        code: 'pcapng-block-malformed',
        message: `enhanced packet block at offset ${at2}: captured length 5000 exceeds the block body (72 bytes); skipped`,
        offset: at2,
      }]);
    });

    it('a DSB whose secrets length overruns its block is skipped', async () => {
      const d = dsb(le, TLSK, keylog);
      d.writeUInt32LE(999, 12);
      const r = await readBytes(Buffer.concat([head, d, p1]));
      expect(r.secrets).toEqual([]);
      expect(r.packets).toHaveLength(1);
      expect(r.warnings[0]!.code).toBe('pcapng-block-malformed');
      expect(r.warnings[0]!.message).toBe(
        `decryption secrets block at offset ${head.length}: secrets length 999 exceeds the block body (32 bytes); skipped`,
      );
    });

    it('an SHB with a bad byte-order magic after the first section stops reading', async () => {
      const s = shb(le);
      s.writeUInt32LE(0x11223344, 8);
      const r = await readBytes(Buffer.concat([head, p1, s, p2]));
      expect(r.packets).toHaveLength(1);
      expect(r.warnings[0]!.code).toBe('capture-file-damaged');
      expect(r.warnings[0]!.message).toBe(
        `pcapng block at offset ${head.length + p1.length}: section header block has no valid byte-order magic; reading stopped`,
      );
    });

    it('an IDB option overrunning the block is reported and the interface kept', async () => {
      const i = idb({ linkType: 1, tsresol: 9 }, le);
      // First option (if_name, 8 bytes) starts at 16: claim 200 bytes instead.
      i.writeUInt16LE(200, 18);
      const r = await readBytes(Buffer.concat([shb(le), i, p1]));
      expect(r.packets).toHaveLength(1);
      expect(r.packets[0]!.tsNsec).toBe(1000); // default microseconds: the if_tsresol was not reached
      expect(r.warnings[0]!.code).toBe('pcapng-block-malformed');
      expect(r.warnings[0]!.message).toMatch(/^interface description block at offset 28: interface option 2 length 200 exceeds the block/);
    });
  });
});

/** fast-check: random and mutated frames never throw and always give a consistent result. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePacket, newTcpSegment, type DecodedSegment, type DecodeStatus } from '../../src/net/index.js';
import { ethernet, extHeader, ipv4, ipv6, nullLink, sll2, tcp } from './builders.js';

const STATUSES: DecodeStatus[] = ['tcp', 'not-tcp', 'unsupported-link', 'fragment', 'malformed'];
const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276];

function checkInvariants(status: DecodeStatus, seg: DecodedSegment, data: Uint8Array): void {
  expect(STATUSES).toContain(status);
  if (status === 'malformed' || status === 'unsupported-link') expect(seg.error).not.toBe('');
  if (status !== 'tcp') return;
  expect(seg.src.length).toBe(seg.ipVersion === 4 ? 4 : 16);
  expect(seg.dst.length).toBe(seg.src.length);
  expect(seg.payload.length).toBeLessThanOrEqual(seg.payloadLength);
  expect(seg.payloadTruncated).toBe(seg.payload.length < seg.payloadLength);
  if (seg.payload.length > 0) {
    expect(seg.payload.buffer).toBe(data.buffer);
    expect(seg.payload.byteOffset).toBe(data.byteOffset + seg.payloadOffset);
  }
  expect(seg.src.buffer).toBe(data.buffer);
  expect(seg.payloadOffset).toBeGreaterThanOrEqual(seg.tcpOffset + 20);
  expect(seg.tcpOffset).toBeGreaterThan(seg.ipOffset);
  expect(seg.seq >>> 0, 'seq is a uint32').toBe(seg.seq);
  expect(seg.ack >>> 0, 'ack is a uint32').toBe(seg.ack);
  expect(seg.flags).toBeLessThan(0x200);
  expect(seg.srcPort).toBeLessThan(65536);
}

const wireExtra = fc.oneof(fc.constant(0), fc.nat(3000), fc.constant(-5), fc.constant(Number.NaN));

describe('random bytes', () => {
  it('every link type (and some unknown ones): never throws, always a known status', () => {
    const seg = newTcpSegment();
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...LINK_TYPES), fc.integer({ min: -1, max: 300 })),
        fc.uint8Array({ maxLength: 200 }),
        wireExtra,
        (linkType, data, extra) => {
          const status = decodePacket(linkType, data, seg, data.length + extra);
          checkInvariants(status, seg, data);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('mutated valid frames (reach the deep paths)', () => {
  const seeds: [number, Uint8Array][] = [
    [1, ethernet(0x0800, ipv4(tcp({ options: [2, 4, 5, 0xb4, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8], payload: [1, 2, 3] })), [[0x8100, 5]])],
    [1, ethernet(0x86dd, ipv6([...extHeader(60), ...extHeader(43), ...extHeader(44), ...tcp({ payload: [4] })], { next: 0 }))],
    [276, sll2(0x86dd, ipv6([44, 0, 0, 0, 0, 0, 0, 1, ...tcp({ payload: [4] })], { next: 44 }))],
    [0, nullLink(2, ipv4(tcp({ options: [3, 3, 7, 4, 2, 1, 1, 1] })), false)],
  ];
  it('byte flips and cuts never throw and keep the invariants', () => {
    const seg = newTcpSegment();
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        fc.nat(),
        wireExtra,
        ([linkType, seed], flips, cutSeed, extra) => {
          const data = seed.slice();
          for (const [pos, value] of flips) data[pos % data.length] = value;
          const cut = data.subarray(0, cutSeed % (data.length + 1));
          const status = decodePacket(linkType, cut, seg, seed.length + extra);
          checkInvariants(status, seg, cut);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

/**
 * Every cut point of complete frames: decoding never throws; a cut inside the headers gives
 * 'malformed' with a message (or, inside the TCP options, a segment flagged as cut); a cut inside
 * the payload gives a truncated payload.
 */
import { describe, expect, it } from 'vitest';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import { authHeader, ethernet, extHeader, fragmentHeader, ipv4, ipv6, loopLink, nullLink, sll, sll2, tcp } from './builders.js';

const payload = [0x17, 0x03, 0x03, 0x00, 0x02, 0xaa, 0xbb];
const withOptions = tcp({ options: [2, 4, 5, 0xb4, 1, 3, 3, 8, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], payload });
const plain = tcp({ payload });
const v6chain = [...extHeader(60, [1, 2, 0, 0]), ...extHeader(51), ...authHeader(44), ...fragmentHeader(6, 0, false)];

/** [name, link type, frame, offset of the TCP header, TCP header length] */
const frames: [string, number, Uint8Array, number, number][] = [
  ['Ethernet + IPv4 options + TCP options', 1, ethernet(0x0800, ipv4(withOptions, { options: [0x94, 4, 0, 0] })), 14 + 24, 40],
  ['QinQ + IPv6', 1, ethernet(0x86dd, ipv6(plain), [[0x88a8, 7], [0x8100, 8]]), 22 + 40, 20],
  ['SLL2 + IPv6 extension chain', 276, sll2(0x86dd, ipv6([...v6chain, ...withOptions], { next: 0 })), 20 + 40 + v6chain.length, 40],
  ['SLL + IPv4', 113, sll(0x0800, ipv4(plain)), 16 + 20, 20],
  ['NULL + IPv6', 0, nullLink(30, ipv6(plain), true), 4 + 40, 20],
  ['LOOP + IPv4', 108, loopLink(2, ipv4(withOptions)), 4 + 20, 40],
  ['raw IPv4', 101, ipv4(plain), 20, 20],
];

describe.each(frames)('%s', (_name, linkType, full, tcpOffset, tcpHeader) => {
  const payloadOffset = tcpOffset + tcpHeader;
  const seg = newTcpSegment();

  it('decodes whole', () => {
    expect(decodePacket(linkType, full, seg), seg.error).toBe('tcp');
    expect([seg.tcpOffset, seg.payloadOffset, seg.error]).toEqual([tcpOffset, payloadOffset, '']);
    expect([...seg.payload]).toEqual(payload);
  });

  it('every cut point, knowing the wire length (snaplen truncation)', () => {
    for (let cut = 0; cut < full.length; cut++) {
      const status = decodePacket(linkType, full.subarray(0, cut), seg, full.length);
      if (cut < tcpOffset + 20) {
        expect(status, `cut ${cut}`).toBe('malformed');
        expect(seg.error, `cut ${cut}`).toMatch(/greater than captured \d+ bytes$/);
      } else {
        expect(status, `cut ${cut}: ${seg.error}`).toBe('tcp');
        expect(seg.payloadLength).toBe(payload.length);
        expect(seg.payloadTruncated).toBe(true);
        expect(seg.payload.length).toBe(Math.max(0, cut - payloadOffset));
        expect(seg.error).toBe(cut < payloadOffset ? `TCP data offset ${tcpHeader} greater than captured ${cut - tcpOffset} bytes (options cut by the capture)` : '');
      }
    }
  });

  it('every cut point, frame assumed whole (the IP length is then bogus)', () => {
    for (let cut = 0; cut < full.length; cut++) {
      const status = decodePacket(linkType, full.subarray(0, cut), seg);
      if (cut < payloadOffset) {
        expect(status, `cut ${cut}`).toBe('malformed');
        expect(seg.error, `cut ${cut}`).toMatch(/ (greater|less) than (remaining )?\d+( bytes)?$/);
      } else {
        expect(status, `cut ${cut}`).toBe('tcp');
        expect(seg.error).toMatch(/^IPv[46] (total|payload) length \d+ greater than remaining \d+ bytes$/);
        expect([seg.payload.length, seg.payloadLength, seg.payloadTruncated]).toEqual([cut - payloadOffset, cut - payloadOffset, false]);
      }
    }
  });
});

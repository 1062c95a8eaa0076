/** IPv6: the extension-header chain, fragment header, payload length. */
import { describe, expect, it } from 'vitest';
import { decodePacket, MAX_IPV6_EXTENSION_HEADERS, newTcpSegment } from '../../src/net/index.js';
import { authHeader, ethernet, extHeader, fragmentHeader, ipv6, tcp } from './builders.js';

function decode(frame: Uint8Array, wireLength?: number) {
  const seg = newTcpSegment();
  const status = decodePacket(229, frame, seg, wireLength);
  return { status, seg };
}

const segment = tcp({ sport: 1, dport: 2, payload: [9, 8, 7] });

describe('IPv6 extension headers', () => {
  it('hop-by-hop -> destination options -> routing -> destination options -> TCP', () => {
    const hbh = extHeader(60, [5, 2, 0, 0, 1, 0]); // router alert option + PadN: 8 bytes
    const dst1 = extHeader(43, [1, 10, ...new Array(10).fill(0)]); // PadN of 10 -> 16 bytes
    const rt = extHeader(60, [4, 0, 0, 0, 0, 0, ...new Array(16).fill(0x20)]); // type 4 (SRH)-like, 24 bytes
    const dst2 = extHeader(6, [1, 4, 0, 0, 0, 0]); // 8 bytes
    expect([hbh.length, dst1.length, rt.length, dst2.length]).toEqual([8, 16, 24, 8]);
    const { status, seg } = decode(ipv6([...hbh, ...dst1, ...rt, ...dst2, ...segment], { next: 0 }));
    expect(status, seg.error).toBe('tcp');
    expect(seg.tcpOffset).toBe(40 + 56);
    expect([seg.srcPort, seg.dstPort, ...seg.payload]).toEqual([1, 2, 9, 8, 7]);
    expect(seg.ipProtocol).toBe(6);
  });
  it('AH length is in 4-byte units plus 2; mobility, HIP, shim6 use 8-byte units', () => {
    const ah = authHeader(135, 12); // 24 bytes: length field 4
    expect(ah.length).toBe(24);
    expect(ah[1]).toBe(4);
    const chain = [...ah, ...extHeader(139, new Array(14).fill(0)), ...extHeader(140), ...extHeader(6)];
    const { status, seg } = decode(ipv6([...chain, ...segment], { next: 51 }));
    expect(status, seg.error).toBe('tcp');
    expect(seg.tcpOffset).toBe(40 + 24 + 16 + 8 + 8);
  });
  it('no next header (59), ESP (50), UDP and ICMPv6 are not TCP', () => {
    for (const next of [59, 50, 17, 58]) {
      const { status, seg } = decode(ipv6(new Array(16).fill(0), { next }));
      expect([status, seg.ipProtocol]).toEqual(['not-tcp', next]);
    }
    const afterHbh = decode(ipv6([...extHeader(59), 1, 2, 3], { next: 0 }));
    expect([afterHbh.status, afterHbh.seg.ipProtocol]).toEqual(['not-tcp', 59]);
  });
  it(`at most ${MAX_IPV6_EXTENSION_HEADERS} extension headers`, () => {
    const chain = (n: number): number[] => Array.from({ length: n }, (_, i) => extHeader(i === n - 1 ? 6 : 60)).flat();
    expect(decode(ipv6([...chain(16), ...segment], { next: 60 })).status).toBe('tcp');
    const { status, seg } = decode(ipv6([...chain(17), ...segment], { next: 60 }));
    expect([status, seg.error]).toEqual(['malformed', 'more than 16 IPv6 extension headers']);
  });
  it('extension header longer than the payload length or than the capture', () => {
    const hbh = extHeader(6, new Array(14).fill(0)); // 16 bytes
    const bogus = decode(ipv6([...hbh, ...segment], { next: 0, payloadLength: 12 }));
    expect([bogus.status, bogus.seg.error]).toEqual(['malformed', 'IPv6 extension header 0 length 16 greater than remaining 12 bytes']);
    const full = ipv6([...hbh, ...segment], { next: 0 });
    const cut = decode(full.subarray(0, 40 + 10), full.length);
    expect(cut.seg.error).toBe('IPv6 extension header 0 length 16 greater than captured 10 bytes');
    const tiny = decode(full.subarray(0, 41), full.length);
    expect(tiny.seg.error).toBe('IPv6 extension header 0 length 2 greater than captured 1 bytes');
  });
  it('header shorter than 40 bytes, wrong version', () => {
    expect(decode(ipv6(segment).subarray(0, 39)).seg.error).toBe('IPv6 header length 40 greater than remaining 39 bytes');
    expect(decode(ipv6(segment, { version: 4 })).seg.error).toBe('IPv6 header has version 4');
  });
});

describe('IPv6 fragment header', () => {
  it('first fragment (offset 0, M=1) and later fragment (offset > 0, M=0)', () => {
    const first = decode(ipv6([...fragmentHeader(6, 0, true), ...segment], { next: 44 }));
    expect([first.status, first.seg.ipProtocol]).toEqual(['fragment', 6]);
    const later = decode(ipv6([...fragmentHeader(17, 181, false), 1, 2, 3, 4], { next: 44 }));
    expect([later.status, later.seg.ipProtocol]).toEqual(['fragment', 17]);
  });
  it('atomic fragment (offset 0, M=0; RFC 6946) is decoded through', () => {
    const { status, seg } = decode(ipv6([...fragmentHeader(6, 0, false), ...segment], { next: 44 }));
    expect(status, seg.error).toBe('tcp');
    expect(seg.tcpOffset).toBe(48);
  });
  it('reserved bits alone do not make a fragment', () => {
    const fh = fragmentHeader(6, 0, false);
    fh[3] = 0x06; // the two reserved bits next to M
    expect(decode(ipv6([...fh, ...segment], { next: 44 })).status).toBe('tcp');
  });
  it('fragment header cut short', () => {
    const r = decode(ipv6([44, 0, 0, 0], { next: 44 }));
    expect(r.seg.error).toBe('IPv6 extension header 44 length 8 greater than remaining 4 bytes');
  });
});

describe('IPv6 payload length', () => {
  it('Ethernet padding is trimmed by the payload length', () => {
    const frame = ethernet(0x86dd, [...ipv6(tcp({ payload: [5] })), 0, 0, 0, 0]);
    const seg = newTcpSegment();
    expect(decodePacket(1, frame, seg)).toBe('tcp');
    expect([...seg.payload]).toEqual([5]);
  });
  it('snaplen truncation vs bogus length', () => {
    const full = ipv6(segment);
    const cut = decode(full.subarray(0, full.length - 1), full.length);
    expect([cut.seg.payload.length, cut.seg.payloadLength, cut.seg.payloadTruncated, cut.seg.error]).toEqual([2, 3, true, '']);
    const bogus = decode(ipv6(segment, { payloadLength: 100 }));
    expect(bogus.seg.error).toBe('IPv6 payload length 100 greater than remaining 23 bytes');
    expect([bogus.seg.payload.length, bogus.seg.payloadLength, bogus.seg.payloadTruncated]).toEqual([3, 3, false]);
  });
  it('payload length 0 with data (jumbogram / offload) uses the frame length', () => {
    const { status, seg } = decode(ipv6(segment, { payloadLength: 0 }));
    expect(status).toBe('tcp');
    expect(seg.error).toBe('IPv6 payload length 0 (jumbogram or segmentation offload?): using the frame length');
    expect(seg.payloadLength).toBe(3);
  });
});

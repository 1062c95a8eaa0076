/** formatIp against RFC 5952's examples and against Node's WHATWG URL IPv6 serializer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, formatIp } from '../../src/net/index.js';

/** 8 groups -> 16 bytes. */
function v6(...groups: number[]): Uint8Array {
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

describe('formatIp', () => {
  it('IPv4 dotted quad', () => {
    expect(formatIp(new Uint8Array([192, 0, 2, 255]))).toBe('192.0.2.255');
    expect(formatIp(new Uint8Array([0, 0, 0, 0]))).toBe('0.0.0.0');
  });
  it('RFC 5952 section 4 rules', () => {
    // 4.1 leading zeros suppressed; 4.3 lower case
    expect(formatIp(v6(0x2001, 0x0db8, 0, 0, 0, 0, 0x00ab, 0xcdef))).toBe('2001:db8::ab:cdef');
    // 4.2.1 longest run compressed
    expect(formatIp(v6(0x2001, 0xdb8, 0, 0, 0, 0, 2, 1))).toBe('2001:db8::2:1');
    // 4.2.2 a single 16-bit 0 field is not compressed
    expect(formatIp(v6(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1))).toBe('2001:db8:0:1:1:1:1:1');
    // 4.2.3 longest run wins; on a tie the first
    expect(formatIp(v6(0x2001, 0, 0, 1, 0, 0, 0, 1))).toBe('2001:0:0:1::1');
    expect(formatIp(v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1))).toBe('2001:db8::1:0:0:1');
  });
  it('runs at the edges, unspecified and loopback', () => {
    expect(formatIp(v6(0, 0, 0, 0, 0, 0, 0, 0))).toBe('::');
    expect(formatIp(v6(0, 0, 0, 0, 0, 0, 0, 1))).toBe('::1');
    expect(formatIp(v6(0xfe80, 0, 0, 0, 0, 0, 0, 0))).toBe('fe80::');
    expect(formatIp(v6(0, 0, 1, 0, 0, 0, 0, 0))).toBe('0:0:1::');
    expect(formatIp(v6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff))).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  });
  it('IPv4-mapped (RFC 5952 section 5)', () => {
    expect(formatIp(v6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201))).toBe('::ffff:192.0.2.1');
    expect(formatIp(v6(0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201))).toBe('::fffe:c000:201');
  });
  it('not an address', () => {
    expect(formatIp(new Uint8Array(5))).toBe('<invalid address of 5 bytes>');
  });
  it('agrees with the WHATWG URL serializer (same compression rules) on random addresses', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const addr = v6(...groups);
        const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
        fc.pre(!mapped);
        const full = groups.map((g) => g.toString(16)).join(':');
        expect(`[${formatIp(addr)}]`).toBe(new URL(`http://[${full}]/`).hostname);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('formatEndpoint', () => {
  it('brackets IPv6', () => {
    expect(formatEndpoint(new Uint8Array([127, 0, 0, 1]), 443)).toBe('127.0.0.1:443');
    expect(formatEndpoint(v6(0, 0, 0, 0, 0, 0, 0, 1), 8443)).toBe('[::1]:8443');
  });
});

/** Endpoint address text (the one formatter, used by the net and tcp stages): IPv4 dotted quad,
 * IPv6 per RFC 5952 (examples from the RFC). */
import { describe, expect, it } from 'vitest';
import { formatIp } from '../../src/net/index.js';
import { formatIp as tcpFormatIp } from '../../src/tcp/index.js';

function v6(text: string): Uint8Array {
  // parse a full (uncompressed) 8-group address written for the test
  const groups = text.split(':').map((g) => parseInt(g, 16));
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

describe('formatIp', () => {
  it('IPv4', () => {
    expect(formatIp(Uint8Array.from([192, 0, 2, 255]))).toBe('192.0.2.255');
  });

  it.each([
    ['2001:0db8:0:0:0:0:0:1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // RFC 5952 4.2.2: one 0 group stays
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // 4.2.3: first of equal runs
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3: longest run
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'], // 4.3: lower case
    ['0:0:0:0:0:ffff:c000:0201', '::ffff:192.0.2.1'], // 5: IPv4-mapped
  ])('IPv6 %s -> %s', (full, text) => {
    expect(formatIp(v6(full))).toBe(text);
  });

  it('other lengths are no address (the tcp stage rejects such segments before formatting)', () => {
    expect(formatIp(Uint8Array.from([1, 0xab]))).toBe('<invalid address of 2 bytes>');
  });

  it('the tcp stage formats with the same function', () => {
    expect(tcpFormatIp).toBe(formatIp);
  });
});

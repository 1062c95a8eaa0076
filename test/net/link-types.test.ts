/** One TCP segment wrapped in every supported link type, plus the link-level failure cases. */
import { describe, expect, it, vi } from 'vitest';
import { decodePacket, formatIp, newTcpSegment } from '../../src/net/index.js';
import { be16, cat, ethernet, ipv4, ipv6, loopLink, nullLink, sll, sll2, tcp } from './builders.js';

const segment = tcp({ sport: 51000, dport: 443, seq: 7, ack: 9, flags: 0x18, payload: [1, 2, 3] });
const v4 = ipv4(segment);
const v6 = ipv6(segment);

function decode(linkType: number, frame: Uint8Array) {
  const seg = newTcpSegment();
  const status = decodePacket(linkType, frame, seg);
  return { status, seg };
}

function expectTcp(linkType: number, frame: Uint8Array, ipOffset: number, version: 4 | 6, vlan = -1): void {
  const { status, seg } = decode(linkType, frame);
  expect(status, seg.error).toBe('tcp');
  expect(seg.error).toBe('');
  expect(seg.ipVersion).toBe(version);
  expect(seg.ipOffset).toBe(ipOffset);
  expect(seg.tcpOffset).toBe(ipOffset + (version === 4 ? 20 : 40));
  expect(formatIp(seg.src)).toBe(version === 4 ? '192.0.2.1' : '2001:db8::1');
  expect(formatIp(seg.dst)).toBe(version === 4 ? '198.51.100.2' : '2001:db8::2');
  expect([seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.flags]).toEqual([51000, 443, 7, 9, 0x18]);
  expect([...seg.payload]).toEqual([1, 2, 3]);
  expect(seg.vlan).toBe(vlan);
  expect(seg.linkType).toBe(linkType);
  expect(seg.etherType).toBe(version === 4 ? 0x0800 : 0x86dd);
}

describe('Ethernet (1)', () => {
  it('IPv4 and IPv6', () => {
    expectTcp(1, ethernet(0x0800, v4), 14, 4);
    expectTcp(1, ethernet(0x86dd, v6), 14, 6);
  });
  it('802.1Q VLAN tag: VLAN id is the low 12 bits of the TCI', () => {
    expectTcp(1, ethernet(0x0800, v4, [[0x8100, 0xa064]]), 18, 4, 100); // PCP 5, DEI 0, VID 100
  });
  it('QinQ: 802.1ad (0x88a8) and 0x9100 outer tags report the outer id', () => {
    expectTcp(1, ethernet(0x86dd, v6, [[0x88a8, 200], [0x8100, 300]]), 22, 6, 200);
    expectTcp(1, ethernet(0x0800, v4, [[0x9100, 4095], [0x8100, 1]]), 22, 4, 4095);
  });
  it('stacked tags up to the cap, malformed beyond it', () => {
    const tags = (n: number): [number, number][] => Array.from({ length: n }, (_, i) => [0x8100, i + 1]);
    expectTcp(1, ethernet(0x0800, v4, tags(8)), 14 + 32, 4, 1);
    const { status, seg } = decode(1, ethernet(0x0800, v4, tags(9)));
    expect(status).toBe('malformed');
    expect(seg.error).toBe('more than 8 stacked VLAN tags');
  });
  it('ARP and 802.3 length fields are not TCP', () => {
    const arp = decode(1, ethernet(0x0806, new Array(28).fill(0)));
    expect(arp.status).toBe('not-tcp');
    expect(arp.seg.etherType).toBe(0x0806);
    expect(arp.seg.ipProtocol).toBe(-1);
    const llc = decode(1, ethernet(46, new Array(46).fill(0x42)));
    expect([llc.status, llc.seg.etherType]).toEqual(['not-tcp', 46]);
  });
  it('short header and truncated VLAN tag', () => {
    expect(decode(1, new Uint8Array(13)).seg.error).toBe('Ethernet header length 14 greater than remaining 13 bytes');
    const cut = ethernet(0x0800, v4, [[0x8100, 5]]).subarray(0, 16);
    const r = decode(1, cut);
    expect([r.status, r.seg.error]).toEqual(['malformed', 'VLAN tag length 4 greater than remaining 2 bytes']);
  });
});

describe('Linux cooked capture', () => {
  it('SLL (113): 16-byte header, protocol at offset 14', () => {
    expectTcp(113, sll(0x0800, v4), 16, 4);
    expectTcp(113, sll(0x86dd, v6), 16, 6);
  });
  it('SLL2 (276): 20-byte header, protocol at offset 0', () => {
    expectTcp(276, sll2(0x0800, v4), 20, 4);
    expectTcp(276, sll2(0x86dd, v6), 20, 6);
  });
  it('VLAN tag re-inserted by libpcap after the cooked header', () => {
    expectTcp(276, sll2(0x8100, [...be16(42), ...be16(0x0800), ...v4]), 24, 4, 42);
    expectTcp(113, sll(0x8100, [...be16(42), ...be16(0x86dd), ...v6]), 20, 6, 42);
  });
  it('netlink frames (ARPHRD_NETLINK 824) are not TCP even with protocol 0x0800', () => {
    expect(decode(113, sll(0x0800, v4, 824)).status).toBe('not-tcp');
    expect(decode(276, sll2(0x0800, v4, 824)).status).toBe('not-tcp');
  });
  it('short headers', () => {
    expect(decode(113, new Uint8Array(15)).seg.error).toBe('Linux cooked (SLL) header length 16 greater than remaining 15 bytes');
    expect(decode(276, new Uint8Array(19)).seg.error).toBe('Linux cooked (SLL2) header length 20 greater than remaining 19 bytes');
  });
});

describe('BSD loopback', () => {
  it('NULL (0): family in either byte order; AF_INET6 is 24, 28 or 30', () => {
    for (const le of [true, false]) {
      expectTcp(0, nullLink(2, v4, le), 4, 4);
      for (const af6 of [24, 28, 30]) expectTcp(0, nullLink(af6, v6, le), 4, 6);
    }
  });
  it('LOOP (108): family in network order only', () => {
    expectTcp(108, loopLink(2, v4), 4, 4);
    expectTcp(108, loopLink(30, v6), 4, 6);
    expect(decode(108, nullLink(2, v4, true)).status).toBe('not-tcp'); // 0x02000000 is no family
  });
  it('other families are not TCP; Linux AF_INET6 (10) is not a BSD family', () => {
    const r = decode(0, nullLink(7, v4, true));
    expect([r.status, r.seg.etherType]).toEqual(['not-tcp', -1]);
    expect(decode(0, nullLink(10, v6, true)).status).toBe('not-tcp');
  });
  it('short header', () => {
    expect(decode(0, new Uint8Array([2, 0])).seg.error).toBe('BSD loopback header length 4 greater than remaining 2 bytes');
  });
});

describe('raw IP', () => {
  it('101, 12 and 14 choose the version from the first nibble', () => {
    for (const lt of [101, 12, 14]) {
      expectTcp(lt, v4, 0, 4);
      expectTcp(lt, v6, 0, 6);
    }
  });
  it('228 is IPv4 only, 229 IPv6 only', () => {
    expectTcp(228, v4, 0, 4);
    expectTcp(229, v6, 0, 6);
    expect(decode(228, v6).seg.error).toBe('IPv4 header has version 6');
    expect(decode(229, cat(v4, new Array(40).fill(0))).seg.error).toBe('IPv6 header has version 4');
  });
  it('bad version nibble and empty packet', () => {
    expect(decode(101, cat([0x50], v4.subarray(1))).seg.error).toBe('raw IP version 5 is neither 4 nor 6');
    expect(decode(101, new Uint8Array(0)).seg.error).toBe('raw IP header length 1 greater than remaining 0 bytes');
  });
});

describe('unsupported link types', () => {
  it('status and message name the link type', () => {
    const r = decode(147, v4);
    expect(r.status).toBe('unsupported-link');
    expect(r.seg.error).toBe('unknown link type 147');
    expect(decode(9, v4).seg.error).toBe('unknown link type 9');
    expect(decode(147, v4).seg.error).toBe('unknown link type 147');
  });
  it('-1 as the first unknown link type still gets its message (regression: fast-check seed -154767819)', async () => {
    vi.resetModules();
    const fresh = await import('../../src/net/index.js');
    const seg = fresh.newTcpSegment();
    expect(fresh.decodePacket(-1, new Uint8Array(0), seg)).toBe('unsupported-link');
    expect(seg.error).toBe('unknown link type -1');
  });
});

describe('reuse of the output object', () => {
  it('every field is reset between packets', () => {
    const seg = newTcpSegment();
    expect(decodePacket(1, ethernet(0x0800, v4, [[0x8100, 9]]), seg)).toBe('tcp');
    expect(decodePacket(1, ethernet(0x0806, new Array(28).fill(0)), seg)).toBe('not-tcp');
    expect(seg.vlan).toBe(-1);
    expect(seg.payload.length).toBe(0);
    expect(seg.src.length).toBe(0);
    expect(seg.srcPort).toBe(0);
    expect(seg.tcpOffset).toBe(-1);
  });
  it('views are made on first read, stay the same object, and outlive the next decode', () => {
    const seg = newTcpSegment();
    const first = ethernet(0x0800, v4);
    decodePacket(1, first, seg);
    const payload = seg.payload;
    expect(seg.payload).toBe(payload);
    expect(seg.src).toBe(seg.src);
    expect(seg.src.buffer).toBe(first.buffer);
    expect(seg.src.byteOffset).toBe(14 + 12);
    expect(seg.dst.byteOffset).toBe(14 + 16);
    decodePacket(229, v6, seg);
    expect([...payload]).toEqual([1, 2, 3]);
    expect(formatIp(seg.src)).toBe('2001:db8::1');
    expect(seg.payload).not.toBe(payload);
  });
  it('views can be reassigned (e.g. by tests building segments by hand)', () => {
    const seg = newTcpSegment();
    decodePacket(1, ethernet(0x0800, v4), seg);
    seg.src = new Uint8Array([10, 0, 0, 9]);
    expect(formatIp(seg.src)).toBe('10.0.0.9');
    expect(seg.addressesInFrame()).toBe(false);
    expect(formatIp(seg.dst)).toBe('198.51.100.2');
  });
});

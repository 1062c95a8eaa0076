/** Flow keys: one key per connection whatever the direction, distinct for distinct connections. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFlowKey, decodePacket, flowKey, isForward, newFlowKey, newTcpSegment, type TcpSegment } from '../../src/net/index.js';
import { ipv4, ipv6, tcp } from './builders.js';

function seg(src: readonly number[], sport: number, dst: readonly number[], dport: number): TcpSegment {
  const s = newTcpSegment();
  s.ipVersion = src.length === 4 ? 4 : 6;
  s.src = new Uint8Array(src);
  s.dst = new Uint8Array(dst);
  s.srcPort = sport;
  s.dstPort = dport;
  return s;
}

const A = [10, 0, 0, 1];
const B = [10, 0, 0, 2];

describe('flowKey', () => {
  it('same key both ways; direction says which way', () => {
    const ab = seg(A, 50000, B, 443);
    const ba = seg(B, 443, A, 50000);
    expect(flowKey(ab)).toBe(flowKey(ba));
    expect(isForward(ab)).toBe(true);
    expect(isForward(ba)).toBe(false);
    const k = newFlowKey();
    expect(computeFlowKey(ab, k)).toBe(k);
    expect([k.key, k.forward]).toEqual([flowKey(ab), true]);
    computeFlowKey(ba, k);
    expect([k.key, k.forward]).toEqual([flowKey(ab), false]);
  });
  it('same address on both sides (loopback): ports decide', () => {
    const lo = [127, 0, 0, 1];
    expect(flowKey(seg(lo, 40000, lo, 8443))).toBe(flowKey(seg(lo, 8443, lo, 40000)));
    expect(isForward(seg(lo, 8443, lo, 40000))).toBe(true);
    expect(isForward(seg(lo, 40000, lo, 8443))).toBe(false);
    expect(flowKey(seg(lo, 40000, lo, 8443))).not.toBe(flowKey(seg(lo, 40001, lo, 8443)));
  });
  it('IPv4 and IPv6 keys differ in length, so never collide', () => {
    expect(flowKey(seg(A, 1, B, 2)).length).toBe(6);
    expect(flowKey(seg(new Array(16).fill(0), 1, new Array(16).fill(1), 2)).length).toBe(18);
  });
  it('works straight on decoded segments', () => {
    const s = newTcpSegment();
    const t = newTcpSegment();
    decodePacket(228, ipv4(tcp({ sport: 1234, dport: 443 }), { src: A, dst: B }), s);
    decodePacket(228, ipv4(tcp({ sport: 443, dport: 1234 }), { src: B, dst: A }), t);
    expect(flowKey(s)).toBe(flowKey(t));
    decodePacket(229, ipv6(tcp({ sport: 1234, dport: 443 })), s);
    expect(flowKey(s)).not.toBe(flowKey(t));
  });
  it('a reassigned address is used instead of the frame bytes', () => {
    const s = newTcpSegment();
    decodePacket(228, ipv4(tcp({ sport: 1234, dport: 443 }), { src: A, dst: B }), s);
    const before = flowKey(s);
    s.src = new Uint8Array([10, 0, 0, 3]);
    expect(flowKey(s)).not.toBe(before);
    expect(flowKey(s)).toBe(flowKey(seg([10, 0, 0, 3], 1234, B, 443)));
  });
  it('property: symmetric, and equal exactly when the endpoint pairs are equal', () => {
    const addr = fc.oneof(
      fc.constantFrom([10, 0, 0, 1], [10, 0, 0, 2]),
      fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }),
    );
    const addr6 = fc.array(fc.constantFrom(0, 1, 0xfe, 0xff), { minLength: 16, maxLength: 16 });
    const port = fc.constantFrom(0, 1, 443, 0xd800, 0xdfff, 65535);
    const endpoint = fc.oneof(fc.tuple(addr, port), fc.tuple(addr6, port));
    type Endpoint = readonly [readonly number[], number];
    const same = (a: Endpoint, b: Endpoint): boolean => a[1] === b[1] && a[0].join() === b[0].join();
    fc.assert(
      fc.property(endpoint, endpoint, endpoint, endpoint, (a, b, c, d) => {
        fc.pre(a[0].length === b[0].length && c[0].length === d[0].length);
        const ab = seg(a[0], a[1], b[0], b[1]);
        const ba = seg(b[0], b[1], a[0], a[1]);
        const cd = seg(c[0], c[1], d[0], d[1]);
        expect(flowKey(ab)).toBe(flowKey(ba));
        if (!same(a, b)) expect(isForward(ab)).not.toBe(isForward(ba));
        const samePair = (same(a, c) && same(b, d)) || (same(a, d) && same(b, c));
        expect(flowKey(ab) === flowKey(cd)).toBe(samePair);
      }),
      { numRuns: 5000 },
    );
  });
});

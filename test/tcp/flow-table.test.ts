/**
 * Flow lookup: IPv4 tuples are kept as 32-bit words, IPv6 tuples as bytes. Both directions of a
 * tuple must find the same connection, whichever way the segment carries its addresses (separate
 * arrays, or still inside the decoded frame), and tuples that differ only in address family,
 * direction or one byte must not. Expected ids are written out by hand (0-based, in order of
 * first packet, as tcp.stream in Wireshark).
 */
import { describe, expect, it } from 'vitest';
import { TcpReassembler } from '../../src/tcp/index.js';
import { FlowTable, type FlowEntry } from '../../src/tcp/flow-table.js';
import type { TcpSegment } from '../../src/net/types.js';
import { decodePacket, newTcpSegment } from '../../src/net/index.js';
import { ethernet, ipv4, ipv6, tcp } from '../net/builders.js';
import { F, segment } from './helpers/segments.js';
import { Recorder } from './helpers/recorder.js';

const V4_HIGH_A = [200, 1, 2, 3]; // high bit set: a negative int32 word
const V4_HIGH_B = [255, 255, 255, 254];
const V6_A = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const V6_B = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
// an IPv6 address whose first 4 bytes equal V4_HIGH_A
const V6_LIKE_V4 = [200, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

function setup() {
  const rec = new Recorder();
  const r = new TcpReassembler(rec.factory, { closeLingerSec: 0 });
  let frame = 0;
  return { rec, push: (s: TcpSegment) => r.push({ frame: ++frame, tsSec: 1000, tsNsec: 0 }, s) };
}

const syn = (src: number[], dst: number[], sport = 40000, dport = 443): TcpSegment =>
  segment({ src, dst, sport, dport, seq: 100, flags: F.SYN });
const synAck = (src: number[], dst: number[], sport = 443, dport = 40000): TcpSegment =>
  segment({ src, dst, sport, dport, seq: 900, ack: 101, flags: F.SYN | F.ACK });

describe('flow lookup by address family and direction', () => {
  it('IPv4 (high-bit addresses) and IPv6 tuples with the same ports are distinct; replies find their tuple', () => {
    const { push, rec } = setup();
    expect(push(syn(V4_HIGH_A, V4_HIGH_B))).toBe(0);
    expect(push(syn(V6_A, V6_B))).toBe(1);
    expect(push(syn(V6_LIKE_V4, V6_B))).toBe(2);
    expect(push(synAck(V6_B, V6_A))).toBe(1);
    expect(push(synAck(V4_HIGH_B, V4_HIGH_A))).toBe(0);
    expect(push(synAck(V6_B, V6_LIKE_V4))).toBe(2);
    expect(rec.get(0).conn.endpoints).toEqual([
      { ip: '200.1.2.3', port: 40000 },
      { ip: '255.255.255.254', port: 443 },
    ]);
    expect(rec.get(1).conn.endpoints.map((e) => e.ip)).toEqual(['2001:db8::1', 'fe80::2']);
    expect(rec.get(2).conn.endpoints.map((e) => e.ip)).toEqual(['c801:203::', 'fe80::2']);
  });

  it('swapped addresses with the same ports, or one byte changed, are other tuples', () => {
    const { push } = setup();
    expect(push(syn([10, 0, 0, 1], [10, 0, 0, 2], 5000, 5000))).toBe(0);
    // reply direction: same tuple
    expect(push(synAck([10, 0, 0, 2], [10, 0, 0, 1], 5000, 5000))).toBe(0);
    expect(push(syn([10, 0, 0, 1], [10, 0, 0, 3], 5000, 5000))).toBe(1);
    expect(push(syn([11, 0, 0, 1], [10, 0, 0, 2], 5000, 5000))).toBe(2);
    expect(push(syn([10, 0, 0, 1], [10, 0, 0, 2], 5000, 5001))).toBe(3);
  });

  it('a closed tuple (tombstone) keeps its id for late packets, in both families', () => {
    const { push } = setup();
    for (const [a, b] of [
      [V4_HIGH_A, V4_HIGH_B],
      [V6_A, V6_B],
    ] as const) {
      const id = push(syn(a, b));
      push(synAck(b, a));
      push(segment({ src: a, dst: b, sport: 40000, dport: 443, seq: 101, ack: 901, flags: F.FIN | F.ACK }));
      push(segment({ src: b, dst: a, sport: 443, dport: 40000, seq: 901, ack: 102, flags: F.FIN | F.ACK }));
      // a late ACK after both FINs: the same id, not a new connection
      expect(push(segment({ src: a, dst: b, sport: 40000, dport: 443, seq: 102, ack: 902, flags: F.ACK }))).toBe(id);
    }
  });

  it('segments decoded from frames (addresses read inside the frame) find the same tuples', () => {
    const rec = new Recorder();
    const r = new TcpReassembler(rec.factory, { closeLingerSec: 0 });
    const seg = newTcpSegment();
    let frame = 0;
    const push = (bytes: Uint8Array): number => {
      expect(decodePacket(1, bytes, seg)).toBe('tcp');
      return r.push({ frame: ++frame, tsSec: 1000, tsNsec: 0 }, seg);
    };
    const v4 = (src: number[], dst: number[], sport: number, dport: number, flags: number) =>
      ethernet(0x0800, ipv4(tcp({ sport, dport, flags, seq: 100 }), { src, dst }));
    const v6 = (src: number[], dst: number[], sport: number, dport: number, flags: number) =>
      ethernet(0x86dd, ipv6(tcp({ sport, dport, flags, seq: 100 }), { src, dst }));
    expect(push(v4(V4_HIGH_A, V4_HIGH_B, 40000, 443, F.SYN))).toBe(0);
    expect(push(v6(V6_A, V6_B, 40000, 443, F.SYN))).toBe(1);
    expect(push(v6(V6_LIKE_V4, V6_B, 40000, 443, F.SYN))).toBe(2);
    expect(push(v4(V4_HIGH_B, V4_HIGH_A, 443, 40000, F.SYN | F.ACK))).toBe(0);
    expect(push(v6(V6_B, V6_A, 443, 40000, F.SYN | F.ACK))).toBe(1);
    expect(push(v6(V6_B, V6_LIKE_V4, 443, 40000, F.SYN | F.ACK))).toBe(2);
    expect(rec.get(0).conn.endpoints.map((e) => e.ip)).toEqual(['200.1.2.3', '255.255.255.254']);
  });
});

describe('FlowTable with every tuple in one hash chain (a forced collision)', () => {
  // The hash normally separates tuples before any comparison; one shared hash value makes the
  // address and port comparisons decide alone.
  const H = 42;
  const tuples: [number[], number[], number, number][] = [
    [[10, 0, 0, 1], [10, 0, 0, 2], 5000, 443],
    [[10, 0, 0, 1], [10, 0, 0, 3], 5000, 443], // other destination
    [[10, 0, 0, 9], [10, 0, 0, 2], 5000, 443], // other source
    [[10, 0, 0, 1], [10, 0, 0, 2], 443, 5000], // ports swapped, addresses not
    [[10, 0, 0, 1], [10, 0, 0, 2], 5000, 444], // other destination port
    [[10, 0, 0, 1], [10, 0, 0, 2], 5001, 443], // other source port
    [V4_HIGH_A, V4_HIGH_B, 5000, 443],
    [V6_A, V6_B, 5000, 443],
    [V6_LIKE_V4, V6_B, 5000, 443],
    [[0, 0, 0, 0], [0, 0, 0, 0], 5000, 443], // zero words, like an IPv6 entry's unused words
  ];
  const seg = (src: number[], dst: number[], sport: number, dport: number) => segment({ src, dst, sport, dport, seq: 1, flags: F.ACK });

  it('each tuple finds only its own entry, from both directions', () => {
    const t = new FlowTable();
    const entries: FlowEntry[] = [];
    for (const [src, dst, sp, dp] of tuples) {
      expect(t.locate(seg(src, dst, sp, dp))).toBe(true);
      expect(t.find(H, sp, dp)).toBeNull();
      entries.push(t.add(H, sp, dp));
    }
    tuples.forEach(([src, dst, sp, dp], i) => {
      t.locate(seg(src, dst, sp, dp));
      expect(t.find(H, sp, dp)).toBe(entries[i]);
      expect(t.fromA).toBe(true);
      t.locate(seg(dst, src, dp, sp));
      expect(t.find(H, dp, sp)).toBe(entries[i]);
      expect(t.fromA).toBe(false);
    });
    expect(Array.from(entries[6]!.addressA())).toEqual(V4_HIGH_A);
    expect(Array.from(entries[6]!.addressB())).toEqual(V4_HIGH_B);
    expect(Array.from(entries[8]!.addressA())).toEqual(V6_LIKE_V4);
  });
});

/** Memory bounds: buffer caps with oldest-first eviction, connection / tombstone caps, idle
 * timeout, warning caps, and a flood of half-open connections. Expected events computed by hand
 * (each buffered segment counts its payload + SEGMENT_OVERHEAD bytes against the caps). */
import { describe, expect, it } from 'vitest';
import { SEGMENT_OVERHEAD, TcpReassembler, type ReassemblyLimits, type StreamConsumer } from '../../src/tcp/index.js';
import type { TcpSegment } from '../../src/net/types.js';
import { F, c2s, s2c, segment, text } from './helpers/segments.js';
import { Recorder, sideView } from './helpers/recorder.js';

function setup(limits?: Partial<ReassemblyLimits>) {
  const rec = new Recorder();
  const tcp = new TcpReassembler(rec.factory, { closeLingerSec: 0, ...limits });
  let frame = 0;
  const push = (seg: TcpSegment, tsSec = 1000) => tcp.push({ frame: ++frame, tsSec, tsNsec: 0 }, seg);
  return { rec, tcp, push };
}

const D = F.ACK | F.PSH;
const block = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('out-of-order buffer limits', () => {
  it('per direction: over the cap the oldest hole becomes an evicted gap, then buffered data flows', () => {
    expect(SEGMENT_OVERHEAD).toBe(64);
    const { rec, push, tcp } = setup({ maxBufferedPerDirection: 1000 });
    push(c2s(0, F.SYN));
    for (let i = 1; i <= 6; i++) push(c2s(1 + i * 100, D, block(100, i)));
    expect(tcp.stats.bufferedBytes).toBe(600); // 6 x (100 + 64) = 984 <= 1000
    push(c2s(701, D, block(100, 7))); // 984 + 164 > 1000
    const r = rec.get(0);
    const v = sideView(r, 0);
    expect(v.gaps).toMatchObject([{ streamOffset: 0, length: 100, reason: 'evicted', frames: [2] }]);
    expect(v.bytes.length).toBe(700);
    expect(tcp.stats).toMatchObject({ bufferedBytes: 0, evictions: 1 });
    expect(r.conn.warnings[0]!.message).toMatch(/out-of-order buffer limit \(per-direction, 1000 bytes\) reached: skipped 100 missing bytes at offset 0/);
    expect(r.conn.warnings[0]).toMatchObject({ code: 'tcp-buffer-limit', offset: 0, side: 0 });
  });

  it('per direction: when the new bytes are the oldest, the hole before them is skipped instead', () => {
    const { rec, push, tcp } = setup({ maxBufferedPerDirection: 1000 });
    push(c2s(0, F.SYN));
    for (let i = 5; i <= 10; i++) push(c2s(1 + i * 100, D, block(100, i)));
    push(c2s(201, D, block(100, 2)));
    const v = sideView(rec.get(0), 0);
    expect(v.gaps).toMatchObject([{ streamOffset: 0, length: 200, reason: 'evicted' }]);
    expect(v.bytes).toEqual(block(100, 2));
    expect(tcp.stats.bufferedBytes).toBe(600);
  });

  it('in total: the direction that has buffered longest gives up its first hole', () => {
    // connectionCost 0: the budget covers buffered bytes only, as this test measures them
    const { rec, push, tcp } = setup({ maxBufferedTotal: 2000, connectionCost: 0 });
    for (let c = 0; c < 4; c++) {
      push(segment({ sport: 1000 + c, seq: 0, flags: F.SYN }));
      push(segment({ sport: 1000 + c, seq: 101, flags: D, payload: block(500, c) }));
    }
    // 4 x 564 = 2256 > 2000 after the 4th: connection 0 is evicted (2256 - 564 = 1692).
    expect(tcp.stats).toMatchObject({ bufferedBytes: 1500, evictions: 1 });
    expect(sideView(rec.get(0), 0).gaps).toMatchObject([{ streamOffset: 0, length: 100, reason: 'evicted' }]);
    expect(sideView(rec.get(0), 0).bytes).toEqual(block(500, 0));
    for (const id of [1, 2, 3]) expect(sideView(rec.get(id), 0).end).toBe(0);
    expect(rec.get(0).conn.warnings[0]!.message).toMatch(/\(total, 2000 bytes\)/);
    expect(rec.get(0).conn.warnings[0]!.code).toBe('tcp-buffer-limit');
  });
});

describe('flood', () => {
  it('100k half-open connections with out-of-order data stay under the buffer cap', () => {
    const cap = 1_000_000;
    let gaps = 0;
    let completes = 0;
    const tcp = new TcpReassembler(
      (): StreamConsumer => ({ data() {}, gap() { gaps++; }, end() {}, complete() { completes++; } }),
      { maxBufferedTotal: cap, maxConnections: 50_000, connectionCost: 0 },
    );
    const seg = segment({ seq: 0, flags: F.SYN });
    const payload = block(100, 0x55);
    let maxCharge = 0;
    for (let i = 0; i < 100_000; i++) {
      seg.src[2] = i >> 8;
      seg.src[3] = i & 0xff;
      seg.flags = F.SYN;
      seg.seq = i * 7;
      seg.payload = new Uint8Array(0);
      seg.payloadLength = 0;
      tcp.push({ frame: 2 * i + 1, tsSec: 1000, tsNsec: 0 }, seg);
      seg.flags = D;
      seg.seq = i * 7 + 1 + 50;
      seg.payload = payload;
      seg.payloadLength = 100;
      tcp.push({ frame: 2 * i + 2, tsSec: 1000, tsNsec: 0 }, seg);
      const charge = tcp.stats.bufferedBytes + SEGMENT_OVERHEAD * tcp.stats.bufferedSegments;
      if (charge > maxCharge) maxCharge = charge;
    }
    expect(maxCharge).toBeLessThanOrEqual(cap);
    expect(tcp.stats.maxBufferedBytes).toBeLessThanOrEqual(cap);
    expect(tcp.stats.connections).toBe(100_000);
    expect(tcp.stats.open).toBe(50_000);
    expect(tcp.stats.connectionEvictions).toBe(50_000);
    expect(tcp.stats.evictions).toBeGreaterThan(40_000);
    expect(tcp.stats.warnings).toBe(tcp.stats.evictions);
    tcp.flush();
    expect(completes).toBe(100_000);
    // each connection's single hole was reported exactly once (evicted, or unfilled at close)
    expect(gaps).toBe(100_000);
    expect(tcp.stats).toMatchObject({ open: 0, bufferedBytes: 0, bufferedSegments: 0 });
  });
});

describe('global memory budget: open-connection state', () => {
  it('over the budget, the least recently active connections are completed (memory), never the current one', () => {
    const reasons: string[] = [];
    const tcp = new TcpReassembler(
      (conn): StreamConsumer => ({ data() {}, gap() {}, end() {}, complete() { reasons.push(`${conn.id}:${conn.closeReason}`); } }),
      { maxBufferedTotal: 10 * 1000, connectionCost: 1000 },
    );
    const seg = segment({ seq: 0, flags: F.SYN });
    for (let i = 0; i < 25; i++) {
      seg.src[3] = i;
      tcp.push({ frame: i + 1, tsSec: 1000 + i, tsNsec: 0 }, seg);
    }
    // 10 connections fit (10 x 1000 bytes); each further SYN completes the least recently active one
    expect(tcp.stats.open).toBe(10);
    expect(tcp.stats.memoryEvictions).toBe(15);
    expect(tcp.stats.stateBytes).toBe(10 * 1000);
    expect(reasons).toEqual(Array.from({ length: 15 }, (_, i) => `${i}:memory`));
    tcp.flush();
    expect(tcp.stats.stateBytes).toBe(0);
  });
});

describe('connection, tombstone and warning caps', () => {
  it('maxConnections completes the least recently used connection as evicted', () => {
    const { rec, push, tcp } = setup({ maxConnections: 2 });
    push(segment({ sport: 1, seq: 0, flags: F.SYN }));
    push(segment({ sport: 2, seq: 0, flags: F.SYN }));
    push(segment({ sport: 1, seq: 1, flags: D, payload: text('a') }));
    push(segment({ sport: 3, seq: 0, flags: F.SYN }));
    expect(rec.get(1).conn.closeReason).toBe('evicted');
    expect(rec.get(0).completed).toBe(false);
    expect(tcp.stats).toMatchObject({ open: 2, connectionEvictions: 1 });
    // a later packet on the forgotten tuple starts a new connection (Wireshark would keep id 1)
    expect(push(segment({ sport: 2, seq: 1, flags: D, payload: text('b') }))).toBe(3);
  });

  it('idle connections are completed (push checks by capture time; expireIdle for live runs)', () => {
    const { rec, push, tcp } = setup({ idleTimeoutSec: 30 });
    push(segment({ sport: 1, seq: 0, flags: F.SYN }), 1000);
    push(segment({ sport: 1, seq: 2, flags: D, payload: text('b') }), 1000);
    push(segment({ sport: 2, seq: 0, flags: F.SYN }), 1020);
    push(segment({ sport: 2, seq: 0, flags: F.SYN }), 1031);
    const r = rec.get(0);
    expect(r.conn.closeReason).toBe('idle');
    expect(sideView(r, 0).gaps).toMatchObject([{ streamOffset: 0, length: 1, reason: 'unfilled-at-close' }]);
    expect(rec.get(1).completed).toBe(false);
    tcp.expireIdle(1062);
    expect(rec.get(1).conn.closeReason).toBe('idle');
    expect(tcp.stats).toMatchObject({ open: 0, idleClosed: 2 });
  });

  it('maxTombstones forgets the oldest closed tuples', () => {
    const { push, tcp } = setup({ maxTombstones: 2 });
    for (let p = 1; p <= 3; p++) {
      push(segment({ sport: p, seq: 0, flags: F.SYN }));
      push(segment({ sport: p, seq: 1, flags: F.RST }));
    }
    expect(tcp.stats).toMatchObject({ closed: 2, tombstoneEvictions: 1, open: 0 });
    expect(push(segment({ sport: 3, seq: 1, flags: F.ACK }))).toBe(2);
    expect(push(segment({ sport: 1, seq: 1, flags: F.ACK }))).toBe(3);
  });

  it('connections waiting after a RST stay bounded when capture time stands still', () => {
    const { rec, push, tcp } = setup({ maxConnections: 10 });
    for (let p = 1; p <= 5000; p++) {
      push(segment({ sport: p, seq: 0, flags: F.SYN }));
      push(segment({ src: [10, 0, 0, 2], dst: [10, 0, 0, 1], sport: 443, dport: p, seq: 0, ack: 1, flags: F.SYN | F.ACK }));
      push(segment({ src: [10, 0, 0, 2], dst: [10, 0, 0, 1], sport: 443, dport: p, seq: 1, ack: 1, flags: F.RST | F.ACK }));
    }
    const pending = (tcp as unknown as { resets: unknown[] }).resets.length;
    expect(pending).toBeLessThanOrEqual(2 * 10 + 1024);
    expect(tcp.stats.open).toBe(10);
    tcp.flush();
    expect(rec.order.every((r) => r.completed && r.conn.closeReason === 'rst')).toBe(true);
  });

  it('warnings per connection are capped and the rest counted', () => {
    const { rec, push, tcp } = setup({ maxWarningsPerConnection: 2 });
    push(c2s(0, F.SYN));
    push(c2s(1, D | F.FIN, text('a')));
    for (let i = 0; i < 5; i++) push(c2s(3 + i, D, text('x')));
    const c = rec.get(0).conn;
    expect(c.warnings.length).toBe(2);
    expect(c.warningsDropped).toBe(3);
    expect(tcp.stats).toMatchObject({ warnings: 2, warningsDropped: 3 });
  });

  it('rejects segments whose addresses are not IPv4/IPv6 sized', () => {
    const { push, tcp } = setup();
    expect(push(segment({ src: [1, 2, 3], seq: 0, flags: F.SYN }))).toBe(-1);
    expect(push(s2c(0, F.SYN))).toBe(0);
    expect(tcp.stats).toMatchObject({ rejected: 1, connections: 1 });
  });
});

describe('segment-count cap keeps sorted inserts cheap', () => {
  it('60,000 one-byte segments in random order: bounded time, every byte delivered or in one gap', () => {
    const n = 60_000;
    let delivered = 0;
    let gapBytes = 0;
    const tcp = new TcpReassembler(() => ({
      data: (_s, c) => void (delivered += c.bytes.length),
      gap: (_s, g) => void (gapBytes += g.length),
      end() {},
      complete() {},
    }));
    const seg = (seq: number, flags: number, payload: Uint8Array) => ({
      ipVersion: 4 as const, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), srcPort: 40000, dstPort: 443,
      seq, ack: 0, flags, window: 65535, payload, payloadLength: payload.length, payloadTruncated: false, vlan: -1, error: '',
    });
    // deterministic shuffle
    const order = Array.from({ length: n }, (_, i) => i);
    let x = 12345;
    for (let i = n - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const j = x % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const t0 = performance.now();
    tcp.push({ frame: 1, tsSec: 0, tsNsec: 0 }, seg(0, 0x02, new Uint8Array(0)));
    let f = 2;
    for (const k of order) tcp.push({ frame: f++, tsSec: 0, tsNsec: 0 }, seg(1 + k, 0x18, Uint8Array.of(1)));
    tcp.flush();
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(delivered + gapBytes).toBe(n);
    expect(gapBytes).toBeGreaterThan(0); // the cap evicted, as a gap
  });
});

/**
 * Property tests: a random byte string cut into segments, shuffled, duplicated, overlapped and
 * partly dropped, fed as one direction of a connection. Expected results come from a per-byte
 * model written here (which bytes some fed segment covers), not from the reassembler.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEGMENT_OVERHEAD, TcpReassembler } from '../../src/tcp/index.js';
import type { StreamGap } from '../../src/tcp/index.js';
import { F, c2s, s2c } from './helpers/segments.js';
import { Recorder, sideView } from './helpers/recorder.js';

interface Piece {
  start: number;
  end: number;
}

/** Stream bytes, ISN (sometimes just below 2^32 so sequence numbers wrap), segmentation,
 * extra overlapping copies, arrival order, dropped pieces. */
const scenario = fc
  .record({
    data: fc.uint8Array({ minLength: 1, maxLength: 2500 }),
    isn: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0xffffffff - 3000, max: 0xffffffff })),
    cutSeed: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }),
    extras: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 600 })), { maxLength: 12 }),
    orderKeys: fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
    dropBits: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
    dropRate: fc.constantFrom(0, 0, 1, 2),
    withFin: fc.boolean(),
  })
  .map((s) => {
    const n = s.data.length;
    const pieces: Piece[] = [];
    let pos = 0;
    for (let i = 0; pos < n; i++) {
      const len = s.cutSeed[i % s.cutSeed.length]!;
      pieces.push({ start: pos, end: Math.min(n, pos + len) });
      pos += len;
    }
    for (const [a, len] of s.extras) {
      const start = a % n;
      pieces.push({ start, end: Math.min(n, start + len) });
    }
    // duplicate a few pieces exactly
    for (let i = 0; i < pieces.length; i += 7) pieces.push({ ...pieces[i]! });
    const kept = pieces.filter((_, i) => s.dropRate === 0 || !(s.dropBits[i % 60]! && (i % s.dropRate === 0)));
    if (kept.length === 0) kept.push(pieces[0]!);
    const order = kept
      .map((p, i) => ({ p, k: s.orderKeys[i % 60]! * 1000 + i }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.p);
    return { data: s.data, isn: s.isn, fed: order, withFin: s.withFin };
  });

type Fed = { data: Uint8Array; isn: number; fed: Piece[]; withFin: boolean };

/** Feed one direction (client -> server); returns what the consumer saw for side 0. */
function run(s: Fed, opts: { syn: boolean; finPos?: number; contents?: Uint8Array[]; ackAll?: boolean }) {
  const rec = new Recorder();
  const tcp = new TcpReassembler(rec.factory);
  let frame = 1;
  const base = (s.isn + 1) >>> 0;
  if (opts.syn) tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, c2s(s.isn, F.SYN));
  const fin = c2s((base + s.data.length) >>> 0, F.FIN | F.ACK);
  s.fed.forEach((p, i) => {
    if (opts.finPos === i) tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, fin);
    const bytes = opts.contents?.[i] ?? s.data.subarray(p.start, p.end);
    tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, c2s((base + p.start) >>> 0, F.ACK | F.PSH, bytes));
  });
  if (opts.finPos !== undefined && opts.finPos >= s.fed.length) tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, fin);
  if (opts.ackAll) {
    // The receiver acknowledges the whole stream (and the FIN).
    tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, s2c(7, F.ACK, undefined, (base + s.data.length + (opts.finPos !== undefined ? 1 : 0)) >>> 0));
  }
  tcp.flush();
  expect(rec.order.length).toBe(1);
  const r = rec.order[0]!;
  expect(r.completed).toBe(true);
  expect(r.afterComplete).toBe(0);
  return { rec: r, view: sideView(r, 0), stats: r.conn.stats[0], tcp };
}

/** The model: bytes covered by fed pieces within [start, end), and the uncovered runs. */
function model(s: Fed, start: number, end: number) {
  const covered = new Uint8Array(end);
  for (const p of s.fed) for (let i = Math.max(p.start, start); i < p.end && i < end; i++) covered[i] = 1;
  const bytes: number[] = [];
  const gaps: { offset: number; length: number }[] = [];
  for (let i = start; i < end; i++) {
    if (covered[i]) bytes.push(s.data[i]!);
    else if (gaps.length > 0 && gaps[gaps.length - 1]!.offset + gaps[gaps.length - 1]!.length === i - start) {
      gaps[gaps.length - 1]!.length++;
    } else gaps.push({ offset: i - start, length: 1 });
  }
  return { bytes: Uint8Array.from(bytes), gaps };
}

const gapShape = (g: StreamGap[]) => g.map((x) => ({ offset: x.streamOffset, length: x.length }));

describe('reassembly properties', () => {
  it('with a SYN: stream = original where not dropped, each missing range = exactly one gap', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, finSeed) => {
        const finPos = s.withFin ? finSeed % (s.fed.length + 1) : undefined;
        const { view, rec } = run(s, { syn: true, finPos });
        const end = s.withFin ? s.data.length : Math.max(0, ...s.fed.map((p) => p.end));
        const m = model(s, 0, end);
        expect(view.bytes).toEqual(m.bytes);
        expect(gapShape(view.gaps)).toEqual(m.gaps);
        expect(view.end).toBe(end);
        for (const g of view.gaps) expect(g.reason).toBe('unfilled-at-close');
        const ends = rec.events.filter((e) => e.kind === 'end');
        expect(ends.length).toBe(s.withFin ? 1 : 0);
        if (s.withFin) expect(rec.events[rec.events.length - 1]!.kind).toBe('end');
      }),
      { numRuns: 400 },
    );
  });

  it('an ACK of the whole stream turns every missing range into exactly one lost gap', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { view, stats } = run(s, { syn: true, finPos: s.withFin ? s.fed.length : undefined, ackAll: true });
        const m = model(s, 0, s.data.length);
        expect(view.bytes).toEqual(m.bytes);
        expect(gapShape(view.gaps)).toEqual(m.gaps);
        for (const g of view.gaps) expect(g.reason).toBe('lost');
        expect(stats.gapBytes + stats.bytes).toBe(s.data.length);
      }),
      { numRuns: 300 },
    );
  });

  it('under tiny buffer caps: never over the cap, each byte delivered once (correct) or in one gap', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (s, perDir, total) => {
        const rec = new Recorder();
        const tcp = new TcpReassembler(rec.factory, { maxBufferedPerDirection: perDir, maxBufferedTotal: total });
        const base = (s.isn + 1) >>> 0;
        let frame = 1;
        tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, c2s(s.isn, F.SYN));
        for (const p of s.fed) {
          tcp.push({ frame: frame++, tsSec: 0, tsNsec: 0 }, c2s((base + p.start) >>> 0, F.ACK, s.data.subarray(p.start, p.end)));
          const charge = tcp.stats.bufferedBytes + SEGMENT_OVERHEAD * tcp.stats.bufferedSegments;
          expect(charge).toBeLessThanOrEqual(Math.min(perDir, total));
        }
        tcp.flush();
        const r = rec.order[0]!;
        const view = sideView(r, 0); // throws unless offsets are contiguous from 0
        for (const ev of r.events) {
          if (ev.kind === 'data') expect(ev.bytes).toEqual(s.data.subarray(ev.offset, ev.offset + ev.bytes.length));
        }
        expect(view.end).toBe(Math.max(...s.fed.map((p) => p.end)));
        const evictedGaps = view.gaps.filter((g) => g.reason === 'evicted').length;
        expect(tcp.stats.evictions).toBe(evictedGaps);
      }),
      { numRuns: 300 },
    );
  });

  it('the result does not depend on the arrival order', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.nat(), { minLength: 80, maxLength: 80 }), (s, keys) => {
        const a = run(s, { syn: true, finPos: s.withFin ? s.fed.length : undefined });
        const shuffled = s.fed
          .map((p, i) => ({ p, k: keys[i % 80]! * 1000 + i }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.p);
        const b = run({ ...s, fed: shuffled }, { syn: true, finPos: s.withFin ? 0 : undefined });
        expect(b.view.bytes).toEqual(a.view.bytes);
        expect(gapShape(b.view.gaps)).toEqual(gapShape(a.view.gaps));
        expect(b.stats.bytes).toBe(a.stats.bytes);
        expect(b.stats.gapBytes).toBe(a.stats.gapBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('without a SYN: the stream starts at the first segment seen; earlier bytes are not delivered', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { view, stats } = run(s, { syn: false, finPos: s.withFin ? s.fed.length : undefined });
        const start = s.fed[0]!.start;
        const end = s.withFin ? s.data.length : Math.max(...s.fed.map((p) => p.end));
        const m = model(s, start, end);
        expect(view.bytes).toEqual(m.bytes);
        expect(gapShape(view.gaps)).toEqual(m.gaps);
        expect(stats.bytes).toBe(m.bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it('conflicting overlaps: the first data seen for a byte wins; conflicts with buffered bytes are counted', () => {
    fc.assert(
      fc.property(scenario, fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 60, maxLength: 60 }), (s, flips) => {
        // Some pieces carry different bytes than the original.
        const contents = s.fed.map((p, i) => {
          const c = s.data.slice(p.start, p.end);
          const f = flips[i % 60]!;
          if (f % 3 === 0) for (let j = f % 5; j < c.length; j += 1 + (f % 7)) c[j] ^= 1 + (f % 255);
          return c;
        });
        const { view, stats } = run(s, { syn: true, contents });
        // Model: bytes arrive in order; a byte's first value wins; a later different value for a
        // byte not yet delivered in order counts as one conflicting byte.
        const n = s.data.length;
        const have = new Int16Array(n).fill(-1);
        let next = 0;
        let conflicts = 0;
        s.fed.forEach((p, i) => {
          const c = contents[i]!;
          for (let x = p.start; x < p.end; x++) {
            if (x < next) continue;
            if (have[x] === -1) have[x] = c[x - p.start]!;
            else if (have[x] !== c[x - p.start]) conflicts++;
          }
          while (next < n && have[next] !== -1) next++;
        });
        const expected: number[] = [];
        for (let x = 0; x < n; x++) if (have[x] !== -1) expected.push(have[x]!);
        expect(view.bytes).toEqual(Uint8Array.from(expected));
        expect(stats.conflictingBytes).toBe(conflicts);
      }),
      { numRuns: 400 },
    );
  });
});

/** Per-direction reassembly rules, hand-built packets and hand-computed expectations. */
import { describe, expect, it } from 'vitest';
import { TcpReassembler, type ReassemblyLimits } from '../../src/tcp/index.js';
import type { TcpSegment } from '../../src/net/types.js';
import { F, c2s, s2c, segment, text } from './helpers/segments.js';
import { Recorder, sideView } from './helpers/recorder.js';

function setup(limits?: Partial<ReassemblyLimits>) {
  const rec = new Recorder();
  // these tests check completion at the close itself (no linger for the last ACKs)
  const tcp = new TcpReassembler(rec.factory, { closeLingerSec: 0, ...limits });
  let frame = 0;
  const push = (seg: TcpSegment, tsSec = 1000) => tcp.push({ frame: ++frame, tsSec, tsNsec: 0 }, seg);
  return { rec, tcp, push };
}

const D = F.ACK | F.PSH;

describe('in-order delivery', () => {
  it('delivers in-order payload as a view of the packet (no copy)', () => {
    const rec = new Recorder();
    let seen: Uint8Array | undefined;
    const tcp = new TcpReassembler((conn) => {
      const c = rec.factory(conn);
      return { ...c, data: (side, chunk) => { seen = chunk.bytes; c.data(side, chunk); } };
    });
    tcp.push({ frame: 1, tsSec: 0, tsNsec: 0 }, c2s(100, F.SYN));
    const seg = c2s(101, D, text('hello'));
    tcp.push({ frame: 2, tsSec: 7, tsNsec: 9 }, seg);
    expect(seen!.buffer).toBe(seg.payload.buffer);
    const ev = rec.get(0).events[0]!;
    expect(ev).toMatchObject({ kind: 'data', side: 0, offset: 0, frame: 2 });
  });

  it('SYN and FIN each consume one sequence number; data on the SYN is stream offset 0', () => {
    const { rec, push } = setup();
    push(c2s(1000, F.SYN, text('ab')));
    push(s2c(5000, F.SYN | F.ACK, undefined, 1003));
    push(c2s(1003, D | F.FIN, text('cd'), 5001));
    push(s2c(5001, D, text('xy'), 1006));
    push(s2c(5003, F.FIN | F.ACK, undefined, 1006));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('abcd'));
    expect(sideView(r, 1).bytes).toEqual(text('xy'));
    expect(r.events.filter((e) => e.kind === 'end')).toEqual([
      { kind: 'end', side: 0, how: 'fin', frame: 3 },
      { kind: 'end', side: 1, how: 'fin', frame: 5 },
    ]);
    expect(r.conn.closeReason).toBe('fin');
    expect(r.conn.finFrame).toEqual([3, 5]);
  });

  it('follows sequence numbers across 2^32', () => {
    const { rec, push } = setup();
    push(c2s(0xfffffffd, F.SYN));
    push(c2s(0xfffffffe, D, text('abc')));
    push(c2s(0x00000004, D, text('ghi')));
    push(c2s(0x00000001, D, text('def')));
    push(c2s(0xffffffff, D, text('bcdefg')));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('abcdefghi'));
    expect(r.conn.stats[0].retransmissions).toBe(1);
  });
});

describe('out of order, retransmissions, overlaps', () => {
  it('buffers out-of-order data until the hole fills and delivers each byte once', () => {
    const { rec, push, tcp } = setup();
    push(c2s(0, F.SYN));
    push(c2s(7, D, text('ghi')));
    push(c2s(4, D, text('def')));
    expect(tcp.stats.bufferedBytes).toBe(6);
    expect(sideView(rec.get(0), 0).bytes.length).toBe(0);
    push(c2s(1, D, text('abcde')));
    push(c2s(1, D, text('abc')));
    expect(tcp.stats.bufferedBytes).toBe(0);
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('abcdefghi'));
    expect(r.events.map((e) => (e.kind === 'data' ? e.frame : 0))).toEqual([4, 3, 2]);
    expect(r.conn.stats[0]).toMatchObject({ bytes: 9, retransmissions: 1, maxBuffered: 6 });
  });

  it('first data wins on conflicting overlap; conflicting bytes are counted and warned about', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(c2s(4, D, text('DEF')));
    push(c2s(3, D, text('cdXF')));
    push(c2s(1, D, text('ab')));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('abcDEF'));
    expect(r.conn.stats[0].conflictingBytes).toBe(2);
    expect(r.conn.warnings.map((w) => w.message).join('\n')).toMatch(/frame 3 carries 2 bytes that differ from frame 2/);
    expect(r.conn.warnings).toContainEqual(expect.objectContaining({ code: 'tcp-overlap-conflict', frame: 3, offset: 3, side: 0 }));
  });

  it('capture starting mid-connection: offset 0 at the first segment; earlier data is a retransmission', () => {
    const { rec, push } = setup();
    push(c2s(5000, D, text('fghij')));
    push(c2s(4995, D, text('abcde')));
    push(c2s(4998, D, text('defghijkl')));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('fghijkl'));
    expect(r.conn.stats[0].retransmissions).toBe(1);
    expect(r.conn.synSeen).toBe(false);
  });

  it('mid-connection: a first segment the peer already acknowledged (keep-alive byte) does not start the stream', () => {
    const { rec, push } = setup();
    push(s2c(700, F.ACK, undefined, 5000));
    push(c2s(4999, F.ACK, text('?')));
    push(c2s(5000, D, text('real')));
    // the server spoke first, so it is side 0 here
    expect(sideView(rec.get(0), 1).bytes).toEqual(text('real'));
  });

  it('ignores keep-alives (0 or 1 byte at next-1) and zero-window probes', () => {
    const { rec, push, tcp } = setup();
    push(c2s(0, F.SYN));
    push(s2c(0, F.SYN | F.ACK, undefined, 1));
    push(c2s(1, D, text('abc'), 1));
    push(c2s(3, F.ACK, text('Z'), 1));
    push(s2c(1, F.ACK, undefined, 4, { window: 0 }));
    push(c2s(4, F.ACK, text('P'), 1));
    push(s2c(1, F.ACK, undefined, 4, { window: 100 }));
    push(c2s(4, D, text('def'), 1));
    expect(sideView(rec.get(0), 0).bytes).toEqual(text('abcdef'));
    expect(tcp.stats.keepAlives).toBe(1);
    expect(tcp.stats.zeroWindowProbes).toBe(1);
  });
});

describe('gaps', () => {
  it('the peer ACKing beyond a hole reports it as lost at once', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(s2c(0, F.SYN | F.ACK, undefined, 1));
    push(c2s(1, D, text('abc'), 1));
    push(c2s(11, D, text('klm'), 1));
    push(s2c(1, F.ACK, undefined, 17));
    const r = rec.get(0);
    const ev = r.events.filter((e) => e.side === 0);
    expect(ev.map((e) => e.kind)).toEqual(['data', 'gap', 'data', 'gap']);
    expect(ev[1]).toMatchObject({ gap: { streamOffset: 3, length: 7, reason: 'lost', frames: [3, 4] } });
    expect(ev[3]).toMatchObject({ gap: { streamOffset: 13, length: 3, reason: 'lost', frames: [4] } });
    expect(r.conn.stats[0]).toMatchObject({ gaps: 2, gapBytes: 10, bytes: 6 });
    // the missing bytes arriving later are old
    push(c2s(4, D, text('defghij'), 1));
    expect(sideView(r, 0).end).toBe(16);
  });

  it('an ACK of the FIN does not count the FIN as a missing byte', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(c2s(1, D, text('ab')));
    push(c2s(5, F.FIN | F.ACK));
    push(s2c(0, F.ACK, undefined, 6));
    const r = rec.get(0);
    expect(sideView(r, 0).gaps).toMatchObject([{ streamOffset: 2, length: 2, reason: 'lost' }]);
    expect(r.events.filter((e) => e.side === 0).at(-1)).toMatchObject({ kind: 'end', how: 'fin', frame: 3 });
  });

  it('a FIN after a hole waits for the hole: end(fin) comes after the late data', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(c2s(1, D, text('ab')));
    push(c2s(4, D | F.FIN, text('de')));
    const r = rec.get(0);
    expect(r.events.some((e) => e.kind === 'end')).toBe(false);
    push(c2s(3, D, text('c')));
    expect(r.events.map((e) => e.kind)).toEqual(['data', 'data', 'data', 'end']);
    expect(sideView(r, 0).bytes).toEqual(text('abcde'));
    expect(r.completed).toBe(false);
  });

  it('flush(): every remaining hole is reported, then complete() with end-of-capture', () => {
    const { rec, push, tcp } = setup();
    push(c2s(0, F.SYN));
    push(c2s(1, D, text('ab')));
    push(c2s(4, D, text('d')));
    push(c2s(6, D | F.FIN, text('fg')));
    tcp.flush();
    const r = rec.get(0);
    const v = sideView(r, 0);
    expect(v.bytes).toEqual(text('abdfg'));
    expect(v.gaps).toMatchObject([
      { streamOffset: 2, length: 1, reason: 'unfilled-at-close', frames: [2, 3] },
      { streamOffset: 4, length: 1, reason: 'unfilled-at-close', frames: [3, 4] },
    ]);
    expect(r.events.at(-1)).toMatchObject({ kind: 'end', how: 'fin', frame: 4 });
    expect(r.conn.closeReason).toBe('end-of-capture');
    expect(tcp.stats).toMatchObject({ open: 0, bufferedBytes: 0, bufferedSegments: 0 });
  });

  it('snaplen-truncated payload: the missing tail is one lost gap', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(c2s(1, D, text('abc'), 0, { wireLength: 10 }));
    push(c2s(11, D, text('klm')));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('abcklm'));
    expect(sideView(r, 0).gaps).toMatchObject([{ streamOffset: 3, length: 7, reason: 'lost' }]);
    expect(r.conn.warnings[0]!.message).toMatch(/frame 2: 7 of 10 payload bytes not captured/);
    expect(r.conn.warnings[0]).toMatchObject({ code: 'tcp-payload-truncated', frame: 2, offset: 3, side: 0 });
  });
});

describe('RST, FIN, completion', () => {
  it('RST ends the sender direction; in-flight data the other way is still delivered', () => {
    const { rec, push, tcp } = setup();
    push(c2s(0, F.SYN));
    push(s2c(0, F.SYN | F.ACK, undefined, 1));
    push(c2s(1, D, text('abc'), 1));
    push(c2s(7, D, text('ghi'), 1));
    push(s2c(1, F.RST | F.ACK, undefined, 4));
    const r = rec.get(0);
    expect(r.conn.rstFrame).toEqual([0, 5]);
    expect(r.events.filter((e) => e.kind === 'end')).toEqual([{ kind: 'end', side: 1, how: 'rst', frame: 5 }]);
    push(c2s(4, D, text('def'), 1));
    expect(sideView(r, 0).bytes).toEqual(text('abcdefghi'));
    push(c2s(10, F.RST));
    expect(r.completed).toBe(true);
    expect(r.conn.closeReason).toBe('rst');
    expect(tcp.stats).toMatchObject({ open: 0, closed: 1 });
  });

  it('a reset connection completes once rstLingerSec of capture time has passed', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN), 1000);
    push(s2c(0, F.SYN | F.ACK, undefined, 1), 1000);
    push(c2s(1, D, text('abc'), 1), 1000);
    push(s2c(1, F.RST | F.ACK, undefined, 4), 1000);
    push(c2s(4, D, text('def'), 1), 1002);
    const r = rec.get(0);
    expect(r.completed).toBe(false);
    push(segment({ sport: 9, seq: 0, flags: F.SYN }), 1003);
    expect(r.completed).toBe(true);
    expect(r.conn.closeReason).toBe('rst');
    expect(sideView(r, 0).bytes).toEqual(text('abcdef'));
  });

  it('a RST completes at once when it answers a SYN, or with rstLingerSec 0', () => {
    const a = setup();
    a.push(c2s(0, F.SYN));
    a.push(s2c(0, F.RST | F.ACK, undefined, 1));
    expect(a.rec.get(0).conn.closeReason).toBe('rst');
    const b = setup({ rstLingerSec: 0 });
    b.push(c2s(0, F.SYN));
    b.push(s2c(0, F.SYN | F.ACK, undefined, 1));
    b.push(c2s(1, F.RST));
    expect(b.rec.get(0).conn.closeReason).toBe('rst');
    expect(b.tcp.stats.closed).toBe(1);
  });

  it('a RST with both sides already finished only adds end(rst)', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(s2c(0, F.SYN | F.ACK, undefined, 1));
    push(c2s(1, F.FIN | F.ACK, undefined, 1));
    push(s2c(1, F.FIN | F.ACK, undefined, 2));
    expect(rec.get(0).conn.closeReason).toBe('fin');
  });

  it('data after the FIN is ignored with a warning', () => {
    const { rec, push } = setup();
    push(c2s(0, F.SYN));
    push(c2s(1, D | F.FIN, text('ab')));
    push(c2s(3, D, text('zz')));
    const r = rec.get(0);
    expect(sideView(r, 0).bytes).toEqual(text('ab'));
    expect(r.conn.warnings.map((w) => w.message).join('\n')).toMatch(/2 bytes after the end of the client-to-server stream in frame 3/);
    expect(r.conn.warnings).toContainEqual(expect.objectContaining({ code: 'tcp-data-after-stream-end', frame: 3, side: 0 }));
  });
});

import type { ReassemblyLimits } from '../../src/tcp/types.js';
/**
 * tcp.stream id rules, hand-built packets. Expected ids follow Wireshark's packet-tcp.c
 * (dissect_tcp: a pure SYN whose seq differs from its direction's base_seq starts a new
 * conversation); the same situations are checked against real tshark output in
 * tshark-golden.test.ts (test/fixtures/tcp/id-rules.pcap).
 */
import { describe, expect, it } from 'vitest';
import { TcpReassembler } from '../../src/tcp/index.js';
import { F, c2s, s2c, segment, text } from './helpers/segments.js';
import { Recorder, sideView } from './helpers/recorder.js';

function setup(limits: Partial<ReassemblyLimits> = { closeLingerSec: 0 }) {
  const rec = new Recorder();
  const tcp = new TcpReassembler(rec.factory, limits);
  let frame = 0;
  const push = (seg: ReturnType<typeof c2s>) => tcp.push({ frame: ++frame, tsSec: 1000, tsNsec: 0 }, seg);
  return { rec, tcp, push };
}

/** SYN, SYN/ACK, ACK on the default tuple; returns the ids of the three packets. */
function handshake(push: (s: ReturnType<typeof c2s>) => number, cisn: number, sisn: number): number[] {
  return [
    push(c2s(cisn, F.SYN)),
    push(s2c(sisn, F.SYN | F.ACK, undefined, cisn + 1)),
    push(c2s(cisn + 1, F.ACK, undefined, sisn + 1)),
  ];
}

describe('tcp.stream ids (Wireshark rules)', () => {
  it('are 0-based in order of first packet over all connections', () => {
    const { push } = setup();
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(push(segment({ sport: 40001, seq: 5, flags: F.SYN }))).toBe(1);
    expect(push(s2c(900, F.SYN | F.ACK, undefined, 101))).toBe(0);
    expect(push(segment({ src: [10, 9, 9, 9], seq: 7, flags: F.ACK }))).toBe(2);
    expect(push(segment({ src: [10, 0, 0, 2], dst: [10, 0, 0, 1], sport: 443, dport: 40001, seq: 1, ack: 6, flags: F.SYN | F.ACK }))).toBe(1);
  });

  it('tuple reused after FIN both ways with a new ISN: new id', () => {
    const { push, rec } = setup();
    expect(handshake(push, 100, 900)).toEqual([0, 0, 0]);
    expect(push(c2s(101, F.FIN | F.ACK, undefined, 901))).toBe(0);
    expect(push(s2c(901, F.FIN | F.ACK, undefined, 102))).toBe(0);
    expect(push(c2s(102, F.ACK, undefined, 902))).toBe(0);
    expect(rec.get(0).conn.closeReason).toBe('fin');
    expect(handshake(push, 5000, 7000)).toEqual([1, 1, 1]);
  });

  it('tuple reused after RST with a new ISN: new id', () => {
    const { push, rec } = setup();
    handshake(push, 100, 900);
    expect(push(s2c(901, F.RST | F.ACK, undefined, 101))).toBe(0);
    expect(push(c2s(101, F.RST))).toBe(0);
    expect(rec.get(0).conn.closeReason).toBe('rst');
    expect(push(c2s(3333, F.SYN))).toBe(1);
  });

  it('SYN with a different ISN while the connection is open: new id, old one completed as reused', () => {
    const { push, rec } = setup();
    handshake(push, 100, 900);
    push(c2s(101, F.ACK | F.PSH, text('abc'), 901));
    expect(push(c2s(777, F.SYN))).toBe(1);
    const old = rec.get(0);
    expect(old.completed).toBe(true);
    expect(old.conn.closeReason).toBe('reused');
    expect(sideView(old, 0).bytes).toEqual(text('abc'));
  });

  it('SYN retransmitted with the same ISN: same id', () => {
    const { push, rec } = setup();
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(push(s2c(900, F.SYN | F.ACK, undefined, 101))).toBe(0);
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(rec.get(0).conn.stats[0].retransmissions).toBe(2);
  });

  it('packets after close without a SYN keep the old id (not delivered, counted)', () => {
    const { push, rec, tcp } = setup();
    handshake(push, 100, 900);
    push(c2s(101, F.FIN | F.ACK, undefined, 901));
    push(s2c(901, F.FIN | F.ACK, undefined, 102));
    expect(rec.get(0).completed).toBe(true);
    expect(push(c2s(102, F.ACK, undefined, 902))).toBe(0);
    expect(push(s2c(902, F.ACK | F.PSH, text('late'), 102))).toBe(0);
    expect(push(c2s(102, F.RST))).toBe(0);
    expect(tcp.stats.packetsAfterClose).toBe(3);
    expect(rec.get(0).afterComplete).toBe(0);
  });

  it('SYN after close with the SAME ISN keeps the old id (Wireshark 4.0: a retransmitted SYN)', () => {
    const { push } = setup();
    handshake(push, 100, 900);
    push(c2s(101, F.FIN | F.ACK, undefined, 901));
    push(s2c(901, F.FIN | F.ACK, undefined, 102));
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(push(c2s(101, F.SYN))).toBe(1);
  });

  it('SYN/ACK with another ISN stays in the connection; a SYN is compared with its own direction', () => {
    const { push } = setup();
    handshake(push, 100, 900);
    expect(push(s2c(5555, F.SYN | F.ACK, undefined, 101))).toBe(0);
    // The server opening a connection back to the client on the same ports: its base_seq is
    // 5555 now (rebased by the SYN/ACK), so a pure SYN with 5555 stays, another ISN is new.
    expect(push(s2c(5555, F.SYN))).toBe(0);
    expect(push(s2c(6000, F.SYN))).toBe(1);
  });

  it('mid-connection start: base_seq comes from seq-1 / ack-1, a later SYN with another ISN is new', () => {
    const { push } = setup();
    expect(push(s2c(30000, F.ACK | F.PSH, text('server first'), 20000))).toBe(0);
    // The client's base_seq is 19999 (ack - 1): a SYN with exactly that seq is "the same SYN".
    expect(push(c2s(19999, F.SYN))).toBe(0);
    expect(push(c2s(40000, F.SYN))).toBe(1);
  });

  it('SYN/ACK before SYN (same ISN): one connection, the SYN/ACK receiver is the client', () => {
    const { push, rec } = setup();
    expect(push(s2c(900, F.SYN | F.ACK, undefined, 101))).toBe(0);
    expect(push(c2s(100, F.SYN))).toBe(0);
    expect(push(c2s(101, F.ACK | F.PSH, text('hi'), 901))).toBe(0);
    const r = rec.get(0);
    expect(r.conn.endpoints[0]).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(r.conn.endpoints[1]).toEqual({ ip: '10.0.0.2', port: 443 });
    expect(sideView(r, 0).bytes).toEqual(text('hi'));
  });
});

describe('client side', () => {
  it('the SYN sender is side 0 and synSeen is set', () => {
    const { push, rec } = setup();
    push(s2c(5, F.SYN));
    const c = rec.get(0).conn;
    expect(c.endpoints[0]).toEqual({ ip: '10.0.0.2', port: 443 });
    expect(c.synSeen).toBe(true);
  });

  it('without SYN or SYN/ACK the first sender is side 0 and synSeen is false', () => {
    const { push, rec } = setup();
    push(s2c(5, F.ACK | F.PSH, text('x'), 9));
    const c = rec.get(0).conn;
    expect(c.endpoints[0]).toEqual({ ip: '10.0.0.2', port: 443 });
    expect(c.synSeen).toBe(false);
  });

  it('only a SYN/ACK: its receiver is the client, synSeen false', () => {
    const { push, rec } = setup();
    push(s2c(5, F.SYN | F.ACK, undefined, 9));
    const c = rec.get(0).conn;
    expect(c.endpoints[0]).toEqual({ ip: '10.0.0.1', port: 40000 });
    expect(c.synSeen).toBe(false);
  });

  it('IPv6 endpoints are formatted per RFC 5952', () => {
    const { push, rec } = setup();
    const v6a = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const v6b = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x2a];
    push(segment({ src: v6a, dst: v6b, seq: 1, flags: F.SYN }));
    expect(rec.get(0).conn.endpoints.map((e) => e.ip)).toEqual(['2001:db8::1', '2001:db8:0:1::2a']);
  });
});

describe('close linger (Wireshark counts the last ACKs in the same stream)', () => {
  it('packets within closeLingerSec after both FINs are counted in the connection, later ones are not', () => {
    const rec = new Recorder();
    const tcp = new TcpReassembler(rec.factory, { closeLingerSec: 1 });
    let frame = 0;
    const push = (seg: ReturnType<typeof c2s>, ts: number) => tcp.push({ frame: ++frame, tsSec: ts, tsNsec: 0 }, seg);
    push(c2s(100, F.SYN), 1000);
    push(s2c(500, F.SYN | F.ACK, undefined, 101), 1000);
    push(c2s(101, F.ACK, undefined, 501), 1000);
    push(c2s(101, F.FIN | F.ACK, undefined, 501), 1000);
    push(s2c(501, F.FIN | F.ACK, undefined, 102), 1000);
    expect(rec.order[0].completed).toBe(false); // lingering
    push(c2s(102, F.ACK, undefined, 502), 1000); // the last ACK: still this connection
    push(c2s(102, F.ACK, undefined, 502), 1003); // after the linger: completes first
    expect(rec.order[0].completed).toBe(true);
    expect(rec.order.length).toBe(1);
    const conn = rec.order[0].conn;
    expect(conn.stats[0].packets + conn.stats[1].packets).toBe(6);
    expect(conn.lastFrame).toBe(6); // frame 7 came after the linger: a late packet, not counted
    expect(conn.closeReason).toBe('fin');
  });
});

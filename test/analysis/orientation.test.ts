/**
 * The order of evidence for "who is the client" (src/analysis/orientation.ts): Hellos, then the
 * SYN, then — labelled guesses — a port seen listening, a well-known port, the lower port.
 * Real-capture cases are in midstream.test.ts; here each rule alone.
 */
import { describe, expect, it } from 'vitest';
import { ListenerSet, orient } from '../../src/analysis/orientation.js';
import { newTlsFacts } from '../../src/tls/facts.js';
import type { TcpConnection } from '../../src/tcp/types.js';

function conn(a: number, b: number, syn = false): TcpConnection {
  const stats = { packets: 1, bytes: 0, retransmissions: 0, conflictingBytes: 0, gaps: 0, gapBytes: 0, maxBuffered: 0 };
  return {
    id: 0,
    endpoints: [{ ip: '10.0.0.1', port: a }, { ip: '10.0.0.2', port: b }],
    synSeen: syn,
    firstFrame: 1, lastFrame: 1, firstTsSec: 0, firstTsNsec: 0, lastTsSec: 0, lastTsNsec: 0,
    stats: [{ ...stats }, { ...stats }],
    finFrame: [0, 0], rstFrame: [0, 0], warnings: [], warningsDropped: 0,
  };
}

describe('orientation', () => {
  it('a ClientHello or ServerHello wins over everything, and is a fact', () => {
    const f = newTlsFacts();
    f.clientSide = 1;
    f.clientSideBy = 'client-hello';
    expect(orient(conn(443, 50000, true), f)).toEqual({ clientSide: 1, model: { basis: 'client-hello', inferred: false } });
    f.clientSideBy = 'server-hello';
    expect(orient(conn(443, 50000), f)).toMatchObject({ clientSide: 1, model: { basis: 'server-hello', inferred: false } });
  });

  it('a SYN (or SYN/ACK) keeps side 0 as the client, as a fact', () => {
    expect(orient(conn(50000, 443, true), newTlsFacts())).toEqual({ clientSide: 0, model: { basis: 'syn', inferred: false } });
    const c = conn(50000, 443);
    c.synAckSeen = true;
    expect(orient(c, null).model).toEqual({ basis: 'syn', inferred: false });
  });

  it('without them: a port seen listening beats the well-known rule, which beats the lower port', () => {
    const l = new ListenerSet();
    l.add({ ip: '10.0.0.1', port: 8443 });
    // side 0 (first sender) is 10.0.0.1:8443, seen accepting connections -> side 1 is the client
    expect(orient(conn(8443, 443), null, l)).toMatchObject({ clientSide: 1, model: { basis: 'listening-port', inferred: true } });
    expect(orient(conn(8443, 443), null)).toMatchObject({ clientSide: 0, model: { basis: 'well-known-port', inferred: true } });
    expect(orient(conn(40000, 8443), null)).toMatchObject({ clientSide: 0, model: { basis: 'lower-port', inferred: true } });
    expect(orient(conn(8443, 40000), null)).toMatchObject({ clientSide: 1, model: { basis: 'lower-port', inferred: true } });
    expect(orient(conn(7000, 7000), null)).toMatchObject({ clientSide: 0, model: { basis: 'first-packet', inferred: true } });
  });

  it('the listener memory is bounded (oldest forgotten first)', () => {
    const l = new ListenerSet(2);
    l.add({ ip: 'a', port: 1 });
    l.add({ ip: 'b', port: 2 });
    l.add({ ip: 'c', port: 3 });
    expect([l.has({ ip: 'a', port: 1 }), l.has({ ip: 'b', port: 2 }), l.has({ ip: 'c', port: 3 })]).toEqual([false, true, true]);
  });
});

import { describe, expect, it } from 'vitest';
import { emptyListReason } from '../../src/tui/view-model/empty-reason.js';

describe('why the connection list is empty', () => {
  it('UDP only: no TLS over TCP, the UDP packets named (QUIC?)', () => {
    expect(emptyListReason({ frames: 412, tcpConnections: 0, tlsConnections: 0, skipped: [{ label: 'UDP', count: 412 }], all: false })).toBe(
      'no TLS over TCP; 412 UDP packets (QUIC?) skipped',
    );
  });

  it('TCP without TLS: says so and that --all lists it', () => {
    expect(
      emptyListReason({ frames: 500, tcpConnections: 3, tlsConnections: 0, skipped: [{ label: 'UDP', count: 412 }, { label: 'ARP', count: 2 }], all: false }),
    ).toBe('no TLS over TCP (3 TCP connections without TLS); 412 UDP packets (QUIC?) skipped; 2 ARP skipped; --all lists non-TLS TCP');
    expect(emptyListReason({ frames: 9, tcpConnections: 1, tlsConnections: 0, skipped: [], all: true })).toBe('no TLS over TCP (1 TCP connection without TLS)');
  });

  it('TLS connections all filtered out on the command line; an empty capture', () => {
    expect(emptyListReason({ frames: 86, tcpConnections: 6, tlsConnections: 6, skipped: [], all: false })).toBe('6 TLS connections, none matches the command-line filters');
    expect(emptyListReason({ frames: 0, tcpConnections: 0, tlsConnections: 0, skipped: [], all: false })).toBe('the capture holds no packets');
  });
});

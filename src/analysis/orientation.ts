/**
 * Who is the client? Decided from evidence, strongest first:
 * 1. the TLS Hellos: the ClientHello's sender, or the side the ServerHello went to (tls stage);
 * 2. the TCP SYN (the SYN's sender, the SYN/ACK's receiver; src/tcp side 0);
 * and only when neither was captured (the capture started mid-connection), a guess, labelled so:
 * 3. a port seen accepting connections (as the server of a SYN- or Hello-oriented connection) on
 *    the same address earlier in this capture;
 * 4. a well-known port (< 1024) against an ephemeral one;
 * 5. the lower port.
 * Without any of these, side 0 (the first packet's sender) stays the client, also labelled a guess.
 */
import type { Endpoint, Side, TcpConnection } from '../tcp/types.js';
import type { TlsFacts } from '../tls/events.js';
import type { OrientationModel } from './model.js';

/** Servers (address|port) seen accepting connections, bounded (oldest forgotten first). */
export class ListenerSet {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 10_000) {}

  add(ep: Endpoint): void {
    const k = key(ep);
    if (this.seen.has(k)) return;
    if (this.seen.size >= this.max) {
      const first = this.seen.values().next();
      if (!first.done) this.seen.delete(first.value);
    }
    this.seen.add(k);
  }

  has(ep: Endpoint): boolean {
    return this.seen.has(key(ep));
  }
}

function key(ep: Endpoint): string {
  return `${ep.ip}|${ep.port}`;
}

export interface Orientation {
  clientSide: Side;
  model: OrientationModel;
}

function guess(side: Side, basis: OrientationModel['basis'], reason: string): Orientation {
  return { clientSide: side, model: { basis, inferred: true, reason } };
}

export function orient(conn: TcpConnection, facts: TlsFacts | null, listeners?: ListenerSet): Orientation {
  if (facts?.clientSideBy === 'client-hello') {
    return { clientSide: facts.clientSide, model: { basis: 'client-hello', inferred: false } };
  }
  if (facts?.clientSideBy === 'server-hello') {
    return {
      clientSide: facts.clientSide,
      model: { basis: 'server-hello', inferred: false, reason: 'the ClientHello was not captured; the client is the side the ServerHello was sent to' },
    };
  }
  if (conn.synSeen || conn.synAckSeen) return { clientSide: 0, model: { basis: 'syn', inferred: false } };
  const [a, b] = conn.endpoints;
  const head = 'neither the TCP handshake nor a TLS Hello was captured';
  const la = listeners?.has(a) ?? false;
  const lb = listeners?.has(b) ?? false;
  if (la !== lb) {
    const server = la ? a : b;
    return guess(la ? 1 : 0, 'listening-port', `${head}; ${server.ip} port ${server.port} accepted other connections in this capture, so it is taken as the server.`);
  }
  const wa = a.port < 1024;
  const wb = b.port < 1024;
  if (wa !== wb) {
    const server = wa ? a : b;
    return guess(wa ? 1 : 0, 'well-known-port', `${head}; port ${server.port} is a well-known (< 1024) port, so ${server.ip}:${server.port} is taken as the server.`);
  }
  if (a.port !== b.port) {
    const server = a.port < b.port ? a : b;
    return guess(a.port < b.port ? 1 : 0, 'lower-port', `${head}; the lower port (${server.port}) is taken as the server's — a guess: clients normally use higher, ephemeral ports.`);
  }
  return guess(0, 'first-packet', `${head}; the sender of the first captured packet is taken as the client — a guess.`);
}

/**
 * Why the connection list is empty once the capture is read, from the pipeline's counts: e.g.
 * "no TLS over TCP; 412 UDP packets (QUIC?) skipped; --all lists non-TLS TCP".
 */

export interface LoadFacts {
  /** Frames read. */
  frames: number;
  /** TCP connections seen (TLS or not). */
  tcpConnections: number;
  tlsConnections: number;
  /** Frames skipped before TCP, by what they were (NetStats.skipped(): label "UDP", "ARP" ...). */
  skipped: ReadonlyArray<{ label: string; count: number }>;
  /** --all given (non-TLS TCP connections are listed). */
  all: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function emptyListReason(f: LoadFacts): string {
  if (f.frames === 0) return 'the capture holds no packets';
  const parts: string[] = [];
  if (f.tlsConnections > 0) parts.push(`${plural(f.tlsConnections, 'TLS connection')}, none matches the command-line filters`);
  else if (f.tcpConnections > 0) parts.push(`no TLS over TCP (${plural(f.tcpConnections, 'TCP connection')} without TLS)`);
  else parts.push('no TLS over TCP');
  for (const s of f.skipped.slice(0, 3)) {
    parts.push(s.label === 'UDP' ? `${plural(s.count, 'UDP packet')} (QUIC?) skipped` : `${s.count.toLocaleString('en-US')} ${s.label} skipped`);
  }
  if (!f.all && f.tlsConnections === 0 && f.tcpConnections > 0) parts.push('--all lists non-TLS TCP');
  return parts.join('; ');
}

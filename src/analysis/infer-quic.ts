/**
 * TLS 1.3 inside QUIC without keys: what the sizes and order of the protected Handshake packets
 * say about the client certificate and a rejection. Every conclusion is labelled `inferred` with
 * its reasoning; the result has the shape of the TLS-over-TCP inference so the same
 * client-certificate answer and diagnoses apply.
 *
 * Sizes: a Handshake packet's protected part is packet number (1-4 bytes) + frames + the 16-byte
 * AEAD tag (RFC 9001 §5.3). A client packet that carries only its CRYPTO frame (type, offset and
 * length varints: 3 bytes for a small flight) with a 1-byte packet number holds len - 20 bytes of
 * TLS messages: Finished is 4 + Hash.length, an EMPTY Certificate 8 more. A server that accepted
 * the client's Finished discards its Handshake keys (RFC 9001 §4.9.2): small server Handshake
 * packets after the client's flight are most likely CONNECTION_CLOSE.
 */
import type { EventModel } from './model.js';
import type { Tls13Inference } from './infer-tls13.js';

/** Packets this small carry an ACK or a CONNECTION_CLOSE, no TLS message. */
const SMALL = 40;
/** Packet number (assumed 1 byte) + CRYPTO frame header (3) + AEAD tag (16). */
const OVERHEAD = 20;

function label(e: EventModel, type: string, reason: string): void {
  e.type = type;
  e.visibility = 'inferred';
  e.reason = reason;
}

export function inferQuic(events: EventModel[], cipherSuite: string | undefined, serverOneRtt: number): Tls13Inference {
  const hashLen = cipherSuite?.includes('SHA384') ? 48 : 32;
  const fin = 4 + hashLen;
  const res: Tls13Inference = { continued: false, reasons: [] };
  const hs = events.filter((e) => e.kind === 'encrypted' && e.type === undefined && (e.details as { quicPacket?: string } | undefined)?.quicPacket === 'Handshake');
  const firstClient = hs.findIndex((e) => e.direction === 'client->server' && (e.length ?? 0) > SMALL);
  const server = hs.slice(0, firstClient < 0 ? hs.length : firstClient).filter((e) => e.direction === 'server->client');
  if (server.length > 0) {
    const total = server.reduce((n, e) => n + (e.length ?? 0), 0);
    res.reasons.push(`the server's Handshake packets (${total} bytes) carry EncryptedExtensions to Finished in CRYPTO frames: a CertificateRequest is not visible from their sizes`);
  }
  if (firstClient < 0) {
    if (server.length > 0) res.reasons.push('the client sent no Handshake data after the server\'s flight (acknowledgements at most)');
    return res;
  }
  const rest = hs.slice(firstClient);
  const flight: EventModel[] = [];
  for (const e of rest) {
    if (e.direction !== 'client->server') break;
    if ((e.length ?? 0) > SMALL) flight.push(e);
  }
  const content = flight.reduce((n, e) => n + (e.length ?? 0) - OVERHEAD, 0);
  const big = flight.reduce((a, e) => ((e.length ?? 0) > (a.length ?? 0) ? e : a), flight[0]!);
  const sizes = flight.map((e) => e.length).join(', ');
  const what = `client's Handshake flight: ${flight.length} packet${flight.length > 1 ? 's' : ''} of ${sizes} bytes, about ${content} bytes of TLS messages (assuming a 1-byte packet number and only CRYPTO frames)`;
  if (content > fin + 150) {
    label(big, 'Certificate', `${what}: too large for Finished alone — Certificate + CertificateVerify + Finished`);
    Object.assign(res, { clientCert: 'sent', certEvent: big, requested: true });
    res.reasons.push(`${what}: Certificate + CertificateVerify + Finished`);
  } else if (Math.abs(content - (fin + 8)) <= 1) {
    label(big, 'Certificate', `${what}: exactly an EMPTY Certificate (8) + Finished (${fin})`);
    Object.assign(res, { clientCert: 'empty', certEvent: big, requested: true });
    res.reasons.push(`${what}: an EMPTY Certificate + Finished`);
  } else if (Math.abs(content - fin) <= 1) {
    label(big, 'Finished', `${what}: Finished (${fin}) alone, no Certificate`);
    Object.assign(res, { clientCert: 'none', requested: false });
    res.reasons.push(`${what}: Finished alone — no Certificate`);
  } else {
    res.reasons.push(`${what}: not a size we can name`);
  }
  const after = rest.filter((e) => e.direction === 'server->client');
  if (after.length > 0 && after.every((e) => (e.length ?? 0) <= SMALL)) {
    const why = `after the client's flight the server sent ${after.length} small Handshake packet${after.length > 1 ? 's' : ''} (${after.map((e) => e.length).join(', ')} bytes); a server that accepted the client's Finished would have discarded its Handshake keys (RFC 9001 §4.9.2): most likely a CONNECTION_CLOSE carrying a TLS alert`;
    label(after[0]!, 'Alert', why);
    res.alertEvent = after[0];
    res.reasons.push(why);
  } else if (after.length === 0 && serverOneRtt > 0) {
    res.continued = true;
    res.reasons.push(`no server Handshake packet after the client's flight and ${serverOneRtt} 1-RTT packets from the server: handshake accepted`);
  }
  return res;
}

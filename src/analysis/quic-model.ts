/**
 * The `quic` block of a ConnectionModel (TLS carried in QUIC, src/quic): version, Version
 * Negotiation and Retry, packets per type and direction, and the CONNECTION_CLOSE frames with
 * their error names (RFC 9000 §20; crypto errors name the TLS alert, RFC 9001 §4.8; HTTP/3
 * application errors RFC 9114 §8.1).
 */
import type { Side } from '../tcp/types.js';
import type { QuicFacts } from '../tls/events.js';
import type { Direction, QuicModel } from './model.js';
import { alertDescriptionName } from './names.js';

const TRANSPORT_ERRORS = [
  'NO_ERROR', 'INTERNAL_ERROR', 'CONNECTION_REFUSED', 'FLOW_CONTROL_ERROR', 'STREAM_LIMIT_ERROR',
  'STREAM_STATE_ERROR', 'FINAL_SIZE_ERROR', 'FRAME_ENCODING_ERROR', 'TRANSPORT_PARAMETER_ERROR',
  'CONNECTION_ID_LIMIT_ERROR', 'PROTOCOL_VIOLATION', 'INVALID_TOKEN', 'APPLICATION_ERROR',
  'CRYPTO_BUFFER_EXCEEDED', 'KEY_UPDATE_ERROR', 'AEAD_LIMIT_REACHED', 'NO_VIABLE_PATH',
];

const H3_ERRORS = [
  'H3_NO_ERROR', 'H3_GENERAL_PROTOCOL_ERROR', 'H3_INTERNAL_ERROR', 'H3_STREAM_CREATION_ERROR',
  'H3_CLOSED_CRITICAL_STREAM', 'H3_FRAME_UNEXPECTED', 'H3_FRAME_ERROR', 'H3_EXCESSIVE_LOAD', 'H3_ID_ERROR',
  'H3_SETTINGS_ERROR', 'H3_MISSING_SETTINGS', 'H3_REQUEST_REJECTED', 'H3_REQUEST_CANCELLED',
  'H3_REQUEST_INCOMPLETE', 'H3_MESSAGE_ERROR', 'H3_CONNECT_ERROR', 'H3_VERSION_FALLBACK',
];

export function hex(v: number, width: number): string {
  return `0x${v.toString(16).padStart(width, '0')}`;
}

/** Name of a CONNECTION_CLOSE error code. */
export function quicErrorName(code: number, application: boolean, alpn: string | undefined): string {
  if (application) {
    if (alpn === 'h3' && code >= 0x100 && code < 0x100 + H3_ERRORS.length) return H3_ERRORS[code - 0x100]!;
    return `application error ${hex(code, 4)}`;
  }
  if (code < TRANSPORT_ERRORS.length) return TRANSPORT_ERRORS[code]!;
  if (code >= 0x100 && code <= 0x1ff) return `CRYPTO_ERROR (TLS alert ${alertDescriptionName(code - 0x100)})`;
  return `transport error ${hex(code, 4)}`;
}

export function quicModel(q: QuicFacts, cs: Side, alpn: string | undefined): QuicModel {
  const dir = (s: Side): Direction => (s === cs ? 'client->server' : 'server->client');
  const ss: Side = cs === 0 ? 1 : 0;
  const packets: QuicModel['packets'] = {};
  for (const [type, n] of Object.entries(q.packets)) packets[type] = { clientToServer: n[cs], serverToClient: n[ss] };
  const m: QuicModel = {
    udpStream: q.udpStream,
    version: q.versionName,
    versionNumber: hex(q.version, 8),
    originalDcid: q.originalDcid,
    packets,
    undecrypted: { clientToServer: q.undecrypted[cs], serverToClient: q.undecrypted[ss] },
    closes: q.closes.map((c) => ({
      frame: c.frame,
      direction: dir(c.side),
      packetType: c.packetType,
      packetNumber: c.packetNumber,
      errorCode: hex(c.errorCode, 4),
      error: quicErrorName(c.errorCode, c.application, alpn),
      application: c.application,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
    })),
  };
  if (q.versionNegotiation) m.versionNegotiation = { frame: q.versionNegotiation.frame, versions: q.versionNegotiation.versions.map((v) => hex(v, 8)) };
  if (q.retry) m.retry = { ...q.retry };
  return m;
}

/** Building TlsEvents for whole records (alerts, CCS, encrypted records, SSL 2.0 messages). */
import type { Side } from '../tcp/types.js';
import type { TlsEvent } from './events.js';
import type { RecordInfo } from './record-reader.js';

export function recordEvent(
  side: Side,
  info: RecordInfo,
  kind: TlsEvent['kind'],
  vis: TlsEvent['visibility'],
  keepBytes: boolean,
  header?: Uint8Array,
  body?: Uint8Array,
): TlsEvent {
  const ev: TlsEvent = {
    side,
    kind,
    visibility: vis,
    frame: info.frame,
    frames: info.frames,
    tsSec: info.tsSec,
    tsNsec: info.tsNsec,
    streamOffset: info.streamOffset,
    recordIndex: info.index,
    length: info.length,
  };
  if (keepBytes && header && body) {
    const rec = new Uint8Array(header.length + body.length);
    rec.set(header);
    rec.set(body, header.length);
    ev.record = rec;
    ev.raw = rec;
    ev.rawOffset = 0;
  }
  return ev;
}

/** Alert events of one alert record (normally one alert; a record may hold several). */
export function alertEvents(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array, vis: 'plaintext' | 'decrypted', keepBytes: boolean): TlsEvent[] {
  const out: TlsEvent[] = [];
  for (let i = 0; i + 1 < body.length && i < 16; i += 2) {
    const ev = recordEvent(side, info, 'alert', vis, keepBytes, header, body);
    ev.alertLevel = body[i];
    ev.alertCode = body[i + 1];
    ev.length = 2;
    out.push(ev);
  }
  return out;
}

/** An alert record's body reads as plaintext alerts: 1..8 pairs of (level 1 or 2, description).
 * Ciphertext (an alert sent after a key change we did not see) almost never does: an AEAD or
 * CBC-protected alert is at least 18 bytes and its bytes are random. */
export function plausibleAlerts(body: Uint8Array): boolean {
  if (body.length < 2 || body.length % 2 !== 0 || body.length > 16) return false;
  for (let i = 0; i < body.length; i += 2) if (body[i] !== 1 && body[i] !== 2) return false;
  return true;
}

/** An alert record whose content is encrypted: its type (21) is visible, its level and
 * description are not. */
export function encryptedAlertEvent(side: Side, info: RecordInfo, header: Uint8Array, body: Uint8Array, keepBytes: boolean): TlsEvent {
  const ev = recordEvent(side, info, 'encrypted', 'plaintext', keepBytes, header, body);
  ev.type = 'Alert';
  ev.reason = `encrypted alert: the record type (21) is visible, but its ${body.length} bytes are not level + description pairs — it was sent after a key change the capture does not show`;
  return ev;
}

export function heartbeatType(body: Uint8Array): string {
  if (body.length === 0) return 'heartbeat';
  return body[0] === 1 ? 'heartbeat_request' : body[0] === 2 ? 'heartbeat_response' : 'heartbeat';
}

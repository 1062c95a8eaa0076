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

export function heartbeatType(body: Uint8Array): string {
  if (body.length === 0) return 'heartbeat';
  return body[0] === 1 ? 'heartbeat_request' : body[0] === 2 ? 'heartbeat_response' : 'heartbeat';
}

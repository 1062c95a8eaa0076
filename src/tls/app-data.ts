/**
 * Decrypted application data: a cheap, bounded look at what the first records of each direction
 * carry — the first line of HTTP/1.x, the HTTP/2 connection preface and frame types (GOAWAY's
 * error code, a response's :status when HPACK sends it as a static-table index), the HTML <title>
 * of an error page (nginx names the client-certificate failure there). Only the first
 * APP_EVENTS_PER_SIDE decrypted records of a direction are looked at, and only their first
 * APP_PEEK_BYTES bytes; nothing is copied except the short strings reported.
 */
import type { Side } from '../tcp/types.js';
import type { AppDataInfo, TlsEvent } from './events.js';
import type { RecordInfo } from './record-reader.js';
import { recordEvent } from './record-events.js';

export type { AppDataInfo };

export const APP_EVENTS_PER_SIDE = 4;
export const APP_PEEK_BYTES = 1024;
const MAX_LINE = 200;
const MAX_TITLE = 120;
const MAX_H2_FRAMES = 16;


/** Per direction: how many records were looked at, and HTTP/2 framing across records. */
export class AppDataState {
  events = 0;
  /** This direction speaks HTTP/2 (preface seen, or ALPN h2). */
  h2 = false;
  /** Bytes of an HTTP/2 frame that continue into the next record (-1: framing lost). */
  h2Carry = 0;
}

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const H2_TYPES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];
const H2_ERRORS = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
];
/** HPACK static table (RFC 7541 Appendix A) indexes 8-14: :status values. */
const HPACK_STATUS: Record<number, number> = { 8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500 };
const RESPONSE_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: |$)/;
const REQUEST_LINE = /^[A-Z][A-Z-]{2,15} \S{1,190} HTTP\/1\.[01]$/;

/** The printable-ASCII line at the start of `b` (up to CR/LF), or null when it has other bytes. */
function firstLine(b: Uint8Array, n: number): string | null {
  let s = '';
  for (let i = 0; i < n && i < MAX_LINE; i++) {
    const c = b[i];
    if (c === 13 || c === 10) return s;
    if (c < 0x20 || c > 0x7e) return null;
    s += String.fromCharCode(c);
  }
  return s.length >= MAX_LINE || n === b.length ? s : null;
}

function indexOfAscii(b: Uint8Array, n: number, needle: string, from: number): number {
  const first = needle.charCodeAt(0);
  outer: for (let i = from; i + needle.length <= n; i++) {
    if (b[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if ((b[i + j] | 0x20) !== needle.charCodeAt(j)) continue outer;
    return i;
  }
  return -1;
}

function htmlTitle(b: Uint8Array, n: number): string | undefined {
  const open = indexOfAscii(b, n, '<title>', 0);
  if (open < 0) return undefined;
  const start = open + 7;
  const end = indexOfAscii(b, n, '</title>', start);
  if (end < 0 || end - start > MAX_TITLE) return undefined;
  let s = '';
  for (let i = start; i < end; i++) s += b[i] >= 0x20 && b[i] <= 0x7e ? String.fromCharCode(b[i]) : ' ';
  s = s.replace(/\s+/g, ' ').trim();
  return s || undefined;
}

function startsWith(b: Uint8Array, ascii: string): boolean {
  if (b.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** HTTP/2 frames of one record: headers are walked over the whole record (no copy), payloads
 * are read only within the first APP_PEEK_BYTES. */
function h2Frames(st: AppDataState, b: Uint8Array, start: number, info: AppDataInfo): void {
  const n = Math.min(b.length, APP_PEEK_BYTES);
  let at = start + st.h2Carry;
  st.h2Carry = 0;
  const frames: string[] = [];
  while (at + 9 <= b.length && frames.length < MAX_H2_FRAMES) {
    const len = (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
    const type = b[at + 3];
    const flags = b[at + 4];
    frames.push(H2_TYPES[type] ?? `frame_type_${type}`);
    const p = at + 9;
    if (type === 7 && len >= 8 && p + 8 <= n) {
      const last = ((b[p] & 0x7f) << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      const code = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
      info.goaway ??= { lastStreamId: last, errorCode: code, error: H2_ERRORS[code] ?? `0x${code.toString(16)}` };
    } else if (type === 0 && info.title === undefined && p < n) {
      const title = htmlTitle(b.subarray(p), Math.min(len, n - p));
      if (title) info.title = title;
    } else if (type === 1 && info.status === undefined) {
      // HEADERS: skip Pad Length (PADDED 0x8) and the priority fields (PRIORITY 0x20)
      const q = p + (flags & 0x8 ? 1 : 0) + (flags & 0x20 ? 5 : 0);
      if (q < p + len && q < n) {
        const s = b[q] & 0x80 ? HPACK_STATUS[b[q] & 0x7f] : undefined;
        if (s !== undefined) info.status = s;
      }
    }
    at = p + len;
  }
  // a payload continuing into the next record is skipped there; a frame header split across
  // records, or more frames than we walk, loses the framing for this direction
  if (at > b.length) st.h2Carry = at - b.length;
  else if (at < b.length) st.h2Carry = -1;
  if (frames.length > 0) info.frames = frames;
}

/** What a decrypted application-data record starts with (bounded look). */
export function inspectAppData(st: AppDataState, b: Uint8Array, alpnH2: boolean): AppDataInfo {
  const info: AppDataInfo = { protocol: 'unknown' };
  const n = Math.min(b.length, APP_PEEK_BYTES);
  if (startsWith(b, PREFACE)) {
    st.h2 = true;
    info.protocol = 'http2';
    info.preface = true;
    h2Frames(st, b, PREFACE.length, info);
    return info;
  }
  if (st.h2 || (alpnH2 && st.events === 0)) {
    st.h2 = true;
    if (st.h2Carry < 0) return info;
    info.protocol = 'http2';
    h2Frames(st, b, 0, info);
    return info;
  }
  const line = firstLine(b, n);
  if (line === null) return info;
  const resp = RESPONSE_LINE.exec(line);
  if (resp) {
    info.protocol = 'http/1.x';
    info.firstLine = line;
    info.status = Number(resp[1]);
    const title = htmlTitle(b, n);
    if (title) info.title = title;
  } else if (REQUEST_LINE.test(line)) {
    info.protocol = 'http/1.x';
    info.firstLine = line;
  }
  return info;
}

/** The event of a decrypted application-data record, or null once the direction's budget is spent
 * (the record is still counted in facts.appData by the caller). */
export function appDataEvent(
  st: AppDataState,
  side: Side,
  rec: RecordInfo,
  plaintext: Uint8Array,
  alpnH2: boolean,
  keepBytes: boolean,
  header: Uint8Array,
  body: Uint8Array,
): TlsEvent | null {
  if (st.events >= APP_EVENTS_PER_SIDE) return null;
  const app = inspectAppData(st, plaintext, alpnH2);
  st.events++;
  const ev = recordEvent(side, rec, 'encrypted', 'decrypted', keepBytes, header, body);
  ev.type = 'ApplicationData';
  ev.length = plaintext.length;
  ev.app = app;
  return ev;
}

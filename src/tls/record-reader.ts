/**
 * TLS record framing for one direction of a reassembled TCP stream (Zeek's first parser: records
 * only; handshake messages are put back together by a separate assembler).
 *
 * Input: in-order chunks (views valid during the call) and gaps. Output: complete records as views
 * (a copy only when a record spans chunks), or "skipped" notices for records the consumer does not
 * need (application data), which are skipped by length without buffering a byte.
 *
 * Every length is checked: an over-long or implausible header is a warning, then the reader
 * resynchronises on the next plausible record header (also after a gap).
 */
import type { WarningCode } from '../warning-codes.js';

export const CONTENT_CCS = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPDATA = 23;
export const CONTENT_HEARTBEAT = 24;

/** RFC 8446 §5.2: ciphertext may be 2^14 + 256; RFC 5246 §6.2.3 allows 2^14 + 2048. */
export const MAX_RECORD_LENGTH = 16384 + 2048;

export interface RecordInfo {
  /** 0-based index of the record in this direction. */
  index: number;
  contentType: number;
  version: number;
  /** Length of the record body. */
  length: number;
  /** Stream offset of the record header. */
  streamOffset: number;
  /** Frame that carried the first header byte. */
  firstFrame: number;
  /** Frame that completed the record. */
  frame: number;
  /** Every frame that carried bytes of the record (in order, no repeats), capped. */
  frames: number[];
  tsSec: number;
  tsNsec: number;
  /** SSLv2-format record (only the first record of a stream can be one). */
  sslv2: boolean;
}

export interface RecordConsumer {
  /** Should the body of this record be delivered? false = skip by length (no copy). */
  wantBody(contentType: number, length: number, index: number): boolean;
  /** A complete record; `body` (and the 5-byte `header`) are views valid during the call only. */
  record(info: RecordInfo, header: Uint8Array, body: Uint8Array): void;
  /** A record whose body was skipped (after its last byte arrived). */
  skipped(info: RecordInfo): void;
  /** Something odd in the framing (bytes are being skipped to resynchronise, etc.). */
  warning(code: WarningCode, message: string, frame: number, streamOffset: number): void;
}

const MAX_FRAMES_PER_RECORD = 64;

function plausibleHeader(b: Uint8Array, i: number): boolean {
  const type = b[i];
  if (type < CONTENT_CCS || type > CONTENT_HEARTBEAT) return false;
  if (b[i + 1] !== 3 || b[i + 2] > 4) return false;
  const len = (b[i + 3] << 8) | b[i + 4];
  return len > 0 && len <= MAX_RECORD_LENGTH;
}

/** True when `b` starts like an SSLv2-format ClientHello (RFC 6101 appendix E.2). */
export function looksLikeSslv2ClientHello(b: Uint8Array): boolean {
  if (b.length < 5 || (b[0] & 0x80) === 0) return false;
  const len = ((b[0] & 0x7f) << 8) | b[1];
  if (len < 9 || b[2] !== 1) return false;
  const major = b[3];
  const minor = b[4];
  return (major === 0 && minor === 2) || (major === 3 && minor <= 4);
}

/** True when `b` starts like an SSLv2 SERVER-HELLO (2-byte header, type 4, certificate type 1, version 0.2). */
export function looksLikeSslv2ServerHello(b: Uint8Array): boolean {
  if (b.length < 7 || (b[0] & 0x80) === 0) return false;
  const len = ((b[0] & 0x7f) << 8) | b[1];
  return len >= 11 && b[2] === 4 && b[3] <= 1 && b[4] === 1 && b[5] === 0 && b[6] === 2;
}

/** True when `b[i..]` starts like a TLS record header. */
export function looksLikeTlsRecord(b: Uint8Array, i = 0): boolean {
  return b.length - i >= 5 && plausibleHeader(b, i);
}

export class RecordReader {
  private index = 0;
  /** Header bytes gathered so far (when a header spans chunks). */
  private readonly hdr = new Uint8Array(5);
  private hdrLen = 0;
  /** Current record, once its header is known. */
  private cur: RecordInfo | null = null;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  private skipping = false;
  /** Waiting to resynchronise on a plausible header (after a gap or garbage). */
  private resync = false;
  private resyncSkipped = 0;
  private resyncStart = 0;
  private resyncFrame = 0;
  /** The very first record of the stream may be SSLv2. */
  private atStart = true;
  /** The stream speaks SSL 2.0 (2-byte record headers) until a TLS header appears. */
  private sslv2Mode = false;
  private v2HeaderLength = 2;
  records = 0;
  bytes = 0;

  constructor(private readonly consumer: RecordConsumer) {}

  /** Feed in-order bytes. */
  push(bytes: Uint8Array, streamOffset: number, frame: number, tsSec: number, tsNsec: number): void {
    let pos = 0;
    const n = bytes.length;
    this.bytes += n;
    while (pos < n) {
      if (this.resync) {
        const found = this.findHeader(bytes, pos);
        if (found < 0) {
          // keep the last 4 bytes in case a header straddles the chunk boundary: we cannot without
          // a copy, so accept missing a header that straddles exactly here (rare) — count skipped.
          this.resyncSkipped += n - pos;
          return;
        }
        this.resyncSkipped += found - pos;
        this.endResync();
        pos = found;
        continue;
      }
      if (this.cur === null) {
        // gather the 5-byte header
        if (this.hdrLen === 0 && n - pos >= 5) {
          pos = this.startRecord(bytes, pos, streamOffset + pos, frame, tsSec, tsNsec);
          continue;
        }
        while (this.hdrLen < 5 && pos < n) this.hdr[this.hdrLen++] = bytes[pos++];
        if (this.hdrLen < 5) return;
        const hdrStart = streamOffset + pos - 5;
        this.hdrLen = 0;
        this.startRecord(this.hdr, 0, hdrStart, frame, tsSec, tsNsec);
        continue;
      }
      // body
      const cur = this.cur;
      const need = cur.length - this.bodyLen;
      const take = need < n - pos ? need : n - pos;
      if (cur.frames[cur.frames.length - 1] !== frame && cur.frames.length < MAX_FRAMES_PER_RECORD) {
        cur.frames.push(frame);
      }
      if (!this.skipping) {
        if (this.body === null && take === need && this.bodyLen === 0) {
          // whole body inside this chunk: deliver a view, no copy
          cur.frame = frame;
          cur.tsSec = tsSec;
          cur.tsNsec = tsNsec;
          this.deliver(cur, bytes.subarray(pos, pos + take));
          pos += take;
          continue;
        }
        if (this.body === null) this.body = new Uint8Array(cur.length);
        this.body.set(bytes.subarray(pos, pos + take), this.bodyLen);
      }
      this.bodyLen += take;
      pos += take;
      if (this.bodyLen === cur.length) {
        cur.frame = frame;
        cur.tsSec = tsSec;
        cur.tsNsec = tsNsec;
        if (this.skipping) this.finishSkipped(cur);
        else this.deliver(cur, this.body as Uint8Array);
      }
    }
  }

  /** Bytes `streamOffset .. +length` are missing: abandon the current record and resynchronise. */
  gap(streamOffset: number, length: number, frame: number): void {
    this.hdrLen = 0;
    this.cur = null;
    this.body = null;
    this.bodyLen = 0;
    this.skipping = false;
    this.atStart = false;
    if (!this.resync) {
      this.resync = true;
      this.resyncSkipped = 0;
      this.resyncStart = streamOffset + length;
      this.resyncFrame = frame;
    }
  }

  /** Bytes of an unfinished record at the end of the stream (0 when none). */
  pendingBytes(): number {
    if (this.cur) return 5 + this.bodyLen;
    return this.hdrLen;
  }

  private startRecord(b: Uint8Array, i: number, offset: number, frame: number, tsSec: number, tsNsec: number): number {
    const v2Start =
      this.atStart &&
      (b[i] & 0x80) !== 0 &&
      (looksLikeSslv2ClientHello(b.subarray(i, i + 5)) || (b.length - i >= 7 && looksLikeSslv2ServerHello(b.subarray(i, i + 7))));
    if (v2Start || (this.sslv2Mode && !plausibleHeader(b, i))) {
      this.atStart = false;
      this.sslv2Mode = true;
      // SSLv2 record header (RFC 6101 appendix E, SSL 2.0 spec §1.2): 2 bytes with the high bit
      // set, or 3 bytes (the third is the padding length) without it
      const hl = (b[i] & 0x80) !== 0 ? 2 : 3;
      const len = hl === 2 ? ((b[i] & 0x7f) << 8) | b[i + 1] : ((b[i] & 0x3f) << 8) | b[i + 1];
      const prefill = b === this.hdr ? 5 - hl : 0;
      if (len === 0 || len < prefill) {
        this.consumer.warning('sslv2-record-bad-length', `SSLv2 record of length ${len} at stream offset ${offset}; resynchronising`, frame, offset);
        this.resync = true;
        this.resyncSkipped = 0;
        this.resyncStart = offset;
        this.resyncFrame = frame;
        return b === this.hdr ? i : i + 1;
      }
      this.cur = this.newInfo(22, 0x0002, len, offset, frame, tsSec, tsNsec, true);
      this.skipping = false;
      this.v2HeaderLength = hl;
      if (prefill > 0) {
        // the header was gathered across chunks: its last bytes already belong to the body
        this.body = new Uint8Array(len);
        this.body.set(this.hdr.subarray(hl, 5));
        this.bodyLen = prefill;
        if (prefill === len) this.deliver(this.cur, this.body);
        return i;
      }
      this.hdr.set(b.subarray(i, i + hl));
      this.bodyLen = 0;
      this.body = null;
      return i + hl;
    }
    this.atStart = false;
    if (!plausibleHeader(b, i)) {
      const type = b[i];
      const len = (b[i + 3] << 8) | b[i + 4];
      const [code, why]: [WarningCode, string] =
        type < CONTENT_CCS || type > CONTENT_HEARTBEAT
          ? ['tls-record-unknown-content-type', `unknown TLS content type ${type}`]
          : b[i + 1] !== 3 || b[i + 2] > 4
            ? ['tls-record-bad-version', `bad record version 0x${((b[i + 1] << 8) | b[i + 2]).toString(16).padStart(4, '0')}`]
            : len === 0
              ? ['tls-record-zero-length', 'zero-length record']
              : ['tls-record-too-long', `record length ${len} exceeds the maximum ${MAX_RECORD_LENGTH}`];
      this.consumer.warning(code, `${why} at stream offset ${offset}; resynchronising`, frame, offset);
      this.resync = true;
      this.resyncSkipped = 0;
      this.resyncStart = offset;
      this.resyncFrame = frame;
      // skip the first byte of the bad header and search from there
      return b === this.hdr ? i : i + 1;
    }
    const type = b[i];
    const version = (b[i + 1] << 8) | b[i + 2];
    const len = (b[i + 3] << 8) | b[i + 4];
    if (b !== this.hdr) this.hdr.set(b.subarray(i, i + 5));
    this.cur = this.newInfo(type, version, len, offset, frame, tsSec, tsNsec, false);
    this.bodyLen = 0;
    this.body = null;
    this.skipping = !this.consumer.wantBody(type, len, this.index);
    return b === this.hdr ? i : i + 5;
  }

  private newInfo(
    contentType: number,
    version: number,
    length: number,
    streamOffset: number,
    frame: number,
    tsSec: number,
    tsNsec: number,
    sslv2: boolean,
  ): RecordInfo {
    return {
      index: this.index,
      contentType,
      version,
      length,
      streamOffset,
      firstFrame: frame,
      frame,
      frames: [frame],
      tsSec,
      tsNsec,
      sslv2,
    };
  }

  private deliver(info: RecordInfo, body: Uint8Array): void {
    this.resetRecord();
    this.consumer.record(info, info.sslv2 ? this.hdr.subarray(0, this.v2HeaderLength) : this.hdr, body);
  }

  private finishSkipped(info: RecordInfo): void {
    this.resetRecord();
    this.consumer.skipped(info);
  }

  private resetRecord(): void {
    this.cur = null;
    this.body = null;
    this.bodyLen = 0;
    this.skipping = false;
    this.index++;
    this.records++;
  }

  /** First offset >= from in b where a plausible record header starts, else -1. */
  private findHeader(b: Uint8Array, from: number): number {
    const last = b.length - 5;
    for (let i = from; i <= last; i++) {
      const t = b[i];
      if (t >= CONTENT_CCS && t <= CONTENT_HEARTBEAT && b[i + 1] === 3 && plausibleHeader(b, i)) return i;
    }
    return -1;
  }

  private endResync(): void {
    this.resync = false;
    if (this.resyncSkipped > 0) {
      this.consumer.warning(
        'tls-record-resync-skipped',
        `skipped ${this.resyncSkipped} bytes after stream offset ${this.resyncStart} to find the next TLS record header`,
        this.resyncFrame,
        this.resyncStart,
      );
    }
    this.resyncSkipped = 0;
  }
}

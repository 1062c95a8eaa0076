/**
 * Handshake message reassembly for one direction (Zeek's second parser): handshake-type record
 * bodies (plaintext or decrypted) in, complete handshake messages out. Messages may span records
 * and several may share one record. A message is handed out as a view when it sits in one record,
 * else as a copy bounded by `maxMessageSize`.
 */
import type { RecordInfo } from './record-reader.js';
import type { MemoryCharge } from '../tcp/buffer-budget.js';
import { copyBytes } from '../net/bytes.js';
import type { WarningCode } from '../warning-codes.js';

export interface HandshakeFragmentSource {
  record: RecordInfo;
  /** Stream offset of body[0] (record offset + 5 for plaintext; + explicit nonce etc. otherwise). */
  bodyStreamOffset: number;
}

export interface AssembledMessage {
  type: number;
  /** Body length from the 4-byte header. */
  length: number;
  /** Message body without the header (view valid during the callback). */
  body: Uint8Array;
  /** The whole message including its 4-byte header (view valid during the callback). */
  raw: Uint8Array;
  /** Stream offset of the message header's first byte. */
  streamOffset: number;
  /** Record (index in this direction) that carried the first byte. */
  recordIndex: number;
  /** Frame that completed the message. */
  frame: number;
  frames: number[];
  tsSec: number;
  tsNsec: number;
}

export type MessageCallback = (m: AssembledMessage) => void;
export type WarningCallback = (code: WarningCode, message: string, frame: number, streamOffset: number) => void;

const MAX_FRAMES = 64;

export class HandshakeAssembler {
  /** Fragments of the message being assembled (copies); memory follows the bytes received, not
   * the length the header declares. */
  private parts: Uint8Array[] | null = null;
  private have = 0;
  private need = 0;
  /** Header bytes of a message whose header spans records. */
  private readonly hdr = new Uint8Array(4);
  private hdrLen = 0;
  private startOffset = 0;
  private startRecord = 0;
  private frames: number[] = [];
  /** Skipping the rest of an oversized message. */
  private skip = 0;
  /** Bytes of `parts` charged to the global memory budget. */
  private charged = 0;
  messages = 0;
  /** Messages lost: skipped as oversized, or dropped unfinished by a reset (gap, key change). */
  dropped = 0;

  constructor(
    private readonly onMessage: MessageCallback,
    private readonly onWarning: WarningCallback,
    private readonly maxMessageSize = 256 * 1024,
    /** The global memory budget (src/tcp): partial messages count against it. */
    private readonly memory?: MemoryCharge,
  ) {}

  private hold(part: Uint8Array): void {
    this.parts!.push(part);
    this.charged += part.length;
    this.memory?.chargeState(part.length);
  }

  private release(): void {
    if (this.charged === 0) return;
    this.memory?.chargeState(-this.charged);
    this.charged = 0;
  }

  /** True while a message is partially assembled. */
  get pending(): boolean {
    return this.hdrLen > 0 || this.parts !== null || this.skip > 0;
  }

  /** Drop any partial message (after a gap or a key change). */
  reset(): void {
    if (this.pending) this.dropped++;
    this.release();
    this.parts = null;
    this.have = 0;
    this.need = 0;
    this.hdrLen = 0;
    this.skip = 0;
    this.frames = [];
  }

  push(src: HandshakeFragmentSource, body: Uint8Array): void {
    const rec = src.record;
    let pos = 0;
    const n = body.length;
    while (pos < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - pos);
        this.skip -= take;
        pos += take;
        continue;
      }
      if (this.parts !== null) {
        const take = Math.min(this.need - this.have, n - pos);
        this.hold(copyBytes(body, pos, pos + take));
        this.have += take;
        pos += take;
        this.addFrames(rec);
        if (this.have === this.need) this.emitParts(rec);
        continue;
      }
      // a new message header
      if (this.hdrLen === 0 && n - pos >= 4) {
        const len = (body[pos + 1] << 16) | (body[pos + 2] << 8) | body[pos + 3];
        this.startOffset = src.bodyStreamOffset + pos;
        this.startRecord = rec.index;
        this.frames = rec.frames.slice(0, MAX_FRAMES);
        if (n - pos - 4 >= len) {
          // whole message inside this record: a view
          this.emit(body.subarray(pos, pos + 4 + len), rec);
          pos += 4 + len;
          continue;
        }
        if (!this.begin(body[pos], len, rec)) {
          pos += 4; // the body is skipped by `skip`
          continue;
        }
        this.parts = [];
        this.hold(copyBytes(body, pos, n));
        this.have = n - pos;
        pos = n;
        continue;
      }
      if (this.hdrLen === 0) {
        this.startOffset = src.bodyStreamOffset + pos;
        this.startRecord = rec.index;
        this.frames = rec.frames.slice(0, MAX_FRAMES);
      }
      while (this.hdrLen < 4 && pos < n) this.hdr[this.hdrLen++] = body[pos++];
      if (this.hdrLen < 4) return;
      this.hdrLen = 0;
      const len = (this.hdr[1] << 16) | (this.hdr[2] << 8) | this.hdr[3];
      if (!this.begin(this.hdr[0], len, rec)) continue;
      this.parts = [];
      this.hold(this.hdr.slice());
      this.have = 4;
      this.addFrames(rec);
      if (len === 0) this.emitParts(rec);
    }
  }

  /** Checks a message length before buffering; false = the message is being skipped. */
  private begin(type: number, len: number, rec: RecordInfo): boolean {
    if (len > this.maxMessageSize) {
      this.onWarning(
        'tls-handshake-message-too-long',
        `handshake message type ${type} length ${len} exceeds the limit ${this.maxMessageSize}; skipped`,
        rec.frame,
        this.startOffset,
      );
      this.skip = len;
      this.dropped++;
      return false;
    }
    this.need = 4 + len;
    return true;
  }

  private emitParts(rec: RecordInfo): void {
    const parts = this.parts as Uint8Array[];
    this.parts = null;
    this.release();
    const raw = new Uint8Array(this.have);
    let o = 0;
    for (const p of parts) {
      raw.set(p, o);
      o += p.length;
    }
    this.emit(raw, rec);
  }

  private addFrames(rec: RecordInfo): void {
    for (const f of rec.frames) {
      if (this.frames.length >= MAX_FRAMES) break;
      if (this.frames[this.frames.length - 1] !== f) this.frames.push(f);
    }
  }

  private emit(raw: Uint8Array, rec: RecordInfo): void {
    const len = raw.length - 4;
    this.messages++;
    this.onMessage({
      type: raw[0],
      length: len,
      body: raw.subarray(4),
      raw,
      streamOffset: this.startOffset,
      recordIndex: this.startRecord,
      frame: rec.frame,
      frames: this.frames,
      tsSec: rec.tsSec,
      tsNsec: rec.tsNsec,
    });
    this.frames = [];
  }
}

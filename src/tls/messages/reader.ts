/**
 * Bounds-checked big-endian reader over a Uint8Array view. It never throws: a read past the end
 * sets `failed`, records one precise warning ("cipher_suites length 300 exceeds remaining 40 bytes")
 * and returns 0 / an empty view, so decoders can keep the fields decoded so far.
 */
import type { WarningCode } from '../../warning-codes.js';

/**
 * A decode problem. A plain string is a structural one (a length beyond the data, trailing bytes:
 * what this reader records; code `tls-message-malformed`); a value the message's RFC forbids, or a
 * limit hit, carries its own code.
 */
export type DecodeWarning = string | { code: WarningCode; message: string };

/** The words of a decode warning. */
export function decodeWarningText(w: DecodeWarning): string {
  return typeof w === 'string' ? w : w.message;
}

/** The code of a decode warning. */
export function decodeWarningCode(w: DecodeWarning): WarningCode {
  return typeof w === 'string' ? 'tls-message-malformed' : w.code;
}

export class ByteReader {
  readonly buf: Uint8Array;
  offset: number;
  readonly end: number;
  failed = false;
  readonly warnings: DecodeWarning[];

  constructor(buf: Uint8Array, warnings: DecodeWarning[] = [], start = 0, end = buf.length) {
    this.buf = buf;
    this.offset = start;
    this.end = end;
    this.warnings = warnings;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** True when `n` more bytes are available; otherwise warns "<what> needs n bytes, m remain". */
  need(n: number, what: string): boolean {
    if (this.failed) return false;
    if (n <= this.end - this.offset) return true;
    this.fail(`${what} needs ${n} bytes, ${this.end - this.offset} remaining`);
    return false;
  }

  /** Mark the reader failed with a message (only the first failure is recorded). */
  fail(message: DecodeWarning): void {
    if (!this.failed) {
      this.failed = true;
      this.warnings.push(message);
    }
  }

  u8(what: string): number {
    if (!this.need(1, what)) return 0;
    return this.buf[this.offset++];
  }

  u16(what: string): number {
    if (!this.need(2, what)) return 0;
    const b = this.buf;
    const o = this.offset;
    this.offset = o + 2;
    return (b[o] << 8) | b[o + 1];
  }

  u24(what: string): number {
    if (!this.need(3, what)) return 0;
    const b = this.buf;
    const o = this.offset;
    this.offset = o + 3;
    return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
  }

  u32(what: string): number {
    if (!this.need(4, what)) return 0;
    const b = this.buf;
    const o = this.offset;
    this.offset = o + 4;
    return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
  }

  /** A view of the next `n` bytes (no copy); an empty view of the input when they are missing. */
  bytes(n: number, what: string): Uint8Array {
    if (!this.need(n, what)) return this.buf.subarray(this.offset, this.offset);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  skip(n: number, what: string): boolean {
    if (!this.need(n, what)) return false;
    this.offset += n;
    return true;
  }

  /**
   * Read a length prefix of `lenBytes` (1, 2 or 3) and return a view of that many bytes. On a
   * length beyond the data: warns "<what> length L exceeds remaining R bytes" and returns null.
   */
  vector(lenBytes: 1 | 2 | 3, what: string): Uint8Array | null {
    const len = lenBytes === 1 ? this.u8(`${what} length`) : lenBytes === 2 ? this.u16(`${what} length`) : this.u24(`${what} length`);
    if (this.failed) return null;
    if (len > this.end - this.offset) {
      this.fail(`${what} length ${len} exceeds remaining ${this.end - this.offset} bytes`);
      return null;
    }
    const v = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  /** Like vector() but returns a sub-reader sharing this reader's warnings. */
  sub(lenBytes: 1 | 2 | 3, what: string): ByteReader | null {
    const v = this.vector(lenBytes, what);
    return v === null ? null : new ByteReader(v, this.warnings);
  }

  /**
   * Like sub() but tolerant of truncation: when the length exceeds the data, warns
   * "<what> length L exceeds remaining R bytes" and returns a reader over the bytes that are there,
   * so complete items before the cut are still decoded.
   */
  subLenient(lenBytes: 1 | 2 | 3, what: string): ByteReader | null {
    const len = lenBytes === 1 ? this.u8(`${what} length`) : lenBytes === 2 ? this.u16(`${what} length`) : this.u24(`${what} length`);
    if (this.failed) return null;
    let n = len;
    if (len > this.end - this.offset) {
      this.warnings.push(`${what} length ${len} exceeds remaining ${this.end - this.offset} bytes`);
      n = this.end - this.offset;
    }
    const r = new ByteReader(this.buf, this.warnings, this.offset, this.offset + n);
    this.offset += n;
    return r;
  }

  /** Warn when bytes are left over after a structure that should have consumed everything. */
  expectEnd(what: string): void {
    if (!this.failed && this.offset < this.end) {
      this.warnings.push(`${this.end - this.offset} trailing bytes after ${what}`);
    }
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of a (small) byte string. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode wire bytes as text (SNI, ALPN): UTF-8 when the bytes are valid UTF-8 (an IDN typed by a
 * person, a UTF-8 ALPN id), otherwise ASCII with every other byte shown as `\xHH` — never
 * mojibake, never a guess. Control characters are left for the report's sanitizers to escape.
 */
export function toText(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  let s = '';
  if (ascii) {
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      s += b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    }
    return s;
  }
}

/**
 * A bounds-checked reader over one QUIC packet or frame payload: variable-length integers
 * (RFC 9000 §16), fixed-size integers and byte views. A read past the end sets `bad` (with the
 * first reason) and returns 0 / an empty view, so parsers check once per frame, never throw.
 */
const EMPTY = new Uint8Array(0);

export class WireReader {
  pos: number;
  end: number;
  bad = '';

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  reset(start: number, end: number): void {
    this.pos = start;
    this.end = end;
    this.bad = '';
  }

  get left(): number {
    return this.end - this.pos;
  }

  private fail(what: string, need: number): void {
    if (this.bad === '') this.bad = `${what} needs ${need} bytes, ${Math.max(0, this.end - this.pos)} left`;
    this.pos = this.end;
  }

  u8(what = 'byte'): number {
    if (this.pos >= this.end) {
      this.fail(what, 1);
      return 0;
    }
    return this.buf[this.pos++]!;
  }

  u32(what = 'uint32'): number {
    if (this.end - this.pos < 4) {
      this.fail(what, 4);
      return 0;
    }
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A QUIC varint as a JS number (values above 2^53 lose precision; they are only compared). */
  varint(what = 'varint'): number {
    if (this.pos >= this.end) {
      this.fail(what, 1);
      return 0;
    }
    const b = this.buf;
    const first = b[this.pos]!;
    const len = 1 << (first >> 6);
    if (this.end - this.pos < len) {
      this.fail(what, len);
      return 0;
    }
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + b[this.pos + i]!;
    this.pos += len;
    return v;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    if (n < 0 || this.end - this.pos < n) {
      this.fail(what, n);
      return EMPTY;
    }
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'bytes'): void {
    if (n < 0 || this.end - this.pos < n) {
      this.fail(what, n);
      return;
    }
    this.pos += n;
  }
}

/** Lower-case hex of a public value (connection ID): never call it on key material. */
export function cidHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}
